/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration of a cluster member as config-get and CONFIG_NTF
 * carry it: decoding, and printing as text or JSON (shared by show and
 * monitor).
 */
#ifndef IPSEC_HA_CONFIG_H
#define IPSEC_HA_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/ipsec_ha.h>
#include <libmnl/libmnl.h>

#include "json.h"
#include "parse.h"

#define CONFIG_FP_MAX 32

struct ha_config {
	bool has[IPSEC_HA_A_CONFIG_MAX + 1];	/* attribute present */
	uint64_t num[IPSEC_HA_A_CONFIG_MAX + 1];	/* integer attributes */
	char ifname[IF_NAMESIZE];
	struct ha_group group;			/* has[GROUP4] or has[GROUP6] */
	uint8_t fingerprint[CONFIG_FP_MAX];
	size_t fingerprint_len;
};

/*
 * Decode a config-get reply or a CONFIG_NTF (genetlink header included).
 * Attributes this tool does not know, or of the wrong size, are ignored.
 */
void config_parse(const struct nlmsghdr *nlh, struct ha_config *cfg);

/*
 * Print as text: the node, link, key and epoch sections, separated by sep
 * ("\n" for show, "; " for monitor), then a newline.
 */
void config_print_text(FILE *f, const struct ha_config *cfg, const char *sep);

/* Print as a JSON object (under key, or NULL at the top level/in arrays). */
void config_print_json(struct json *j, const char *key,
		       const struct ha_config *cfg);

#endif
