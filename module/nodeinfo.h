/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each node says of itself with its ALIVEs (NODE_INFO records):
 * today its share of the SPI space, which an operator gives each node
 * (node-set spi-min/spi-max) for its IKE daemon's own SPI settings.
 * Ranges that overlap between nodes are shown in peer-get and reported
 * as events.
 */
#ifndef _IPSEC_HA_NODEINFO_H
#define _IPSEC_HA_NODEINFO_H

#include <net/genetlink.h>
#include <net/netlink.h>

#include "ipsec_ha.h"
#include "peer.h"
#include "wire.h"

/* The lowest SPI a range may start at: RFC 4303 reserves 1..255. */
#define HA_SPI_RANGE_MIN	256

/* hn->spi_range packs spi_min << 32 | spi_max (0: none). */
static inline u64 ha_spi_range(u32 min, u32 max)
{
	return (u64)min << 32 | max;
}

/*
 * The spi-min/spi-max of a node-set request as a range: 0, -ENOENT when
 * neither is given, or -EINVAL after an extack message.
 */
int ha_node_spi_parse(struct genl_info *info, u64 *range);

/* tx_work (hn->lock held): this node's NODE_INFO record. */
int ha_node_info_put(struct ha_net *hn, struct ha_wire_buf *b);

/* rx_work (store.lock held): a peer's NODE_INFO; events on overlaps. */
void ha_node_info_rx(struct ha_net *hn, struct ha_peer *p, const struct ha_wire_rec *rec);

/* node-set changed this node's range (hn->lock held): events on overlaps. */
void ha_node_spi_check(struct ha_net *hn);

/* peer-get (store.lock held): the peer's range and whether it overlaps. */
int ha_node_fill_peer(struct sk_buff *skb, struct ha_net *hn, const struct ha_peer *p);

#endif /* _IPSEC_HA_NODEINFO_H */
