/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending (sync.c): the tx work that packs what changed in the store,
 * NACKs, bulk requests and the periodic ALIVE into datagrams.
 */
#ifndef _IPSEC_HA_SYNC_H
#define _IPSEC_HA_SYNC_H

#include <linux/types.h>

struct ha_local_scratch;
struct ha_net;
struct ha_obj;

/* NACK ranges served by one walk of the store (ha_sync_resend). */
#define HA_SYNC_RESEND_RANGES	8

struct ha_sync_range {
	u64 from, to;
};

struct ha_local_scratch *ha_sync_scratch(struct ha_net *hn);
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

#endif /* _IPSEC_HA_SYNC_H */
