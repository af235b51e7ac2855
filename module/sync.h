/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending (sync.c): the tx work that packs what changed in the store,
 * NACKs, bulk requests and the periodic ALIVE into datagrams.
 *
 * struct ha_tx is the sending state, and the small functions below queue
 * work for tx_work in it: a kick, a NACK, a bulk request, a claim given
 * up. They are inline here so that the files below sync.c (counters,
 * peers, local changes, IKE contexts) queue work without calling up into
 * the file that sends.
 */
#ifndef _IPSEC_HA_SYNC_H
#define _IPSEC_HA_SYNC_H

#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "ipsec_ha.h"
#include "local.h"
#include "stats.h"
#include "store.h"
#include "wire.h"

struct ha_obj;

/* NACK ranges served by one walk of the store (ha_sync_resend). */
#define HA_SYNC_RESEND_RANGES	8
#define HA_SYNC_NACKS		8	/* NACKs waiting to be sent */
/* How long tx_work waits after a kick, so that changes share datagrams. */
#define HA_TX_COALESCE		max(1UL, msecs_to_jiffies(5))

/* Encoded records that wait for the next round (ha_sync_queue()). */
#define HA_SYNC_OUTBOX_MAX	64

/* The sending state of a namespace (hn->tx), under store.lock. */
struct ha_tx {
	u64 seq;			/* last datagram number sent */
	unsigned long alive_at;		/* jiffies when the next ALIVE is due */
	unsigned long tomb_at;		/* when deletions are next announced again */
	bool kicked;			/* tx_work is due soon: changes wait for it */
	bool bulk_req;			/* send BULK_REQ for bulk_req_node */
	u16 bulk_req_node;
	DECLARE_BITMAP(bulk_end_to, IPSEC_HA_NODE_ID_MAX + 1);	/* owed BULK_END */
	struct ha_wire_nack nacks[HA_SYNC_NACKS];	/* gaps to report */
	unsigned int nr_nacks;
	struct ha_wire_ctr ctrs[HA_WIRE_MAX_LEN / HA_WIRE_CTR_LEN];	/* scratch */
	struct ha_wire_taken taken[HA_WIRE_MAX_LEN / HA_WIRE_TAKEN_LEN];	/* scratch */
	struct ha_wire_taken yielded[16];	/* claims given up in a tie, to tell */
	unsigned int nr_yielded;
	struct list_head outbox;	/* struct ha_sync_out, in order */
	unsigned int nr_outbox;
	struct ha_local_scratch local;	/* local.c's */
	u8 dgram[HA_WIRE_MAX_LEN];	/* the datagram being filled */
	struct ha_wire_buf b;		/* its records */
};

/* Returns local.c's scratch space, or NULL before the sync started. */
static inline struct ha_local_scratch *ha_sync_scratch(struct ha_net *hn)
{
	return hn->tx ? &hn->tx->local : NULL;
}

/*
 * Schedules tx_work HA_TX_COALESCE from now, unless it is scheduled that
 * soon already, so that changes made within that time share datagrams.
 */
static inline void ha_sync_kick(struct ha_net *hn)
{
	if (hn->tx && !hn->tx->kicked) {
		hn->tx->kicked = true;
		mod_delayed_work(ha_wq, &hn->tx_work, HA_TX_COALESCE);
	}
}

/* Asks node (0: every node) for a bulk sync of everything it owns. */
static inline void ha_sync_request_bulk(struct ha_net *hn, u16 node)
{
	if (!hn->tx)
		return;
	/* Only one request waits at a time, so requests to two nodes go to all. */
	if (hn->tx->bulk_req && hn->tx->bulk_req_node != node)
		node = 0;
	hn->tx->bulk_req = true;
	hn->tx->bulk_req_node = node;
	ha_sync_kick(hn);
}

/*
 * Announces that this node gave up obj to another node that took it over
 * at the same epoch (after a split brain). A TAKEN entry of this node's
 * own claim tells every node what this node held, so that the winner
 * sees the tie too, even if it never received this node's takeover
 * during the partition. Every receiver refuses the claim, which loses
 * the tie.
 */
static inline void ha_sync_yield(struct ha_net *hn, const struct ha_obj *obj)
{
	struct ha_tx *tx = hn->tx;
	struct ha_wire_taken *e;

	if (!tx || tx->nr_yielded >= ARRAY_SIZE(tx->yielded))
		return;
	e = &tx->yielded[tx->nr_yielded++];
	ha_ref_of(obj->refkey, &e->ref);
	e->owner_epoch = obj->owner_epoch;
	e->check = lower_32_bits(obj->digest);
	e->oseq = obj->kind == HA_OBJ_SA ? obj->oseq : 0;
	e->seq = obj->kind == HA_OBJ_SA ? obj->seq : 0;
	ha_sync_kick(hn);
}

/*
 * Reports to node that this node missed its datagrams numbered from
 * "from" to "to". While HA_SYNC_NACKS reports wait already, it drops the
 * report; ha_peer_renack() asks again for what is still missing when
 * that node's summary differs.
 */
static inline void ha_sync_nack(struct ha_net *hn, u16 node, u64 from, u64 to)
{
	struct ha_tx *tx = hn->tx;

	if (!tx || tx->nr_nacks >= ARRAY_SIZE(tx->nacks))
		return;
	tx->nacks[tx->nr_nacks++] = (struct ha_wire_nack){ .node = node, .from = from, .to = to };
	ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_NACKS);
	ha_sync_kick(hn);
}

struct ha_sync_range {
	u64 from, to;
};

void ha_sync_announce(struct ha_net *hn);
int ha_sync_queue(struct ha_net *hn, const u8 *rec, size_t len);
void ha_sync_flush(struct ha_net *hn);
void ha_sync_resend(struct ha_net *hn, struct ha_sync_range *r, unsigned int n);
void ha_sync_bulk_to(struct ha_net *hn, u16 node);
void ha_sync_start(struct ha_net *hn);
void ha_sync_renumber(struct ha_net *hn, u16 id);
int ha_sync_net_init(struct ha_net *hn);
void ha_sync_net_exit(struct ha_net *hn);

#endif /* _IPSEC_HA_SYNC_H */
