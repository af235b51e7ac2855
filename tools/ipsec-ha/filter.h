/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who owns what: the filters of sa list, policy list and ike list
 * (iproute2-style keywords after "list", all of which must match). They
 * work on what a dump returns: the kernel is asked for the whole table
 * and the tool picks.
 */
#ifndef IPSEC_HA_FILTER_H
#define IPSEC_HA_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attrs.h"
#include "parse.h"

/* The filters given (list_filter.have) or allowed (filter_parse). */
#define FILTER_SPI	0x1u
#define FILTER_PEER	0x2u
#define FILTER_OWNER	0x4u
#define FILTER_ALL	(FILTER_SPI | FILTER_PEER | FILTER_OWNER)

struct list_filter {
	unsigned int have;		/* FILTER_* given */
	uint32_t spi;			/* spi SPI */
	struct ha_group peer;		/* peer ADDR */
	bool owner_local;		/* owner local: this node */
	uint32_t owner;			/* owner NODE */
};

/*
 * Parse the n words of words[] (those after "list") into f: "spi SPI",
 * "peer ADDR", "owner NODE|local", each at most once, keywords as
 * unique abbreviations. Only the filters in allowed are taken. Returns 0,
 * or -1 with the reason in err.
 */
int filter_parse(struct list_filter *f, unsigned int allowed, int n,
		 char **words, char *err, size_t errlen);

/*
 * The attributes of one table the filters look at: attribute
 * ids in its set, 0 for none. An object matches "peer ADDR" when one of
 * its addresses (addr[]) is ADDR, or, with a prefix length attribute
 * (plen[]), covers ADDR.
 */
struct filter_attrs {
	unsigned int owner, local, family, spi;
	unsigned int addr[2], plen[2];
};

extern const struct filter_attrs filter_attrs_sa, filter_attrs_policy,
	filter_attrs_ike;

/*
 * Does the object of v match every filter of f? spis[] (nr_spi of them)
 * are SPIs it has besides a->spi: the CHILD SPIs of an IKE context.
 */
bool filter_match(const struct list_filter *f, const struct filter_attrs *a,
		  const struct attr_vals *v, const uint32_t *spis,
		  unsigned int nr_spi);

#endif
