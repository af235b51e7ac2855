// SPDX-License-Identifier: GPL-2.0
/*
 * Sending: local changes become objects in the store, marked dirty; the
 * tx work packs dirty objects, deletions, NACKs, bulk requests and the
 * periodic ALIVE into as few datagrams as the link MTU allows, seals and
 * sends them. A resend sends an object's current state, never a history.
 * Everything here runs in process context under store.lock.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/random.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "ike.h"
#include "install.h"
#include "key.h"
#include "link.h"
#include "nodeinfo.h"
#include "peer.h"
#include "sa.h"
#include "stats.h"
#include "sync.h"
#include "watch.h"

/* An ALIVE record: two bytes of header, last_seq, count, digest. */
#define HA_ALIVE_REC_LEN (2 + 8 + 4 + 8)

/* A link at its minimum MTU carries the largest fixed records in one datagram. */
static_assert(HA_ALIVE_REC_LEN + 3 + 2 * HA_WIRE_CTR_LEN <= HA_LINK_ROOM_MIN &&
	      HA_ALIVE_REC_LEN + 3 + HA_WIRE_TAKEN_LEN <= HA_LINK_ROOM_MIN);

struct ha_tx {
	u64 seq;			/* last datagram number sent */
	unsigned long alive_at;		/* jiffies when the next ALIVE is due */
	unsigned long tomb_at;		/* when deletions are next announced again */
	bool kicked;			/* tx_work is due soon: changes wait for it */
	bool bulk_req;			/* send BULK_REQ for bulk_req_node */
	u16 bulk_req_node;
	DECLARE_BITMAP(bulk_end_to, IPSEC_HA_NODE_ID_MAX + 1);	/* owed BULK_END */
	struct ha_wire_nack nacks[8];	/* gaps to report */
	unsigned int nr_nacks;
	struct ha_wire_sa sa;		/* scratch */
	struct ha_wire_policy pol;	/* scratch */
	struct ha_wire_ctr ctrs[HA_WIRE_MAX_LEN / HA_WIRE_CTR_LEN];	/* scratch */
	struct ha_wire_taken taken[HA_WIRE_MAX_LEN / HA_WIRE_TAKEN_LEN];	/* scratch */
	struct ha_wire_taken yielded[16];	/* claims given up in a tie, to tell */
	unsigned int nr_yielded;
	u8 enc[HA_WIRE_MAX_LEN];	/* scratch: one record */
	u8 dgram[HA_WIRE_MAX_LEN];	/* the datagram being filled */
	struct ha_wire_buf b;
};

static struct ha_obj *ha_sync_find_local(struct ha_net *hn, const struct ha_nkey *nkey)
{
	return ha_store_find_nkey_flags(&hn->store, nkey, HA_OBJ_LOCAL);
}

/* The ref of a local object: the one it had, or a new one. */
static u64 ha_sync_ref(struct ha_net *hn, const struct ha_obj *old, struct ha_ref *ref)
{
	u64 refkey = old ? old->refkey : ha_store_new_refkey(&hn->store, hn->node_id);

	ha_ref_of(refkey, ref);
	return refkey;
}

/*
 * Store a record this node owns under refkey, replacing old (its previous
 * version); returns what the store holds now, or NULL.
 */
static struct ha_obj *ha_sync_local_put(struct ha_net *hn, u8 kind, const struct ha_nkey *nkey,
					struct ha_obj *old, u64 refkey, struct ha_wire_buf *b,
					u8 dir)
{
	struct ha_obj *obj;

	if (old && old->len == b->len && !memcmp(old->rec, b->p, b->len))
		return old;	/* nothing changed */

	obj = ha_obj_alloc(kind, refkey, nkey, b->p, b->len);
	if (!obj) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return NULL;
	}
	obj->flags = HA_OBJ_LOCAL;
	obj->owner = hn->node_id;
	obj->owner_epoch = old ? old->owner_epoch : 0;	/* a takeover raised it */
	obj->dir = dir;
	if (ha_store_put(hn, obj))
		return NULL;
	ha_store_mark_dirty(&hn->store, obj);
	return obj;
}

/* When the origin first learnt the SA old records (decoded into sa), or 0. */
static u64 ha_sync_add_time(const struct ha_obj *old, struct ha_wire_sa *sa)
{
	struct ha_wire_iter it;
	struct ha_wire_rec rec;

	ha_wire_iter_init(&it, old->rec, old->len);
	if (ha_wire_next(&it, &rec) != 1 || ha_wire_get_sa(&rec, sa))
		return 0;
	return sa->add_time;
}

void ha_sync_local_sa(struct ha_net *hn, struct xfrm_state *x)
{
	struct ha_tx *tx = hn->tx;
	struct ha_obj *old, *obj;
	struct ha_wire_buf b;
	struct ha_nkey nkey;
	u64 add_time, refkey;

	if (!tx)
		return;
	ha_sa_nkey(x, &nkey);
	old = ha_sync_find_local(hn, &nkey);
	add_time = old ? ha_sync_add_time(old, &tx->sa) : 0;
	if (ha_sa_from_xfrm(x, &tx->sa)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		goto out;
	}
	refkey = ha_sync_ref(hn, old, &tx->sa.ref);
	tx->sa.owner = hn->node_id;
	tx->sa.owner_epoch = old ? old->owner_epoch : 0;
	if (add_time)	/* keep the time it was first learnt */
		tx->sa.add_time = add_time;
	ha_wire_buf_init(&b, tx->enc, sizeof(tx->enc));
	if (ha_wire_put_sa(&b, &tx->sa)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		goto out;
	}
	obj = ha_sync_local_put(hn, HA_OBJ_SA, &nkey, old, refkey, &b, tx->sa.dir);
	memzero_explicit(tx->enc, b.len);
	if (obj && ha_ctr_track(hn, x, obj->refkey, obj->owner_epoch))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
out:
	memzero_explicit(&tx->sa, sizeof(tx->sa));
}

void ha_sync_local_policy(struct ha_net *hn, struct xfrm_policy *xp, int dir)
{
	struct ha_tx *tx = hn->tx;
	struct ha_wire_buf b;
	struct ha_nkey nkey;
	struct ha_obj *old;
	u64 refkey;

	if (!tx)
		return;
	ha_policy_nkey(xp, dir, &nkey);
	ha_policy_from_xfrm(xp, dir, &tx->pol);
	old = ha_sync_find_local(hn, &nkey);
	refkey = ha_sync_ref(hn, old, &tx->pol.ref);
	tx->pol.owner = hn->node_id;
	tx->pol.owner_epoch = old ? old->owner_epoch : 0;
	ha_wire_buf_init(&b, tx->enc, sizeof(tx->enc));
	if (ha_wire_put_policy(&b, &tx->pol))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
	else
		ha_sync_local_put(hn, HA_OBJ_POLICY, &nkey, old, refkey, &b, 0);
}

/*
 * A peer announced an object under the ref of old, an SA or policy this
 * node owns, but it is another object (another kind or natural key): an
 * earlier incarnation of this node gave that ref, and the peer took that
 * object over. The ref is the peer's; old moves to a new ref of its own
 * and is announced again. No deletion goes out for the ref it leaves.
 * Returns false if old could not be moved (it is then dropped from the
 * mirror, not from the SAD or SPD, and counted).
 */
bool ha_sync_local_rekey(struct ha_net *hn, struct ha_obj *old)
{
	struct ha_tx *tx = hn->tx;
	struct ha_obj *obj = NULL;
	struct xfrm_state *x;
	struct ha_wire_buf b;
	u64 refkey;
	int err;

	lockdep_assert_held(&hn->store.lock);
	if (!tx || (old->kind != HA_OBJ_SA && old->kind != HA_OBJ_POLICY))
		goto fail;
	refkey = ha_store_new_refkey(&hn->store, hn->node_id);
	ha_wire_buf_init(&b, tx->enc, sizeof(tx->enc));
	if (old->kind == HA_OBJ_SA) {
		err = ha_obj_decode(old, &tx->sa, NULL);
		if (!err) {
			ha_ref_of(refkey, &tx->sa.ref);
			err = ha_wire_put_sa(&b, &tx->sa);
		}
		memzero_explicit(&tx->sa, sizeof(tx->sa));
	} else {
		err = ha_obj_decode(old, NULL, &tx->pol);
		if (!err) {
			ha_ref_of(refkey, &tx->pol.ref);
			err = ha_wire_put_policy(&b, &tx->pol);
		}
	}
	if (!err)
		obj = ha_obj_alloc(old->kind, refkey, &old->nkey, b.p, b.len);
	memzero_explicit(tx->enc, b.len);
	if (!obj)
		goto fail;
	obj->flags = old->flags & (HA_OBJ_LOCAL | HA_OBJ_RELEASED);
	obj->owner = old->owner;
	obj->owner_epoch = old->owner_epoch;
	obj->dir = old->dir;
	obj->oseq = old->oseq;
	obj->seq = old->seq;
	ha_store_remove(hn, old);
	if (ha_store_put(hn, obj))
		return false;
	ha_store_mark_dirty(&hn->store, obj);
	ha_stat_inc(hn, IPSEC_HA_A_STATS_REFS_MOVED);
	if (obj->kind == HA_OBJ_SA && !(obj->flags & HA_OBJ_RELEASED)) {
		x = ha_inst_sa_find(hn->net, &obj->nkey);
		if (x) {
			if (ha_ctr_track(hn, x, refkey, obj->owner_epoch))
				ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
			xfrm_state_put(x);
		}
	}
	ha_sync_kick(hn);
	return true;
fail:
	ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
	ha_store_remove(hn, old);
	return false;
}

/*
 * Make old, an SA or policy this node owns, the current node id's: its
 * record names the new owner at the next ownership epoch, so that peers
 * take it as a takeover from the old id (at the same epoch it would be a
 * tie between two owners). False if it could not be rewritten.
 */
static bool ha_sync_reown(struct ha_net *hn, struct ha_obj *old)
{
	struct ha_tx *tx = hn->tx;
	u16 epoch = old->owner_epoch + 1;
	struct ha_obj *obj = NULL;
	struct xfrm_state *x;
	struct ha_wire_buf b;
	int err;

	ha_wire_buf_init(&b, tx->enc, sizeof(tx->enc));
	if (old->kind == HA_OBJ_SA) {
		err = ha_obj_decode(old, &tx->sa, NULL);
		if (!err) {
			tx->sa.owner = hn->node_id;
			tx->sa.owner_epoch = epoch;
			err = ha_wire_put_sa(&b, &tx->sa);
		}
		memzero_explicit(&tx->sa, sizeof(tx->sa));
	} else {
		err = ha_obj_decode(old, NULL, &tx->pol);
		if (!err) {
			tx->pol.owner = hn->node_id;
			tx->pol.owner_epoch = epoch;
			err = ha_wire_put_policy(&b, &tx->pol);
		}
	}
	if (!err)
		obj = ha_obj_alloc(old->kind, old->refkey, &old->nkey, b.p, b.len);
	memzero_explicit(tx->enc, b.len);
	if (!obj)
		return false;
	obj->flags = old->flags & (HA_OBJ_LOCAL | HA_OBJ_RELEASED);
	obj->owner = hn->node_id;
	obj->owner_epoch = epoch;
	obj->dir = old->dir;
	obj->oseq = old->oseq;
	obj->seq = old->seq;
	if (ha_store_put(hn, obj))	/* old stays */
		return false;
	ha_store_mark_dirty(&hn->store, obj);
	/* Its counters go out at the new epoch too. */
	if (obj->kind == HA_OBJ_SA && !(obj->flags & HA_OBJ_RELEASED)) {
		x = ha_inst_sa_find(hn->net, &obj->nkey);
		if (x) {
			if (ha_ctr_track(hn, x, obj->refkey, epoch))
				ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
			xfrm_state_put(x);
		}
	}
	return true;
}

/* The same for an IKE context this node owns. */
static bool ha_sync_reown_ike(struct ha_net *hn, struct ha_obj *old, struct ha_wire_ike *ike)
{
	bool ok;

	ok = !ha_ike_decode(old, ike);
	if (ok) {
		ike->owner = hn->node_id;
		ike->owner_epoch = old->owner_epoch + 1;
		ok = !ha_ike_local_put(hn, old, ike);
	}
	memzero_explicit(ike, sizeof(*ike));
	return ok;
}

/**
 * ha_sync_renumber() - give this node another id, and what it owns along
 * @hn: the namespace's member
 * @id: the new node id (not 0)
 *
 * What is waiting to be sent goes out first under the old id, deletions
 * included, which peers apply only from the owner they know. Then every
 * SA, policy and IKE context this node owns is rewritten as the new id's
 * at the next ownership epoch. Records that still named the old id
 * would be refused by the peers (a node speaks only for what it owns),
 * which would find the new id's summary differing from their mirror
 * and ask it for bulk syncs that cannot help, every few seconds.
 * Objects that cannot be rewritten are counted in drop-nomem and stay
 * under the old id. The caller restarts the sync (ha_sync_start).
 *
 * Context: process context, hn->lock held.
 */
void ha_sync_renumber(struct ha_net *hn, u16 id)
{
	struct ha_wire_ike *ike = NULL;
	struct ha_obj *obj, *tmp;

	lockdep_assert_held(&hn->lock);
	mutex_lock(&hn->store.lock);
	if (hn->tx && hn->node_id)
		ha_sync_flush(hn);
	WRITE_ONCE(hn->node_id, id);
	if (!hn->tx)
		goto out;
	list_for_each_entry_safe(obj, tmp, &hn->store.objs, all) {
		bool ok;

		if ((obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) != HA_OBJ_LOCAL ||
		    obj->owner == id)
			continue;
		if (obj->kind == HA_OBJ_IKE) {
			if (!ike)
				ike = kmalloc(sizeof(*ike), GFP_KERNEL);
			ok = ike && ha_sync_reown_ike(hn, obj, ike);
		} else {
			ok = ha_sync_reown(hn, obj);
		}
		if (!ok)
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
	}
	kfree_sensitive(ike);
out:
	mutex_unlock(&hn->store.lock);
}

/* Replace a local object by a tombstone, which tx turns into a deletion. */
static void ha_sync_tombstone(struct ha_net *hn, struct ha_obj *obj)
{
	struct ha_obj *tomb;

	tomb = ha_obj_alloc(obj->kind, obj->refkey, &obj->nkey, NULL, 0);
	if (!tomb) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		ha_store_remove(hn, obj);
		return;
	}
	tomb->flags = HA_OBJ_LOCAL | HA_OBJ_DELETED;
	tomb->owner = obj->owner;
	/* A different natural key keeps the tombstone out of lookups. */
	tomb->nkey.kind = 0;
	if (!ha_store_put(hn, tomb))
		ha_store_mark_dirty(&hn->store, tomb);
}

void ha_sync_local_delete(struct ha_net *hn, const struct ha_nkey *nkey)
{
	struct ha_obj *obj = ha_sync_find_local(hn, nkey);

	if (obj)
		ha_sync_tombstone(hn, obj);
}

void ha_sync_local_flush(struct ha_net *hn, u8 kind, u8 proto)
{
	struct ha_obj *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &hn->store.objs, all) {
		if (obj->kind != kind || !(obj->flags & HA_OBJ_LOCAL) ||
		    (obj->flags & HA_OBJ_DELETED))
			continue;
		/* As xfrm_id_proto_match(): 0 and IPSEC_PROTO_ANY match every SA. */
		if (kind == HA_OBJ_SA && proto && proto != IPSEC_PROTO_ANY &&
		    obj->nkey.proto != proto)
			continue;
		ha_sync_tombstone(hn, obj);
	}
}

/* Changes arriving within HA_TX_COALESCE share their datagrams. */
void ha_sync_kick(struct ha_net *hn)
{
	if (hn->tx && !hn->tx->kicked) {
		hn->tx->kicked = true;
		mod_delayed_work(ha_wq, &hn->tx_work, HA_TX_COALESCE);
	}
}

static bool ha_sync_in_ranges(u64 seq, const struct ha_sync_range *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (seq >= r[i].from && seq <= r[i].to)
			return true;
	return false;
}

/*
 * A peer missed the datagrams of up to HA_SYNC_RESEND_RANGES ranges: send
 * the current state of what they carried (deletions included, while
 * their tombstones last) again, in one walk of the store. Ranges are cut
 * to the datagrams this node sent; ranges of nothing sent are dropped.
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

/* Send everything this node owns, then tell node (0: everybody) it is done. */
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
 * What this node says of itself (NODE_INFO) changed: send it with the
 * next round instead of the next ALIVE. hn->lock held.
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

void ha_sync_request_bulk(struct ha_net *hn, u16 node)
{
	if (!hn->tx)
		return;
	/* One request waits at a time: to two nodes, it is to all. */
	if (hn->tx->bulk_req && hn->tx->bulk_req_node != node)
		node = 0;
	hn->tx->bulk_req = true;
	hn->tx->bulk_req_node = node;
	ha_sync_kick(hn);
}

/*
 * This node gave obj up to another that took it over at the same epoch
 * (a split brain): tell that node, and the others, what this node held,
 * as a TAKEN entry of its own claim. The winner then sees the tie too,
 * even if this node's announcement of the takeover was lost during the
 * partition; every receiver refuses the claim (it loses the tie).
 */
void ha_sync_yield(struct ha_net *hn, const struct ha_obj *obj)
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

void ha_sync_nack(struct ha_net *hn, u16 node, u64 from, u64 to)
{
	struct ha_tx *tx = hn->tx;

	if (!tx || tx->nr_nacks >= ARRAY_SIZE(tx->nacks))
		return;
	tx->nacks[tx->nr_nacks++] = (struct ha_wire_nack){ .node = node, .from = from, .to = to };
	ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_NACKS);
	ha_sync_kick(hn);
}

/*
 * Append a record the codec encoded earlier (the store keeps them so).
 * Nothing is written past cap, as with the codec's own writers.
 */
static int ha_sync_put_rec(struct ha_wire_buf *b, const u8 *rec, size_t len)
{
	if (b->len > b->cap || len > b->cap - b->len)
		return -ENOSPC;
	memcpy(b->p + b->len, rec, len);
	b->len += len;
	return 0;
}

/* The deletion record of a tombstone. */
static int ha_sync_put_del(struct ha_net *hn, struct ha_wire_buf *b, const struct ha_obj *obj)
{
	struct ha_ref ref;

	if (obj->kind == HA_OBJ_IKE)
		return ha_ike_put_del(hn, b, obj);
	ha_ref_of(obj->refkey, &ref);
	return ha_wire_put_del(b, obj->kind == HA_OBJ_SA ? HA_REC_SA_DEL : HA_REC_POLICY_DEL, &ref);
}

/* Seal and send the datagram in tx->dgram; returns false if nothing was sent. */
static bool ha_sync_send(struct ha_net *hn, struct ha_link *link, const struct ha_key *key)
{
	struct ha_tx *tx = hn->tx;
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct ha_wire_hdr h = {
		.version = HA_WIRE_VERSION,
		.node_id = hn->node_id,
		.key_id = key->id,
		.epoch = hn->epoch,
		.seq = tx->seq + 1,
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	size_t rec_len = tx->b.len;
	struct kvec iov;
	int err;

	if (!rec_len)
		return false;
	/* From the kernel's RNG, reseeded when a VM is restored or cloned. */
	get_random_bytes(h.salt, sizeof(h.salt));
	ha_wire_hdr_put(tx->dgram, &h);
	ha_seal(key, tx->dgram, rec_len);
	iov.iov_base = tx->dgram;
	iov.iov_len = HA_WIRE_HDR_LEN + rec_len + HA_WIRE_TAG_LEN;

	if (link->cfg.family == AF_INET) {
		sin.sin_addr.s_addr = link->cfg.group.v4;
		sin.sin_port = htons(link->cfg.port);
		msg.msg_name = &sin;
		msg.msg_namelen = sizeof(sin);
	} else {
		sin6.sin6_addr = link->cfg.group.v6;
		sin6.sin6_port = htons(link->cfg.port);
		sin6.sin6_scope_id = link->cfg.ifindex;
		msg.msg_name = &sin6;
		msg.msg_namelen = sizeof(sin6);
	}
	err = kernel_sendmsg(link->sock, &msg, &iov, 1, iov.iov_len);
	tx->seq++;
	ha_wire_buf_init(&tx->b, tx->dgram + HA_WIRE_HDR_LEN, tx->b.cap);
	if (err < 0) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_ERRORS);
		return true;
	}
	ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_DATAGRAMS);
	ha_stat_add(hn, IPSEC_HA_A_STATS_TX_BYTES, iov.iov_len);
	return true;
}

/*
 * Room for records in one datagram on this link: the interface's MTU less
 * the IP and UDP headers, the datagram header and the tag, and never more
 * than tx->dgram holds. 0 while the MTU is below the link minimum: the
 * link is down (link.c tells) and sends nothing.
 */
static size_t ha_sync_room(struct ha_net *hn, const struct ha_link *link)
{
	unsigned int hdrs = sizeof(struct udphdr) + (link->cfg.family == AF_INET ?
						     sizeof(struct iphdr) : sizeof(struct ipv6hdr));
	struct net_device *dev;
	unsigned int mtu = 1500, room;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(hn->net, link->cfg.ifindex);
	if (dev)
		mtu = READ_ONCE(dev->mtu);
	rcu_read_unlock();
	if (mtu < ha_link_mtu_min(link->cfg.family) ||
	    check_sub_overflow(mtu, hdrs + HA_WIRE_MIN_LEN, &room))
		return 0;
	return min_t(size_t, room, HA_WIRE_MAX_LEN - HA_WIRE_MIN_LEN);
}

/*
 * A put() found the datagram full: send it, so that the caller can try
 * once more in an empty one. False when there was nothing to send (the
 * record fits in no datagram) or put() failed for another reason.
 */
static bool ha_sync_full(struct ha_net *hn, struct ha_link *link, const struct ha_key *key,
			 int err, unsigned int *sent)
{
	if (err != -ENOSPC || !ha_sync_send(hn, link, key))
		return false;
	(*sent)++;
	return true;
}

/* Counters of the SAs ctr_work found due, as many per datagram as fit. */
static bool ha_sync_counters(struct ha_net *hn, struct ha_link *link, const struct ha_key *key,
			     unsigned int *sent, unsigned int *records)
{
	struct ha_tx *tx = hn->tx;

	while (ha_ctr_pending(hn)) {
		size_t room = tx->b.cap - tx->b.len;
		unsigned int n;

		if (*sent >= HA_TX_BURST)
			return true;
		if (room < 3 + 2 * HA_WIRE_CTR_LEN) {
			if (!ha_sync_send(hn, link, key))
				break;
			(*sent)++;
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
		(*records)++;
	}
	return false;
}

/* Close the TAKEN record of the n entries in tx->taken. */
static void ha_sync_taken_put(struct ha_net *hn, unsigned int n, unsigned int *records)
{
	if (!n)
		return;
	if (ha_wire_put_taken(&hn->tx->b, hn->tx->taken, n))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_ERRORS);
	else
		(*records)++;
}

/*
 * What a promote took over (HA_OBJ_BRIEF): the peers hold the records
 * already, so a 28-byte TAKEN entry each says what changed, as many per
 * datagram as fit, instead of the whole record. True if the burst ended
 * first.
 */
static bool ha_sync_taken(struct ha_net *hn, struct ha_link *link, const struct ha_key *key,
			  unsigned int *sent, unsigned int *records)
{
	struct ha_tx *tx = hn->tx;
	struct ha_obj *obj, *tmp;
	unsigned int n = 0, max = 0;

	list_for_each_entry_safe(obj, tmp, &hn->store.dirty, dirty) {
		struct ha_wire_taken *e;

		if (!(obj->flags & HA_OBJ_BRIEF))
			continue;
		if (n == max) {
			ha_sync_taken_put(hn, n, records);
			n = 0;
			if (tx->b.cap - tx->b.len < 3 + HA_WIRE_TAKEN_LEN) {
				if (*sent >= HA_TX_BURST)
					return true;
				if (ha_sync_send(hn, link, key))
					(*sent)++;
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
	ha_sync_taken_put(hn, n, records);
	return false;
}

/*
 * One round of sending, at most HA_TX_BURST datagrams; true if more is
 * waiting. hn->lock (link and key stay) and store.lock held.
 */
static bool ha_sync_tx(struct ha_net *hn)
{
	unsigned int sent = 0, records = 0;
	const struct ha_key *key;
	struct ha_link *link;
	struct ha_obj *obj, *tmp;
	bool more = false, told = false;
	struct ha_tx *tx;
	size_t room;
	int i;

	tx = hn->tx;
	if (tx)
		tx->kicked = false;
	link = rcu_dereference_protected(hn->link, lockdep_is_held(&hn->lock));
	key = rcu_dereference_protected(hn->key, lockdep_is_held(&hn->lock));
	if (!tx || !link || !key || !hn->node_id)
		goto out;

	room = ha_sync_room(hn, link);
	if (room < HA_LINK_ROOM_MIN) {
		/*
		 * The MTU is too small for a datagram: what is due waits in the
		 * store until it grows again. Peers are still watched, and
		 * this work runs once a second, not once a jiffy.
		 */
		if (time_after_eq(jiffies, tx->alive_at)) {
			ha_watch_peers(hn);
			tx->alive_at = jiffies + HA_ALIVE_INTERVAL;
		}
		goto out;
	}
	ha_wire_buf_init(&tx->b, tx->dgram + HA_WIRE_HDR_LEN, room);

	/*
	 * A lost deletion leaves no gap a resend could fill once its NACK is
	 * lost too: announce recent deletions again once a second.
	 */
	if (time_after_eq(jiffies, tx->tomb_at)) {
		list_for_each_entry(obj, &hn->store.objs, all)
			if ((obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) ==
			    (HA_OBJ_LOCAL | HA_OBJ_DELETED) &&
			    time_before(jiffies, obj->changed + HA_TOMB_REPEAT))
				ha_store_mark_dirty(&hn->store, obj);
		tx->tomb_at = jiffies + HA_ALIVE_INTERVAL;
	}

	if (tx->bulk_req) {
		struct ha_wire_bulk bk = { .node = tx->bulk_req_node };
		int err;

		do
			err = ha_wire_put_bulk(&tx->b, HA_REC_BULK_REQ, &bk);
		while (ha_sync_full(hn, link, key, err, &sent));
		if (!err) {
			tx->bulk_req = false;
			/* the datagram being filled: its BULK_END names it */
			ha_peers_bulk_sent(hn, bk.node, tx->seq + 1);
		}
	}
	for (i = 0; i < tx->nr_nacks; i++)
		while (ha_sync_full(hn, link, key, ha_wire_put_nack(&tx->b, &tx->nacks[i]), &sent))
			;
	tx->nr_nacks = 0;

	if (tx->nr_yielded) {
		int err;

		do
			err = ha_wire_put_taken(&tx->b, tx->yielded, tx->nr_yielded);
		while (ha_sync_full(hn, link, key, err, &sent));
		if (!err)
			records++;
		tx->nr_yielded = 0;
	}
	more = ha_sync_taken(hn, link, key, &sent, &records);
	list_for_each_entry_safe(obj, tmp, &hn->store.dirty, dirty) {
		int err;

		if (more || sent >= HA_TX_BURST) {
			more = true;
			break;
		}
		do {
			if (obj->flags & HA_OBJ_DELETED)
				err = ha_sync_put_del(hn, &tx->b, obj);
			else
				err = ha_sync_put_rec(&tx->b, obj->rec, obj->len);
		} while (ha_sync_full(hn, link, key, err, &sent));
		if (err) {
			ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_ERRORS);
		} else {
			records++;
			obj->sent_seq = tx->seq + 1;	/* the datagram being filled */
		}
		obj->flags &= ~HA_OBJ_DIRTY;
		list_del_init(&obj->dirty);
	}

	if (!more)
		more = ha_sync_counters(hn, link, key, &sent, &records);

	if (!more) {
		int node = -1;

		while ((node = find_next_bit(tx->bulk_end_to, IPSEC_HA_NODE_ID_MAX + 1,
					     node + 1)) <= IPSEC_HA_NODE_ID_MAX) {
			struct ha_wire_bulk bk = { .node = node, .count = hn->store.local };
			int err;

			bk.req = node ? ha_peer_bulk_req(hn, node) : 0;

			do
				err = ha_wire_put_bulk(&tx->b, HA_REC_BULK_END, &bk);
			while (ha_sync_full(hn, link, key, err, &sent));
			if (err)
				break;
			clear_bit(node, tx->bulk_end_to);
		}
	}

	/* Soon after a burst, so that a loss at its end shows; else once a second. */
	if (records && time_after(tx->alive_at, jiffies + HA_ALIVE_AFTER_BURST))
		tx->alive_at = jiffies + HA_ALIVE_AFTER_BURST;
	if (!more && time_after_eq(jiffies, tx->alive_at)) {
		struct ha_wire_alive a = { .count = hn->store.local };

		list_for_each_entry_safe(obj, tmp, &hn->store.objs, all) {
			if (!(obj->flags & HA_OBJ_LOCAL))
				continue;
			if (!(obj->flags & HA_OBJ_DELETED))
				a.digest ^= obj->digest;
			else if (!(obj->flags & HA_OBJ_DIRTY) &&
				 time_after(jiffies, obj->changed + HA_TOMB_TTL))
				ha_store_remove(hn, obj);
		}
		ha_watch_peers(hn);
		ha_peers_forget(hn);
		/* What this node says of itself rides with every ALIVE. */
		while (ha_sync_full(hn, link, key, ha_node_info_put(hn, &tx->b), &sent))
			;
		told = true;
		/* The ALIVE of a datagram names that datagram. */
		if (tx->b.cap - tx->b.len < HA_ALIVE_REC_LEN && ha_sync_send(hn, link, key))
			sent++;
		a.last_seq = tx->seq + 1;
		ha_wire_put_alive(&tx->b, &a);
		tx->alive_at = jiffies + HA_ALIVE_INTERVAL;
	}
	if (ha_sync_send(hn, link, key))
		sent++;
	/* Sent: the counters may follow the threshold the peers now know. */
	if (told)
		WRITE_ONCE(hn->sync_packets_told, hn->tx_info_sync_packets);
	ha_stat_add(hn, IPSEC_HA_A_STATS_TX_RECORDS, records);
out:
	return more;
}

static void ha_sync_tx_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(to_delayed_work(work), struct ha_net, tx_work);
	bool more;

	mutex_lock(&hn->lock);
	/* The previous key's grace is over: forget it. */
	if (rcu_access_pointer(hn->key_prev) && time_after_eq(jiffies, hn->key_prev_until))
		ha_key_destroy(rcu_replace_pointer(hn->key_prev, NULL, lockdep_is_held(&hn->lock)));
	mutex_lock(&hn->store.lock);
	more = ha_sync_tx(hn);
	if (hn->tx && hn->node_id)
		queue_delayed_work(ha_wq, &hn->tx_work,
				   more ? 1 : max_t(long, 1, (long)(hn->tx->alive_at - jiffies)));
	mutex_unlock(&hn->store.lock);
	mutex_unlock(&hn->lock);
}

/*
 * Send what is waiting now, before returning: promote announces its new
 * ownership before it installs anything. hn->lock and store.lock held.
 */
void ha_sync_flush(struct ha_net *hn)
{
	unsigned int rounds = 0;

	lockdep_assert_held(&hn->lock);
	lockdep_assert_held(&hn->store.lock);
	while (ha_sync_tx(hn) && ++rounds < 100000)
		cond_resched();
}

/*
 * The node has what it needs to take part (or its link or key changed):
 * learn the local SAD/SPD, announce it, and ask the peers for theirs.
 * Process context, hn->lock held.
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
	kvfree(hn->tx);
	hn->tx = NULL;
}
