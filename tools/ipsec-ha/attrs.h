/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The spec's attribute sets as tables indexed by attribute id: names for
 * error messages and for printing, types for validating what the kernel
 * sends. A new attribute is one line here (tests/unit checks the tables
 * against Documentation/netlink/specs/ipsec_ha.yaml).
 */
#ifndef IPSEC_HA_ATTRS_H
#define IPSEC_HA_ATTRS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

enum attr_kind {
	AK_UNSPEC,	/* hole in the table */
	AK_U8,
	AK_U16,
	AK_U32,
	AK_U64,
	AK_STRING,
	AK_BINARY,
	AK_PAD,
	AK_NEST,
};

struct attr_desc {
	const char *name;		/* spec name, e.g. "node-id" */
	enum attr_kind kind;
	uint16_t len;			/* AK_BINARY: exact length, 0 any */
};

struct attr_set {
	const char *name;		/* spec name, e.g. "config" */
	const struct attr_desc *attrs;	/* indexed by attribute id */
	unsigned int max;		/* highest id in attrs */
};

extern const struct attr_set attrs_config;
extern const struct attr_set attrs_stats;

/* All sets, NULL terminated (for the spec check). */
extern const struct attr_set *const attr_sets[];

/* Spec name of attribute type in set, or NULL when unknown. */
const char *attr_name(const struct attr_set *set, unsigned int type);

/* Does a payload of len bytes fit the type? (Unknown types: no.) */
bool attr_len_ok(const struct attr_set *set, unsigned int type, size_t len);

/* JSON key of a spec name: '-' becomes '_' (out: at least strlen + 1). */
void attr_json_key(const char *name, char *out, size_t outlen);

#endif
