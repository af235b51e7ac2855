/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cluster events for the events group (event-ntf): peers that appear,
 * restart or go silent, bulk syncs that complete, SPI collisions.
 * Everything here runs with store.lock held.
 */
#ifndef _IPSEC_HA_WATCH_H
#define _IPSEC_HA_WATCH_H

#include "ipsec_ha.h"
#include "peer.h"
#include "store.h"

/* A peer not heard for this long (three ALIVEs) is lost. */
#define HA_PEER_LOST_AFTER	(3 * HZ)

/*
 * rx_work, before ha_peer_accept(): will an accepted datagram bring p
 * (back) up? Never heard, lost, or a new epoch (it restarted).
 */
bool ha_watch_up_due(const struct ha_peer *p, const struct ha_wire_hdr *h);

/* ... and after it accepted the datagram: p is up. */
void ha_watch_up(struct ha_net *hn, struct ha_peer *p);

/* tx_work, with each ALIVE: peers silent for HA_PEER_LOST_AFTER are lost. */
void ha_watch_peers(struct ha_net *hn);

/* rx_work: the bulk sync this node asked of p completed. */
void ha_watch_bulk_done(struct ha_net *hn, const struct ha_peer *p);

/* ha_peer_may_change(): two nodes claim obj at one epoch; keeps wins, gives_up loses. */
void ha_watch_split_brain(struct ha_net *hn, const struct ha_obj *obj, u16 keeps, u16 gives_up);

/*
 * The callers of ha_store_put(), when the store reports that it stored
 * obj, an SA, with the natural key of other, and obj did not collide
 * before.
 */
void ha_watch_collision(struct ha_net *hn, const struct ha_obj *obj, const struct ha_obj *other);

#endif /* _IPSEC_HA_WATCH_H */
