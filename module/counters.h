/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counter sync: the per-packet hook (hook.c) notes which local SAs move;
 * counters.c reads their counters outside the packet path, decides which
 * are due, hands them to the sender and applies peers' counter records.
 */
#ifndef _IPSEC_HA_COUNTERS_H
#define _IPSEC_HA_COUNTERS_H

#include <linux/list.h>
#include <linux/llist.h>
#include <linux/rhashtable.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct ha_net;
struct ha_wire_ctr;
struct ha_wire_rec;
struct xfrm_state;

enum {
	HA_CTR_ACTIVE,		/* on the pending or active list */
	HA_CTR_URGENT,		/* past the packet threshold: collect now */
	HA_CTR_DUE,		/* on the due list: tx sends it */
};

/* One SA this node owns and sends, followed by the hook. */
struct ha_ctr {
	struct rhash_head node;		/* ha_counters.table, keyed by x */
	struct xfrm_state *x;		/* held */
	u64 refkey;
	u16 owner_epoch;
	unsigned long flags;		/* HA_CTR_* bits: the hook sets them */
	u64 sent_out, sent_in;		/* last values sent */
	unsigned long sent_at;		/* jiffies of that */
	unsigned long moved_at;		/* jiffies the counters last moved */
	u64 sent_seq;			/* datagram that carried them */
	struct llist_node pending;	/* hook -> ctr_work */
	struct list_head active;	/* ctr_work's, under store.lock */
	struct list_head due;		/* to be sent, under store.lock */
	struct list_head all;		/* under store.lock */
	struct rcu_head rcu;
};

struct ha_counters {
	struct rhashtable table;	/* RCU lookups from the hook */
	struct llist_head pending;	/* trackers the hook woke up */
	struct list_head active;
	struct list_head due;
	struct list_head all;
	unsigned int count;
	bool hooks;			/* netfilter hooks registered */
	struct delayed_work work;
};

/* counters.c: all but the hook side under store.lock, process context */
int ha_ctr_net_init(struct ha_net *hn);
void ha_ctr_net_stop(struct ha_net *hn);
void ha_ctr_net_exit(struct ha_net *hn);
void ha_ctr_touch(struct ha_net *hn, struct xfrm_state *x);
int ha_ctr_track(struct ha_net *hn, struct xfrm_state *x, u64 refkey, u16 owner_epoch);
void ha_ctr_untrack(struct ha_net *hn, struct xfrm_state *x);
void ha_ctr_reap(struct ha_net *hn);
void ha_ctr_read(struct xfrm_state *x, u64 *oseq, u64 *seq);
unsigned int ha_ctr_fill(struct ha_net *hn, struct ha_wire_ctr *c, unsigned int max,
			 u64 dgram_seq);
bool ha_ctr_pending(struct ha_net *hn);
void ha_ctr_resend(struct ha_net *hn, u64 from, u64 to);
bool ha_ctr_rx(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec);

#endif /* _IPSEC_HA_COUNTERS_H */
