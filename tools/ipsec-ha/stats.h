/* SPDX-License-Identifier: GPL-2.0 */
/* The counters of a namespace as stats-get carries them. */
#ifndef IPSEC_HA_STATS_H
#define IPSEC_HA_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>
#include <linux/ipsec_ha.h>

#include "ipsec-ha.h"

struct ha_stats {
	bool has[IPSEC_HA_A_STATS_MAX + 1];
	uint64_t val[IPSEC_HA_A_STATS_MAX + 1];
};

/* Decode a stats-get reply; counters this tool does not know are ignored. */
void stats_parse(const struct nlmsghdr *nlh, struct ha_stats *st);

/*
 * Print the counters present, in attribute order: "name value" lines, or
 * one JSON object {"tx_datagrams":0,...} when ctx->json.
 */
void stats_print(const struct ctx *ctx, FILE *f, const struct ha_stats *st);

#endif
