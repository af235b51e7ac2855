/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_NL_EVENT_H
#define _IPSEC_HA_NL_EVENT_H

#include <linux/types.h>

struct ha_net;

/* What an event-ntf carries (0: attribute left out) */
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

#endif /* _IPSEC_HA_NL_EVENT_H */
