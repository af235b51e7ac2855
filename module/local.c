// SPDX-License-Identifier: GPL-2.0
/*
 * Local changes: km.c reports each change to this node's SAD and SPD, and
 * this file turns it into an object in the store that this node owns
 * (HA_OBJ_LOCAL), marked dirty so that sync.c sends it. A deleted SA or
 * policy becomes a tombstone, which sync.c sends as a deletion record.
 *
 * Every function here runs in process context with store.lock held. The
 * scratch records live in struct ha_tx and exist once the sync started.
 */
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <net/xfrm.h>

#include "counters.h"
#include "ike.h"
#include "install.h"
#include "ipsec_ha.h"
#include "local.h"
#include "sa.h"
#include "standby.h"
#include "stats.h"
#include "store.h"
#include "sync.h"
#include "watch.h"

static struct ha_obj *ha_local_find(struct ha_net *hn, const struct ha_nkey *nkey)
{
	return ha_store_find_nkey_flags(&hn->store, nkey, HA_OBJ_LOCAL);
}

/*
 * Stores obj (ha_store_put()) and acts on what the store reports: the
 * prepared state of a replaced mirrored SA is discarded (this node's
 * objects have none), and a new SPI collision is an event. Returns 0 or
 * a negative errno; obj is freed on error.
 */
static int ha_local_store(struct ha_net *hn, struct ha_obj *obj)
{
	struct ha_store_change chg;
	int err;

	err = ha_store_put(hn, obj, &chg);
	ha_standby_settle(hn, err ? NULL : obj, &chg);
	if (!err && chg.collided)
		ha_watch_collision(hn, obj, chg.collided);
	return err;
}

/* Removes obj from the store, with its prepared state if it has one. */
static void ha_local_remove(struct ha_net *hn, struct ha_obj *obj)
{
	struct ha_store_change chg;

	ha_store_remove(hn, obj, &chg);
	ha_standby_settle(hn, NULL, &chg);
}

/* Returns the refkey of old, or a new one if old is NULL, and fills ref with it. */
static u64 ha_local_ref(struct ha_net *hn, const struct ha_obj *old, struct ha_ref *ref)
{
	u64 refkey = old ? old->refkey : ha_store_new_refkey(&hn->store, hn->node_id);

	ha_ref_of(refkey, ref);
	return refkey;
}

/*
 * Stores the record in b as an object this node owns under refkey, in
 * place of old (its previous version, or NULL), and marks it dirty.
 * Returns the object the store holds now, or NULL on failure. An
 * unchanged record keeps old and sends nothing.
 */
static struct ha_obj *ha_local_put(struct ha_net *hn, u8 kind, const struct ha_nkey *nkey,
				   struct ha_obj *old, u64 refkey, struct ha_wire_buf *b,
				   u8 dir)
{
	struct ha_obj *obj;

	if (old && old->len == b->len && !memcmp(old->rec, b->p, b->len))
		return old;

	obj = ha_obj_alloc(kind, refkey, nkey, b->p, b->len);
	if (!obj) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return NULL;
	}
	obj->flags = HA_OBJ_LOCAL;
	obj->owner = hn->node_id;
	/* A takeover may have raised the epoch: the new version keeps it. */
	obj->owner_epoch = old ? old->owner_epoch : 0;
	obj->dir = dir;
	if (ha_local_store(hn, obj))
		return NULL;
	ha_store_mark_dirty(&hn->store, obj);
	return obj;
}

/*
 * Returns the time at which the origin first learnt the SA of old, or 0
 * if old's record does not decode. Decodes the record into sa.
 */
static u64 ha_local_add_time(const struct ha_obj *old, struct ha_wire_sa *sa)
{
	struct ha_wire_iter it;
	struct ha_wire_rec rec;

	ha_wire_iter_init(&it, old->rec, old->len);
	if (ha_wire_next(&it, &rec) != 1 || ha_wire_get_sa(&rec, sa))
		return 0;
	return sa->add_time;
}

/* Records SA x, new or changed in the SAD, and follows its counters. */
void ha_local_sa(struct ha_net *hn, struct xfrm_state *x)
{
	struct ha_local_scratch *s = ha_sync_scratch(hn);
	struct ha_obj *old, *obj;
	struct ha_wire_buf b;
	struct ha_nkey nkey;
	u64 add_time, refkey;

	if (!s)
		return;
	ha_sa_nkey(x, &nkey);
	old = ha_local_find(hn, &nkey);
	add_time = old ? ha_local_add_time(old, &s->sa) : 0;
	if (ha_sa_from_xfrm(x, &s->sa)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		goto out;
	}
	refkey = ha_local_ref(hn, old, &s->sa.ref);
	s->sa.owner = hn->node_id;
	s->sa.owner_epoch = old ? old->owner_epoch : 0;
	/* A new version keeps the time the SA was first learnt. */
	if (add_time)
		s->sa.add_time = add_time;
	ha_wire_buf_init(&b, s->enc, sizeof(s->enc));
	if (ha_wire_put_sa(&b, &s->sa)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		goto out;
	}
	obj = ha_local_put(hn, HA_OBJ_SA, &nkey, old, refkey, &b, s->sa.dir);
	memzero_explicit(s->enc, b.len);
	if (obj && ha_ctr_track(hn, x, obj->refkey, obj->owner_epoch))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
out:
	memzero_explicit(&s->sa, sizeof(s->sa));
}

/* Records policy xp of direction dir, new or changed in the SPD. */
void ha_local_policy(struct ha_net *hn, struct xfrm_policy *xp, int dir)
{
	struct ha_local_scratch *s = ha_sync_scratch(hn);
	struct ha_wire_buf b;
	struct ha_nkey nkey;
	struct ha_obj *old;
	u64 refkey;

	if (!s)
		return;
	ha_policy_nkey(xp, dir, &nkey);
	ha_policy_from_xfrm(xp, dir, &s->pol);
	old = ha_local_find(hn, &nkey);
	refkey = ha_local_ref(hn, old, &s->pol.ref);
	s->pol.owner = hn->node_id;
	s->pol.owner_epoch = old ? old->owner_epoch : 0;
	ha_wire_buf_init(&b, s->enc, sizeof(s->enc));
	if (ha_wire_put_policy(&b, &s->pol))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
	else
		ha_local_put(hn, HA_OBJ_POLICY, &nkey, old, refkey, &b, 0);
}

/*
 * Follows the counters of obj's SA under obj's refkey and epoch, if obj
 * is an SA installed in the SAD, so that they go out under the new ones.
 */
static void ha_local_track(struct ha_net *hn, const struct ha_obj *obj)
{
	struct xfrm_state *x;

	if (obj->kind != HA_OBJ_SA || (obj->flags & HA_OBJ_RELEASED))
		return;
	x = ha_inst_sa_find(hn->net, &obj->nkey);
	if (!x)
		return;
	if (ha_ctr_track(hn, x, obj->refkey, obj->owner_epoch))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
	xfrm_state_put(x);
}

/*
 * A peer announced another object (another kind or natural key) under
 * the ref of old, an SA or policy this node owns. An earlier incarnation
 * of this node gave that ref, and the peer took that object over, so the
 * ref is the peer's now. This function moves old to a new ref and sends
 * it again. It sends no deletion for the ref old leaves.
 *
 * Returns false if old could not be moved. The store then drops old and
 * counts it in drop-nomem; the SA or policy stays in the SAD or SPD.
 */
bool ha_local_rekey(struct ha_net *hn, struct ha_obj *old)
{
	struct ha_wire_patch p = { .set = HA_PATCH_REF };
	struct ha_obj *obj = NULL;

	lockdep_assert_held(&hn->store.lock);
	if (old->kind == HA_OBJ_SA || old->kind == HA_OBJ_POLICY) {
		ha_ref_of(ha_store_new_refkey(&hn->store, hn->node_id), &p.ref);
		obj = ha_obj_patch(old, &p);
	}
	if (!obj) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		ha_local_remove(hn, old);
		return false;
	}
	obj->flags = old->flags & (HA_OBJ_LOCAL | HA_OBJ_RELEASED);
	ha_local_remove(hn, old);
	if (ha_local_store(hn, obj))
		return false;
	ha_store_mark_dirty(&hn->store, obj);
	ha_stat_inc(hn, IPSEC_HA_A_STATS_REFS_MOVED);
	ha_local_track(hn, obj);
	ha_sync_kick(hn);
	return true;
}

/*
 * Makes old, an SA or policy this node owns, owned by node id at the
 * next ownership epoch. Peers see the change as a takeover from the old
 * id; at the same epoch they would see a tie between two owners.
 * Returns false if the record could not be rewritten; old then stays.
 */
static bool ha_local_reown(struct ha_net *hn, struct ha_obj *old, u16 id)
{
	struct ha_wire_patch p = {
		.set = HA_PATCH_OWNER,
		.owner = id,
		.owner_epoch = old->owner_epoch + 1,
	};
	struct ha_obj *obj;

	obj = ha_obj_patch(old, &p);
	if (!obj)
		return false;
	obj->flags = old->flags & (HA_OBJ_LOCAL | HA_OBJ_RELEASED);
	if (ha_local_store(hn, obj))
		return false;
	ha_store_mark_dirty(&hn->store, obj);
	/* The SA's counters go out at the new epoch too. */
	ha_local_track(hn, obj);
	return true;
}

/* Does the same as ha_local_reown() for an IKE context this node owns. */
static bool ha_local_reown_ike(struct ha_net *hn, struct ha_obj *old, u16 id,
			       struct ha_wire_ike *ike)
{
	bool ok;

	ok = !ha_ike_decode(old, ike);
	if (ok) {
		ike->owner = id;
		ike->owner_epoch = old->owner_epoch + 1;
		ok = !ha_ike_local_put(hn, old, ike);
	}
	memzero_explicit(ike, sizeof(*ike));
	return ok;
}

/*
 * Rewrites every SA, policy and IKE context this node owns as owned by
 * id, the node's new id, at the next ownership epoch. Peers refuse
 * records that name an owner other than their sender, so records left
 * under the old id would never reach their mirrors. Objects that cannot
 * be rewritten stay under the old id and are counted in drop-nomem.
 * Does nothing before the sync started.
 */
void ha_local_reown_all(struct ha_net *hn, u16 id)
{
	struct ha_wire_ike *ike = NULL;
	struct ha_obj *obj, *tmp;

	lockdep_assert_held(&hn->store.lock);
	if (!ha_sync_scratch(hn))
		return;
	list_for_each_entry_safe(obj, tmp, &hn->store.objs, all) {
		bool ok;

		if ((obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) != HA_OBJ_LOCAL ||
		    obj->owner == id)
			continue;
		if (obj->kind == HA_OBJ_IKE) {
			if (!ike)
				ike = kmalloc(sizeof(*ike), GFP_KERNEL);
			ok = ike && ha_local_reown_ike(hn, obj, id, ike);
		} else {
			ok = ha_local_reown(hn, obj, id);
		}
		if (!ok)
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
	}
	kfree_sensitive(ike);
}

/*
 * Replaces obj, an object this node owns, with a tombstone, which tx_work
 * sends as a deletion (ha_store_tombstone()).
 */
static void ha_local_tombstone(struct ha_net *hn, struct ha_obj *obj)
{
	struct ha_store_change chg;

	ha_store_tombstone(hn, obj, &chg);
	ha_standby_settle(hn, NULL, &chg);
}

/* Records the deletion of the SA, policy or IKE context of natural key nkey. */
void ha_local_delete(struct ha_net *hn, const struct ha_nkey *nkey)
{
	struct ha_obj *obj = ha_local_find(hn, nkey);

	if (obj)
		ha_local_tombstone(hn, obj);
}

/*
 * Records the deletion of every SA this node owns that its SAD no longer
 * holds. A migration (XFRM_MSG_MIGRATE, XFRM_MSG_MIGRATE_STATE) replaces
 * SAs and announces it with no deletion event: the SAD walk that follows
 * it learns the new SAs, and this drops the ones they replaced.
 */
void ha_local_sweep(struct ha_net *hn)
{
	struct ha_obj *obj, *tmp;
	struct xfrm_state *x;

	list_for_each_entry_safe(obj, tmp, &hn->store.objs, all) {
		if (obj->kind != HA_OBJ_SA || !(obj->flags & HA_OBJ_LOCAL) ||
		    (obj->flags & (HA_OBJ_DELETED | HA_OBJ_RELEASED)))
			continue;
		x = ha_inst_sa_find(hn->net, &obj->nkey);
		if (x) {
			xfrm_state_put(x);
			continue;
		}
		ha_local_tombstone(hn, obj);
	}
}

/*
 * Records the deletion of every object of kind this node owns; for SAs,
 * only those of protocol proto, as xfrm_id_proto_match() selects them:
 * 0 and IPSEC_PROTO_ANY match every SA.
 */
void ha_local_flush(struct ha_net *hn, u8 kind, u8 proto)
{
	struct ha_obj *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &hn->store.objs, all) {
		if (obj->kind != kind || !(obj->flags & HA_OBJ_LOCAL) ||
		    (obj->flags & HA_OBJ_DELETED))
			continue;
		if (kind == HA_OBJ_SA && proto && proto != IPSEC_PROTO_ANY &&
		    obj->nkey.proto != proto)
			continue;
		ha_local_tombstone(hn, obj);
	}
}
