// SPDX-License-Identifier: GPL-2.0
/*
 * Takeover (Documentation/takeover.md). Promote installs mirrored SAs and
 * policies into the local SAD/SPD, with outbound counters moved past
 * anything the old owner can have sent (margin.h) and the inbound replay
 * state at the last synced value (accept) or past the margin (strict).
 * This node becomes the owner at the next epoch and announces the new
 * records. Demote removes what this node took over from its SAD/SPD and
 * announces the final counters; this node stays the owner until another
 * node promotes. A node that learns that another took over an SA it still
 * has removes it at once, so that it never sends on an SA it lost.
 *
 * New versions of an object are its stored record with the owner, epoch
 * and counters patched in place (ha_obj_patch()): nothing here encodes a
 * record. Process context, hn->lock and store.lock held.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <net/xfrm.h>

#include "counters.h"
#include "ike.h"
#include "install.h"
#include "margin.h"
#include "peer.h"
#include "standby.h"
#include "stats.h"
#include "sync.h"
#include "takeover.h"
#include "watch.h"

static void ha_takeover_fail(struct ha_takeover *t, const struct ha_obj *obj, int err,
			     const char *why)
{
	struct ha_takeover_failure *f;

	t->failed++;
	if (t->nr_failures >= ARRAY_SIZE(t->failures))
		return;
	f = &t->failures[t->nr_failures++];
	f->refkey = obj->refkey;
	f->policy = obj->kind == HA_OBJ_POLICY;
	f->spi = obj->nkey.spi;
	f->family = obj->nkey.family;
	memcpy(f->daddr, obj->nkey.addr, sizeof(f->daddr));
	f->err = err;
	f->why = why;
}

/*
 * Stores a new version of obj, this node's, whose record is obj's with
 * the fields of p patched in place, with flags added, and acts on what
 * the store reports (prepared states, a new collision). With brief, the
 * version is announced with a TAKEN entry only, since the peers hold obj
 * as it is; promote finds it so.
 */
static int ha_takeover_put(struct ha_net *hn, const struct ha_obj *obj,
			   const struct ha_wire_patch *p, u16 flags, bool brief)
{
	struct ha_store_change chg;
	struct ha_obj *new;
	int err;

	brief = brief && !(obj->flags & HA_OBJ_DIRTY);	/* else the peers may not */
	new = ha_obj_patch(obj, p);
	if (!new)
		return -ENOMEM;
	new->flags = HA_OBJ_LOCAL | flags;
	err = ha_store_put(hn, new, &chg);
	ha_standby_settle(hn, err ? NULL : new, &chg);
	if (err)
		return -ENOMEM;
	if (chg.collided)
		ha_watch_collision(hn, new, chg.collided);
	ha_store_mark_dirty(&hn->store, new);
	if (brief)
		new->flags |= HA_OBJ_BRIEF;
	return 0;
}

/* Where the counters of a promoted SA start; false if they cannot. */
static bool ha_takeover_counters(struct ha_net *hn, struct ha_takeover *t,
				 const struct ha_obj *obj, u64 *oseq, u64 *seq)
{
	const struct ha_wire_sa *w = &t->sa;
	struct ha_margin_in m = {
		.since_ms = jiffies_to_msecs(jiffies - obj->ctr_at),
		/* What the owner was allowed to send unsynced, not this node. */
		.sync_packets = ha_peer_sync_packets(hn, obj->owner),
		.margin_min = hn->margin_min,
	};

	m.last = max(obj->oseq, w->oseq);
	m.rate = obj->rate_out;
	*oseq = m.last;
	/* Handed over: the owner sent nothing past its final counters. */
	if (t->exact) {
		*seq = max(obj->seq, w->seq);
		return true;
	}
	if (w->dir != HA_DIR_IN) {
		*oseq = ha_margin_node_start(ha_margin_start(&m, w->esn), w->esn, hn->node_id);
		if (!*oseq)
			return false;
	}
	m.last = max(obj->seq, w->seq);
	m.rate = obj->rate_in;
	*seq = m.last;
	if (t->inbound == IPSEC_HA_INBOUND_POLICY_STRICT && w->dir != HA_DIR_OUT) {
		*seq = ha_margin_start(&m, w->esn);
		if (!*seq)	/* the window cannot move past the margin: refuse all */
			*seq = w->esn ? ~0ULL : U32_MAX;
	}
	return true;
}

/*
 * First half of promoting an SA: build it with its new counters, and
 * store its record as this node's, not installed yet. The SA goes into
 * the SAD only after that record was sent (ha_promote_install), so a
 * node that takes over from this one later knows where it started even
 * if this one fails right after.
 */
static void ha_promote_prepare_sa(struct ha_net *hn, struct ha_takeover *t,
				  struct ha_obj *obj, struct ha_promote_item *it)
{
	struct ha_wire_patch p = { .set = HA_PATCH_OWNER | HA_PATCH_CTRS };
	struct ha_wire_sa *w = &t->sa;
	struct xfrm_state *x;
	const char *why;
	bool prepared;
	u64 oseq, seq;
	int err;

	if (ha_obj_decode(obj, w, NULL)) {
		ha_takeover_fail(t, obj, -EBADMSG, "the mirrored record does not decode");
		return;
	}
	if (!ha_takeover_counters(hn, t, obj, &oseq, &seq)) {
		ha_takeover_fail(t, obj, -EOVERFLOW,
				 "the outbound counter would pass 2^32 - 1: rekey it instead");
		goto out;
	}
	/* Prepared in advance from this very record, or built now. */
	x = ha_standby_take(hn, obj);
	prepared = x;
	if (!x) {
		x = ha_inst_sa_build(hn->net, w, &err, &why);
		if (!x) {
			ha_takeover_fail(t, obj, err, why);
			goto out;
		}
	}
	ha_inst_sa_counters(x, oseq, seq);
	p.owner = hn->node_id;
	p.owner_epoch = obj->owner_epoch + 1;
	p.oseq = oseq;
	p.seq = seq;
	it->refkey = obj->refkey;
	err = ha_takeover_put(hn, obj, &p, HA_OBJ_RELEASED, true);
	if (err) {
		ha_takeover_fail(t, obj, err, "cannot store the new ownership");
		ha_inst_sa_discard(x);
		goto out;
	}
	it->x = x;
	it->prepared = prepared;
	/* The IKE SA that owns it moves too (a takeover counted, announced with it). */
	if (ha_ike_takeover(hn, w->spi))
		t->ikes++;
out:
	memzero_explicit(w, sizeof(*w));
}

/*
 * First half of promoting a policy: store its record as this node's, with
 * owner and epoch patched in place. The second half decodes it, once.
 */
static void ha_promote_prepare_policy(struct ha_net *hn, struct ha_takeover *t,
				      struct ha_obj *obj, struct ha_promote_item *it)
{
	struct ha_wire_patch p = {
		.set = HA_PATCH_OWNER,
		.owner = hn->node_id,
		.owner_epoch = obj->owner_epoch + 1,
	};
	int err;

	it->refkey = obj->refkey;
	err = ha_takeover_put(hn, obj, &p, HA_OBJ_RELEASED, true);
	if (err)
		ha_takeover_fail(t, obj, err, "cannot store the new ownership");
	else
		it->policy = true;
}

/* Second half: into the SAD or SPD, and followed from now on. */
static void ha_promote_install(struct ha_net *hn, struct ha_takeover *t,
			       struct ha_promote_item *it)
{
	struct ha_obj *obj = ha_store_find(&hn->store, it->refkey);
	const char *why;
	int err;

	if (!obj || (obj->flags & (HA_OBJ_LOCAL | HA_OBJ_RELEASED)) !=
		    (HA_OBJ_LOCAL | HA_OBJ_RELEASED)) {
		if (it->x)	/* gone meanwhile (a deletion arrived): drop it */
			ha_inst_sa_discard(it->x);
		return;
	}
	if (it->x) {
		err = ha_inst_sa_add(it->x);
		if (err) {
			ha_takeover_fail(t, obj, err,
					 err == -EEXIST ? "the SPI is in use on this node" :
							  "the kernel refused the SA");
			return;	/* stays this node's, not installed: demoted */
		}
		obj->flags &= ~HA_OBJ_RELEASED;
		if (ha_ctr_track(hn, it->x, obj->refkey, obj->owner_epoch))
			ha_takeover_fail(t, obj, -ENOMEM,
					 "installed, but its counters are not synced");
		else
			t->sas++;
		t->prepared += it->prepared;
		xfrm_state_put(it->x);
		return;
	}
	if (ha_obj_decode(obj, NULL, &t->pol)) {
		ha_takeover_fail(t, obj, -EBADMSG, "the record does not decode");
		return;
	}
	err = ha_inst_policy_add(hn->net, &t->pol, &why);
	/* The same policy configured on every node is no failure. */
	if (err && err != -EEXIST) {
		ha_takeover_fail(t, obj, err, why);
		return;
	}
	obj->flags &= ~HA_OBJ_RELEASED;
	t->policies++;
}

/* What promote takes: node 0 means every object this node does not run. */
static bool ha_promote_wants(struct ha_net *hn, const struct ha_obj *obj, u16 node)
{
	if (obj->flags & HA_OBJ_DELETED)
		return false;
	if (obj->flags & HA_OBJ_LOCAL)
		return (obj->flags & HA_OBJ_RELEASED) && (!node || node == hn->node_id);
	return !node || obj->owner == node;
}

/*
 * The refs of the objects of one kind that wants() selects, appended to
 * items[] from *n on (at most max in all). Preparing an object replaces
 * it in the store and can replace others (its IKE context), so promote
 * and demote first note what to take by ref, then look each one up:
 * no walk of the store's list outlives a change to it.
 */
static void ha_takeover_select(struct ha_net *hn, u8 kind, u16 node,
			       bool (*wants)(struct ha_net *, const struct ha_obj *, u16),
			       struct ha_promote_item *items, unsigned int *n, unsigned int max)
{
	struct ha_obj *obj;

	list_for_each_entry(obj, &hn->store.objs, all) {
		if (*n >= max)
			return;
		if (obj->kind == kind && wants(hn, obj, node))
			items[(*n)++].refkey = obj->refkey;
	}
}

/* The refs of t->refs of one kind that wants() selects, as ha_takeover_select(). */
static void ha_takeover_select_refs(struct ha_net *hn, u8 kind, const struct ha_takeover *t,
				    struct ha_promote_item *items, unsigned int *n,
				    unsigned int max)
{
	struct ha_obj *obj;
	unsigned int i;

	for (i = 0; i < t->nr_refs && *n < max; i++) {
		obj = ha_store_find(&hn->store, t->refs[i]);
		if (obj && obj->kind == kind && t->node && ha_promote_wants(hn, obj, t->node))
			items[(*n)++].refkey = obj->refkey;
	}
}

int ha_promote(struct ha_net *hn, struct ha_takeover *t)
{
	unsigned int n = 0, chosen = 0, max, i;
	struct ha_promote_item *items;
	struct ha_obj *obj;
	ktime_t start;

	lockdep_assert_held(&hn->lock);
	lockdep_assert_held(&hn->store.lock);
	/*
	 * A takeover is announced before anything is installed: without a
	 * link and a key it cannot be, and another node could take the same
	 * SAs over at the same epoch without ever hearing of this one.
	 */
	if (!hn->node_id || !hn->tx || !rcu_access_pointer(hn->link) ||
	    !rcu_access_pointer(hn->key))
		return -ENOTCONN;
	max = hn->store.count + 1;
	items = kvcalloc(max, sizeof(*items), GFP_KERNEL);
	if (!items)
		return -ENOMEM;
	start = ktime_get();
	/* SAs first: a policy is of no use before the SAs it needs. */
	if (t->refs) {
		ha_takeover_select_refs(hn, HA_OBJ_SA, t, items, &chosen, max);
		ha_takeover_select_refs(hn, HA_OBJ_POLICY, t, items, &chosen, max);
	} else {
		ha_takeover_select(hn, HA_OBJ_SA, t->node, ha_promote_wants, items, &chosen, max);
		ha_takeover_select(hn, HA_OBJ_POLICY, t->node, ha_promote_wants, items, &chosen,
				   max);
	}
	for (i = 0; i < chosen; i++) {
		struct ha_promote_item it = { };

		/* An earlier step may have taken or replaced it meanwhile. */
		obj = ha_store_find(&hn->store, items[i].refkey);
		if (!obj || !ha_promote_wants(hn, obj, t->node))
			continue;
		if (obj->kind == HA_OBJ_SA)
			ha_promote_prepare_sa(hn, t, obj, &it);
		else
			ha_promote_prepare_policy(hn, t, obj, &it);
		if (it.x || it.policy)
			items[n++] = it;	/* n <= i: never ahead of the reading */
		cond_resched();
	}
	ha_sync_flush(hn);
	/* Yielding also lets the SAD's and SPD's hash resize work run. */
	for (i = 0; i < n; i++) {
		ha_promote_install(hn, t, &items[i]);
		cond_resched();
	}
	t->usecs = ktime_us_delta(ktime_get(), start);
	kvfree(items);
	ha_sync_kick(hn);
	return 0;
}

/* Remove x (held) from the SAD and stop following it; its last counters. */
static void ha_takeover_remove_sa(struct ha_net *hn, struct xfrm_state *x, u64 *oseq, u64 *seq)
{
	ha_ctr_read(x, oseq, seq);
	ha_ctr_untrack(hn, x);
	xfrm_state_delete(x);
	xfrm_state_put(x);
}

/*
 * Demotes an SA: removes it from the SAD and stores a new version with
 * its final counters, patched in place, flagged RELEASED.
 */
static void ha_demote_sa(struct ha_net *hn, struct ha_takeover *t, struct ha_obj *obj)
{
	struct ha_wire_patch p;
	struct xfrm_state *x;
	u64 oseq = 0, seq = 0;

	if (ha_wire_patch_get(obj->rec, obj->len, &p))
		return;
	x = ha_inst_sa_find(hn->net, &obj->nkey);
	if (x)
		ha_takeover_remove_sa(hn, x, &oseq, &seq);
	p.set = HA_PATCH_CTRS;
	p.oseq = max3(p.oseq, obj->oseq, oseq);
	p.seq = max3(p.seq, obj->seq, seq);
	if (!ha_takeover_put(hn, obj, &p, HA_OBJ_RELEASED, false))
		t->sas++;
}

static void ha_demote_policy(struct ha_net *hn, struct ha_takeover *t, struct ha_obj *obj)
{
	if (ha_obj_decode(obj, NULL, &t->pol))
		return;
	ha_inst_policy_del(hn->net, &t->pol);
	obj->flags |= HA_OBJ_RELEASED;
	t->policies++;
}

/* What demote gives up: node 0 means all that other nodes announced first. */
static bool ha_demote_wants(struct ha_net *hn, const struct ha_obj *obj, u16 node)
{
	u16 origin = obj->refkey >> 32;

	if ((obj->flags & (HA_OBJ_LOCAL | HA_OBJ_RELEASED | HA_OBJ_DELETED)) != HA_OBJ_LOCAL)
		return false;
	return node ? origin == node : origin != hn->node_id;
}

int ha_demote(struct ha_net *hn, struct ha_takeover *t)
{
	unsigned int chosen = 0, max, i;
	struct ha_promote_item *items;
	ktime_t start = ktime_get();
	struct ha_obj *obj;

	lockdep_assert_held(&hn->store.lock);
	if (!hn->node_id || !hn->tx)
		return -ENOTCONN;
	max = hn->store.count + 1;
	items = kvcalloc(max, sizeof(*items), GFP_KERNEL);
	if (!items)
		return -ENOMEM;
	ha_takeover_select(hn, HA_OBJ_SA, t->node, ha_demote_wants, items, &chosen, max);
	ha_takeover_select(hn, HA_OBJ_POLICY, t->node, ha_demote_wants, items, &chosen, max);
	for (i = 0; i < chosen; i++) {
		obj = ha_store_find(&hn->store, items[i].refkey);
		if (!obj || !ha_demote_wants(hn, obj, t->node))
			continue;
		if (obj->kind == HA_OBJ_POLICY)
			ha_demote_policy(hn, t, obj);
		else
			ha_demote_sa(hn, t, obj);
		cond_resched();
	}
	kvfree(items);
	t->usecs = ktime_us_delta(ktime_get(), start);
	ha_sync_kick(hn);
	return 0;
}

/* An entry of a GIVEN record for obj, this node's, handed to node to. */
static void ha_give_entry(const struct ha_obj *obj, u16 to, struct ha_wire_given *g)
{
	ha_ref_of(obj->refkey, &g->e.ref);
	g->e.owner_epoch = obj->owner_epoch;
	g->e.check = lower_32_bits(obj->digest);
	g->e.oseq = obj->kind == HA_OBJ_SA ? obj->oseq : 0;
	g->e.seq = obj->kind == HA_OBJ_SA ? obj->seq : 0;
	g->to = to;
}

/*
 * Hands an SA over: removes it from the SAD first and reads its counters
 * after, under the SA's lock. A dead SA sends nothing (xfrm_output checks
 * its state under that lock before it numbers a packet), so these are
 * its final counters, where the new owner starts. Stores them, patched
 * in place, flagged RELEASED. Returns the new version, or NULL.
 */
static struct ha_obj *ha_give_sa(struct ha_net *hn, struct ha_obj *obj)
{
	struct ha_wire_patch p;
	struct xfrm_state *x;
	u64 oseq = 0, seq = 0;

	if (ha_wire_patch_get(obj->rec, obj->len, &p))
		return NULL;
	x = ha_inst_sa_find(hn->net, &obj->nkey);
	if (x) {
		ha_ctr_untrack(hn, x);
		xfrm_state_delete(x);
		ha_ctr_read(x, &oseq, &seq);
		xfrm_state_put(x);
	}
	p.set = HA_PATCH_CTRS;
	p.oseq = max3(p.oseq, obj->oseq, oseq);
	p.seq = max3(p.seq, obj->seq, seq);
	if (ha_takeover_put(hn, obj, &p, HA_OBJ_RELEASED, false))
		return NULL;
	return ha_store_find(&hn->store, obj->refkey);
}

/**
 * ha_give() - hand objects this node owns to another node (a planned move)
 * @hn: the namespace's member
 * @refs: the objects, by ref; those this node does not own installed are skipped
 * @n: how many
 * @to: the node that takes them over
 * @out: room for n GIVEN entries
 *
 * Removes each object from the SAD or SPD and keeps it mirrored as this
 * node's, RELEASED, with an SA's final counters: this node stays the
 * owner until @to takes it over at the next epoch, as after a demote.
 * SAs go first, so that no policy is left without its SA in the SPD of
 * this node while the SA is still in use.
 *
 * Context: process context, hn->lock and store.lock held.
 * Return: the number of GIVEN entries filled in @out.
 */
unsigned int ha_give(struct ha_net *hn, const u64 *refs, unsigned int n, u16 to,
		     struct ha_wire_given *out)
{
	struct ha_wire_policy *pol;
	unsigned int i, k, nr = 0;
	struct ha_obj *obj;
	u8 kind;

	lockdep_assert_held(&hn->store.lock);
	pol = kmalloc(sizeof(*pol), GFP_KERNEL);
	for (k = 0; k < 2; k++) {
		kind = k ? HA_OBJ_POLICY : HA_OBJ_SA;
		for (i = 0; i < n; i++) {
			obj = ha_store_find(&hn->store, refs[i]);
			if (!obj || obj->kind != kind ||
			    (obj->flags & (HA_OBJ_LOCAL | HA_OBJ_RELEASED | HA_OBJ_DELETED)) !=
			    HA_OBJ_LOCAL)
				continue;
			if (kind == HA_OBJ_SA) {
				obj = ha_give_sa(hn, obj);
				if (!obj)
					continue;
			} else {
				if (!pol || ha_obj_decode(obj, NULL, pol))
					continue;
				ha_inst_policy_del(hn->net, pol);
				obj->flags |= HA_OBJ_RELEASED;
			}
			ha_give_entry(obj, to, &out[nr++]);
			cond_resched();
		}
	}
	kfree(pol);
	ha_sync_kick(hn);
	return nr;
}

/*
 * Another node took over old, an SA or policy this node owned (this node
 * was cut off, or partitioned): takeover removes it from the SAD or SPD
 * before this node sends anything on it. A policy is found by the fields
 * of its record, decoded into memory of its own; without that memory,
 * the policy stays in the SPD and drop-nomem counts it.
 */
void ha_takeover_lost(struct ha_net *hn, const struct ha_obj *old)
{
	struct ha_wire_policy *pol;
	struct xfrm_state *x;
	u64 oseq, seq;

	if (old->flags & HA_OBJ_RELEASED)
		return;
	if (old->kind == HA_OBJ_POLICY) {
		pol = kmalloc(sizeof(*pol), GFP_KERNEL);
		if (!pol) {
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
			return;
		}
		if (!ha_obj_decode(old, NULL, pol))
			ha_inst_policy_del(hn->net, pol);
		kfree(pol);
		return;
	}
	if (old->kind != HA_OBJ_SA)
		return;
	x = ha_inst_sa_find(hn->net, &old->nkey);
	if (!x)
		return;
	ha_takeover_remove_sa(hn, x, &oseq, &seq);
	ha_stat_inc(hn, IPSEC_HA_A_STATS_SAS_LOST);
}
