/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sync: turning local changes into records and datagrams (sync.c),
 * sealing them (seal.c), receiving and applying peers' (rx.c, peer.c).
 */
#ifndef _IPSEC_HA_SYNC_H
#define _IPSEC_HA_SYNC_H

#include <net/xfrm.h>

#include "ipsec_ha.h"
#include "store.h"
#include "wire.h"

#define HA_ALIVE_INTERVAL	HZ
#define HA_ALIVE_AFTER_BURST	(HZ / 10)
#define HA_TX_COALESCE		max(1UL, msecs_to_jiffies(5))
/* How long a deletion can still be resent to a peer that missed it. */
#define HA_TOMB_TTL		(30 * HZ)
/* For how long a deletion is announced again with every ALIVE. */
#define HA_TOMB_REPEAT		(5 * HZ)
#define HA_TX_BURST		64	/* datagrams per tx_work run */
/* NACK ranges served by one walk of the store (ha_sync_resend). */
#define HA_SYNC_RESEND_RANGES	8

struct ha_sync_range {
	u64 from, to;
};

struct ha_key;

/* sync.c */
void ha_sync_local_sa(struct ha_net *hn, struct xfrm_state *x);
void ha_sync_local_policy(struct ha_net *hn, struct xfrm_policy *xp, int dir);
void ha_sync_local_delete(struct ha_net *hn, const struct ha_nkey *nkey);
bool ha_sync_local_rekey(struct ha_net *hn, struct ha_obj *old);
void ha_sync_local_flush(struct ha_net *hn, u8 kind, u8 proto);
void ha_sync_kick(struct ha_net *hn);
void ha_sync_announce(struct ha_net *hn);
void ha_sync_flush(struct ha_net *hn);
void ha_sync_resend(struct ha_net *hn, struct ha_sync_range *r, unsigned int n);
void ha_sync_bulk_to(struct ha_net *hn, u16 node);
void ha_sync_request_bulk(struct ha_net *hn, u16 node);
void ha_sync_nack(struct ha_net *hn, u16 node, u64 from, u64 to);
void ha_sync_yield(struct ha_net *hn, const struct ha_obj *obj);
void ha_sync_start(struct ha_net *hn);
void ha_sync_renumber(struct ha_net *hn, u16 id);
int ha_sync_net_init(struct ha_net *hn);
void ha_sync_net_exit(struct ha_net *hn);

/* seal.c */
void ha_seal(const struct ha_key *key, u8 *dgram, size_t rec_len);
bool ha_open(const struct ha_key *key, u8 *dgram, size_t len);

/* rx.c */
bool ha_rx_may_change(struct ha_net *hn, struct ha_obj *old, u16 sender, u16 owner, u16 epoch);
int ha_rx_enqueue(struct ha_net *hn, struct sk_buff *skb);
void ha_rx_net_init(struct ha_net *hn);
void ha_rx_net_exit(struct ha_net *hn);

/* km.c */
void ha_km_init(void);
void ha_km_exit(void);
void ha_km_net_init(struct ha_net *hn);
void ha_km_net_exit(struct ha_net *hn);
int ha_km_walk(struct ha_net *hn);

#endif /* _IPSEC_HA_SYNC_H */
