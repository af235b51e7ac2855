// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: per sender, the epoch and a sliding window of datagram numbers
 * (replay protection and gap detection), its bulk sync state, and the
 * comparison of its ALIVE summary with what this node mirrors of it.
 * Everything here runs in process context under store.lock.
 */
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "peer.h"
#include "standby.h"
#include "stats.h"
#include "sync.h"
#include "watch.h"

/* Mismatching summaries in a row before this node asks a peer for a bulk sync. */
#define HA_PEER_MISMATCH_MAX 2
/* Time a bulk sync has to complete before this node asks for it again. */
#define HA_BULK_PATIENCE (3 * HZ)
/* Time resends of a gap have to arrive before a difference counts. */
#define HA_REPAIR_PATIENCE (2 * HZ)
/*
 * Longest a difference waits for repairs: under steady loss a new gap
 * comes every few datagrams, and a mirror that missed what fell out of
 * the window would otherwise wait for its bulk sync for ever.
 */
#define HA_DIFFER_PATIENCE (5 * HZ)

/*
 * A peer lost for this long that owns nothing in the mirror is forgotten,
 * so that nodes that left for good free their slot (HA_PEERS_MAX). Only
 * its last epoch is kept, so that its old datagrams stay refused.
 */
static unsigned int peer_forget_secs = 600;
module_param(peer_forget_secs, uint, 0644);
MODULE_PARM_DESC(peer_forget_secs,
		 "Seconds after which a silent peer that owns nothing is forgotten (0: never)");

struct ha_peers *ha_peers(struct ha_net *hn)
{
	if (!hn->peers) {
		hn->peers = kvzalloc(sizeof(*hn->peers), GFP_KERNEL);
		if (hn->peers) {
			xa_init(&hn->peers->by_node);
			xa_init(&hn->peers->gone);
		}
	}
	return hn->peers;
}

struct ha_peer *ha_peer_get(struct ha_net *hn, u16 node)
{
	struct ha_peers *ps = ha_peers(hn);
	struct ha_peer_gone *gone;
	struct ha_peer *p;

	if (!ps)
		return NULL;
	p = xa_load(&ps->by_node, node);
	if (p || ps->count >= HA_PEERS_MAX)
		return p;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	p->node = node;
	/*
	 * Heard before, then forgotten: what it sent before stays refused
	 * (older epochs, and in its epoch every datagram up to the last).
	 */
	gone = xa_load(&ps->gone, node);
	if (gone) {
		p->epoch = gone->epoch;
		p->max_seq = gone->max_seq;
		p->first_seq = gone->max_seq;
		bitmap_fill(p->window, HA_PEER_WINDOW);
	}
	/* A node heard first after a request to all answers that request. */
	if (ps->bulk_all) {
		p->bulk = HA_BULK_WAITING;
		p->bulk_at = ps->bulk_all_at;
		p->bulk_req_seq = ps->bulk_all_seq;
	}
	if (xa_err(xa_store(&ps->by_node, node, p, GFP_KERNEL))) {
		kfree(p);
		return NULL;
	}
	if (gone)
		kfree(xa_erase(&ps->gone, node));
	ps->count++;
	return p;
}

/*
 * An authentic datagram from p: refuse a replay or an older epoch, note
 * it, and ask for what is missing before it.
 */
bool ha_peer_accept(struct ha_net *hn, struct ha_peer *p, const struct ha_wire_hdr *h)
{
	u64 seq = h->seq, s;

	if (!seq || h->epoch < p->epoch)
		return false;
	if (h->epoch > p->epoch) {	/* the peer restarted */
		p->epoch = h->epoch;
		p->max_seq = 0;
		p->synced_seq = 0;
		p->bulk_req_rx = 0;	/* its requests were of its last life */
		p->bulk_deferred = false;
		p->nr_nack_wait = 0;
		bitmap_zero(p->window, HA_PEER_WINDOW);
	}
	if (!p->max_seq)
		p->first_seq = seq;
	if (seq > p->max_seq) {
		if (p->max_seq && seq > p->max_seq + 1) {
			p->gaps++;
			p->last_gap = jiffies;
			ha_sync_nack(hn, p->node, p->max_seq + 1, seq - 1);
		}
		if (seq - p->max_seq >= HA_PEER_WINDOW)
			bitmap_zero(p->window, HA_PEER_WINDOW);
		else
			for (s = p->max_seq + 1; s < seq; s++)
				clear_bit(s % HA_PEER_WINDOW, p->window);
		p->max_seq = seq;
		set_bit(seq % HA_PEER_WINDOW, p->window);
	} else if (p->max_seq - seq >= HA_PEER_WINDOW ||
		   test_and_set_bit(seq % HA_PEER_WINDOW, p->window)) {
		return false;
	}
	p->datagrams++;
	p->last_heard = jiffies;
	return true;
}

/* This node asks node (0: every peer) for everything it owns. */
void ha_peers_bulk_begin(struct ha_net *hn, u16 node)
{
	struct ha_peers *ps = ha_peers(hn);
	struct ha_peer *p;
	unsigned long i;

	if (!ps)
		return;
	if (!node) {
		ps->bulk_all = true;
		ps->bulk_all_at = jiffies;
		ps->bulk_all_seq = U64_MAX;
	}
	xa_for_each(&ps->by_node, i, p) {
		if (node && p->node != node)
			continue;
		p->bulk = HA_BULK_WAITING;
		p->bulk_at = jiffies;
		p->bulk_req_seq = U64_MAX;
		p->gaps_at_bulk = p->gaps;
		p->in_sync = false;
	}
}

/* The BULK_REQ to node (0: all) went out in this node's datagram seq. */
void ha_peers_bulk_sent(struct ha_net *hn, u16 node, u64 seq)
{
	struct ha_peers *ps = hn->peers;
	struct ha_peer *p;
	unsigned long i;

	if (!ps)
		return;
	if (!node && ps->bulk_all && ps->bulk_all_seq == U64_MAX)
		ps->bulk_all_seq = seq;
	xa_for_each(&ps->by_node, i, p)
		if ((!node || p->node == node) && p->bulk == HA_BULK_WAITING &&
		    p->bulk_req_seq == U64_MAX)
			p->bulk_req_seq = seq;
}

/* The datagram of node's last BULK_REQ this node served (0: none). */
u64 ha_peer_bulk_req(struct ha_net *hn, u16 node)
{
	struct ha_peer *p = hn->peers ? xa_load(&hn->peers->by_node, node) : NULL;

	return p ? p->bulk_req_rx : 0;
}

/*
 * p sent all it owns: if none of it was lost, what this node still holds
 * of p's that p did not send again since this node asked p is gone there.
 * Each peer's request has its own time: a later request to another peer
 * says nothing of what p sent. Only the answer to this node's last
 * request counts: the end of an earlier bulk (p limits how often it
 * serves one node, and a request crosses the end of the bulk before
 * it) says nothing of what p sent since, nor does the bulk p sends to
 * all when it starts. After a loss the repairs are still on their way:
 * the next agreeing ALIVE completes the bulk sync instead.
 */
void ha_peer_bulk_end(struct ha_net *hn, struct ha_peer *p, const struct ha_wire_bulk *bk)
{
	struct ha_store_change chg;
	struct ha_obj *obj, *tmp;

	if (p->bulk != HA_BULK_WAITING || p->gaps != p->gaps_at_bulk)
		return;
	if (bk->has_req && (bk->node != hn->node_id || bk->req < p->bulk_req_seq))
		return;
	list_for_each_entry_safe(obj, tmp, &hn->store.objs, all) {
		if (obj->owner != p->node || (obj->flags & HA_OBJ_LOCAL) ||
		    !time_before(obj->changed, p->bulk_at))
			continue;
		ha_store_remove(hn, obj, &chg);
		ha_standby_settle(hn, NULL, &chg);
	}
	p->bulk = HA_BULK_DONE;
	p->mismatches = 0;
}

/*
 * The peer's summary differs from what this node holds: ask again for
 * the datagrams still missing in the window (a NACK, or the resend it
 * asked for, may have been lost too), up to the sender's NACK capacity.
 * Only holes after the last datagram whose summary matched count: the
 * older ones were repaired, and under steady loss they would fill every
 * range of the request.
 */
static void ha_peer_renack(struct ha_net *hn, struct ha_peer *p)
{
	u64 from = max3(p->first_seq, p->max_seq >= HA_PEER_WINDOW ?
				      p->max_seq - HA_PEER_WINDOW + 1 : 1,
			p->synced_seq + 1);
	unsigned int ranges = 0;
	u64 s = from, start;

	while (s <= p->max_seq && ranges < HA_SYNC_RESEND_RANGES) {
		if (test_bit(s % HA_PEER_WINDOW, p->window)) {
			s++;
			continue;
		}
		start = s;
		while (s <= p->max_seq && !test_bit(s % HA_PEER_WINDOW, p->window))
			s++;
		ha_sync_nack(hn, p->node, start, s - 1);
		ranges++;
	}
}

/*
 * Ask p for a bulk sync, unless the last one still has time to complete:
 * its summaries kept differing, or p spoke of an SA in an ownership
 * epoch newer than the one this node holds (p took it over and this
 * node missed that: it was cut off, and what p sent then is past any
 * resend; only a bulk sync brings it).
 */
void ha_peer_resync(struct ha_net *hn, struct ha_peer *p)
{
	if (p->bulk == HA_BULK_WAITING && time_before(jiffies, p->bulk_at + HA_BULK_PATIENCE))
		return;
	p->mismatches = 0;
	p->differs = false;
	ha_stat_inc(hn, IPSEC_HA_A_STATS_RESYNCS);
	ha_peers_bulk_begin(hn, p->node);
	ha_sync_request_bulk(hn, p->node);
}

/* Compare p's summary of what it owns with this node's mirror of it. */
void ha_peer_alive(struct ha_net *hn, struct ha_peer *p, const struct ha_wire_alive *a)
{
	struct ha_obj *obj;
	u64 digest = 0;
	u32 count = 0;
	bool patient;

	list_for_each_entry(obj, &hn->store.objs, all) {
		if (obj->owner != p->node || (obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)))
			continue;
		count++;
		digest ^= obj->digest;
	}
	p->in_sync = count == a->count && digest == a->digest;
	if (p->in_sync) {
		p->synced_seq = max(p->synced_seq, a->last_seq);
		p->mismatches = 0;
		p->differs = false;
		if (p->bulk == HA_BULK_WAITING)
			p->bulk = HA_BULK_DONE;
		return;
	}
	ha_peer_renack(hn, p);
	if (!p->differs) {
		p->differs = true;
		p->differs_at = jiffies;
	}
	patient = time_before(jiffies, p->differs_at + HA_DIFFER_PATIENCE);
	if (patient && ((p->bulk == HA_BULK_WAITING &&
			 time_before(jiffies, p->bulk_at + HA_BULK_PATIENCE)) ||
			(p->last_gap && time_before(jiffies, p->last_gap + HA_REPAIR_PATIENCE))))
		return;		/* repairs are on their way */
	if (++p->mismatches < HA_PEER_MISMATCH_MAX)
		return;
	ha_peer_resync(hn, p);
}

/*
 * The counter threshold node announced, which bounds what it may have
 * sent on an SA past its last synced counter; this node's own while
 * node has not announced one (an older node, or none heard yet).
 */
u32 ha_peer_sync_packets(struct ha_net *hn, u16 node)
{
	struct ha_peer *p = NULL;

	if (hn->peers && node != hn->node_id)
		p = xa_load(&hn->peers->by_node, node);
	return p && p->sync_packets ? p->sync_packets : READ_ONCE(hn->sync_packets);
}

/*
 * With each ALIVE: forget the peers silent for peer_forget_secs that own
 * nothing this node mirrors. Only one walk of the store, and only when
 * there is a candidate. Under store.lock.
 */
void ha_peers_forget(struct ha_net *hn)
{
	unsigned long i, after = READ_ONCE(peer_forget_secs) * HZ;
	struct ha_peers *ps = hn->peers;
	struct ha_obj *obj;
	struct ha_peer *p;
	bool any = false;

	if (!ps || !after)
		return;
	xa_for_each(&ps->by_node, i, p) {
		p->forget = p->lost && time_after(jiffies, p->last_heard + after);
		any |= p->forget;
	}
	if (!any)
		return;
	list_for_each_entry(obj, &hn->store.objs, all) {
		if (obj->flags & HA_OBJ_DELETED)
			continue;
		p = xa_load(&ps->by_node, obj->owner);
		if (p)
			p->forget = false;
	}
	xa_for_each(&ps->by_node, i, p) {
		struct ha_peer_gone *g;

		if (!p->forget)
			continue;
		g = kmalloc(sizeof(*g), GFP_KERNEL);
		if (!g)
			continue;
		g->epoch = p->epoch;
		g->max_seq = p->max_seq;
		if (xa_err(xa_store(&ps->gone, p->node, g, GFP_KERNEL))) {
			kfree(g);
			continue;
		}
		xa_erase(&ps->by_node, p->node);
		ps->count--;
		kfree(p);
	}
}

void ha_peers_destroy(struct ha_net *hn)
{
	struct ha_peers *ps = hn->peers;
	struct ha_peer_gone *g;
	struct ha_peer *p;
	unsigned long i;

	if (!ps)
		return;
	xa_for_each(&ps->by_node, i, p)
		kfree(p);
	xa_destroy(&ps->by_node);
	xa_for_each(&ps->gone, i, g)
		kfree(g);
	xa_destroy(&ps->gone);
	kvfree(ps);
	hn->peers = NULL;
}

/* Serial number arithmetic on 16 bits (RFC 1982). */
static bool ha_epoch_before(u16 a, u16 b)
{
	return (s16)(a - b) < 0;
}

/*
 * May the sender change the object of that ref? Ownership moves only to
 * a higher epoch. Two owners at one epoch took the object over while
 * they could not hear each other (each promoted from the same epoch):
 * every node resolves that tie the same way, for the lower node id, and
 * reports it.
 */
bool ha_peer_may_change(struct ha_net *hn, struct ha_obj *old, u16 sender, u16 owner, u16 epoch)
{
	bool wins;

	if (owner != sender)
		return false;	/* nodes speak only for what they own */
	if (!old)
		return true;
	if (ha_epoch_before(epoch, old->owner_epoch))
		return false;	/* stale: ownership moved on */
	if (epoch == old->owner_epoch && owner != old->owner && !(old->flags & HA_OBJ_DELETED)) {
		wins = owner < old->owner;
		ha_watch_split_brain(hn, old, wins ? owner : old->owner,
				     wins ? old->owner : owner);
		if (wins && (old->flags & HA_OBJ_LOCAL) && old->kind != HA_OBJ_IKE)
			ha_sync_yield(hn, old);
		return wins;
	}
	return !(old->flags & HA_OBJ_LOCAL) || ha_epoch_before(old->owner_epoch, epoch);
}
