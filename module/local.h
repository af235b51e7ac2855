/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local changes (local.c): the SAs, policies and deletions of this node's
 * SAD and SPD become objects in the store, marked dirty for sync.c to send.
 */
#ifndef _IPSEC_HA_LOCAL_H
#define _IPSEC_HA_LOCAL_H

#include <linux/types.h>

#include "wire.h"

struct ha_net;
struct ha_nkey;
struct ha_obj;
struct xfrm_policy;
struct xfrm_state;

/* Scratch space of local.c, in struct ha_tx; used under store.lock. */
struct ha_local_scratch {
	struct ha_wire_sa sa;
	struct ha_wire_policy pol;
	u8 enc[HA_WIRE_MAX_LEN];	/* one encoded record */
};

/* All of these run in process context with store.lock held. */
void ha_local_sa(struct ha_net *hn, struct xfrm_state *x);
void ha_local_policy(struct ha_net *hn, struct xfrm_policy *xp, int dir);
void ha_local_delete(struct ha_net *hn, const struct ha_nkey *nkey);
void ha_local_flush(struct ha_net *hn, u8 kind, u8 proto);
void ha_local_sweep(struct ha_net *hn);
bool ha_local_rekey(struct ha_net *hn, struct ha_obj *old);
void ha_local_reown_all(struct ha_net *hn, u16 id);

#endif /* _IPSEC_HA_LOCAL_H */
