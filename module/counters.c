// SPDX-License-Identifier: GPL-2.0
/*
 * Counter sync. Each SA this node owns has a tracker, found by the hook
 * through an RCU hash table keyed by its xfrm_state. The first packet on
 * an idle SA puts the tracker on a lock-free list; ctr_work, every
 * sync_interval while any SA moves, reads the counters of those SAs and
 * marks due the ones that moved sync_packets or moved at all for a whole
 * interval; tx_work sends them, many per datagram. An SA that stops
 * moving leaves the active list, so idle SAs cost nothing.
 *
 * Receivers keep the highest value they saw (a lost or reordered record
 * never moves a counter back) and how fast it moved: the takeover margin
 * (margin.h) is made of that.
 */
#include <linux/slab.h>
#include <net/xfrm.h>

#include "compat.h"
#include "counters.h"
#include "hook.h"
#include "ipsec_ha.h"
#include "margin.h"
#include "stats.h"
#include "sync.h"
#include "wire.h"

static const struct rhashtable_params ha_ctr_params = {
	.key_len = sizeof(struct xfrm_state *),
	.key_offset = offsetof(struct ha_ctr, x),
	.head_offset = offsetof(struct ha_ctr, node),
	.automatic_shrinking = true,
};

/* Packets after which an SA's counter is due: never more than peers know. */
static u32 ha_ctr_threshold(const struct ha_net *hn)
{
	return min(READ_ONCE(hn->sync_packets), READ_ONCE(hn->sync_packets_told));
}

static unsigned long ha_ctr_interval(const struct ha_net *hn)
{
	return max(1UL, msecs_to_jiffies(READ_ONCE(hn->sync_interval_ms)));
}

/*
 * The hook, for every state of every protected packet (softirq or
 * process context, RCU held by netfilter): O(1), no lock, no allocation.
 * queue_delayed_work() takes a lock only when it actually queues: once
 * per batch, not per packet.
 */
void ha_ctr_touch(struct ha_net *hn, struct xfrm_state *x)
{
	struct ha_ctr *c = rhashtable_lookup(&hn->ctrs.table, &x, ha_ctr_params);
	u64 now;

	if (!c)
		return;
	if (!test_bit(HA_CTR_ACTIVE, &c->flags)) {
		if (!test_and_set_bit(HA_CTR_ACTIVE, &c->flags) &&
		    llist_add(&c->pending, &hn->ctrs.pending))
			queue_delayed_work(ha_wq, &hn->ctrs.work, ha_ctr_interval(hn));
		return;
	}
	if (test_bit(HA_CTR_URGENT, &c->flags))
		return;
	/* A racy read is enough to tell the threshold is near. */
	now = x->replay_esn ? READ_ONCE(x->replay_esn->oseq) : READ_ONCE(x->replay.oseq);
	if ((u32)now - (u32)c->sent_out >= ha_ctr_threshold(hn) &&
	    !test_and_set_bit(HA_CTR_URGENT, &c->flags))
		mod_delayed_work(ha_wq, &hn->ctrs.work, 0);
}

/* An SA's live counters; takes x->lock, so never from a walk callback. */
void ha_ctr_read(struct xfrm_state *x, u64 *oseq, u64 *seq)
{
	spin_lock_bh(&x->lock);
	if (x->replay_esn) {
		*oseq = (u64)x->replay_esn->oseq_hi << 32 | x->replay_esn->oseq;
		*seq = (u64)x->replay_esn->seq_hi << 32 | x->replay_esn->seq;
	} else {
		*oseq = x->replay.oseq;
		*seq = x->replay.seq;
	}
	spin_unlock_bh(&x->lock);
}

static struct ha_ctr *ha_ctr_find(struct ha_net *hn, struct xfrm_state *x)
{
	return rhashtable_lookup_fast(&hn->ctrs.table, &x, ha_ctr_params);
}

/*
 * Follow x, an SA this node owns under refkey. Called again with the same
 * x (an update, a takeover), it only takes the new ref and epoch.
 */
int ha_ctr_track(struct ha_net *hn, struct xfrm_state *x, u64 refkey, u16 owner_epoch)
{
	struct ha_ctr *c = ha_ctr_find(hn, x);
	int err;

	lockdep_assert_held(&hn->store.lock);
	if (c) {
		c->refkey = refkey;
		c->owner_epoch = owner_epoch;
		return 0;
	}
	err = ha_hook_register(hn);
	if (err)
		return err;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->x = x;
	c->refkey = refkey;
	c->owner_epoch = owner_epoch;
	ha_ctr_read(x, &c->sent_out, &c->sent_in);
	c->sent_at = jiffies;
	c->moved_at = c->sent_at;
	INIT_LIST_HEAD(&c->active);
	INIT_LIST_HEAD(&c->due);
	err = rhashtable_insert_fast(&hn->ctrs.table, &c->node, ha_ctr_params);
	if (err) {
		kfree(c);
		return err;
	}
	xfrm_state_hold(x);
	list_add_tail(&c->all, &hn->ctrs.all);
	hn->ctrs.count++;
	return 0;
}

static void ha_ctr_free(struct ha_net *hn, struct ha_ctr *c)
{
	rhashtable_remove_fast(&hn->ctrs.table, &c->node, ha_ctr_params);
	list_del(&c->all);
	list_del_init(&c->due);
	xfrm_state_put(c->x);
	c->x = NULL;
	hn->ctrs.count--;
	/*
	 * A hook that found it before it left the table may still queue it,
	 * unless ACTIVE is set: whoever sets ACTIVE puts it on ctr_work's
	 * lists, and ctr_work frees what it finds untracked there.
	 */
	if (test_and_set_bit(HA_CTR_ACTIVE, &c->flags))
		return;
	kfree_rcu(c, rcu);
}

void ha_ctr_untrack(struct ha_net *hn, struct xfrm_state *x)
{
	struct ha_ctr *c = ha_ctr_find(hn, x);

	lockdep_assert_held(&hn->store.lock);
	if (c)
		ha_ctr_free(hn, c);
}

/* After a flush, which names no SA: stop following the SAs that went. */
void ha_ctr_reap(struct ha_net *hn)
{
	struct ha_ctr *c, *tmp;

	lockdep_assert_held(&hn->store.lock);
	list_for_each_entry_safe(c, tmp, &hn->ctrs.all, all)
		if (READ_ONCE(c->x->km.state) == XFRM_STATE_DEAD)
			ha_ctr_free(hn, c);
}

/* Whether c's SA moved since it was last sent; ctr_work decides if due. */
static bool ha_ctr_moved(struct ha_ctr *c, u64 *out, u64 *in)
{
	ha_ctr_read(c->x, out, in);
	return *out != c->sent_out || *in != c->sent_in;
}

static void ha_ctr_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(to_delayed_work(work), struct ha_net, ctrs.work);
	unsigned long now = jiffies, interval = ha_ctr_interval(hn);
	struct llist_node *list;
	u32 threshold = ha_ctr_threshold(hn);
	struct ha_ctr *c, *tmp;
	bool due = false;
	u64 out, in;

	mutex_lock(&hn->store.lock);
	list = llist_del_all(&hn->ctrs.pending);
	llist_for_each_entry_safe(c, tmp, list, pending)
		list_add_tail(&c->active, &hn->ctrs.active);

	list_for_each_entry_safe(c, tmp, &hn->ctrs.active, active) {
		if (!c->x) {		/* untracked while active */
			list_del(&c->active);
			kfree_rcu(c, rcu);
			continue;
		}
		clear_bit(HA_CTR_URGENT, &c->flags);
		if (ha_ctr_moved(c, &out, &in)) {
			c->moved_at = now;
			if (out - c->sent_out >= threshold ||
			    in - c->sent_in >= threshold ||
			    time_after_eq(now, c->sent_at + interval)) {
				if (!test_and_set_bit(HA_CTR_DUE, &c->flags))
					list_add_tail(&c->due, &hn->ctrs.due);
				due = true;
			}
			continue;
		}
		if (time_before(now, c->moved_at + 2 * interval))
			continue;
		/* Idle: leave the list; the hook puts it back on the next packet. */
		list_del_init(&c->active);
		clear_bit(HA_CTR_ACTIVE, &c->flags);
		/* Order the clear before the re-read: pairs with the hook's test_and_set_bit. */
		smp_mb__after_atomic();
		/* A packet between the read and the clear saw ACTIVE: look again. */
		if (ha_ctr_moved(c, &out, &in) && !test_and_set_bit(HA_CTR_ACTIVE, &c->flags))
			list_add_tail(&c->active, &hn->ctrs.active);
	}
	if (due)
		ha_sync_kick(hn);
	if (!list_empty(&hn->ctrs.active))
		queue_delayed_work(ha_wq, &hn->ctrs.work, interval);
	mutex_unlock(&hn->store.lock);
}

/* Whether tx has counters to send. */
bool ha_ctr_pending(struct ha_net *hn)
{
	return !list_empty(&hn->ctrs.due);
}

static void ha_ctr_entry(struct ha_wire_ctr *e, const struct ha_ctr *c, bool inbound,
			 u64 value)
{
	ha_ref_of(c->refkey, &e->ref);
	e->owner_epoch = c->owner_epoch;
	e->inbound = inbound;
	e->value = value;
}

/*
 * For tx_work: up to max counter entries of due SAs, read now, for the
 * datagram dgram_seq. An SA gives an entry for each direction that moved
 * (a resend of one that did not: its outbound counter).
 */
unsigned int ha_ctr_fill(struct ha_net *hn, struct ha_wire_ctr *e, unsigned int max,
			 u64 dgram_seq)
{
	struct ha_ctr *c, *tmp;
	unsigned int n = 0;
	u64 out, in;

	lockdep_assert_held(&hn->store.lock);
	list_for_each_entry_safe(c, tmp, &hn->ctrs.due, due) {
		if (n + 2 > max)
			break;
		ha_ctr_read(c->x, &out, &in);
		if (out != c->sent_out || in == c->sent_in)
			ha_ctr_entry(&e[n++], c, false, out);
		if (in != c->sent_in)
			ha_ctr_entry(&e[n++], c, true, in);
		c->sent_out = out;
		c->sent_in = in;
		c->sent_at = jiffies;
		c->sent_seq = dgram_seq;
		list_del_init(&c->due);
		clear_bit(HA_CTR_DUE, &c->flags);
	}
	return n;
}

/* A peer missed datagrams from..to: send the counters they carried again. */
void ha_ctr_resend(struct ha_net *hn, u64 from, u64 to)
{
	struct ha_ctr *c;

	lockdep_assert_held(&hn->store.lock);
	list_for_each_entry(c, &hn->ctrs.all, all)
		if (c->sent_seq >= from && c->sent_seq <= to &&
		    !test_and_set_bit(HA_CTR_DUE, &c->flags))
			list_add_tail(&c->due, &hn->ctrs.due);
}

/* Is epoch a (the bits a counter entry carries) after b? RFC 1982. */
static bool ha_ctr_epoch_after(u16 a, u16 b)
{
	u16 d = (a - b) & HA_WIRE_CTR_EPOCH_MASK;

	return d && d <= HA_WIRE_CTR_EPOCH_MASK / 2;
}

/*
 * A peer's counter record: keep the highest value and how fast it moves.
 * True if the sender counts on an SA in an ownership epoch newer than
 * the one held here: it took the SA over and this node missed that.
 */
bool ha_ctr_rx(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec)
{
	unsigned int i, n = ha_wire_ctrs_count(rec);
	unsigned long now = jiffies;
	struct ha_wire_ctr e;
	struct ha_obj *obj;
	bool behind = false;

	if (!n) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return false;
	}
	for (i = 0; i < n; i++) {
		u64 *ctr, ms;
		u32 *rate;

		if (ha_wire_get_ctr(rec, i, &e))
			break;
		obj = ha_store_find(&hn->store, ha_refkey(&e.ref));
		if (!obj || obj->kind != HA_OBJ_SA || (obj->flags & HA_OBJ_DELETED)) {
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_STALE);
			continue;
		}
		/* Only the owner speaks, and only in its own epoch. */
		if (obj->owner != sender || (obj->flags & HA_OBJ_LOCAL) ||
		    (obj->owner_epoch & HA_WIRE_CTR_EPOCH_MASK) != e.owner_epoch) {
			if (ha_ctr_epoch_after(e.owner_epoch, obj->owner_epoch))
				behind = true;
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_STALE);
			continue;
		}
		ctr = e.inbound ? &obj->seq : &obj->oseq;
		rate = e.inbound ? &obj->rate_in : &obj->rate_out;
		if (e.value <= *ctr)
			continue;
		ms = jiffies_to_msecs(now - obj->ctr_at);
		*rate = ha_margin_rate(*rate, e.value - *ctr, ms);
		*ctr = e.value;
		obj->ctr_at = now;
	}
	return behind;
}

int ha_ctr_net_init(struct ha_net *hn)
{
	init_llist_head(&hn->ctrs.pending);
	INIT_LIST_HEAD(&hn->ctrs.active);
	INIT_LIST_HEAD(&hn->ctrs.due);
	INIT_LIST_HEAD(&hn->ctrs.all);
	INIT_DELAYED_WORK(&hn->ctrs.work, ha_ctr_work);
	return rhashtable_init(&hn->ctrs.table, &ha_ctr_params);
}

/*
 * The hooks are gone (pre_exit) and km_work and rx_work are stopped:
 * nothing queues ctr_work any more. Stop it before tx_work is stopped,
 * since ctr_work queues tx_work when counters are due.
 */
void ha_ctr_net_stop(struct ha_net *hn)
{
	cancel_delayed_work_sync(&hn->ctrs.work);
}

/* After ha_ctr_net_stop() and tx_work's end: no tracker is used any more. */
void ha_ctr_net_exit(struct ha_net *hn)
{
	struct ha_ctr *c, *tmp;
	struct llist_node *list;

	list = llist_del_all(&hn->ctrs.pending);
	llist_for_each_entry_safe(c, tmp, list, pending)
		list_add_tail(&c->active, &hn->ctrs.active);
	list_for_each_entry_safe(c, tmp, &hn->ctrs.active, active)
		if (!c->x)
			kfree(c);
	list_for_each_entry_safe(c, tmp, &hn->ctrs.all, all) {
		xfrm_state_put(c->x);
		kfree(c);
	}
	rhashtable_destroy(&hn->ctrs.table);
}
