// SPDX-License-Identifier: GPL-2.0
/*
 * Standby: most of the cost of taking an SA over is building its
 * xfrm_state (allocating and keying its crypto transforms), not inserting
 * it. A node keeps up to prepare-max mirrored SAs of other nodes built in
 * advance, from a work item, a few at a time under the store lock; promote
 * takes the prepared state, sets its counters and inserts it
 * (takeover.c). A prepared state belongs to one version of an object's
 * record: the store hands it back when it replaces or removes that
 * version, ha_standby_settle() keeps it for an unchanged record and
 * discards it otherwise, and the work builds it again. None of this is in
 * the SAD, nor visible outside the module.
 */
#include <net/xfrm.h>

#include "compat.h"
#include "install.h"
#include "ipsec_ha.h"
#include "standby.h"
#include "store.h"

#define HA_STANDBY_BATCH	32		/* SAs built per hold of store.lock */
#define HA_STANDBY_DELAY	(HZ / 10)	/* lets a burst of records settle */

static bool ha_standby_wanted(const struct ha_net *hn, const struct ha_obj *obj)
{
	return obj->kind == HA_OBJ_SA && !obj->ready &&
	       !(obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED | HA_OBJ_COLLIDES | HA_OBJ_NOPREP)) &&
	       obj->owner != hn->node_id;
}

/* Builds one. The work never tries again a record that cannot make an SA here. */
static void ha_standby_build(struct ha_net *hn, struct ha_obj *obj, struct ha_wire_sa *w)
{
	const char *why;
	int err;

	if (ha_obj_decode(obj, w, NULL)) {
		obj->flags |= HA_OBJ_NOPREP;
		goto out;
	}
	obj->ready = ha_inst_sa_build(hn->net, w, &err, &why);
	if (obj->ready)
		WRITE_ONCE(hn->standby.count, hn->standby.count + 1);
	else
		obj->flags |= HA_OBJ_NOPREP;	/* promote will report why */
out:
	memzero_explicit(w, sizeof(*w));
}

/*
 * One pass: builds up to HA_STANDBY_BATCH, then queues itself to resume
 * where it stopped, so that it holds the store lock only briefly while
 * records keep arriving.
 */
static void ha_standby_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(to_delayed_work(work), struct ha_net, standby.work);
	struct ha_standby *sb = &hn->standby;
	struct ha_obj *obj = NULL;
	struct ha_wire_sa *w;
	unsigned int built = 0;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return;
	mutex_lock(&hn->store.lock);
	if (sb->resume)
		obj = ha_store_find(&hn->store, sb->resume);
	sb->resume = 0;
	if (!obj)	/* from the start */
		obj = list_entry(&hn->store.objs, struct ha_obj, all);
	list_for_each_entry_continue(obj, &hn->store.objs, all) {
		if (sb->count >= READ_ONCE(hn->prepare_max))
			break;
		if (!ha_standby_wanted(hn, obj))
			continue;
		if (built == HA_STANDBY_BATCH) {
			sb->resume = list_prev_entry(obj, all)->refkey;
			break;
		}
		ha_standby_build(hn, obj, w);
		built++;
	}
	mutex_unlock(&hn->store.lock);
	kfree_sensitive(w);
	if (sb->resume)
		queue_delayed_work(ha_wq, &sb->work, 0);
}

static struct xfrm_state *__ha_standby_take(struct ha_net *hn, struct ha_obj *obj)
{
	struct xfrm_state *x = obj->ready;

	if (x) {
		obj->ready = NULL;
		WRITE_ONCE(hn->standby.count, hn->standby.count - 1);
	}
	return x;
}

/* Under store.lock (or with the store unreachable). */
static void ha_standby_drop(struct ha_net *hn, struct ha_obj *obj)
{
	struct xfrm_state *x = __ha_standby_take(hn, obj);

	if (x)
		ha_inst_sa_discard(x);
}

void ha_standby_net_init(struct ha_net *hn)
{
	INIT_DELAYED_WORK(&hn->standby.work, ha_standby_work);
}

/* The namespace is going away: after everything that kicks the work. */
void ha_standby_net_exit(struct ha_net *hn)
{
	struct ha_obj *obj;

	cancel_delayed_work_sync(&hn->standby.work);
	list_for_each_entry(obj, &hn->store.objs, all)
		ha_standby_drop(hn, obj);
}

/* New or changed records: the work builds what is missing, soon. */
void ha_standby_kick(struct ha_net *hn)
{
	if (READ_ONCE(hn->prepare_max))
		queue_delayed_work(ha_wq, &hn->standby.work, HA_STANDBY_DELAY);
}

/* A new cap: prepared states beyond it go, or the work builds more. */
void ha_standby_set_max(struct ha_net *hn, u32 max)
{
	struct ha_obj *obj;

	mutex_lock(&hn->store.lock);
	WRITE_ONCE(hn->prepare_max, max);
	list_for_each_entry(obj, &hn->store.objs, all) {
		if (hn->standby.count <= max)
			break;
		ha_standby_drop(hn, obj);
	}
	hn->standby.resume = 0;
	mutex_unlock(&hn->store.lock);
	ha_standby_kick(hn);
}

/* The prepared state of obj, now the caller's, or NULL. Under store.lock. */
struct xfrm_state *ha_standby_take(struct ha_net *hn, struct ha_obj *obj)
{
	struct xfrm_state *x = __ha_standby_take(hn, obj);

	if (x)
		ha_standby_kick(hn);	/* room for another */
	return x;
}

/*
 * Acts on a change of the store (ha_store_put() or ha_store_remove()):
 * the prepared state of the replaced version stays with obj, its new
 * version, when the record did not change (a resend of the same record);
 * otherwise it is discarded. obj is NULL after a removal or a failed put.
 * Under store.lock.
 */
void ha_standby_settle(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg)
{
	struct xfrm_state *x = chg->ready;

	if (!x)
		return;
	chg->ready = NULL;
	if (obj && chg->same_rec && obj->kind == HA_OBJ_SA && !obj->ready &&
	    !(obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED))) {
		obj->ready = x;
		return;
	}
	WRITE_ONCE(hn->standby.count, hn->standby.count - 1);
	ha_inst_sa_discard(x);
}
