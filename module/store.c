// SPDX-License-Identifier: GPL-2.0
/*
 * The mirror store: objects by cluster-wide ref (rhashtable) and by
 * natural key (rhltable, which also holds the colliding ones). Changes
 * happen under st->lock in process context; lookups run under RCU or
 * st->lock. The store is the bottom layer of the module's state: it calls
 * only the codec, and reports what a change did (struct ha_store_change)
 * for its callers to act on.
 */
#include <linux/jhash.h>
#include <linux/slab.h>

#include "ipsec_ha.h"
#include "stats.h"
#include "store.h"

static const struct rhashtable_params ha_ref_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct ha_obj, refkey),
	.head_offset = offsetof(struct ha_obj, by_ref),
	.automatic_shrinking = true,
};

static const struct rhashtable_params ha_nkey_params = {
	.key_len = sizeof(struct ha_nkey),
	.key_offset = offsetof(struct ha_obj, nkey),
	.head_offset = offsetof(struct ha_obj, by_nkey),
	.automatic_shrinking = true,
};

/*
 * Objects come from a few size classes of their own rather than kmalloc:
 * a typical SA (a 176-byte head and a 130-160 byte record) would land in
 * kmalloc-512 and waste a third of it. Larger ones (big policies, IKE
 * contexts) use kmalloc.
 */
static const unsigned int ha_obj_sizes[] = { 256, 320, 384, 448 };
static const char * const ha_obj_cache_names[] = {
	"ipsec_ha_obj_256", "ipsec_ha_obj_320", "ipsec_ha_obj_384", "ipsec_ha_obj_448",
};

static struct kmem_cache *ha_obj_caches[ARRAY_SIZE(ha_obj_sizes)];
#define HA_OBJ_KMALLOC	U8_MAX

int ha_obj_caches_init(void)
{
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(ha_obj_sizes) != ARRAY_SIZE(ha_obj_cache_names));
	for (i = 0; i < ARRAY_SIZE(ha_obj_sizes); i++) {
		ha_obj_caches[i] = kmem_cache_create(ha_obj_cache_names[i], ha_obj_sizes[i],
						     __alignof__(struct ha_obj), 0, NULL);
		if (!ha_obj_caches[i]) {
			ha_obj_caches_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/* After rcu_barrier(): every object has been freed. */
void ha_obj_caches_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ha_obj_caches); i++) {
		kmem_cache_destroy(ha_obj_caches[i]);
		ha_obj_caches[i] = NULL;
	}
}

static struct ha_obj *ha_obj_zalloc(size_t size)
{
	struct ha_obj *obj;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ha_obj_sizes); i++) {
		if (size <= ha_obj_sizes[i]) {
			obj = kmem_cache_zalloc(ha_obj_caches[i], GFP_KERNEL);
			if (obj)
				obj->cache = i;
			return obj;
		}
	}
	obj = kzalloc(size, GFP_KERNEL);
	if (obj)
		obj->cache = HA_OBJ_KMALLOC;
	return obj;
}

/* Records may carry keys: wipe them. */
void ha_obj_free(struct ha_obj *obj)
{
	u8 cache;

	if (!obj)
		return;
	cache = obj->cache;
	if (cache == HA_OBJ_KMALLOC) {
		kfree_sensitive(obj);
		return;
	}
	memzero_explicit(obj, ha_obj_sizes[cache]);
	kmem_cache_free(ha_obj_caches[cache], obj);
}

/*
 * first_id is where this incarnation's ids start. Ids identify objects
 * across the cluster for as long as they live, also after this node
 * restarts and a peer took its objects over, so a new incarnation must
 * not start where the last one did: the caller derives first_id from the
 * real time, which ids outrun only if a node creates objects faster than
 * about a thousand per second over its whole life.
 */
int ha_store_init(struct ha_store *st, u32 first_id)
{
	int err;

	st->next_id = first_id - 1;
	st->gen = 1;
	mutex_init(&st->lock);
	INIT_LIST_HEAD(&st->objs);
	INIT_LIST_HEAD(&st->dirty);
	err = rhashtable_init(&st->by_ref, &ha_ref_params);
	if (err)
		return err;
	err = rhltable_init(&st->by_nkey, &ha_nkey_params);
	if (err)
		rhashtable_destroy(&st->by_ref);
	return err;
}

static void ha_obj_free_rcu(struct rcu_head *head)
{
	ha_obj_free(container_of(head, struct ha_obj, rcu));
}

/* The namespace is going away: no reader is left. */
void ha_store_destroy(struct ha_store *st)
{
	struct ha_obj *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &st->objs, all)
		ha_obj_free(obj);
	rhltable_destroy(&st->by_nkey);
	rhashtable_destroy(&st->by_ref);
	mutex_destroy(&st->lock);
}

/* An object with room for a record of len bytes, which the caller writes. */
static struct ha_obj *ha_obj_new(u8 kind, u64 refkey, const struct ha_nkey *nkey, u16 len)
{
	struct ha_obj *obj;

	obj = ha_obj_zalloc(struct_size(obj, rec, len));
	if (!obj)
		return NULL;
	obj->kind = kind;
	obj->refkey = refkey;
	obj->nkey = *nkey;
	obj->len = len;
	INIT_LIST_HEAD(&obj->dirty);
	obj->changed = jiffies;
	obj->ctr_at = obj->changed;
	return obj;
}

/* The digest of the record: two jhash values with seeds derived from the kind. */
static void ha_obj_hash(struct ha_obj *obj)
{
	obj->digest = (u64)jhash(obj->rec, obj->len, obj->kind) << 32 |
		      jhash(obj->rec, obj->len, ~(u32)obj->kind);
}

/* A new object that holds a copy of rec, or NULL without memory. */
struct ha_obj *ha_obj_alloc(u8 kind, u64 refkey, const struct ha_nkey *nkey,
			    const u8 *rec, u16 len)
{
	struct ha_obj *obj = ha_obj_new(kind, refkey, nkey, len);

	if (!obj)
		return NULL;
	memcpy(obj->rec, rec, len);
	ha_obj_hash(obj);
	return obj;
}

/*
 * A new version of old, an SA or policy, whose record is old's with the
 * fields of p rewritten in place (ha_wire_patch()): no decoding and
 * encoding of the whole record. The new object takes old's kind, natural
 * key, direction, owner, owner epoch and counters, with the ref, owner,
 * epoch and counters of p where p sets them; its flags are 0. Returns
 * NULL without memory or if the record does not take the patch.
 */
struct ha_obj *ha_obj_patch(const struct ha_obj *old, const struct ha_wire_patch *p)
{
	u64 refkey = p->set & HA_PATCH_REF ? ha_refkey(&p->ref) : old->refkey;
	struct ha_obj *obj;
	int len;

	len = ha_wire_patch_len(old->rec, old->len, p);
	if (len < 0 || len > U16_MAX)
		return NULL;
	obj = ha_obj_new(old->kind, refkey, &old->nkey, len);
	if (!obj)
		return NULL;
	if (ha_wire_patch(obj->rec, obj->len, old->rec, old->len, p) != len) {
		ha_obj_free(obj);
		return NULL;
	}
	ha_obj_hash(obj);
	obj->dir = old->dir;
	obj->owner = p->set & HA_PATCH_OWNER ? p->owner : old->owner;
	obj->owner_epoch = p->set & HA_PATCH_OWNER ? p->owner_epoch : old->owner_epoch;
	obj->oseq = p->set & HA_PATCH_CTRS ? p->oseq : old->oseq;
	obj->seq = p->set & HA_PATCH_CTRS ? p->seq : old->seq;
	return obj;
}

/* The SA (sa) or policy (pol) record obj holds, decoded. */
int ha_obj_decode(const struct ha_obj *obj, struct ha_wire_sa *sa, struct ha_wire_policy *pol)
{
	struct ha_wire_iter it;
	struct ha_wire_rec rec;

	ha_wire_iter_init(&it, obj->rec, obj->len);
	if (ha_wire_next(&it, &rec) != 1)
		return -EBADMSG;
	return sa ? ha_wire_get_sa(&rec, sa) : ha_wire_get_policy(&rec, pol);
}

/*
 * A ref for a new object of origin's, held by no object in the store.
 * Ids run on from where ha_store_init() started them (see there), and
 * skip every ref the store holds: a peer may hold one of this origin's
 * refs from an earlier incarnation at a higher epoch. Under st->lock.
 */
u64 ha_store_new_refkey(struct ha_store *st, u16 origin)
{
	u64 refkey;

	lockdep_assert_held(&st->lock);
	do {
		if (!++st->next_id)	/* 0 is no id */
			st->next_id = 1;
		refkey = (u64)origin << 32 | st->next_id;
	} while (ha_store_find(st, refkey));
	return refkey;
}

/* Under st->lock (or RCU): the object of that ref, or NULL. */
struct ha_obj *ha_store_find(struct ha_store *st, u64 refkey)
{
	return rhashtable_lookup_fast(&st->by_ref, &refkey, ha_ref_params);
}

/*
 * A live object with that natural key and these flags (not_refkey: and
 * another ref). Under st->lock, which keeps what it returns alive; the
 * lookup itself wants RCU.
 */
static struct ha_obj *ha_store_nkey_lookup(struct ha_store *st, const struct ha_nkey *nkey,
					   u16 flags, u64 not_refkey)
{
	struct rhlist_head *list, *pos;
	struct ha_obj *obj, *found = NULL;

	rcu_read_lock();
	list = rhltable_lookup(&st->by_nkey, nkey, ha_nkey_params);
	rhl_for_each_entry_rcu(obj, pos, list, by_nkey) {
		if ((obj->flags & flags) == flags && obj->refkey != not_refkey &&
		    !(obj->flags & HA_OBJ_DELETED)) {
			found = obj;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

struct ha_obj *ha_store_find_nkey_flags(struct ha_store *st, const struct ha_nkey *nkey,
					u16 flags)
{
	return ha_store_nkey_lookup(st, nkey, flags, U64_MAX);
}

struct ha_obj *ha_store_find_nkey(struct ha_store *st, const struct ha_nkey *nkey,
				  u64 not_refkey)
{
	return ha_store_nkey_lookup(st, nkey, 0, not_refkey);
}

/* Queue obj to be sent in full (a resend, a bulk: never brief). */
void ha_store_mark_dirty(struct ha_store *st, struct ha_obj *obj)
{
	lockdep_assert_held(&st->lock);
	obj->flags = (obj->flags | HA_OBJ_DIRTY) & ~HA_OBJ_BRIEF;
	if (list_empty(&obj->dirty))
		list_add_tail(&obj->dirty, &st->dirty);
}

static void ha_store_count(struct ha_store *st, struct ha_obj *obj, int sign)
{
	if (obj->flags & HA_OBJ_DELETED)
		return;
	st->count += sign;
	if (obj->flags & HA_OBJ_LOCAL) {
		st->local += sign;
		if (obj->kind < HA_OBJ_KINDS)
			WRITE_ONCE(st->local_kind[obj->kind],
				   st->local_kind[obj->kind] + sign);
	}
	if (obj->flags & HA_OBJ_COLLIDES)
		st->collisions += sign;
}

/*
 * An object with that natural key went away: if one live object is left
 * with it, that one collides no more. Under st->lock.
 */
static void ha_store_uncollide(struct ha_store *st, const struct ha_nkey *nkey)
{
	struct rhlist_head *list, *pos;
	struct ha_obj *obj, *only = NULL;
	unsigned int live = 0;

	rcu_read_lock();
	list = rhltable_lookup(&st->by_nkey, nkey, ha_nkey_params);
	rhl_for_each_entry_rcu(obj, pos, list, by_nkey) {
		if (obj->flags & HA_OBJ_DELETED)
			continue;
		only = obj;
		live++;
	}
	if (live == 1)
		only->flags &= ~HA_OBJ_COLLIDES;
	rcu_read_unlock();
}

/* The set of objects changed: dumps in progress are told (st->gen). */
static void ha_store_changed(struct ha_store *st)
{
	if (!++st->gen)
		st->gen = 1;
}

/*
 * obj leaves the store: its prepared state goes to the caller (chg), and
 * nothing else points at the object any more.
 */
static void ha_store_unlink(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg)
{
	struct ha_store *st = &hn->store;

	ha_store_changed(st);
	chg->ready = obj->ready;
	obj->ready = NULL;
	rhashtable_remove_fast(&st->by_ref, &obj->by_ref, ha_ref_params);
	rhltable_remove(&st->by_nkey, &obj->by_nkey, ha_nkey_params);
	list_del_rcu(&obj->all);
	list_del_init(&obj->dirty);
	ha_store_count(st, obj, -1);
	ha_store_uncollide(st, &obj->nkey);
}

/* A new version of an object keeps the highest counters of the old. */
static void ha_store_carry(struct ha_obj *obj, const struct ha_obj *old)
{
	if (obj->kind != HA_OBJ_SA || old->kind != HA_OBJ_SA)
		return;
	if (old->oseq > obj->oseq || old->seq > obj->seq) {
		obj->ctr_at = old->ctr_at;
		obj->oseq = max(obj->oseq, old->oseq);
		obj->seq = max(obj->seq, old->seq);
	}
	obj->rate_out = old->rate_out;
	obj->rate_in = old->rate_in;
}

/*
 * Inserts obj, replacing the object of the same ref if there is one (its
 * place on the dirty list passes to obj if obj is this node's). The
 * replaced object is freed after an RCU grace period. Under st->lock.
 * Returns 0, or a negative errno with obj freed.
 *
 * chg reports what changed, also on error: the prepared state the
 * replaced object held (chg->ready, which obj does not take: the caller
 * keeps or discards it), whether obj's record equals the replaced one's,
 * and a new collision of an SA.
 */
int ha_store_put(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg)
{
	struct ha_store *st = &hn->store;
	struct ha_obj *old, *other;
	struct ha_nkey old_nkey = {};
	bool collision, rekeyed = false;
	int err;

	lockdep_assert_held(&st->lock);
	memset(chg, 0, sizeof(*chg));

	old = rhashtable_lookup_fast(&st->by_ref, &obj->refkey, ha_ref_params);
	if (!old && !(obj->flags & HA_OBJ_DELETED) && st->count >= hn->max_sas) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_FULL);
		ha_obj_free(obj);
		return -ENOSPC;
	}
	/*
	 * Of two live objects with one natural key, the later one is flagged.
	 * While no object is flagged, a new version under its old key
	 * collides with nothing, so the store skips the lookup (a takeover
	 * stores thousands of new versions).
	 */
	if (old && !st->collisions && !memcmp(&old->nkey, &obj->nkey, sizeof(obj->nkey)))
		other = NULL;
	else
		other = ha_store_find_nkey(st, &obj->nkey, obj->refkey);
	if (other)
		obj->flags |= HA_OBJ_COLLIDES;
	/* A new collision of an SA (not each new version of one). */
	collision = other && obj->kind == HA_OBJ_SA && !(old && (old->flags & HA_OBJ_COLLIDES));

	if (old) {
		err = rhashtable_replace_fast(&st->by_ref, &old->by_ref, &obj->by_ref,
					      ha_ref_params);
		if (err)
			goto err_free;
		rhltable_remove(&st->by_nkey, &old->by_nkey, ha_nkey_params);
		list_replace_rcu(&old->all, &obj->all);
		/* Only this node's objects are sent: a peer's replaces no duty. */
		if (!list_empty(&old->dirty) && (obj->flags & HA_OBJ_LOCAL))
			list_replace_init(&old->dirty, &obj->dirty);
		else
			list_del_init(&old->dirty);
		ha_store_count(st, old, -1);
		/* A new version under another natural key (a tombstone, say). */
		rekeyed = memcmp(&old->nkey, &obj->nkey, sizeof(obj->nkey));
		old_nkey = old->nkey;
		ha_store_carry(obj, old);
		chg->same_rec = obj->kind == old->kind && obj->len == old->len &&
				obj->digest == old->digest && !memcmp(obj->rec, old->rec, obj->len);
		chg->ready = old->ready;
		old->ready = NULL;
		call_rcu(&old->rcu, ha_obj_free_rcu);
	} else {
		err = rhashtable_lookup_insert_fast(&st->by_ref, &obj->by_ref, ha_ref_params);
		if (err)
			goto err_free;
		list_add_tail_rcu(&obj->all, &st->objs);
	}

	err = rhltable_insert(&st->by_nkey, &obj->by_nkey, ha_nkey_params);
	if (err) {
		rhashtable_remove_fast(&st->by_ref, &obj->by_ref, ha_ref_params);
		list_del_rcu(&obj->all);
		list_del_init(&obj->dirty);
		synchronize_rcu();
		goto err_free;
	}
	ha_store_count(st, obj, 1);
	ha_store_changed(st);
	if (rekeyed)
		ha_store_uncollide(st, &old_nkey);
	if (collision)
		chg->collided = other;
	return 0;

err_free:
	chg->same_rec = false;
	ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
	ha_obj_free(obj);
	return err;
}

/*
 * Unlinks obj and frees it after an RCU grace period, when no reader can
 * hold it any more. chg->ready is the prepared state obj held, which the
 * caller discards. Under st->lock.
 */
void ha_store_remove(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg)
{
	lockdep_assert_held(&hn->store.lock);
	memset(chg, 0, sizeof(*chg));
	ha_store_unlink(hn, obj, chg);
	call_rcu(&obj->rcu, ha_obj_free_rcu);
}

/*
 * Replaces obj, an object this node owns, with a tombstone (same ref, no
 * record, a natural key that no lookup matches), marked dirty so that
 * tx_work sends it as a deletion. Without memory for the tombstone, obj
 * is only removed, and drop-nomem counts it. chg reports the change as
 * ha_store_put() and ha_store_remove() do. Under st->lock.
 */
void ha_store_tombstone(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg)
{
	struct ha_obj *tomb;

	tomb = ha_obj_alloc(obj->kind, obj->refkey, &obj->nkey, NULL, 0);
	if (!tomb) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		ha_store_remove(hn, obj, chg);
		return;
	}
	tomb->flags = HA_OBJ_LOCAL | HA_OBJ_DELETED;
	tomb->owner = obj->owner;
	tomb->nkey.kind = 0;	/* kind 0 matches no lookup */
	if (!ha_store_put(hn, tomb, chg))
		ha_store_mark_dirty(&hn->store, tomb);
}

/*
 * Removes the tombstones of this node's deletions that are older than
 * HA_TOMB_TTL and not waiting to be sent. Peers that missed a deletion
 * can ask for it again (NACK) only while its tombstone lasts.
 */
void ha_store_reap_tombstones(struct ha_net *hn)
{
	struct ha_store_change chg;
	struct ha_obj *obj, *tmp;

	lockdep_assert_held(&hn->store.lock);
	list_for_each_entry_safe(obj, tmp, &hn->store.objs, all) {
		if ((obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED | HA_OBJ_DIRTY)) !=
		    (HA_OBJ_LOCAL | HA_OBJ_DELETED) ||
		    !time_after(jiffies, obj->changed + HA_TOMB_TTL))
			continue;
		ha_store_remove(hn, obj, &chg);
		/* Only mirrored SAs are prepared (standby.c), never a tombstone. */
		WARN_ON_ONCE(chg.ready);
	}
}
