/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SAs prepared for takeover (standby.c): the xfrm_state of a mirrored SA,
 * crypto transforms allocated and keyed, built in the background so that
 * promote only sets counters and inserts it.
 */
#ifndef _IPSEC_HA_STANDBY_H
#define _IPSEC_HA_STANDBY_H

#include <linux/types.h>
#include <linux/workqueue.h>

struct ha_net;
struct ha_obj;
struct ha_store_change;
struct xfrm_state;

struct ha_standby {
	struct delayed_work work;
	unsigned int count;		/* prepared states held; under store.lock */
	u64 resume;			/* refkey the last pass stopped at, 0: none */
};

void ha_standby_net_init(struct ha_net *hn);
void ha_standby_net_exit(struct ha_net *hn);
void ha_standby_kick(struct ha_net *hn);
void ha_standby_set_max(struct ha_net *hn, u32 max);
struct xfrm_state *ha_standby_take(struct ha_net *hn, struct ha_obj *obj);
void ha_standby_settle(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg);

#endif /* _IPSEC_HA_STANDBY_H */
