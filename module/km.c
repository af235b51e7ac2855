// SPDX-License-Identifier: GPL-2.0
/*
 * Learning SAs and policies: an XFRM key manager, which XFRM calls for
 * every SA and policy added, updated, expired, deleted or flushed, in every
 * namespace. Its callbacks run in atomic context (RCU, sometimes under
 * x->lock), so they only queue the event; km_work applies it to the store
 * in process context.
 */
#include <linux/slab.h>
#include <net/xfrm.h>

#include "compat.h"
#include "ipsec_ha.h"
#include "km.h"
#include "local.h"
#include "netns.h"
#include "sa.h"
#include "stats.h"
#include "sync.h"

/* Bound on queued events per namespace; beyond it a walk resyncs. */
#define HA_KM_QUEUE_MAX 65536

struct ha_km_event {
	struct list_head list;
	u32 event;		/* XFRM_MSG_* */
	bool policy;
	int dir;
	u8 proto;		/* XFRM_MSG_FLUSHSA */
	union {
		struct xfrm_state *x;
		struct xfrm_policy *xp;
	};
};

static bool ha_km_active(const struct ha_net *hn)
{
	return READ_ONCE(hn->node_id) != 0;
}

static void ha_km_queue(struct ha_net *hn, struct ha_km_event *ev)
{
	spin_lock_bh(&hn->km_lock);
	list_add_tail(&ev->list, &hn->km_events);
	hn->km_queued++;
	spin_unlock_bh(&hn->km_lock);
	queue_work(ha_wq, &hn->km_work);
}

static struct ha_km_event *ha_km_event_alloc(struct ha_net *hn, u32 event)
{
	struct ha_km_event *ev;

	if (READ_ONCE(hn->km_queued) >= HA_KM_QUEUE_MAX) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return NULL;
	}
	ev = kzalloc(sizeof(*ev), GFP_ATOMIC);
	if (!ev) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return NULL;
	}
	ev->event = event;
	return ev;
}

static int ha_km_notify(struct xfrm_state *x, const struct km_event *c)
{
	struct net *net = x ? xs_net(x) : c->net;
	struct ha_net *hn = ha_net(net);
	struct ha_km_event *ev;

	if (!ha_km_active(hn))
		return 0;
	/* A larval ACQUIRE state is no SA to mirror (see ha_km_apply()). */
	if (x && x->km.state == XFRM_STATE_ACQ)
		return 0;
	switch (c->event) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
	case XFRM_MSG_DELSA:
		break;
	case XFRM_MSG_EXPIRE:
		if (!c->data.hard)	/* soft expiry: the IKE daemon rekeys */
			return 0;
		break;
	case XFRM_MSG_FLUSHSA:
		break;
	default:
		return 0;
	}
	ev = ha_km_event_alloc(hn, c->event);
	if (!ev)
		return 0;
	if (c->event == XFRM_MSG_FLUSHSA) {
		ev->proto = c->data.proto;
	} else if (refcount_inc_not_zero(&x->refcnt)) {
		ev->x = x;
	} else {
		/*
		 * The expiry of a state nobody else held (a larval one, say):
		 * __xfrm_state_delete() dropped its last reference before
		 * the notification, and it is being freed.
		 */
		kfree(ev);
		return 0;
	}
	ha_km_queue(hn, ev);
	return 0;
}

static int ha_km_notify_policy(struct xfrm_policy *xp, int dir, const struct km_event *c)
{
	struct net *net = xp ? xp_net(xp) : c->net;
	struct ha_net *hn = ha_net(net);
	struct ha_km_event *ev;

	if (!ha_km_active(hn))
		return 0;
	switch (c->event) {
	case XFRM_MSG_NEWPOLICY:
	case XFRM_MSG_UPDPOLICY:
	case XFRM_MSG_DELPOLICY:
	case XFRM_MSG_FLUSHPOLICY:
		break;
	case XFRM_MSG_POLEXPIRE:
		if (!c->data.hard)
			return 0;
		break;
	default:
		return 0;
	}
	ev = ha_km_event_alloc(hn, c->event);
	if (!ev)
		return 0;
	ev->policy = true;
	ev->dir = dir;
	if (xp) {
		xfrm_pol_hold(xp);
		ev->xp = xp;
	}
	ha_km_queue(hn, ev);
	return 0;
}

/*
 * A migration (XFRM_MSG_MIGRATE, or XFRM_MSG_MIGRATE_STATE on 7.2 and
 * later) replaced SAs by copies with other addresses or encapsulation,
 * and rewrote the templates of the policy, with no notify event for any
 * of them. The callback runs under RCU and names neither the old nor the
 * new states (no SPI), so it queues a resync: km_work walks the SAD and
 * SPD again and drops the SAs that are gone (ha_km_resync()).
 */
static int ha_km_migrate(const struct xfrm_selector *sel, u8 dir, u8 type,
			 const struct xfrm_migrate *m, int num_bundles,
			 const struct xfrm_kmaddress *k, struct net *net,
			 const struct xfrm_encap_tmpl *encap)
{
	struct ha_net *hn = ha_net(net);
	struct ha_km_event *ev;

	if (!ha_km_active(hn))
		return 0;
	ev = ha_km_event_alloc(hn, XFRM_MSG_MIGRATE);
	if (ev)
		ha_km_queue(hn, ev);
	return 0;
}

/* The core calls these without checking for NULL: decline politely. */
static int ha_km_acquire(struct xfrm_state *x, struct xfrm_tmpl *t, struct xfrm_policy *xp)
{
	return -EOPNOTSUPP;
}

static struct xfrm_policy *ha_km_compile_policy(struct sock *sk, int opt, u8 *data,
						int len, int *dir)
{
	*dir = -EOPNOTSUPP;
	return NULL;
}

static struct xfrm_mgr ha_km = {
	.notify = ha_km_notify,
	.notify_policy = ha_km_notify_policy,
	.acquire = ha_km_acquire,
	.compile_policy = ha_km_compile_policy,
	.migrate = ha_km_migrate,
};

/* An UPDSA event may carry the temporary state: find the installed one. */
static struct xfrm_state *ha_km_installed(struct net *net, struct xfrm_state *x)
{
	if (x->km.state != XFRM_STATE_DEAD) {
		xfrm_state_hold(x);
		return x;
	}
	return xfrm_state_lookup(net, x->mark.v & x->mark.m, &x->id.daddr, x->id.spi,
				 x->id.proto, x->props.family);
}

static void ha_km_apply(struct ha_net *hn, struct ha_km_event *ev)
{
	struct ha_nkey nkey;
	struct xfrm_state *x;

	if (ev->policy) {
		switch (ev->event) {
		case XFRM_MSG_FLUSHPOLICY:
			ha_local_flush(hn, HA_OBJ_POLICY, IPSEC_PROTO_ANY);
			break;
		case XFRM_MSG_NEWPOLICY:
		case XFRM_MSG_UPDPOLICY:
			if (!ev->xp->walk.dead) {
				ha_local_policy(hn, ev->xp, ev->dir);
				break;
			}
			fallthrough;
		default:
			ha_policy_nkey(ev->xp, ev->dir, &nkey);
			ha_local_delete(hn, &nkey);
			break;
		}
		return;
	}

	switch (ev->event) {
	case XFRM_MSG_FLUSHSA:
		ha_local_flush(hn, HA_OBJ_SA, ev->proto);
		ha_ctr_reap(hn);
		break;
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		/*
		 * A larval state of an ACQUIRE (no SPI, no algorithms yet) is
		 * no SA to mirror: the one the IKE daemon installs follows.
		 */
		if (ev->x->km.state == XFRM_STATE_ACQ)
			break;
		x = ha_km_installed(hn->net, ev->x);
		if (x) {
			ha_local_sa(hn, x);
			xfrm_state_put(x);
			break;
		}
		fallthrough;
	default:	/* DELSA, hard EXPIRE */
		ha_ctr_untrack(hn, ev->x);
		ha_sa_nkey(ev->x, &nkey);
		ha_local_delete(hn, &nkey);
		break;
	}
}

static void ha_km_event_free(struct ha_km_event *ev)
{
	if (ev->policy && ev->xp)
		xfrm_pol_put(ev->xp);
	else if (!ev->policy && ev->x)
		xfrm_state_put(ev->x);
	kfree(ev);
}

/*
 * After a migration: learn the SAD and SPD again (the new SAs, the
 * rewritten policies), then drop the SAs this node owns that the SAD no
 * longer holds and stop following their counters. km_work runs it once
 * per batch of events, however many migrations the batch holds.
 */
static void ha_km_resync(struct ha_net *hn)
{
	if (ha_km_walk(hn))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
	ha_local_sweep(hn);
	ha_ctr_reap(hn);
}

static void ha_km_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(work, struct ha_net, km_work);
	struct ha_km_event *ev, *tmp;
	bool resync = false;
	LIST_HEAD(events);

	spin_lock_bh(&hn->km_lock);
	list_splice_init(&hn->km_events, &events);
	hn->km_queued = 0;
	spin_unlock_bh(&hn->km_lock);

	mutex_lock(&hn->store.lock);
	list_for_each_entry_safe(ev, tmp, &events, list) {
		if (ev->event == XFRM_MSG_MIGRATE)
			resync = true;
		else if (hn->node_id)
			ha_km_apply(hn, ev);
		ha_km_event_free(ev);
		cond_resched();
	}
	if (resync && hn->node_id)
		ha_km_resync(hn);
	ha_sync_kick(hn);
	mutex_unlock(&hn->store.lock);
}

void ha_km_net_init(struct ha_net *hn)
{
	spin_lock_init(&hn->km_lock);
	INIT_LIST_HEAD(&hn->km_events);
	INIT_WORK(&hn->km_work, ha_km_work);
}

/*
 * The namespace is going away: pre_exit cleared node_id and an RCU grace
 * period passed, so no callback queues anything any more.
 */
void ha_km_net_exit(struct ha_net *hn)
{
	struct ha_km_event *ev, *tmp;

	cancel_work_sync(&hn->km_work);
	list_for_each_entry_safe(ev, tmp, &hn->km_events, list)
		ha_km_event_free(ev);
}

static int ha_km_walk_sa(struct xfrm_state *x, int count, void *data)
{
	struct list_head *states = data;
	struct ha_km_event *ev;

	if (x->km.state == XFRM_STATE_ACQ)	/* larval: see ha_km_apply() */
		return 0;
	ev = kzalloc(sizeof(*ev), GFP_ATOMIC);
	if (!ev)
		return -ENOMEM;
	xfrm_state_hold(x);
	ev->x = x;
	ev->event = XFRM_MSG_NEWSA;
	list_add_tail(&ev->list, states);
	return 0;
}

static int ha_km_walk_policy(struct xfrm_policy *xp, int dir, int count, void *data)
{
	struct list_head *policies = data;
	struct ha_km_event *ev = kzalloc(sizeof(*ev), GFP_ATOMIC);

	if (!ev)
		return -ENOMEM;
	xfrm_pol_hold(xp);
	ev->xp = xp;
	ev->policy = true;
	ev->dir = dir;
	ev->event = XFRM_MSG_NEWPOLICY;
	list_add_tail(&ev->list, policies);
	return 0;
}

/*
 * Learn what the SAD and SPD already hold. The walk callbacks run under
 * the tables' locks: they only take references; the store is updated
 * after. Process context, store.lock held.
 */
int ha_km_walk(struct ha_net *hn)
{
	struct xfrm_policy_walk pwalk;
	struct ha_km_event *ev, *tmp;
	struct xfrm_state_walk walk;
	LIST_HEAD(events);
	int err;

	lockdep_assert_held(&hn->store.lock);
	xfrm_state_walk_init(&walk, IPSEC_PROTO_ANY, NULL);
	err = xfrm_state_walk(hn->net, &walk, ha_km_walk_sa, &events);
	xfrm_state_walk_done(&walk, hn->net);
	if (err == -ENOENT)	/* nothing to walk */
		err = 0;
	if (!err) {
		xfrm_policy_walk_init(&pwalk, XFRM_POLICY_TYPE_ANY);
		err = xfrm_policy_walk(hn->net, &pwalk, ha_km_walk_policy, &events);
		xfrm_policy_walk_done(&pwalk, hn->net);
		if (err == -ENOENT)
			err = 0;
	}
	list_for_each_entry_safe(ev, tmp, &events, list) {
		if (!err)
			ha_km_apply(hn, ev);
		ha_km_event_free(ev);
		cond_resched();
	}
	return err;
}

/*
 * A device with ESP offload went down or away: xfrm_dev_state_flush()
 * deleted the SAs offloaded to it and told no key manager. This notifier
 * runs after xfrm's (same priority, registered later) and queues the
 * resync of a migration: km_work walks the SAD, records the deletion of
 * the SAs that are gone and stops following their counters, which drops
 * the references that would otherwise hold the device.
 */
static int ha_km_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ha_km_event *ev;
	struct ha_net *hn;

	if ((event != NETDEV_DOWN && event != NETDEV_UNREGISTER) ||
	    !(dev->features & NETIF_F_HW_ESP))
		return NOTIFY_DONE;
	/* NULL while a namespace is being set up, before this module's part. */
	hn = ha_net(dev_net(dev));
	if (!hn || !ha_km_active(hn))
		return NOTIFY_DONE;
	ev = ha_km_event_alloc(hn, XFRM_MSG_MIGRATE);
	if (ev)
		ha_km_queue(hn, ev);
	return NOTIFY_DONE;
}

static struct notifier_block ha_km_netdev_notifier = {
	.notifier_call = ha_km_netdev_event,
};

int ha_km_init(void)
{
	int err;

	err = register_netdevice_notifier(&ha_km_netdev_notifier);
	if (err)
		return err;
	xfrm_register_km(&ha_km);
	return 0;
}

void ha_km_exit(void)
{
	xfrm_unregister_km(&ha_km);
	unregister_netdevice_notifier(&ha_km_netdev_notifier);
}
