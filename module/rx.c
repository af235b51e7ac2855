// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving: datagrams arrive in softirq and are queued; rx_work checks,
 * opens and applies them in process context under store.lock. Everything
 * from the link is hostile until its tag verified, and records are
 * applied only after their decoder accepted every field.
 */
#include <linux/skbuff.h>
#include <linux/udp.h>

#include "compat.h"
#include "ike.h"
#include "install.h"
#include "ipsec_ha.h"
#include "key.h"
#include "local.h"
#include "move.h"
#include "nodeinfo.h"
#include "peer.h"
#include "rx.h"
#include "sa.h"
#include "seal.h"
#include "stats.h"
#include "sync.h"
#include "takeover.h"
#include "watch.h"

/*
 * The backlog of datagrams waiting for rx_work, in count and in bytes
 * (truesize): a flood fills it, and ha_rx_enqueue() drops the rest at
 * the door.
 */
#define HA_RX_QUEUE_MAX		4096
#define HA_RX_QUEUE_BYTES	(8 << 20)
/* Authentic datagrams applied per hold of store.lock. */
#define HA_RX_BATCH		32
/* The least time between two walks of the store one peer can cause. */
#define HA_RX_RESEND_GAP	(HZ / 20)
#define HA_RX_ALIVE_GAP		(HZ / 20)
#define HA_RX_BULK_GAP		HZ
/* How far ahead of this node's clock a peer's epoch may be. */
#define HA_RX_EPOCH_AHEAD_NS	(600ULL * NSEC_PER_SEC)

static const struct ha_key *ha_rx_key(struct ha_net *hn, u32 key_id);

/*
 * Softirq (UDP encapsulation receive, under RCU): hands the datagram to
 * rx_work, or counts it dropped. This function checks what needs no key,
 * so that garbage never costs an authentication attempt: the length, the
 * version, a key id this node knows. rx_work refuses a datagram that
 * names this node's id only once it is authentic, so that drop-own-node
 * counts only a key holder given the same id by mistake.
 */
int ha_rx_enqueue(struct ha_net *hn, struct sk_buff *skb)
{
	size_t len = skb->len - sizeof(struct udphdr);
	u8 hb[8], *h;

	if (len < HA_WIRE_MIN_LEN) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_TRUNCATED);
		return -EINVAL;
	}
	if (len > HA_WIRE_MAX_LEN) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_OVERSIZED);
		return -EINVAL;
	}
	h = skb_header_pointer(skb, sizeof(struct udphdr), sizeof(hb), hb);
	if (!h) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_TRUNCATED);
		return -EINVAL;
	}
	if (h[0] != HA_WIRE_VERSION) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_VERSION);
		return -EINVAL;
	}
	if (!ha_rx_key(hn, ha_get_be32(h + 4))) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_UNKNOWN_KEY);
		return -EINVAL;
	}
	if (skb_queue_len(&hn->rx_queue) >= HA_RX_QUEUE_MAX ||
	    atomic_read(&hn->rx_queued_bytes) + skb->truesize > HA_RX_QUEUE_BYTES) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_BACKLOG);
		return -ENOBUFS;
	}
	atomic_add(skb->truesize, &hn->rx_queued_bytes);
	skb_queue_tail(&hn->rx_queue, skb);
	queue_work(ha_wq, &hn->rx_work);
	return 0;
}

static u16 ha_rec_hdr_len(u8 type)
{
	return type < HA_REC_LONG ? 2 : 3;
}

/*
 * Stores a peer's object and acts on what the store reports: the prepared
 * state of the version it replaces stays only with an unchanged record,
 * a new SPI collision is an event, and the standby work prepares an SA
 * that has no prepared state yet.
 */
static void ha_rx_store(struct ha_net *hn, struct ha_obj *obj)
{
	struct ha_store_change chg;
	int err;

	err = ha_store_put(hn, obj, &chg);
	ha_standby_settle(hn, err ? NULL : obj, &chg);
	if (err)
		return;
	if (chg.collided)
		ha_watch_collision(hn, obj, chg.collided);
	if (obj->kind == HA_OBJ_SA && !obj->ready)
		ha_standby_kick(hn);
}

/* Removes a peer's object; its prepared state goes with it. */
static void ha_rx_remove(struct ha_net *hn, struct ha_obj *obj)
{
	struct ha_store_change chg;

	ha_store_remove(hn, obj, &chg);
	ha_standby_settle(hn, NULL, &chg);
}

static void ha_rx_object(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec)
{
	struct ha_rx *rx = hn->rx;
	struct ha_obj *old, *obj;
	struct ha_nkey nkey;
	u16 owner, epoch;
	struct ha_ref ref;
	u64 oseq = 0, seq = 0;
	u8 kind, dir = 0;
	int err;

	if (rec->type == HA_REC_SA) {
		err = ha_wire_get_sa(rec, &rx->sa);
		if (!err)	/* the store keeps nothing the kernel would refuse */
			err = ha_inst_rx_check(hn, &rx->sa, NULL);
		if (!err) {
			ha_wire_sa_nkey(&rx->sa, &nkey);
			ref = rx->sa.ref;
			owner = rx->sa.owner;
			epoch = rx->sa.owner_epoch;
			dir = rx->sa.dir;
			oseq = rx->sa.oseq;
			seq = rx->sa.seq;
			kind = HA_OBJ_SA;
		}
		memzero_explicit(&rx->sa, sizeof(rx->sa));
	} else {
		err = ha_wire_get_policy(rec, &rx->pol);
		if (!err)
			err = ha_inst_rx_check(hn, NULL, &rx->pol);
		if (!err) {
			ha_wire_policy_nkey(&rx->pol, &nkey);
			ref = rx->pol.ref;
			/* Records of older nodes name no owner: the sender. */
			owner = rx->pol.owner ? rx->pol.owner : sender;
			epoch = rx->pol.owner_epoch;
			kind = HA_OBJ_POLICY;
		}
	}
	if (err) {
		if (err != -EPERM)	/* else counted under its reason */
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}

	old = ha_store_find(&hn->store, ha_refkey(&ref));
	/*
	 * Another object under the ref of one this node owns is no takeover
	 * of it: an earlier incarnation of this node gave the ref, and the
	 * sender took that object over. The local one moves to a new ref.
	 */
	if (old && (old->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) == HA_OBJ_LOCAL &&
	    (old->kind != kind || memcmp(&old->nkey, &nkey, sizeof(nkey)))) {
		if (old->kind == HA_OBJ_IKE) {
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_REF_REUSED);
			return;
		}
		ha_local_rekey(hn, old);
		old = NULL;
	}
	/* A peer's ref names one object for good: never another kind or natural key. */
	if (old && (old->kind != kind || (!(old->flags & HA_OBJ_DELETED) &&
					  memcmp(&old->nkey, &nkey, sizeof(nkey))))) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_REF_REUSED);
		return;
	}
	if (!ha_peer_may_change(hn, old, sender, owner, epoch)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_STALE);
		return;
	}
	obj = ha_obj_alloc(kind, ha_refkey(&ref), &nkey, rec->val - ha_rec_hdr_len(rec->type),
			   rec->len + ha_rec_hdr_len(rec->type));
	if (!obj) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return;
	}
	obj->owner = owner;
	obj->owner_epoch = epoch;
	obj->dir = dir;
	obj->oseq = oseq;
	obj->seq = seq;
	if (old && (old->flags & HA_OBJ_LOCAL))	/* another node took it over */
		ha_takeover_lost(hn, old);
	ha_rx_store(hn, obj);
}

/*
 * One TAKEN entry: the sender took the object over. rx builds the new
 * record from the one held here, with the owner, epoch and (SAs) counters
 * of the entry patched in place. Returns false if that cannot be done:
 * the object is unknown here, or the patched record's digest does not
 * match the entry's check (this node missed an update of the previous
 * owner), so rx needs the full record. The owner, epoch and counters, where
 * a later takeover starts from, apply at once all the same, to the record
 * held here until the full one comes.
 */
static bool ha_rx_take(struct ha_net *hn, u16 sender, const struct ha_wire_taken *e)
{
	struct ha_obj *old = ha_store_find(&hn->store, ha_refkey(&e->ref)), *obj;
	struct ha_wire_patch p = {
		.set = HA_PATCH_OWNER,
		.owner = sender,
		.owner_epoch = e->owner_epoch,
		.oseq = e->oseq,
		.seq = e->seq,
	};
	bool rebuilt;

	if (ha_inst_rx_bad_ref(hn, &e->ref))
		return true;	/* counted; asking again would bring the same */
	if (!old || (old->flags & HA_OBJ_DELETED) || old->kind == HA_OBJ_IKE)
		return false;
	if (!ha_peer_may_change(hn, old, sender, sender, e->owner_epoch)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_STALE);
		return true;
	}
	/* This node's: it must not send on it a moment longer. */
	if (old->flags & HA_OBJ_LOCAL)
		ha_takeover_lost(hn, old);
	if (old->kind == HA_OBJ_SA)
		p.set |= HA_PATCH_CTRS;
	obj = ha_obj_patch(old, &p);
	rebuilt = obj && lower_32_bits(obj->digest) == e->check;
	if (!rebuilt) {
		ha_obj_free(obj);
		obj = ha_obj_alloc(old->kind, old->refkey, &old->nkey, old->rec, old->len);
		if (!obj) {
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
			return false;
		}
	}
	obj->owner = sender;
	obj->owner_epoch = e->owner_epoch;
	obj->dir = old->dir;
	obj->oseq = e->oseq;
	obj->seq = e->seq;
	ha_rx_store(hn, obj);
	return rebuilt;
}

/*
 * TAKEN: objects the sender took over. If rx cannot build the new record
 * of one of them here, it asks the sender for the datagram again (a
 * NACK): a resend carries full records.
 */
static void ha_rx_taken(struct ha_net *hn, u16 sender, u64 dgram, const struct ha_wire_rec *rec)
{
	unsigned int i, n = ha_wire_taken_count(rec);
	struct ha_wire_taken e;
	bool again = false;

	if (!n) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}
	for (i = 0; i < n && !ha_wire_get_taken(rec, i, &e); i++) {
		if (!ha_rx_take(hn, sender, &e))
			again = true;
		ha_move_rx_taken(hn, sender, ha_refkey(&e.ref));
	}
	if (again)
		ha_sync_nack(hn, sender, dgram, dgram);
}

/*
 * GIVEN: the sender, the owner, handed objects over in a planned move.
 * Each entry applies as a TAKEN entry of the owner itself (its final
 * counters, same owner and epoch); the new owner then takes it over.
 */
static void ha_rx_given(struct ha_net *hn, u16 sender, u64 dgram, const struct ha_wire_rec *rec)
{
	unsigned int i, n = ha_wire_given_count(rec);
	struct ha_wire_given g;
	bool again = false;

	if (!n) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}
	for (i = 0; i < n && !ha_wire_get_given(rec, i, &g); i++) {
		if (!ha_rx_take(hn, sender, &g.e))
			again = true;
		ha_move_rx_given(hn, sender, &g);
	}
	if (again)
		ha_sync_nack(hn, sender, dgram, dgram);
}

/* MOVE: the sender asks the owners to hand objects over. */
static void ha_rx_move(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec)
{
	unsigned int i, n = ha_wire_move_count(rec);
	struct ha_wire_move a;

	if (!n) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}
	for (i = 0; i < n && !ha_wire_get_move(rec, i, &a); i++)
		ha_move_rx_ask(hn, sender, &a);
}

static void ha_rx_delete(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec)
{
	struct ha_obj *obj;
	struct ha_ref ref;

	if (ha_wire_get_del(rec, &ref)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}
	obj = ha_store_find(&hn->store, ha_refkey(&ref));
	if (obj && obj->owner == sender && !(obj->flags & HA_OBJ_LOCAL))
		ha_rx_remove(hn, obj);
}

/*
 * What a datagram asks of this node beyond its objects. Each request
 * costs a walk of the whole store, so rx gathers them while it reads the
 * records and serves them once at the end (ha_rx_control), within
 * per-peer limits: a key holder cannot make one datagram cost hundreds
 * of walks.
 */
struct ha_rx_ctl {
	bool has_alive;
	bool bulk_req;
	u64 bulk_req_dgram;		/* the datagram that carried it */
	unsigned int nr_nacks;
	struct ha_wire_alive alive;
	struct ha_sync_range nacks[HA_SYNC_RESEND_RANGES];
};

/* Add a NACK's range to r[*n]; past the room, the last range grows to cover it. */
static void ha_rx_range_add(struct ha_sync_range *r, unsigned int *n, u64 from, u64 to)
{
	if (from > to)
		return;
	if (*n < HA_SYNC_RESEND_RANGES) {
		r[*n].from = from;
		r[*n].to = to;
		(*n)++;
		return;
	}
	r[*n - 1].from = min(r[*n - 1].from, from);
	r[*n - 1].to = max(r[*n - 1].to, to);
}

static void ha_rx_nack_add(struct ha_rx_ctl *ctl, const struct ha_wire_nack *n)
{
	ha_rx_range_add(ctl->nacks, &ctl->nr_nacks, n->from, n->to);
}

static void ha_rx_control(struct ha_net *hn, struct ha_peer *p, struct ha_rx_ctl *ctl)
{
	unsigned long now = jiffies;
	unsigned int i;

	/*
	 * NACKs that come within the limit wait for it: rx serves them, with
	 * those of later datagrams, once it passed (the peer sends an ALIVE
	 * every second). Dropping them would leave the peer's holes to its
	 * next summary, a second or more later, or to a bulk sync.
	 */
	for (i = 0; i < ctl->nr_nacks; i++)
		ha_rx_range_add(p->nack_wait, &p->nr_nack_wait,
				ctl->nacks[i].from, ctl->nacks[i].to);
	if (p->nr_nack_wait) {
		if (p->resend_at && time_before(now, p->resend_at + HA_RX_RESEND_GAP)) {
			if (ctl->nr_nacks)
				ha_stat_inc(hn, IPSEC_HA_A_STATS_RX_LIMITED);
		} else {
			p->resend_at = now;
			p->resends++;
			ha_stat_add(hn, IPSEC_HA_A_STATS_RX_NACKS, p->nr_nack_wait);
			ha_sync_resend(hn, p->nack_wait, p->nr_nack_wait);
			p->nr_nack_wait = 0;
		}
	}
	/*
	 * A BULK_REQ that comes within the limit waits for it: rx serves it
	 * with a later datagram of that peer (one comes with every ALIVE),
	 * and the BULK_END names the last request served.
	 */
	if (ctl->bulk_req) {
		p->bulk_req_rx = ctl->bulk_req_dgram;
		p->bulk_deferred = true;
	}
	if (p->bulk_deferred) {
		if (p->bulk_served_at && time_before(now, p->bulk_served_at + HA_RX_BULK_GAP)) {
			if (ctl->bulk_req)
				ha_stat_inc(hn, IPSEC_HA_A_STATS_RX_LIMITED);
		} else {
			p->bulk_served_at = now;
			p->bulk_deferred = false;
			ha_sync_bulk_to(hn, p->node);
		}
	}
	if (ctl->has_alive) {
		if (p->alive_at && time_before(now, p->alive_at + HA_RX_ALIVE_GAP)) {
			ha_stat_inc(hn, IPSEC_HA_A_STATS_RX_LIMITED);
		} else {
			p->alive_at = now;
			ha_peer_alive(hn, p, &ctl->alive);
		}
	}
}

static void ha_rx_record(struct ha_net *hn, struct ha_peer *p, u64 dgram,
			 const struct ha_wire_rec *rec, struct ha_rx_ctl *ctl)
{
	struct ha_wire_bulk bulk;
	struct ha_wire_nack nack;

	switch (rec->type) {
	case HA_REC_SA:
	case HA_REC_POLICY:
		ha_rx_object(hn, p->node, rec);
		break;
	case HA_REC_SA_DEL:
	case HA_REC_POLICY_DEL:
		ha_rx_delete(hn, p->node, rec);
		break;
	case HA_REC_CTRS:
		ha_stat_add(hn, IPSEC_HA_A_STATS_RX_COUNTERS, ha_wire_ctrs_count(rec));
		if (ha_ctr_rx(hn, p->node, rec))
			ha_peer_resync(hn, p);
		break;
	case HA_REC_TAKEN:
		ha_rx_taken(hn, p->node, dgram, rec);
		break;
	case HA_REC_GIVEN:
		ha_rx_given(hn, p->node, dgram, rec);
		break;
	case HA_REC_MOVE:
		ha_rx_move(hn, p->node, rec);
		break;
	case HA_REC_IKE:
		ha_ike_rx(hn, p->node, rec);
		break;
	case HA_REC_IKE_DEL:
		ha_ike_rx_del(hn, p->node, rec);
		break;
	case HA_REC_NODE_INFO:
		ha_node_info_rx(hn, p, rec);
		break;
	case HA_REC_ALIVE:
		/* Only the last one of a datagram counts: each is a walk. */
		if (!ha_wire_get_alive(rec, &ctl->alive))
			ctl->has_alive = true;
		break;
	case HA_REC_NACK:
		if (ha_wire_get_nack(rec, &nack) || nack.node != hn->node_id)
			break;
		ha_rx_nack_add(ctl, &nack);
		break;
	case HA_REC_BULK_REQ:
		if (!ha_wire_get_bulk(rec, &bulk) && (!bulk.node || bulk.node == hn->node_id)) {
			ctl->bulk_req = true;
			ctl->bulk_req_dgram = dgram;
		}
		break;
	case HA_REC_BULK_END:
		if (!ha_wire_get_bulk(rec, &bulk) && (!bulk.node || bulk.node == hn->node_id))
			ha_peer_bulk_end(hn, p, &bulk);
		break;
	default:	/* a newer peer's record: skip it */
		return;
	}
	ha_stat_inc(hn, IPSEC_HA_A_STATS_RX_RECORDS);
}

/* The key a datagram names: the current one, the previous one in its grace period, or none. */
static const struct ha_key *ha_rx_key(struct ha_net *hn, u32 key_id)
{
	const struct ha_key *key = rcu_dereference(hn->key);

	if (key && key->id == key_id)
		return key;
	key = rcu_dereference(hn->key_prev);
	if (key && key->id == key_id && time_before(jiffies, READ_ONCE(hn->key_prev_until)))
		return key;
	return NULL;
}

/*
 * Check and open a datagram into buf, without store.lock: forged or
 * stale datagrams never hold up what needs the store. Returns its length,
 * or 0 (counted) if it is not to be applied.
 */
static size_t ha_rx_open(struct ha_net *hn, struct sk_buff *skb, u8 *buf, struct ha_wire_hdr *h)
{
	const struct ha_key *key;
	size_t len;
	bool ok;
	int err;

	len = skb->len - sizeof(struct udphdr);
	if (len < HA_WIRE_MIN_LEN) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_TRUNCATED);
		return 0;
	}
	if (len > HA_WIRE_MAX_LEN) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_OVERSIZED);
		return 0;
	}
	if (skb_copy_bits(skb, sizeof(struct udphdr), buf, len)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_TRUNCATED);
		return 0;
	}
	err = ha_wire_hdr_get(buf, len, h);
	if (err) {
		ha_stat_inc(hn, err == -EPROTONOSUPPORT ? IPSEC_HA_A_STATS_DROP_VERSION :
				 IPSEC_HA_A_STATS_DROP_MALFORMED);
		return 0;
	}
	rcu_read_lock();
	key = ha_rx_key(hn, h->key_id);
	ok = key && ha_open(key, buf, len);
	rcu_read_unlock();
	if (!key) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_UNKNOWN_KEY);
		return 0;
	}
	if (!ok) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_AUTH);
		return 0;
	}
	/* Authentic, yet this node's id: another node was given the same one. */
	if (h->node_id == READ_ONCE(hn->node_id)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_OWN_NODE);
		return 0;
	}
	/*
	 * An epoch is the sender's real time when it started: one far ahead
	 * of this node's clock would lock the sender's real datagrams out
	 * as replays until then.
	 */
	if (h->epoch > (u64)ktime_get_real_ns() + HA_RX_EPOCH_AHEAD_NS) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_EPOCH);
		return 0;
	}
	return len;
}

/* Apply an authentic datagram, opened in buf. store.lock held. */
static void ha_rx_apply(struct ha_net *hn, const u8 *buf, size_t len, const struct ha_wire_hdr *h)
{
	struct ha_rx_ctl ctl = { };
	struct ha_wire_iter it;
	struct ha_wire_rec rec;
	struct ha_peer *p;
	bool up;
	u8 bulk;
	int err;

	p = ha_peer_get(hn, h->node_id);
	if (!p) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return;
	}
	up = ha_watch_up_due(p, h);
	if (!ha_peer_accept(hn, p, h)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_REPLAY);
		return;
	}
	if (up)
		ha_watch_up(hn, p);

	bulk = p->bulk;
	ha_wire_iter_init(&it, buf + HA_WIRE_HDR_LEN, len - HA_WIRE_MIN_LEN);
	while ((err = ha_wire_next(&it, &rec)) == 1)
		ha_rx_record(hn, p, h->seq, &rec, &ctl);
	ha_rx_control(hn, p, &ctl);
	if (bulk == HA_BULK_WAITING && p->bulk == HA_BULK_DONE)
		ha_watch_bulk_done(hn, p);
	if (err < 0)
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
}

/*
 * Up to HA_RX_BATCH authentic datagrams per hold of store.lock, then the
 * work queues itself again: tx, counters and promote get the lock in
 * between, however fast datagrams arrive.
 */
static void ha_rx_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(work, struct ha_net, rx_work);
	unsigned int applied = 0;
	struct ha_wire_hdr h;
	struct sk_buff *skb;
	bool locked = false;
	size_t len;

	if (!hn->rx) {
		hn->rx = kvmalloc(sizeof(*hn->rx), GFP_KERNEL);
		if (!hn->rx)
			return;
	}
	while (applied < HA_RX_BATCH && (skb = skb_dequeue(&hn->rx_queue))) {
		atomic_sub(skb->truesize, &hn->rx_queued_bytes);
		len = READ_ONCE(hn->node_id) ? ha_rx_open(hn, skb, hn->rx->buf, &h) : 0;
		kfree_skb(skb);
		if (len) {
			if (!locked) {
				mutex_lock(&hn->store.lock);
				locked = true;
			}
			if (hn->node_id && ha_peers(hn))
				ha_rx_apply(hn, hn->rx->buf, len, &h);
			applied++;
			memzero_explicit(hn->rx->buf, len);
		}
		cond_resched();
	}
	if (locked)
		mutex_unlock(&hn->store.lock);
	if (!skb_queue_empty(&hn->rx_queue))
		queue_work(ha_wq, &hn->rx_work);
}

void ha_rx_net_init(struct ha_net *hn)
{
	skb_queue_head_init(&hn->rx_queue);
	INIT_WORK(&hn->rx_work, ha_rx_work);
}

/* The link is closed: nothing is queued any more. */
void ha_rx_net_exit(struct ha_net *hn)
{
	cancel_work_sync(&hn->rx_work);
	skb_queue_purge(&hn->rx_queue);
	atomic_set(&hn->rx_queued_bytes, 0);
	kvfree_sensitive(hn->rx, sizeof(*hn->rx));
	hn->rx = NULL;
}
