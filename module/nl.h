/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_NL_H
#define _IPSEC_HA_NL_H

#include <net/genetlink.h>

#include "ipsec_ha.h"
/*
 * The policies, the split ops and the prototypes of their handlers
 * (ipsec_ha_nl_<op>_doit, _dumpit: netlink.c, nl_takeover.c, nl_dump.c,
 * nl_ike.c), generated from the spec.
 */
#include "nl_gen.h"

extern struct genl_family ha_genl_family;

/* netlink.c; attribute types of every set are below HA_NL_ATTR_TYPES */
#define HA_NL_ATTR_TYPES 128
int ha_nl_init(void);
void ha_nl_exit(void);
void ha_nl_notify_config(struct ha_net *hn);
int ha_nl_reject_duplicates(const struct genl_info *info);

/* nl_event.c: what an event-ntf carries (0: attribute left out) */
struct ha_event {
	u8 type;			/* enum ipsec_ha_event_type */
	u16 node, other_node;
	u32 spi_min, spi_max, other_spi_min, other_spi_max;
	u32 last_heard, count;
	u32 spi;
	u8 proto, family;		/* family 0: no daddr */
	u8 daddr[16];
	u8 reason;			/* link-down */
	bool has_mtu;			/* link-down, link-up: mtu, even 0 */
	u32 mtu;
	u64 ike_spi_i, ike_spi_r;	/* ike-lost */
};

void ha_nl_event(struct ha_net *hn, const struct ha_event *ev);

#endif /* _IPSEC_HA_NL_H */
