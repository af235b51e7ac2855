// SPDX-License-Identifier: GPL-2.0
/*
 * IKE-side context in the mirror: contexts this node owns (pushed with
 * ike-add, changed with ike-set, deleted with ike-del, or taken over),
 * peers' IKE and IKE_DEL records, and an index from CHILD SA SPIs to
 * the contexts that list them, for takeover.
 *
 * IKE records carry no ref: a context is named by its SPI pair, and each
 * node numbers its copy itself. Local contexts get a ref of this node
 * like a local SA; mirrored ones get origin 0, which no node uses.
 */
#include <linux/hashtable.h>
#include <linux/slab.h>

#include "ike.h"
#include "ipsec_ha.h"
#include "nl_event.h"
#include "peer.h"
#include "standby.h"
#include "stats.h"
#include "sync.h"

#define HA_IKE_CHILD_BITS	10

/*
 * One CHILD SA SPI a context lists, by the context's ref. An entry can
 * outlive its context when a bulk sync removes the context (peer.c): it is
 * checked against the store when used, and dropped then if stale.
 */
struct ha_ike_child {
	struct hlist_node node;
	u32 spi;
	u64 refkey;
};

struct ha_ike_net {
	DECLARE_HASHTABLE(children, HA_IKE_CHILD_BITS);
};

/* The CHILD SA SPIs of one version of a context. */
struct ha_ike_kids {
	u8 n;
	u32 spi[HA_WIRE_CHILD_MAX];
};

void ha_ike_nkey(u64 spi_i, u64 spi_r, struct ha_nkey *nkey)
{
	memset(nkey, 0, sizeof(*nkey));
	nkey->kind = HA_OBJ_IKE;
	memcpy(nkey->addr, &spi_i, sizeof(spi_i));
	memcpy(nkey->addr + sizeof(spi_i), &spi_r, sizeof(spi_r));
}

struct ha_obj *ha_ike_find(struct ha_net *hn, u64 spi_i, u64 spi_r)
{
	struct ha_nkey nkey;

	lockdep_assert_held(&hn->store.lock);
	ha_ike_nkey(spi_i, spi_r, &nkey);
	return ha_store_find_nkey_flags(&hn->store, &nkey, 0);
}

int ha_ike_decode(const struct ha_obj *obj, struct ha_wire_ike *ike)
{
	struct ha_wire_iter it;
	struct ha_wire_rec rec;

	ha_wire_iter_init(&it, obj->rec, obj->len);
	if (ha_wire_next(&it, &rec) != 1) {
		memset(ike, 0, sizeof(*ike));
		return -EBADMSG;
	}
	return ha_wire_get_ike(&rec, ike);
}

static void ha_ike_kids(const struct ha_obj *obj, struct ha_ike_kids *kids)
{
	struct ha_wire_ike *ike;

	kids->n = 0;
	if (!obj)
		return;
	ike = kmalloc(sizeof(*ike), GFP_KERNEL);
	if (ike && !ha_ike_decode(obj, ike)) {
		kids->n = ike->nr_child;
		memcpy(kids->spi, ike->child_spi, sizeof(kids->spi));
	}
	kfree_sensitive(ike);
}

static void ha_ike_index_del(struct ha_net *hn, u64 refkey, const struct ha_ike_kids *kids)
{
	struct ha_ike_child *c;
	struct hlist_node *tmp;
	unsigned int i;

	if (!hn->ike)
		return;
	for (i = 0; i < kids->n; i++)
		hash_for_each_possible_safe(hn->ike->children, c, tmp, node, kids->spi[i])
			if (c->spi == kids->spi[i] && c->refkey == refkey) {
				hash_del(&c->node);
				kfree(c);
			}
}

static void ha_ike_index_add(struct ha_net *hn, u64 refkey, const u32 *spi, unsigned int n)
{
	struct ha_ike_child *c;
	unsigned int i;

	if (n && !hn->ike) {
		hn->ike = kvzalloc(sizeof(*hn->ike), GFP_KERNEL);
		if (hn->ike)
			hash_init(hn->ike->children);
	}
	for (i = 0; i < n; i++) {
		c = hn->ike ? kmalloc(sizeof(*c), GFP_KERNEL) : NULL;
		if (!c) {	/* the takeover of that CHILD SA will not find it */
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
			continue;
		}
		c->spi = spi[i];
		c->refkey = refkey;
		hash_add(hn->ike->children, &c->node, c->spi);
	}
}

/* Tell the IKE daemon that node took over the context of old, this node's. */
static void ha_ike_lost(struct ha_net *hn, const struct ha_obj *old, u16 node)
{
	struct ha_event ev = {
		.type = IPSEC_HA_EVENT_TYPE_IKE_LOST,
		.node = node,
	};

	memcpy(&ev.ike_spi_i, old->nkey.addr, sizeof(ev.ike_spi_i));
	memcpy(&ev.ike_spi_r, old->nkey.addr + sizeof(ev.ike_spi_i), sizeof(ev.ike_spi_r));
	ha_nl_event(hn, &ev);
}

/* Put obj in place of old (or NULL), keeping the index in step. */
static int ha_ike_store(struct ha_net *hn, struct ha_obj *old, struct ha_obj *obj,
			const u32 *spi, unsigned int n)
{
	struct ha_store_change chg;
	struct ha_ike_kids was;
	int err;

	ha_ike_kids(old, &was);
	/* Taken over by a peer: this node no longer announces it. */
	if (old && !(obj->flags & HA_OBJ_LOCAL)) {
		old->flags &= ~HA_OBJ_DIRTY;
		list_del_init(&old->dirty);
		if (old->flags & HA_OBJ_LOCAL)
			ha_ike_lost(hn, old, obj->owner);
	}
	err = ha_store_put(hn, obj, &chg);
	ha_standby_settle(hn, err ? NULL : obj, &chg);	/* IKE contexts have none */
	if (err)
		return err;
	ha_ike_index_del(hn, obj->refkey, &was);
	ha_ike_index_add(hn, obj->refkey, spi, n);
	return 0;
}

int ha_ike_local_put(struct ha_net *hn, struct ha_obj *old, const struct ha_wire_ike *ike)
{
	size_t len = ha_wire_ike_len(ike);
	struct ha_wire_buf b;
	struct ha_nkey nkey;
	struct ha_obj *obj;
	u64 refkey;
	u8 *rec;
	int err;

	lockdep_assert_held(&hn->store.lock);
	if (!len)
		return -EINVAL;
	if (len > HA_IKE_REC_MAX)
		return -EMSGSIZE;
	rec = kmalloc(len, GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	ha_wire_buf_init(&b, rec, len);
	err = ha_wire_put_ike(&b, ike);
	if (err)
		goto out;

	/* IKE contexts are found by their SPIs: refs of origin 0 are this node's own. */
	refkey = old ? old->refkey : ha_store_new_refkey(&hn->store, 0);
	ha_ike_nkey(ike->spi_i, ike->spi_r, &nkey);
	obj = ha_obj_alloc(HA_OBJ_IKE, refkey, &nkey, rec, b.len);
	if (!obj) {
		err = -ENOMEM;
		goto out;
	}
	obj->flags = HA_OBJ_LOCAL;
	obj->owner = ike->owner;
	obj->owner_epoch = ike->owner_epoch;
	err = ha_ike_store(hn, old, obj, ike->child_spi, ike->nr_child);
	if (!err) {
		ha_store_mark_dirty(&hn->store, obj);
		ha_sync_kick(hn);
	}
out:
	kfree_sensitive(rec);
	return err;
}

void ha_ike_local_delete(struct ha_net *hn, struct ha_obj *obj)
{
	struct ha_store_change chg;
	struct ha_ike_kids was;

	lockdep_assert_held(&hn->store.lock);
	ha_ike_kids(obj, &was);
	ha_ike_index_del(hn, obj->refkey, &was);
	/* obj becomes a tombstone, if it is this node's and live */
	if ((obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) == HA_OBJ_LOCAL) {
		ha_store_tombstone(hn, obj, &chg);
		ha_standby_settle(hn, NULL, &chg);
	}
	ha_sync_kick(hn);
}

void ha_ike_rx(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec)
{
	u16 hdr = rec->type < HA_REC_LONG ? 2 : 3;
	const u8 *raw = rec->val - hdr;
	u16 len = rec->len + hdr;
	struct ha_wire_ike *ike;
	struct ha_obj *old, *obj;
	struct ha_nkey nkey;

	ike = kmalloc(sizeof(*ike), GFP_KERNEL);
	if (!ike) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return;
	}
	if (ha_wire_get_ike(rec, ike)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		goto out;
	}
	old = ha_ike_find(hn, ike->spi_i, ike->spi_r);
	if (!ha_peer_may_change(hn, old, sender, ike->owner, ike->owner_epoch)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_STALE);
		goto out;
	}
	if (old && old->len == len && !memcmp(old->rec, raw, len)) {
		old->changed = jiffies;		/* received again: still there */
		goto out;
	}
	ha_ike_nkey(ike->spi_i, ike->spi_r, &nkey);
	/* A peer's context is found by its SPIs: its ref is this node's own (origin 0). */
	obj = ha_obj_alloc(HA_OBJ_IKE, old ? old->refkey : ha_store_new_refkey(&hn->store, 0),
			   &nkey, raw, len);
	if (!obj) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		goto out;
	}
	obj->owner = ike->owner;
	obj->owner_epoch = ike->owner_epoch;
	ha_ike_store(hn, old, obj, ike->child_spi, ike->nr_child);
out:
	kfree_sensitive(ike);
}

void ha_ike_rx_del(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec)
{
	struct ha_store_change chg;
	struct ha_ike_kids was;
	struct ha_obj *obj;
	u64 spi_i, spi_r;

	if (ha_wire_get_ike_del(rec, &spi_i, &spi_r)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}
	obj = ha_ike_find(hn, spi_i, spi_r);
	if (!obj || obj->owner != sender || (obj->flags & HA_OBJ_LOCAL))
		return;
	ha_ike_kids(obj, &was);
	ha_ike_index_del(hn, obj->refkey, &was);
	ha_store_remove(hn, obj, &chg);
	ha_standby_settle(hn, NULL, &chg);
}

int ha_ike_put_del(struct ha_net *hn, struct ha_wire_buf *b, const struct ha_obj *tomb)
{
	struct ha_nkey nkey = tomb->nkey;	/* a tombstone's has kind 0 */
	u64 spi_i, spi_r;

	memcpy(&spi_i, nkey.addr, sizeof(spi_i));
	memcpy(&spi_r, nkey.addr + sizeof(spi_i), sizeof(spi_r));
	nkey.kind = HA_OBJ_IKE;
	if (ha_store_find_nkey_flags(&hn->store, &nkey, 0))
		return 0;	/* pushed again since: the deletion is void */
	return ha_wire_put_ike_del(b, spi_i, spi_r);
}

/* A context that lists that CHILD SPI and that this node does not own. */
static struct ha_obj *ha_ike_by_child(struct ha_net *hn, u32 spi, struct ha_wire_ike *ike)
{
	struct ha_ike_child *c;
	struct hlist_node *tmp;
	struct ha_obj *obj;
	unsigned int i;

	if (!hn->ike)
		return NULL;
	hash_for_each_possible_safe(hn->ike->children, c, tmp, node, spi) {
		if (c->spi != spi)
			continue;
		obj = ha_store_find(&hn->store, c->refkey);
		if (obj && obj->kind == HA_OBJ_IKE && !(obj->flags & HA_OBJ_DELETED) &&
		    !ha_ike_decode(obj, ike)) {
			for (i = 0; i < ike->nr_child; i++)
				if (ike->child_spi[i] == spi)
					break;
			if (i < ike->nr_child) {
				if (!(obj->flags & HA_OBJ_LOCAL))
					return obj;
				continue;
			}
		}
		hash_del(&c->node);	/* stale */
		kfree(c);
	}
	return NULL;
}

bool ha_ike_takeover(struct ha_net *hn, u32 child_spi)
{
	struct ha_wire_ike *ike;
	struct ha_obj *obj;
	int err = -ENOENT;

	lockdep_assert_held(&hn->store.lock);
	if (!hn->node_id || !hn->ike)
		return false;
	ike = kmalloc(sizeof(*ike), GFP_KERNEL);
	if (!ike) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return false;
	}
	obj = ha_ike_by_child(hn, child_spi, ike);
	if (!obj)
		goto out;
	ike->takeovers++;
	ike->owner = hn->node_id;
	ike->owner_epoch = obj->owner_epoch + 1;
	err = ha_ike_local_put(hn, obj, ike);
	if (err)
		ha_stat_inc(hn, err == -ENOMEM ? IPSEC_HA_A_STATS_DROP_NOMEM :
				 IPSEC_HA_A_STATS_TX_ERRORS);
out:
	kfree_sensitive(ike);
	return !err;
}

void ha_ike_net_exit(struct ha_net *hn)
{
	struct ha_ike_child *c;
	struct hlist_node *tmp;
	unsigned int bkt;

	if (!hn->ike)
		return;
	hash_for_each_safe(hn->ike->children, bkt, tmp, c, node) {
		hash_del(&c->node);
		kfree(c);
	}
	kvfree(hn->ike);
	hn->ike = NULL;
}
