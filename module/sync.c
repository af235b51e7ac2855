// SPDX-License-Identifier: GPL-2.0
/*
 * Sending: the tx work packs the store's dirty objects and tombstones,
 * TAKEN entries, NACKs, bulk requests, counters and the periodic ALIVE
 * into as few datagrams as the link MTU allows, and link.c seals and
 * sends each one. A resend sends an object's current state, never a
 * history. local.c turns local changes into the dirty objects.
 *
 * Everything here runs in process context. Functions that take
 * store.lock say so; the others are called with it held.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "ike.h"
#include "ipsec_ha.h"
#include "key.h"
#include "km.h"
#include "link.h"
#include "local.h"
#include "nodeinfo.h"
#include "peer.h"
#include "stats.h"
#include "store.h"
#include "sync.h"
#include "watch.h"
#include "wire.h"

#define HA_ALIVE_INTERVAL	HZ
#define HA_ALIVE_AFTER_BURST	(HZ / 10)
/* For how long a deletion is announced again once a second. */
#define HA_TOMB_REPEAT		(5 * HZ)
#define HA_TX_BURST		64	/* datagrams per tx_work run */

/* An ALIVE record: two bytes of header, last_seq, count, digest. */
#define HA_ALIVE_REC_LEN (2 + 8 + 4 + 8)

/* A link at its minimum MTU carries the largest fixed records in one datagram. */
static_assert(HA_ALIVE_REC_LEN + 3 + 2 * HA_WIRE_CTR_LEN <= HA_LINK_ROOM_MIN &&
	      HA_ALIVE_REC_LEN + 3 + HA_WIRE_TAKEN_LEN <= HA_LINK_ROOM_MIN);

/*
 * One round of sending: the link and key it uses, and how many datagrams
 * it sent and records it put so far.
 */
struct ha_tx_round {
	struct ha_net *hn;
	struct ha_tx *tx;
	struct ha_link *link;
	const struct ha_key *key;
	unsigned int sent;
	unsigned int records;
};

static bool ha_sync_in_ranges(u64 seq, const struct ha_sync_range *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (seq >= r[i].from && seq <= r[i].to)
			return true;
	return false;
}

/*
 * Sends again the current state of the objects and counters that the
 * datagrams in up to HA_SYNC_RESEND_RANGES ranges carried, after a peer
 * reported it missed them. Deletions are sent again while their
 * tombstones last. One walk of the store serves all ranges. The ranges
 * are cut to the datagrams this node sent, and empty ones are dropped.
 */
void ha_sync_resend(struct ha_net *hn, struct ha_sync_range *r, unsigned int n)
{
	unsigned int i, k = 0;
	struct ha_obj *obj;

	if (!hn->tx)
		return;
	for (i = 0; i < n && i < HA_SYNC_RESEND_RANGES; i++) {
		r[k].from = max(r[i].from, 1ULL);
		r[k].to = min(r[i].to, hn->tx->seq);
		if (r[k].from <= r[k].to)
			k++;
	}
	if (!k)
		return;
	list_for_each_entry(obj, &hn->store.objs, all)
		if ((obj->flags & HA_OBJ_LOCAL) && ha_sync_in_ranges(obj->sent_seq, r, k))
			ha_store_mark_dirty(&hn->store, obj);
	for (i = 0; i < k; i++)
		ha_ctr_resend(hn, r[i].from, r[i].to);
	ha_sync_kick(hn);
}

/*
 * Sends everything this node owns, then a BULK_END that tells node (0:
 * every node) that the bulk sync is complete.
 */
void ha_sync_bulk_to(struct ha_net *hn, u16 node)
{
	struct ha_tx *tx = hn->tx;
	struct ha_obj *obj;

	if (!tx)
		return;
	list_for_each_entry(obj, &hn->store.objs, all)
		if ((obj->flags & HA_OBJ_LOCAL) && !(obj->flags & HA_OBJ_DELETED))
			ha_store_mark_dirty(&hn->store, obj);
	set_bit(node, tx->bulk_end_to);
	ha_sync_kick(hn);
}

/*
 * Sends this node's NODE_INFO, which changed, with the next round instead
 * of the next ALIVE: the ALIVE is made due now.
 *
 * Context: process context, hn->lock held.
 */
void ha_sync_announce(struct ha_net *hn)
{
	lockdep_assert_held(&hn->lock);
	mutex_lock(&hn->store.lock);
	if (hn->tx) {
		hn->tx->alive_at = jiffies;
		ha_sync_kick(hn);
	}
	mutex_unlock(&hn->store.lock);
}

/*
 * Appends a record that the codec encoded earlier, as the store keeps
 * them. Like the codec's own writers, it writes nothing past b->cap.
 */
static int ha_sync_put_rec(struct ha_wire_buf *b, const u8 *rec, size_t len)
{
	if (b->len > b->cap || len > b->cap - b->len)
		return -ENOSPC;
	memcpy(b->p + b->len, rec, len);
	b->len += len;
	return 0;
}

/* Appends the deletion record of tombstone obj. */
static int ha_sync_put_del(struct ha_net *hn, struct ha_wire_buf *b, const struct ha_obj *obj)
{
	struct ha_ref ref;

	if (obj->kind == HA_OBJ_IKE)
		return ha_ike_put_del(hn, b, obj);
	ha_ref_of(obj->refkey, &ref);
	return ha_wire_put_del(b, obj->kind == HA_OBJ_SA ? HA_REC_SA_DEL : HA_REC_POLICY_DEL, &ref);
}

/*
 * Sends the datagram being filled, if it holds any record, and starts an
 * empty one. Returns false if there was nothing to send.
 */
static bool ha_sync_send(struct ha_tx_round *r)
{
	struct ha_tx *tx = r->tx;

	if (!tx->b.len)
		return false;
	ha_link_send(r->hn, r->link, r->key, tx->dgram, tx->b.len, tx->seq + 1);
	tx->seq++;
	ha_wire_buf_init(&tx->b, tx->dgram + HA_WIRE_HDR_LEN, tx->b.cap);
	r->sent++;
	return true;
}

/*
 * Called with the result of a put(): if the datagram was full, sends it
 * and returns true, so that the caller tries the put() again in an empty
 * datagram. Returns false if the put() succeeded, failed for another
 * reason, or failed in an empty datagram, which the record cannot fit.
 */
static bool ha_sync_full(struct ha_tx_round *r, int err)
{
	return err == -ENOSPC && ha_sync_send(r);
}

/*
 * Starts a round: finds the link and key, and the room for records in a
 * datagram. Returns false if nothing can be sent: the sync has not
 * started, the node has no id, link or key, or the MTU is too small.
 */
static bool ha_sync_round_begin(struct ha_tx_round *r)
{
	struct ha_net *hn = r->hn;
	struct ha_tx *tx = r->tx;
	size_t room;

	if (tx)
		tx->kicked = false;
	r->link = rcu_dereference_protected(hn->link, lockdep_is_held(&hn->lock));
	r->key = rcu_dereference_protected(hn->key, lockdep_is_held(&hn->lock));
	if (!tx || !r->link || !r->key || !hn->node_id)
		return false;

	room = ha_link_room(hn, r->link);
	if (room < HA_LINK_ROOM_MIN) {
		/*
		 * The MTU is too small for a datagram. What is due stays dirty
		 * in the store until the MTU grows again. The peers are still
		 * watched, once a second: tx_work runs that often meanwhile.
		 */
		if (time_after_eq(jiffies, tx->alive_at)) {
			ha_watch_peers(hn);
			tx->alive_at = jiffies + HA_ALIVE_INTERVAL;
		}
		return false;
	}
	ha_wire_buf_init(&tx->b, tx->dgram + HA_WIRE_HDR_LEN, room);
	return true;
}

/*
 * Marks the deletions of the last HA_TOMB_REPEAT dirty again, once a
 * second. A peer that lost a deletion and then the NACK for it sees no
 * gap left to ask for; the repeated deletion reaches it anyway.
 */
static void ha_sync_repeat_tombstones(struct ha_tx_round *r)
{
	struct ha_net *hn = r->hn;
	struct ha_obj *obj;

	if (time_before(jiffies, r->tx->tomb_at))
		return;
	list_for_each_entry(obj, &hn->store.objs, all)
		if ((obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) ==
		    (HA_OBJ_LOCAL | HA_OBJ_DELETED) &&
		    time_before(jiffies, obj->changed + HA_TOMB_REPEAT))
			ha_store_mark_dirty(&hn->store, obj);
	r->tx->tomb_at = jiffies + HA_ALIVE_INTERVAL;
}

/* Puts the waiting bulk request, if any. */
static void ha_sync_put_bulk_req(struct ha_tx_round *r)
{
	struct ha_tx *tx = r->tx;
	struct ha_wire_bulk bk = { .node = tx->bulk_req_node };
	int err;

	if (!tx->bulk_req)
		return;
	do
		err = ha_wire_put_bulk(&tx->b, HA_REC_BULK_REQ, &bk);
	while (ha_sync_full(r, err));
	if (!err) {
		tx->bulk_req = false;
		/* The peers' BULK_END names the datagram that carries the request. */
		ha_peers_bulk_sent(r->hn, bk.node, tx->seq + 1);
	}
}

/* Puts the waiting NACKs. */
static void ha_sync_put_nacks(struct ha_tx_round *r)
{
	struct ha_tx *tx = r->tx;
	unsigned int i;

	for (i = 0; i < tx->nr_nacks; i++)
		while (ha_sync_full(r, ha_wire_put_nack(&tx->b, &tx->nacks[i])))
			;
	tx->nr_nacks = 0;
}

/* A record queued by ha_sync_queue(). */
struct ha_sync_out {
	struct list_head list;
	u16 len;
	u8 rec[];
};

/**
 * ha_sync_queue() - send an encoded record with the next round
 * @hn: the namespace's member
 * @rec: the whole record, header included
 * @len: its length, at most what any datagram has room for
 *
 * The record goes out before the changes of that round, in the order
 * records were queued. Move requests and handovers (move.c) use it.
 *
 * Context: process context, store.lock held.
 * Return: 0, -ENOTCONN before the sync started, -EMSGSIZE for a record
 * that may not fit a datagram, -ENOSPC while HA_SYNC_OUTBOX_MAX wait, or
 * -ENOMEM.
 */
int ha_sync_queue(struct ha_net *hn, const u8 *rec, size_t len)
{
	struct ha_tx *tx = hn->tx;
	struct ha_sync_out *o;

	lockdep_assert_held(&hn->store.lock);
	if (!tx)
		return -ENOTCONN;
	if (!len || len > HA_LINK_ROOM_MIN)
		return -EMSGSIZE;
	if (tx->nr_outbox >= HA_SYNC_OUTBOX_MAX)
		return -ENOSPC;
	o = kmalloc(struct_size(o, rec, len), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->len = len;
	memcpy(o->rec, rec, len);
	list_add_tail(&o->list, &tx->outbox);
	tx->nr_outbox++;
	ha_sync_kick(hn);
	return 0;
}

/* Puts the queued records. */
static void ha_sync_put_outbox(struct ha_tx_round *r)
{
	struct ha_tx *tx = r->tx;
	struct ha_sync_out *o, *tmp;
	int err;

	list_for_each_entry_safe(o, tmp, &tx->outbox, list) {
		do
			err = ha_sync_put_rec(&tx->b, o->rec, o->len);
		while (ha_sync_full(r, err));
		if (err)
			ha_stat_inc(r->hn, IPSEC_HA_A_STATS_TX_ERRORS);
		else
			r->records++;
		list_del(&o->list);
		kfree(o);
		tx->nr_outbox--;
	}
}

static void ha_sync_outbox_free(struct ha_tx *tx)
{
	struct ha_sync_out *o, *tmp;

	list_for_each_entry_safe(o, tmp, &tx->outbox, list)
		kfree(o);
	INIT_LIST_HEAD(&tx->outbox);
	tx->nr_outbox = 0;
}

/* Puts the TAKEN record of the claims this node gave up in a tie, if any. */
static void ha_sync_put_yielded(struct ha_tx_round *r)
{
	struct ha_tx *tx = r->tx;
	int err;

	if (!tx->nr_yielded)
		return;
	do
		err = ha_wire_put_taken(&tx->b, tx->yielded, tx->nr_yielded);
	while (ha_sync_full(r, err));
	if (!err)
		r->records++;
	tx->nr_yielded = 0;
}

/* Closes the TAKEN record of the n entries in tx->taken. */
static void ha_sync_taken_put(struct ha_tx_round *r, unsigned int n)
{
	if (!n)
		return;
	if (ha_wire_put_taken(&r->tx->b, r->tx->taken, n))
		ha_stat_inc(r->hn, IPSEC_HA_A_STATS_TX_ERRORS);
	else
		r->records++;
}

/*
 * Puts what a promote took over (HA_OBJ_BRIEF). The peers hold these
 * records already, so a 28-byte TAKEN entry each tells them what
 * changed, as many entries per datagram as fit. Returns true if the
 * burst ended first.
 */
static bool ha_sync_taken(struct ha_tx_round *r)
{
	struct ha_tx *tx = r->tx;
	struct ha_obj *obj, *tmp;
	unsigned int n = 0, max = 0;

	list_for_each_entry_safe(obj, tmp, &r->hn->store.dirty, dirty) {
		struct ha_wire_taken *e;

		if (!(obj->flags & HA_OBJ_BRIEF))
			continue;
		if (n == max) {
			ha_sync_taken_put(r, n);
			n = 0;
			if (tx->b.cap - tx->b.len < 3 + HA_WIRE_TAKEN_LEN) {
				if (r->sent >= HA_TX_BURST)
					return true;
				ha_sync_send(r);
			}
			max = min_t(size_t, (tx->b.cap - tx->b.len - 3) / HA_WIRE_TAKEN_LEN,
				    ARRAY_SIZE(tx->taken));
		}
		e = &tx->taken[n++];
		ha_ref_of(obj->refkey, &e->ref);
		e->owner_epoch = obj->owner_epoch;
		e->check = lower_32_bits(obj->digest);
		e->oseq = obj->kind == HA_OBJ_SA ? obj->oseq : 0;
		e->seq = obj->kind == HA_OBJ_SA ? obj->seq : 0;
		obj->sent_seq = tx->seq + 1;	/* the datagram being filled */
		obj->flags &= ~(HA_OBJ_DIRTY | HA_OBJ_BRIEF);
		list_del_init(&obj->dirty);
	}
	ha_sync_taken_put(r, n);
	return false;
}

/*
 * Puts the dirty objects in full, and the deletions of dirty tombstones.
 * Returns true if the burst ended before the dirty list did.
 */
static bool ha_sync_dirty(struct ha_tx_round *r)
{
	struct ha_tx *tx = r->tx;
	struct ha_obj *obj, *tmp;
	int err;

	list_for_each_entry_safe(obj, tmp, &r->hn->store.dirty, dirty) {
		if (r->sent >= HA_TX_BURST)
			return true;
		do {
			if (obj->flags & HA_OBJ_DELETED)
				err = ha_sync_put_del(r->hn, &tx->b, obj);
			else
				err = ha_sync_put_rec(&tx->b, obj->rec, obj->len);
		} while (ha_sync_full(r, err));
		if (err) {
			ha_stat_inc(r->hn, IPSEC_HA_A_STATS_TX_ERRORS);
		} else {
			r->records++;
			obj->sent_seq = tx->seq + 1;	/* the datagram being filled */
		}
		obj->flags &= ~HA_OBJ_DIRTY;
		list_del_init(&obj->dirty);
	}
	return false;
}

/*
 * Puts the counters of the SAs that ctr_work found due, as many per
 * datagram as fit. Returns true if the burst ended first.
 */
static bool ha_sync_counters(struct ha_tx_round *r)
{
	struct ha_net *hn = r->hn;
	struct ha_tx *tx = r->tx;

	while (ha_ctr_pending(hn)) {
		size_t room = tx->b.cap - tx->b.len;
		unsigned int n;

		if (r->sent >= HA_TX_BURST)
			return true;
		if (room < 3 + 2 * HA_WIRE_CTR_LEN) {
			if (!ha_sync_send(r))
				break;
			continue;
		}
		n = ha_ctr_fill(hn, tx->ctrs, min_t(size_t, (room - 3) / HA_WIRE_CTR_LEN,
						    ARRAY_SIZE(tx->ctrs)), tx->seq + 1);
		if (!n)
			break;
		if (ha_wire_put_ctrs(&tx->b, tx->ctrs, n)) {
			ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_ERRORS);
			break;
		}
		ha_stat_add(hn, IPSEC_HA_A_STATS_TX_COUNTERS, n);
		r->records++;
	}
	return false;
}

/*
 * Puts a BULK_END for every node owed one (node 0: all of them), once
 * everything before it was put.
 */
static void ha_sync_bulk_ends(struct ha_tx_round *r)
{
	struct ha_net *hn = r->hn;
	struct ha_tx *tx = r->tx;
	int node = -1;

	while ((node = find_next_bit(tx->bulk_end_to, IPSEC_HA_NODE_ID_MAX + 1,
				     node + 1)) <= IPSEC_HA_NODE_ID_MAX) {
		struct ha_wire_bulk bk = { .node = node, .count = hn->store.local };
		int err;

		bk.req = node ? ha_peer_bulk_req(hn, node) : 0;

		do
			err = ha_wire_put_bulk(&tx->b, HA_REC_BULK_END, &bk);
		while (ha_sync_full(r, err));
		if (err)
			break;
		clear_bit(node, tx->bulk_end_to);
	}
}

/* Returns the digest of what this node owns: the XOR of the records' hashes. */
static u64 ha_sync_local_digest(struct ha_net *hn)
{
	struct ha_obj *obj;
	u64 digest = 0;

	list_for_each_entry(obj, &hn->store.objs, all)
		if ((obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) == HA_OBJ_LOCAL)
			digest ^= obj->digest;
	return digest;
}

/*
 * Puts the periodic ALIVE, after this node's NODE_INFO, and does the
 * work that goes with it once a second: old tombstones are removed,
 * silent peers are reported and forgotten.
 */
static void ha_sync_alive(struct ha_tx_round *r)
{
	struct ha_net *hn = r->hn;
	struct ha_tx *tx = r->tx;
	struct ha_wire_alive a = { .count = hn->store.local };

	a.digest = ha_sync_local_digest(hn);
	ha_store_reap_tombstones(hn);
	ha_watch_peers(hn);
	ha_peers_forget(hn);
	while (ha_sync_full(r, ha_node_info_put(hn, &tx->b)))
		;
	/* An ALIVE names the datagram that carries it, so it must fit in this one. */
	if (tx->b.cap - tx->b.len < HA_ALIVE_REC_LEN)
		ha_sync_send(r);
	a.last_seq = tx->seq + 1;
	ha_wire_put_alive(&tx->b, &a);
	tx->alive_at = jiffies + HA_ALIVE_INTERVAL;
}

/*
 * Runs one round of sending, at most HA_TX_BURST datagrams, and returns
 * true if more is waiting. The order of the steps is the order in which
 * peers need the records: requests and NACKs first, then changes, then
 * counters, and the BULK_ENDs and the ALIVE only once all of those went.
 *
 * Context: hn->lock held (it keeps the link and key) and store.lock held.
 */
static bool ha_sync_tx(struct ha_net *hn)
{
	struct ha_tx_round r = { .hn = hn, .tx = hn->tx };
	struct ha_tx *tx = r.tx;
	bool more, told = false;

	if (!ha_sync_round_begin(&r))
		return false;
	ha_sync_repeat_tombstones(&r);
	ha_sync_put_bulk_req(&r);
	ha_sync_put_nacks(&r);
	ha_sync_put_yielded(&r);
	ha_sync_put_outbox(&r);
	more = ha_sync_taken(&r) || ha_sync_dirty(&r) || ha_sync_counters(&r);
	if (!more)
		ha_sync_bulk_ends(&r);

	/* After a burst the ALIVE comes soon, so that a loss at its end shows. */
	if (r.records && time_after(tx->alive_at, jiffies + HA_ALIVE_AFTER_BURST))
		tx->alive_at = jiffies + HA_ALIVE_AFTER_BURST;
	if (!more && time_after_eq(jiffies, tx->alive_at)) {
		ha_sync_alive(&r);
		told = true;
	}
	ha_sync_send(&r);
	/* The peers know the threshold in NODE_INFO now: counters may follow it. */
	if (told)
		WRITE_ONCE(hn->sync_packets_told, hn->tx_info_sync_packets);
	ha_stat_add(hn, IPSEC_HA_A_STATS_TX_RECORDS, r.records);
	return more;
}

static void ha_sync_tx_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(to_delayed_work(work), struct ha_net, tx_work);
	bool more;

	mutex_lock(&hn->lock);
	ha_key_expire_prev(hn);
	mutex_lock(&hn->store.lock);
	more = ha_sync_tx(hn);
	if (hn->tx && hn->node_id)
		queue_delayed_work(ha_wq, &hn->tx_work,
				   more ? 1 : max_t(long, 1, (long)(hn->tx->alive_at - jiffies)));
	mutex_unlock(&hn->store.lock);
	mutex_unlock(&hn->lock);
}

/*
 * Sends everything that is waiting before it returns. Promote calls it
 * so that its new ownership is announced before it installs anything.
 *
 * Context: hn->lock and store.lock held.
 */
void ha_sync_flush(struct ha_net *hn)
{
	unsigned int rounds = 0;

	lockdep_assert_held(&hn->lock);
	lockdep_assert_held(&hn->store.lock);
	while (ha_sync_tx(hn) && ++rounds < 100000)
		cond_resched();
}

/**
 * ha_sync_renumber() - give this node another id, and what it owns along
 * @hn: the namespace's member
 * @id: the new node id (not 0)
 *
 * Sends what is waiting under the old id first, deletions included,
 * because peers apply those only from the owner they know. Then
 * local.c rewrites every SA, policy and IKE context this node owns as
 * the new id's, at the next ownership epoch. Peers refuse records in
 * which the sender is not the owner; they would find the new id's
 * ALIVE summary different from their mirror and ask for bulk syncs
 * every few seconds that cannot help. The caller restarts the sync
 * (ha_sync_start).
 *
 * Context: process context, hn->lock held.
 */
void ha_sync_renumber(struct ha_net *hn, u16 id)
{
	lockdep_assert_held(&hn->lock);
	mutex_lock(&hn->store.lock);
	if (hn->tx && hn->node_id)
		ha_sync_flush(hn);
	WRITE_ONCE(hn->node_id, id);
	ha_local_reown_all(hn, id);
	mutex_unlock(&hn->store.lock);
}

/*
 * Starts the sync once the node has an id, a link and a key, and again
 * when the link or key changes: learns the local SAD and SPD, announces
 * all of it, and asks the peers for theirs.
 *
 * Context: process context, hn->lock held.
 */
void ha_sync_start(struct ha_net *hn)
{
	lockdep_assert_held(&hn->lock);
	if (!hn->node_id || !rcu_access_pointer(hn->link) || !rcu_access_pointer(hn->key))
		return;
	mutex_lock(&hn->store.lock);
	if (!hn->tx) {
		hn->tx = kvzalloc(sizeof(*hn->tx), GFP_KERNEL);
		if (!hn->tx) {
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
			goto out;
		}
		INIT_LIST_HEAD(&hn->tx->outbox);
		ha_km_walk(hn);
	}
	ha_peers_bulk_begin(hn, 0);
	ha_sync_request_bulk(hn, 0);
	ha_sync_bulk_to(hn, 0);
out:
	mutex_unlock(&hn->store.lock);
}

int ha_sync_net_init(struct ha_net *hn)
{
	INIT_DELAYED_WORK(&hn->tx_work, ha_sync_tx_work);
	return 0;
}

void ha_sync_net_exit(struct ha_net *hn)
{
	cancel_delayed_work_sync(&hn->tx_work);
	if (hn->tx)
		ha_sync_outbox_free(hn->tx);
	kvfree(hn->tx);
	hn->tx = NULL;
}
