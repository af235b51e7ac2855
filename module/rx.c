// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving: datagrams arrive in softirq and are queued; rx_work checks,
 * opens and applies them in process context under store.lock. Everything
 * from the link is hostile until its tag verified, and records are
 * applied only after their decoder accepted every field.
 */
#include <linux/skbuff.h>
#include <linux/udp.h>

#include "ike.h"
#include "install.h"
#include "key.h"
#include "nodeinfo.h"
#include "peer.h"
#include "sa.h"
#include "stats.h"
#include "sync.h"
#include "watch.h"
#include "takeover.h"

#define HA_RX_QUEUE_MAX 4096

/* Softirq: hand the datagram to rx_work, or count it dropped. */
int ha_rx_enqueue(struct ha_net *hn, struct sk_buff *skb)
{
	if (skb_queue_len(&hn->rx_queue) >= HA_RX_QUEUE_MAX) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return -ENOBUFS;
	}
	skb_queue_tail(&hn->rx_queue, skb);
	queue_work(ha_wq, &hn->rx_work);
	return 0;
}

/* Serial number arithmetic on 16 bits (RFC 1982). */
static bool ha_epoch_before(u16 a, u16 b)
{
	return (s16)(a - b) < 0;
}

static u16 ha_rec_hdr_len(u8 type)
{
	return type < HA_REC_LONG ? 2 : 3;
}

/* May the sender change the object of that ref? */
bool ha_rx_may_change(struct ha_obj *old, u16 sender, u16 owner, u16 epoch)
{
	if (owner != sender)
		return false;	/* nodes speak only for what they own */
	if (!old)
		return true;
	if (ha_epoch_before(epoch, old->owner_epoch))
		return false;	/* stale: ownership moved on */
	return !(old->flags & HA_OBJ_LOCAL) || ha_epoch_before(old->owner_epoch, epoch);
}

/* Store a peer's object; an SA not prepared yet is for the standby work. */
static void ha_rx_store(struct ha_net *hn, struct ha_obj *obj)
{
	if (!ha_store_put(hn, obj) && obj->kind == HA_OBJ_SA && !obj->ready)
		ha_standby_kick(hn);
}

static void ha_rx_object(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec)
{
	struct ha_peers *ps = hn->peers;
	struct ha_obj *old, *obj;
	struct ha_nkey nkey;
	u16 owner, epoch;
	struct ha_ref ref;
	u64 oseq = 0, seq = 0;
	u8 kind, dir = 0;
	int err;

	if (rec->type == HA_REC_SA) {
		err = ha_wire_get_sa(rec, &ps->sa);
		if (!err)	/* what the kernel would refuse is not stored */
			err = ha_inst_rx_check(hn, &ps->sa, NULL);
		if (!err) {
			ha_wire_sa_nkey(&ps->sa, &nkey);
			ref = ps->sa.ref;
			owner = ps->sa.owner;
			epoch = ps->sa.owner_epoch;
			dir = ps->sa.dir;
			oseq = ps->sa.oseq;
			seq = ps->sa.seq;
			kind = HA_OBJ_SA;
		}
		memzero_explicit(&ps->sa, sizeof(ps->sa));
	} else {
		err = ha_wire_get_policy(rec, &ps->pol);
		if (!err)
			err = ha_inst_rx_check(hn, NULL, &ps->pol);
		if (!err) {
			ha_wire_policy_nkey(&ps->pol, &nkey);
			ref = ps->pol.ref;
			/* Records of older nodes name no owner: the sender. */
			owner = ps->pol.owner ? ps->pol.owner : sender;
			epoch = ps->pol.owner_epoch;
			kind = HA_OBJ_POLICY;
		}
	}
	if (err) {
		if (err != -EPERM)	/* else counted under its reason */
			ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}

	old = ha_store_find(&hn->store, ha_refkey(&ref));
	/* A ref names one object for good: never another kind or natural key. */
	if (old && (old->kind != kind || (!(old->flags & HA_OBJ_DELETED) &&
					  memcmp(&old->nkey, &nkey, sizeof(nkey))))) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_REF_REUSED);
		return;
	}
	if (!ha_rx_may_change(old, sender, owner, epoch)) {
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
		ha_takeover_lost(hn, old, &ps->pol);
	ha_rx_store(hn, obj);
}

/*
 * One TAKEN entry: the sender took the object over. Its new record is
 * rebuilt from the one held here; false if that cannot be done (unknown
 * here, or not the version the sender had): the full record is needed.
 * Owner, epoch and counters, what a later takeover starts from, apply
 * at once all the same, to the record held here until the full one comes.
 */
static bool ha_rx_take(struct ha_net *hn, u16 sender, const struct ha_wire_taken *e)
{
	struct ha_obj *old = ha_store_find(&hn->store, ha_refkey(&e->ref)), *obj;
	struct ha_peers *ps = hn->peers;
	struct ha_wire_buf b;
	bool rebuilt;
	int err;

	if (ha_inst_rx_bad_ref(hn, &e->ref))
		return true;	/* counted; asking again would bring the same */
	if (!old || (old->flags & HA_OBJ_DELETED) || old->kind == HA_OBJ_IKE)
		return false;
	if (!ha_rx_may_change(old, sender, sender, e->owner_epoch)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_STALE);
		return true;
	}
	/* This node's: it must not send on it a moment longer. */
	if (old->flags & HA_OBJ_LOCAL)
		ha_takeover_lost(hn, old, &ps->pol);
	ha_wire_buf_init(&b, ps->enc, sizeof(ps->enc));
	if (old->kind == HA_OBJ_SA) {
		err = ha_obj_decode(old, &ps->sa, NULL);
		if (!err) {
			ps->sa.owner = sender;
			ps->sa.owner_epoch = e->owner_epoch;
			ps->sa.oseq = e->oseq;
			ps->sa.seq = e->seq;
			err = ha_wire_put_sa(&b, &ps->sa);
		}
		memzero_explicit(&ps->sa, sizeof(ps->sa));
	} else {
		err = ha_obj_decode(old, NULL, &ps->pol);
		if (!err) {
			ps->pol.owner = sender;
			ps->pol.owner_epoch = e->owner_epoch;
			err = ha_wire_put_policy(&b, &ps->pol);
		}
	}
	obj = err ? NULL : ha_obj_alloc(old->kind, old->refkey, &old->nkey, b.p, b.len);
	memzero_explicit(ps->enc, b.len);
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
 * TAKEN: objects the sender took over. If any cannot be rebuilt here, the
 * datagram is asked for again: a resend carries full records.
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
	for (i = 0; i < n && !ha_wire_get_taken(rec, i, &e); i++)
		if (!ha_rx_take(hn, sender, &e))
			again = true;
	if (again)
		ha_sync_nack(hn, sender, dgram, dgram);
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
		ha_store_remove(hn, obj);
}

static void ha_rx_record(struct ha_net *hn, struct ha_peer *p, u64 dgram,
			 const struct ha_wire_rec *rec)
{
	struct ha_wire_alive alive;
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
		ha_ctr_rx(hn, p->node, rec);
		break;
	case HA_REC_TAKEN:
		ha_rx_taken(hn, p->node, dgram, rec);
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
		if (!ha_wire_get_alive(rec, &alive))
			ha_peer_alive(hn, p, &alive);
		break;
	case HA_REC_NACK:
		if (ha_wire_get_nack(rec, &nack) || nack.node != hn->node_id)
			break;
		p->resends++;
		ha_stat_inc(hn, IPSEC_HA_A_STATS_RX_NACKS);
		ha_sync_resend(hn, nack.from, nack.to);
		break;
	case HA_REC_BULK_REQ:
		if (!ha_wire_get_bulk(rec, &bulk) && (!bulk.node || bulk.node == hn->node_id))
			ha_sync_bulk_to(hn, p->node);
		break;
	case HA_REC_BULK_END:
		if (!ha_wire_get_bulk(rec, &bulk) && (!bulk.node || bulk.node == hn->node_id))
			ha_peer_bulk_end(hn, p);
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

static void ha_rx_one(struct ha_net *hn, struct sk_buff *skb)
{
	struct ha_peers *ps = hn->peers;
	const struct ha_key *key;
	struct ha_wire_iter it;
	struct ha_wire_rec rec;
	struct ha_wire_hdr h;
	struct ha_peer *p;
	size_t len;
	bool ok, up;
	u8 bulk;
	int err;

	len = skb->len - sizeof(struct udphdr);
	if (len < HA_WIRE_MIN_LEN) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_TRUNCATED);
		return;
	}
	if (len > HA_WIRE_MAX_LEN) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_OVERSIZED);
		return;
	}
	if (skb_copy_bits(skb, sizeof(struct udphdr), ps->buf, len)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_TRUNCATED);
		return;
	}
	err = ha_wire_hdr_get(ps->buf, len, &h);
	if (err) {
		ha_stat_inc(hn, err == -EPROTONOSUPPORT ? IPSEC_HA_A_STATS_DROP_VERSION :
				 IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}
	rcu_read_lock();
	key = ha_rx_key(hn, h.key_id);
	ok = key && ha_open(key, ps->buf, len);
	rcu_read_unlock();
	if (!key) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_UNKNOWN_KEY);
		return;
	}
	if (!ok) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_AUTH);
		return;
	}
	/* Authentic, yet this node's id: another node was given the same one. */
	if (h.node_id == hn->node_id) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_OWN_NODE);
		return;
	}

	p = ha_peer_get(hn, h.node_id);
	if (!p) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return;
	}
	up = ha_watch_up_due(p, &h);
	if (!ha_peer_accept(hn, p, &h)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_REPLAY);
		return;
	}
	if (up)
		ha_watch_up(hn, p);

	bulk = p->bulk;
	ha_wire_iter_init(&it, ps->buf + HA_WIRE_HDR_LEN, len - HA_WIRE_MIN_LEN);
	while ((err = ha_wire_next(&it, &rec)) == 1)
		ha_rx_record(hn, p, h.seq, &rec);
	if (bulk == HA_BULK_WAITING && p->bulk == HA_BULK_DONE)
		ha_watch_bulk_done(hn, p);
	if (err < 0)
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
	memzero_explicit(ps->buf, len);
}

static void ha_rx_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(work, struct ha_net, rx_work);
	struct sk_buff *skb;

	mutex_lock(&hn->store.lock);
	while ((skb = skb_dequeue(&hn->rx_queue))) {
		if (hn->node_id && ha_peers(hn))
			ha_rx_one(hn, skb);
		kfree_skb(skb);
		cond_resched();
	}
	mutex_unlock(&hn->store.lock);
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
}
