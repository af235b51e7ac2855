/* SPDX-License-Identifier: GPL-2.0 */
/* Receiving: peers' datagrams, opened and applied to the store (rx.c). */
#ifndef _IPSEC_HA_RX_H
#define _IPSEC_HA_RX_H

#include <linux/types.h>

#include "wire.h"

struct ha_net;
struct ha_obj;
struct sk_buff;

/*
 * rx_work's own buffers, allocated on its first run (hn->rx): the
 * datagram it opens and the records it decodes. Only rx_work uses them,
 * and it never runs twice at once. They are wiped after each use: they
 * hold keys.
 */
struct ha_rx {
	u8 buf[HA_WIRE_MAX_LEN];
	struct ha_wire_sa sa;
	struct ha_wire_policy pol;
};

int ha_rx_enqueue(struct ha_net *hn, struct sk_buff *skb);
void ha_rx_net_init(struct ha_net *hn);
void ha_rx_net_exit(struct ha_net *hn);

#endif /* _IPSEC_HA_RX_H */
