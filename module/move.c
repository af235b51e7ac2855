// SPDX-License-Identifier: GPL-2.0
/*
 * Planned moves (Documentation/takeover.md, "Planned moves"): sessions
 * handed from a live owner to another node with their exact counters.
 *
 * ipsec-ha move, run on any node, names sessions. move.c finds every SA
 * and policy of them: a session is a whole IKE session (the CHILD SAs its
 * IKE context lists, and the policies whose templates those SAs serve);
 * an SA no IKE context lists forms a session with the other such SAs
 * between the same two addresses (its pair). The owner gives
 * them: it removes them from its SAD and SPD, reads the final counters
 * and sends a GIVEN record. The new owner promotes them with counters
 * that start right there, at the next ownership epoch, and its TAKEN
 * tells the owner that the handover is done. A node that does not own
 * them sends a MOVE record that asks the owner. The new owner, when it
 * asked and no GIVEN comes in time, takes them over as after a failure,
 * with the margin; the epoch rule keeps a late GIVEN from counting.
 *
 * State lives in hn->move, allocated on the first move, under store.lock.
 * rx adds what peers hand over and ask for; move_work (process context,
 * hn->lock then store.lock, as netlink) gives, promotes and repeats.
 */
#include <linux/bsearch.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/workqueue.h>

#include "ike.h"
#include "link.h"
#include "move.h"
#include "nl_event.h"
#include "peer.h"
#include "stats.h"
#include "store.h"
#include "sync.h"
#include "takeover.h"

/* How long the new owner waits for the owner's GIVEN before it takes over. */
#define HA_MOVE_WAIT		msecs_to_jiffies(1000)
/* How often the owner sends its GIVEN again until the new owner's TAKEN. */
#define HA_MOVE_REPEAT		msecs_to_jiffies(200)
/* How long it does. */
#define HA_MOVE_CONFIRM		(5 * HZ)

/* Entries per record that fit any datagram. */
#define HA_MOVE_GIVEN_PER_REC	((HA_LINK_ROOM_MIN - 3) / HA_WIRE_GIVEN_LEN)
#define HA_MOVE_ASK_PER_REC	((HA_LINK_ROOM_MIN - 3) / HA_WIRE_MOVE_LEN)

struct ha_move_ref {
	u64 refkey;
	u16 owner;
	u16 epoch;
};

/* The endpoints of a selected SA, which its policies' templates name. */
struct ha_move_ends {
	u8 family, proto;
	u32 reqid;
	struct ha_wire_addr saddr, daddr;
};

struct ha_move {
	/* GIVEN entries this node sent, until their new owner's TAKEN */
	struct ha_wire_given out[HA_MOVE_MAX];
	unsigned int nr_out;
	unsigned long out_until, out_next;
	/* Handed to this node (rx), to promote. */
	struct ha_move_ref in[HA_MOVE_MAX];
	unsigned int nr_in;
	/* Asked of this node by peers (rx), to give. */
	struct ha_wire_move ask[HA_MOVE_MAX];
	unsigned int nr_ask;
	/* Asked for by this node as the new owner, until handed over or the wait ends. */
	struct ha_move_ref want[HA_MOVE_MAX];
	unsigned int nr_want;
	unsigned long want_until;
	/* Scratch of one step. */
	u64 refs[HA_MOVE_MAX];
	struct ha_wire_move req[HA_MOVE_MAX];
	u8 rec[HA_LINK_ROOM_MIN];
};

static struct ha_move *ha_move_state(struct ha_net *hn)
{
	if (!hn->move)
		hn->move = kvzalloc(sizeof(*hn->move), GFP_KERNEL);
	return hn->move;
}

/* Whether node is a peer this node hears on the link. Under store.lock. */
bool ha_move_heard(struct ha_net *hn, u16 node)
{
	const struct ha_peer *p = hn->peers ? xa_load(&hn->peers->by_node, node) : NULL;

	return p && p->datagrams && !p->lost;
}

/* Queue GIVEN records for n entries, as many per record as any datagram holds. */
static void ha_move_send_given(struct ha_net *hn, struct ha_move *m,
			       const struct ha_wire_given *g, unsigned int n)
{
	struct ha_wire_buf b;
	unsigned int i, k;

	for (i = 0; i < n; i += k) {
		k = min_t(unsigned int, n - i, HA_MOVE_GIVEN_PER_REC);
		ha_wire_buf_init(&b, m->rec, sizeof(m->rec));
		if (ha_wire_put_given(&b, g + i, k) || ha_sync_queue(hn, m->rec, b.len))
			ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_ERRORS);
	}
}

static void ha_move_send_ask(struct ha_net *hn, struct ha_move *m,
			     const struct ha_wire_move *a, unsigned int n)
{
	struct ha_wire_buf b;
	unsigned int i, k;

	for (i = 0; i < n; i += k) {
		k = min_t(unsigned int, n - i, HA_MOVE_ASK_PER_REC);
		ha_wire_buf_init(&b, m->rec, sizeof(m->rec));
		if (ha_wire_put_move(&b, a + i, k) || ha_sync_queue(hn, m->rec, b.len))
			ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_ERRORS);
	}
}

/* Runs move_work within delay, or sooner if it is due sooner already. */
static void ha_move_schedule(struct ha_net *hn, unsigned long delay)
{
	struct delayed_work *dw = &hn->move_work;

	if (delayed_work_pending(dw) &&
	    time_before_eq(READ_ONCE(dw->timer.expires), jiffies + delay))
		return;
	mod_delayed_work(ha_wq, dw, delay);
}

/*
 * Gives the n objects of refs to node to and notes the GIVEN entries, to
 * be sent again until to confirms. Returns how many were given.
 */
static unsigned int ha_move_give(struct ha_net *hn, struct ha_move *m, const u64 *refs,
				 unsigned int n, u16 to)
{
	unsigned int given, room = HA_MOVE_MAX - m->nr_out;

	given = ha_give(hn, refs, min(n, room), to, m->out + m->nr_out);
	if (!given)
		return 0;
	ha_move_send_given(hn, m, m->out + m->nr_out, given);
	ha_sync_flush(hn);
	m->nr_out += given;
	m->out_until = jiffies + HA_MOVE_CONFIRM;
	m->out_next = jiffies + HA_MOVE_REPEAT;
	ha_stat_add(hn, IPSEC_HA_A_STATS_MOVES_GIVEN, given);
	ha_move_schedule(hn, HA_MOVE_REPEAT);
	return given;
}

/*
 * Promotes the n objects of refs that owner owns: exact, with the counters
 * it handed over; else past the margin, as after a failure. Returns the
 * number of SAs and policies installed; *ikes counts the IKE contexts
 * taken over with them.
 */
static u32 ha_move_take(struct ha_net *hn, const u64 *refs, unsigned int n, u16 owner,
			bool exact, u32 *ikes)
{
	struct ha_takeover *t;
	u32 done = 0;

	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return 0;
	}
	t->node = owner;
	t->inbound = IPSEC_HA_INBOUND_POLICY_ACCEPT;
	t->exact = exact;
	t->refs = refs;
	t->nr_refs = n;
	if (!ha_promote(hn, t)) {
		done = t->sas + t->policies;
		*ikes += t->ikes;
	}
	kvfree(t);
	return done;
}

/*
 * A queue of entries that move_work acts on a group at a time: the
 * entries of one key (a new owner, or an owner), in their order.
 */
struct ha_move_walk {
	size_t size;					/* of an entry */
	u16 (*key)(const void *ent);
	/* Sets *refkey to the entry's object and says whether it is to act on. */
	bool (*ref)(struct ha_net *hn, const void *ent, u64 *refkey);
	/* Acts on the n refs of the group of key, in m->refs. */
	void (*act)(struct ha_net *hn, struct ha_move *m, u16 key, unsigned int n, u32 *ikes);
};

/*
 * Empties the nr entries of ents a group at a time: takes the key of the
 * first entry, collects the refs of the entries with that key, acts on
 * them, and keeps the other entries, in their order, for the next group.
 */
static void ha_move_walk(struct ha_net *hn, struct ha_move *m, void *ents, unsigned int *nr,
			 const struct ha_move_walk *w, u32 *ikes)
{
	unsigned int i, n;
	u8 *e = ents, *ei;
	u16 key;

	while (*nr) {
		key = w->key(e);
		for (i = 0, n = 0, ei = e; i < *nr; i++, ei += w->size)
			if (w->key(ei) == key && w->ref(hn, ei, &m->refs[n]))
				n++;
		w->act(hn, m, key, n, ikes);
		for (i = 0, n = 0, ei = e; i < *nr; i++, ei += w->size)
			if (w->key(ei) != key)
				memmove(e + n++ * w->size, ei, w->size);
		*nr = n;
	}
}

static u16 ha_move_ask_key(const void *ent)
{
	return ((const struct ha_wire_move *)ent)->to;
}

/* An asked object still this node's at the epoch the peer saw. */
static bool ha_move_ask_ref(struct ha_net *hn, const void *ent, u64 *refkey)
{
	const struct ha_wire_move *a = ent;
	struct ha_obj *obj = ha_store_find(&hn->store, ha_refkey(&a->ref));

	if (!obj || obj->owner_epoch != a->owner_epoch)
		return false;
	*refkey = obj->refkey;
	return true;
}

static void ha_move_ask_act(struct ha_net *hn, struct ha_move *m, u16 to, unsigned int n,
			    u32 *ikes)
{
	if (ha_move_heard(hn, to))
		ha_move_give(hn, m, m->refs, n, to);
}

static u16 ha_move_ref_key(const void *ent)
{
	return ((const struct ha_move_ref *)ent)->owner;
}

static bool ha_move_ref_ref(struct ha_net *hn, const void *ent, u64 *refkey)
{
	*refkey = ((const struct ha_move_ref *)ent)->refkey;
	return true;
}

static void ha_move_given_act(struct ha_net *hn, struct ha_move *m, u16 owner, unsigned int n,
			      u32 *ikes)
{
	unsigned int i, k;

	ha_stat_add(hn, IPSEC_HA_A_STATS_MOVES_TAKEN,
		    ha_move_take(hn, m->refs, n, owner, true, ikes));
	/* Stop waiting for the objects that came and are now this node's. */
	for (i = 0, k = 0; i < m->nr_want; i++) {
		struct ha_obj *obj = ha_store_find(&hn->store, m->want[i].refkey);

		if (!obj || obj->owner != hn->node_id)
			m->want[k++] = m->want[i];
	}
	m->nr_want = k;
}

static void ha_move_fallback_act(struct ha_net *hn, struct ha_move *m, u16 owner,
				 unsigned int n, u32 *ikes)
{
	ha_stat_add(hn, IPSEC_HA_A_STATS_MOVES_FALLBACK,
		    ha_move_take(hn, m->refs, n, owner, false, ikes));
}

static const struct ha_move_walk ha_move_asks = {
	.size = sizeof(struct ha_wire_move),
	.key = ha_move_ask_key,
	.ref = ha_move_ask_ref,
	.act = ha_move_ask_act,
};

static const struct ha_move_walk ha_move_givens = {
	.size = sizeof(struct ha_move_ref),
	.key = ha_move_ref_key,
	.ref = ha_move_ref_ref,
	.act = ha_move_given_act,
};

static const struct ha_move_walk ha_move_fallbacks = {
	.size = sizeof(struct ha_move_ref),
	.key = ha_move_ref_key,
	.ref = ha_move_ref_ref,
	.act = ha_move_fallback_act,
};

/* Serves what peers asked of this node: gives it, grouped by new owner. */
static void ha_move_serve_asks(struct ha_net *hn, struct ha_move *m)
{
	ha_move_walk(hn, m, m->ask, &m->nr_ask, &ha_move_asks, NULL);
}

/* Promotes what owners handed to this node, grouped by owner. */
static void ha_move_take_given(struct ha_net *hn, struct ha_move *m, u32 *ikes)
{
	unsigned int i, k;

	ha_move_walk(hn, m, m->in, &m->nr_in, &ha_move_givens, ikes);
	if (!m->nr_want)
		return;
	/* Those of the wanted that some other node took meanwhile drop out. */
	for (i = 0, k = 0; i < m->nr_want; i++) {
		struct ha_obj *obj = ha_store_find(&hn->store, m->want[i].refkey);

		if (obj && !(obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) &&
		    obj->owner == m->want[i].owner && obj->owner_epoch == m->want[i].epoch)
			m->want[k++] = m->want[i];
	}
	m->nr_want = k;
}

/*
 * The owner did not hand over in time what this node asked for: take it
 * over as after a failure, past the margin. The old owner learns it from
 * the TAKEN and removes it, as a node that lost its SAs does.
 */
static void ha_move_fallback(struct ha_net *hn, struct ha_move *m, u32 *ikes)
{
	if (!m->nr_want || time_before(jiffies, m->want_until))
		return;
	ha_move_walk(hn, m, m->want, &m->nr_want, &ha_move_fallbacks, ikes);
}

/* Sends the GIVEN entries not confirmed yet again, until HA_MOVE_CONFIRM. */
static void ha_move_repeat(struct ha_net *hn, struct ha_move *m)
{
	if (!m->nr_out)
		return;
	if (time_after_eq(jiffies, m->out_until)) {
		/*
		 * The new owner never confirmed: it is gone or cut off. The
		 * objects stay this node's, released; a promote takes them.
		 */
		ha_stat_add(hn, IPSEC_HA_A_STATS_MOVES_UNCONFIRMED, m->nr_out);
		m->nr_out = 0;
		return;
	}
	if (time_before(jiffies, m->out_next))
		return;
	ha_move_send_given(hn, m, m->out, m->nr_out);
	m->out_next = jiffies + HA_MOVE_REPEAT;
}

static void ha_move_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(to_delayed_work(work), struct ha_net, move_work);
	unsigned long next = 0;
	struct ha_move *m;
	u32 ikes = 0;

	mutex_lock(&hn->lock);
	mutex_lock(&hn->store.lock);
	m = hn->move;
	if (!m || !hn->tx)
		goto out;
	ha_move_serve_asks(hn, m);
	ha_move_take_given(hn, m, &ikes);
	ha_move_fallback(hn, m, &ikes);
	ha_move_repeat(hn, m);
	if (m->nr_want)
		next = m->want_until;
	if (m->nr_out && (!next || time_before(m->out_next, next)))
		next = m->out_next;
	if (next)
		ha_move_schedule(hn, time_after(next, jiffies) ? next - jiffies : 1);
out:
	mutex_unlock(&hn->store.lock);
	mutex_unlock(&hn->lock);
	/* The IKE daemon rebuilds the IKE SAs of the contexts taken over. */
	if (ikes) {
		struct ha_event ev = {
			.type = IPSEC_HA_EVENT_TYPE_IKE_TAKEN,
			.count = ikes,
		};

		ha_nl_event(hn, &ev);
	}
}

/**
 * ha_move_rx_given() - an owner handed an object over
 * @hn: the namespace's member
 * @sender: the owner
 * @g: the entry, which rx applied to the object already (its counters)
 *
 * If this node is the new owner and holds the very record the owner now
 * holds (same owner, epoch and digest), move_work promotes it. Otherwise
 * the owner sends the entry again until this node's TAKEN, and rx's
 * NACK brings the full record meanwhile.
 *
 * Context: rx_work, store.lock held.
 */
void ha_move_rx_given(struct ha_net *hn, u16 sender, const struct ha_wire_given *g)
{
	struct ha_obj *obj;
	struct ha_move *m;

	if (!g->to || g->to != hn->node_id)
		return;
	obj = ha_store_find(&hn->store, ha_refkey(&g->e.ref));
	if (!obj || (obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)) || obj->owner != sender ||
	    obj->owner_epoch != g->e.owner_epoch ||
	    lower_32_bits(obj->digest) != g->e.check)
		return;
	m = ha_move_state(hn);
	if (!m || m->nr_in >= HA_MOVE_MAX) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return;
	}
	m->in[m->nr_in++] = (struct ha_move_ref){
		.refkey = obj->refkey,
		.owner = sender,
		.epoch = obj->owner_epoch,
	};
	ha_move_schedule(hn, 0);
}

/**
 * ha_move_rx_ask() - a peer asks this node to hand an object over
 * @hn: the namespace's member
 * @sender: the peer that asks
 * @a: the entry
 *
 * Served only for an object this node owns and runs, at the epoch the
 * peer saw, and for a new owner other than this node.
 *
 * Context: rx_work, store.lock held.
 */
void ha_move_rx_ask(struct ha_net *hn, u16 sender, const struct ha_wire_move *a)
{
	struct ha_obj *obj;
	struct ha_move *m;

	if (!a->to || a->to == hn->node_id)
		return;
	obj = ha_store_find(&hn->store, ha_refkey(&a->ref));
	if (!obj || obj->kind == HA_OBJ_IKE ||
	    (obj->flags & (HA_OBJ_LOCAL | HA_OBJ_RELEASED | HA_OBJ_DELETED)) != HA_OBJ_LOCAL ||
	    obj->owner_epoch != a->owner_epoch)
		return;
	m = ha_move_state(hn);
	if (!m || m->nr_ask >= HA_MOVE_MAX) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NOMEM);
		return;
	}
	m->ask[m->nr_ask++] = *a;
	ha_move_schedule(hn, 0);
}

/**
 * ha_move_rx_taken() - a node took an object over
 * @hn: the namespace's member
 * @sender: the node that took it
 * @refkey: the object
 *
 * A GIVEN entry of this node for that node is confirmed: no more repeats.
 *
 * Context: rx_work, store.lock held.
 */
void ha_move_rx_taken(struct ha_net *hn, u16 sender, u64 refkey)
{
	struct ha_move *m = hn->move;
	unsigned int i;

	if (!m)
		return;
	for (i = 0; i < m->nr_out; i++)
		if (m->out[i].to == sender && ha_refkey(&m->out[i].e.ref) == refkey) {
			m->out[i] = m->out[--m->nr_out];
			return;
		}
}

/* Selection: the CHILD SPIs of the sessions, a sorted set. */
struct ha_move_scan {
	u32 *spis;
	unsigned int nr_spis;
	u32 *listed;			/* CHILD SPIs of every IKE context, sorted */
	u32 *keys;			/* address pairs of seeds none lists, sorted */
	struct ha_move_ends *ends;	/* of the selected SAs */
	unsigned int nr;		/* refs selected, in m->refs */
	unsigned int nr_sas;
	bool overflow;			/* more than HA_MOVE_MAX SPIs or objects */
	union {
		struct ha_wire_sa sa;
		struct ha_wire_policy pol;
		struct ha_wire_ike ike;
	} *w;
};

static int ha_move_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static bool ha_move_has_spi(const struct ha_move_scan *s, u32 spi)
{
	return bsearch(&spi, s->spis, s->nr_spis, sizeof(u32), ha_move_cmp_u32);
}

static void ha_move_add_spi(struct ha_move_scan *s, u32 spi)
{
	if (!spi)
		return;
	if (s->nr_spis < HA_MOVE_MAX)
		s->spis[s->nr_spis++] = spi;
	else
		s->overflow = true;
}

static void ha_move_sort_spis(struct ha_move_scan *s)
{
	sort(s->spis, s->nr_spis, sizeof(u32), ha_move_cmp_u32, NULL);
}

static bool ha_move_addr_eq(const struct ha_wire_addr *a, const struct ha_move_sel *sel)
{
	return !memcmp(a->a, sel->peer, sel->peer_len) &&
	       (sel->peer_len == 16 || !memchr_inv(a->a + 4, 0, 12));
}

static u8 ha_move_family(const struct ha_move_sel *sel)
{
	return sel->peer_len == 4 ? HA_AF_INET : HA_AF_INET6;
}

static int ha_move_seed_node(struct ha_net *hn, const struct ha_move_sel *sel, u16 to,
			     struct ha_move_scan *s, const char **why);

/* The sessions' first SPIs: what the selection names directly. */
static int ha_move_seed(struct ha_net *hn, const struct ha_move_sel *sel, u16 to,
			struct ha_move_scan *s, const char **why)
{
	struct ha_obj *obj;
	unsigned int i;

	if (sel->node)
		return ha_move_seed_node(hn, sel, to, s, why);
	if (sel->has_ike) {
		obj = ha_ike_find(hn, sel->ike_spi_i, sel->ike_spi_r);
		if (!obj || ha_ike_decode(obj, &s->w->ike)) {
			*why = "no IKE SA with these SPIs";
			return -ENOENT;
		}
		for (i = 0; i < s->w->ike.nr_child; i++)
			ha_move_add_spi(s, s->w->ike.child_spi[i]);
	}
	for (i = 0; i < sel->nr_spis; i++)
		ha_move_add_spi(s, sel->spis[i]);
	if (!sel->peer_len)
		return 0;
	list_for_each_entry(obj, &hn->store.objs, all) {
		if (obj->flags & HA_OBJ_DELETED)
			continue;
		if (obj->kind == HA_OBJ_IKE && !ha_ike_decode(obj, &s->w->ike) &&
		    s->w->ike.family == ha_move_family(sel) &&
		    ha_move_addr_eq(&s->w->ike.remote, sel)) {
			for (i = 0; i < s->w->ike.nr_child; i++)
				ha_move_add_spi(s, s->w->ike.child_spi[i]);
		} else if (obj->kind == HA_OBJ_SA && !ha_obj_decode(obj, &s->w->sa, NULL) &&
			   s->w->sa.family == ha_move_family(sel) &&
			   (ha_move_addr_eq(&s->w->sa.daddr, sel) ||
			    ha_move_addr_eq(&s->w->sa.saddr, sel))) {
			ha_move_add_spi(s, s->w->sa.spi);
		}
		cond_resched();
	}
	return 0;
}

static u32 ha_share_addrs(u8 family, const struct ha_wire_addr *a, const struct ha_wire_addr *b);

static bool ha_move_in(const u32 *set, unsigned int n, u32 spi)
{
	return bsearch(&spi, set, n, sizeof(u32), ha_move_cmp_u32);
}

/*
 * Grows the SPIs to whole sessions: the other CHILD SPIs of every IKE
 * session that lists one of them, and for an SA that no IKE context
 * lists, the other such SAs between the same two addresses (its pair).
 */
static void ha_move_whole_sessions(struct ha_net *hn, struct ha_move_scan *s)
{
	unsigned int i, seeds = s->nr_spis, nr_listed = 0, nr_keys = 0;
	struct ha_obj *obj;
	bool hit;
	u32 key;

	ha_move_sort_spis(s);
	list_for_each_entry(obj, &hn->store.objs, all) {
		if (obj->kind != HA_OBJ_IKE || (obj->flags & HA_OBJ_DELETED) ||
		    ha_ike_decode(obj, &s->w->ike))
			continue;
		for (i = 0, hit = false; i < s->w->ike.nr_child; i++) {
			u32 spi = s->w->ike.child_spi[i];

			hit |= ha_move_in(s->spis, seeds, spi);
			if (nr_listed < HA_MOVE_MAX)
				s->listed[nr_listed++] = spi;
		}
		for (i = 0; hit && i < s->w->ike.nr_child; i++)
			ha_move_add_spi(s, s->w->ike.child_spi[i]);
	}
	sort(s->listed, nr_listed, sizeof(u32), ha_move_cmp_u32, NULL);
	/* The address pairs of the seeds that no IKE context lists... */
	list_for_each_entry(obj, &hn->store.objs, all) {
		if (obj->kind != HA_OBJ_SA || (obj->flags & HA_OBJ_DELETED) ||
		    !ha_move_in(s->spis, seeds, obj->nkey.spi) ||
		    ha_move_in(s->listed, nr_listed, obj->nkey.spi) ||
		    nr_keys >= HA_MOVE_MAX || ha_obj_decode(obj, &s->w->sa, NULL))
			continue;
		s->keys[nr_keys++] = ha_share_addrs(s->w->sa.family, &s->w->sa.saddr,
						    &s->w->sa.daddr);
	}
	sort(s->keys, nr_keys, sizeof(u32), ha_move_cmp_u32, NULL);
	/* ... and every SA between those addresses that none lists. */
	list_for_each_entry(obj, &hn->store.objs, all) {
		if (!nr_keys)
			break;
		if (obj->kind != HA_OBJ_SA || (obj->flags & HA_OBJ_DELETED) ||
		    ha_move_in(s->listed, nr_listed, obj->nkey.spi) ||
		    ha_obj_decode(obj, &s->w->sa, NULL))
			continue;
		key = ha_share_addrs(s->w->sa.family, &s->w->sa.saddr, &s->w->sa.daddr);
		if (ha_move_in(s->keys, nr_keys, key))
			ha_move_add_spi(s, obj->nkey.spi);
		cond_resched();
	}
	ha_move_sort_spis(s);
}

static bool ha_move_tmpl_serves(const struct ha_wire_tmpl *t, u8 family,
				const struct ha_move_ends *e)
{
	return (t->family ? t->family : family) == e->family && t->proto == e->proto &&
	       (!t->reqid || t->reqid == e->reqid) &&
	       !memcmp(&t->daddr, &e->daddr, sizeof(t->daddr)) &&
	       !memcmp(&t->saddr, &e->saddr, sizeof(t->saddr));
}

/* The SAs of the sessions, then the policies whose templates they serve. */
static void ha_move_collect(struct ha_net *hn, struct ha_move *m, struct ha_move_scan *s)
{
	struct ha_obj *obj;
	unsigned int i, j;
	bool hit;

	list_for_each_entry(obj, &hn->store.objs, all) {
		if (obj->kind != HA_OBJ_SA || (obj->flags & HA_OBJ_DELETED) ||
		    !ha_move_has_spi(s, obj->nkey.spi))
			continue;
		if (s->nr >= HA_MOVE_MAX) {
			s->overflow = true;
			return;
		}
		if (ha_obj_decode(obj, &s->w->sa, NULL))
			continue;
		s->ends[s->nr_sas++] = (struct ha_move_ends){
			.family = s->w->sa.family,
			.proto = s->w->sa.proto,
			.reqid = s->w->sa.reqid,
			.saddr = s->w->sa.saddr,
			.daddr = s->w->sa.daddr,
		};
		m->refs[s->nr++] = obj->refkey;
	}
	if (!s->nr_sas)
		return;
	list_for_each_entry(obj, &hn->store.objs, all) {
		if (obj->kind != HA_OBJ_POLICY || (obj->flags & HA_OBJ_DELETED) ||
		    ha_obj_decode(obj, NULL, &s->w->pol))
			continue;
		for (i = 0, hit = false; i < s->w->pol.nr_tmpl && !hit; i++)
			for (j = 0; j < s->nr_sas && !hit; j++)
				hit = ha_move_tmpl_serves(&s->w->pol.tmpl[i], s->w->pol.family,
							  &s->ends[j]);
		if (hit && s->nr >= HA_MOVE_MAX) {
			s->overflow = true;
			return;
		}
		if (hit)
			m->refs[s->nr++] = obj->refkey;
		cond_resched();
	}
}

static u16 ha_move_owner(struct ha_net *hn, const struct ha_obj *obj)
{
	return obj->flags & HA_OBJ_LOCAL ? hn->node_id : obj->owner;
}

/*
 * Acts on the selected objects of one owner: gives them (this node owns
 * them), asks their owner (alive), or takes them over at once (this
 * node is the new owner and their owner is gone).
 */
static int ha_move_owner_group(struct ha_net *hn, struct ha_move *m, u16 owner,
			       const u64 *refs, unsigned int n, u16 to,
			       struct ha_move_result *res)
{
	unsigned int i, k = 0;
	struct ha_obj *obj;

	if (owner == to)
		return 0;
	if (owner == hn->node_id) {
		if (!ha_move_heard(hn, to)) {
			res->why = "the new owner is not heard on the link";
			return -EHOSTUNREACH;
		}
		res->given += ha_move_give(hn, m, refs, n, to);
		return 0;
	}
	if (!ha_move_heard(hn, owner)) {
		if (to != hn->node_id) {
			res->why = "their owner is gone: promote them on the new owner";
			return -EHOSTUNREACH;
		}
		res->taken += ha_move_take(hn, refs, n, owner, false, &res->ikes);
		return 0;
	}
	for (i = 0; i < n && k < HA_MOVE_MAX; i++) {
		obj = ha_store_find(&hn->store, refs[i]);
		if (!obj)
			continue;
		ha_ref_of(obj->refkey, &m->req[k].ref);
		m->req[k].owner_epoch = obj->owner_epoch;
		m->req[k++].to = to;
		if (to == hn->node_id && m->nr_want < HA_MOVE_MAX)
			m->want[m->nr_want++] = (struct ha_move_ref){
				.refkey = obj->refkey,
				.owner = owner,
				.epoch = obj->owner_epoch,
			};
	}
	ha_move_send_ask(hn, m, m->req, k);
	res->asked += k;
	if (to == hn->node_id) {
		m->want_until = jiffies + HA_MOVE_WAIT;
		ha_move_schedule(hn, HA_MOVE_WAIT);
	}
	return 0;
}

/**
 * ha_move() - move sessions to another node
 * @hn: the namespace's member
 * @sel: the sessions
 * @to: the new owner
 * @res: what was selected and done; res->why explains an error
 *
 * Context: process context, hn->lock and store.lock held.
 * Return: 0, or a negative errno.
 */
int ha_move(struct ha_net *hn, const struct ha_move_sel *sel, u16 to,
	    struct ha_move_result *res)
{
	struct ha_move_scan s = { };
	unsigned int i, n, done;
	struct ha_obj *obj;
	struct ha_move *m;
	int err = -ENOMEM;
	u16 owner;

	lockdep_assert_held(&hn->lock);
	lockdep_assert_held(&hn->store.lock);
	if (!hn->node_id || !hn->tx || !rcu_access_pointer(hn->link) ||
	    !rcu_access_pointer(hn->key)) {
		res->why = "node not syncing: set its id, link and key first";
		return -ENOTCONN;
	}
	m = ha_move_state(hn);
	if (!m)
		return -ENOMEM;
	if (m->nr_want || m->nr_out) {
		res->why = "a move of this node is still under way";
		return -EBUSY;
	}
	s.spis = kvmalloc_array(HA_MOVE_MAX, sizeof(*s.spis), GFP_KERNEL);
	s.listed = kvmalloc_array(HA_MOVE_MAX, sizeof(*s.listed), GFP_KERNEL);
	s.keys = kvmalloc_array(HA_MOVE_MAX, sizeof(*s.keys), GFP_KERNEL);
	s.ends = kvmalloc_array(HA_MOVE_MAX, sizeof(*s.ends), GFP_KERNEL);
	s.w = kvmalloc(sizeof(*s.w), GFP_KERNEL);
	if (!s.spis || !s.listed || !s.keys || !s.ends || !s.w)
		goto out;
	err = ha_move_seed(hn, sel, to, &s, &res->why);
	if (err)
		goto out;
	ha_move_whole_sessions(hn, &s);
	ha_move_collect(hn, m, &s);
	if (s.overflow) {
		/* Never a part of a session: refuse the whole move. */
		res->why = "more than 2048 SAs and policies: move fewer sessions at once";
		err = -E2BIG;
		goto out;
	}
	if (!s.nr_sas) {
		if (!sel->node)
			res->why = "no SA matches";
		else if (sel->share)
			res->why = "the share rule gives the new owner none of the node's sessions";
		else
			res->why = "the node owns no SA";
		err = -ENOENT;
		goto out;
	}
	res->sas = s.nr_sas;
	res->policies = s.nr - s.nr_sas;
	obj = ha_store_find(&hn->store, m->refs[0]);
	res->owner = obj ? ha_move_owner(hn, obj) : 0;
	/* One owner at a time: its refs move to the front of the rest of m->refs. */
	for (done = 0; done < s.nr; done += n) {
		obj = ha_store_find(&hn->store, m->refs[done]);
		owner = obj ? ha_move_owner(hn, obj) : 0;
		for (i = done, n = 0; i < s.nr; i++) {
			struct ha_obj *o = ha_store_find(&hn->store, m->refs[i]);

			if (o && ha_move_owner(hn, o) == owner) {
				swap(m->refs[done + n], m->refs[i]);
				n++;
			}
		}
		if (!n) {	/* gone meanwhile: cannot happen under store.lock */
			n = 1;
			continue;
		}
		err = ha_move_owner_group(hn, m, owner, m->refs + done, n, to, res);
		if (err)
			break;
	}
out:
	kvfree(s.w);
	kvfree(s.ends);
	kvfree(s.keys);
	kvfree(s.listed);
	kvfree(s.spis);
	return err;
}

/*
 * Shares (Documentation/takeover.md, "Shares"). When a node fails, each
 * survivor can take its own share of the failed node's sessions: every
 * session goes to the survivor with the highest weight jhash(key, id)
 * (rendezvous hashing), among this node and the peers it hears. Every
 * survivor computes the same from its mirror, a session stays whole,
 * and when a survivor fails too only its own sessions move again.
 *
 * A session's key: its IKE context's SPIs for the CHILD SAs it lists;
 * otherwise the SA's two addresses, in order, and family, so that an
 * SA pair with no IKE context stays together. A policy takes the key of
 * the SAs between the addresses of its first template that carry the
 * template's reqid: several sessions between the same two addresses
 * (peers behind one NAT, several IKE SAs of one peer) differ by reqid
 * only. A template with reqid 0, or one no SA carries, takes the key of
 * any SA between its addresses.
 */
#define HA_SHARE_SEED	0x5ea51de5

struct ha_share_spi {
	u32 spi;
	u32 key;
};

struct ha_share_map {
	u32 addrs;		/* the addresses' key */
	u32 reqid;		/* the SA's reqid */
	u32 key;		/* the session's key */
};

static int ha_share_cmp_spi(const void *a, const void *b)
{
	const struct ha_share_spi *x = a, *y = b;

	return x->spi < y->spi ? -1 : x->spi > y->spi;
}

/* Orders the map by addresses, then reqid. */
static int ha_share_cmp_map(const void *a, const void *b)
{
	const struct ha_share_map *x = a, *y = b;

	if (x->addrs != y->addrs)
		return x->addrs < y->addrs ? -1 : 1;
	return x->reqid < y->reqid ? -1 : x->reqid > y->reqid;
}

/* Compares addresses only: finds any SA between them. */
static int ha_share_cmp_addrs(const void *a, const void *b)
{
	const struct ha_share_map *x = a, *y = b;

	return x->addrs < y->addrs ? -1 : x->addrs > y->addrs;
}

static u32 ha_share_addrs(u8 family, const struct ha_wire_addr *a, const struct ha_wire_addr *b)
{
	struct ha_wire_addr ab[2];

	if (memcmp(a, b, sizeof(*a)) <= 0) {
		ab[0] = *a;
		ab[1] = *b;
	} else {
		ab[0] = *b;
		ab[1] = *a;
	}
	return jhash(ab, sizeof(ab), HA_SHARE_SEED ^ family);
}

/* The survivor that rendezvous hashing gives the session of key. */
static u16 ha_share_winner(u32 key, const u16 *nodes, unsigned int n)
{
	u32 w, best_w = 0;
	u16 best = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		w = jhash_2words(key, nodes[i], HA_SHARE_SEED);
		if (!best || w > best_w || (w == best_w && nodes[i] < best)) {
			best = nodes[i];
			best_w = w;
		}
	}
	return best;
}

/* This node and the peers it hears, node excepted. */
static unsigned int ha_share_survivors(struct ha_net *hn, u16 node, u16 *nodes)
{
	unsigned int n = 0;
	struct ha_peer *p;
	unsigned long i;

	nodes[n++] = hn->node_id;
	if (!hn->peers)
		return n;
	xa_for_each(&hn->peers->by_node, i, p)
		if (p->node != node && p->node != hn->node_id && p->datagrams && !p->lost &&
		    n < HA_PEERS_MAX + 1)
			nodes[n++] = p->node;
	return n;
}

/*
 * Whether node owns obj. Mirrored objects carry their owner; with local,
 * the objects this node runs count as this node's too.
 */
static bool ha_share_owns(struct ha_net *hn, const struct ha_obj *obj, u16 node, bool local)
{
	if (obj->flags & HA_OBJ_DELETED)
		return false;
	if (obj->flags & HA_OBJ_LOCAL)
		return local && node == hn->node_id;
	return obj->owner == node;
}

/*
 * The objects node owns whose session the share rule over nodes gives
 * to winner: their refs, SAs first, in *refs (kvfree() them), *nr of them.
 */
static int ha_share_pick(struct ha_net *hn, u16 node, bool local, const u16 *nodes,
			 unsigned int nr_nodes, u16 winner, u64 **refs, unsigned int *nr)
{
	unsigned int nr_spis = 0, nr_map = 0, max = hn->store.count + 1;
	struct ha_share_spi *spis = NULL, want;
	struct ha_share_map *map = NULL, *hit, mk;
	union {
		struct ha_wire_sa sa;
		struct ha_wire_policy pol;
		struct ha_wire_ike ike;
	} *w = NULL;
	struct ha_obj *obj;
	unsigned int i, n = 0;
	u64 *out = NULL;
	int err = -ENOMEM;
	u32 key, addrs;
	u8 kind;

	lockdep_assert_held(&hn->store.lock);
	spis = kvmalloc_array(max, sizeof(*spis), GFP_KERNEL);
	map = kvmalloc_array(max, sizeof(*map), GFP_KERNEL);
	out = kvmalloc_array(max, sizeof(*out), GFP_KERNEL);
	w = kvmalloc(sizeof(*w), GFP_KERNEL);
	if (!spis || !map || !out || !w)
		goto fail;

	/* The CHILD SAs of the node's IKE contexts take their context's key. */
	list_for_each_entry(obj, &hn->store.objs, all) {
		if (obj->kind != HA_OBJ_IKE || !ha_share_owns(hn, obj, node, local) ||
		    ha_ike_decode(obj, &w->ike))
			continue;
		/* The SPI pair: IKE contexts have no cluster-wide ref. */
		key = jhash(obj->nkey.addr, 2 * sizeof(u64), HA_SHARE_SEED);
		for (i = 0; i < w->ike.nr_child && nr_spis < max; i++)
			spis[nr_spis++] = (struct ha_share_spi){ w->ike.child_spi[i], key };
		cond_resched();
	}
	sort(spis, nr_spis, sizeof(*spis), ha_share_cmp_spi, NULL);

	/* SAs, then policies: a policy finds its SAs' key by their addresses. */
	for (kind = HA_OBJ_SA; ; kind = HA_OBJ_POLICY) {
		list_for_each_entry(obj, &hn->store.objs, all) {
			if (obj->kind != kind || !ha_share_owns(hn, obj, node, local))
				continue;
			if (kind == HA_OBJ_SA) {
				if (ha_obj_decode(obj, &w->sa, NULL))
					continue;
				addrs = ha_share_addrs(w->sa.family, &w->sa.saddr, &w->sa.daddr);
				want.spi = w->sa.spi;
				hit = (void *)bsearch(&want, spis, nr_spis, sizeof(*spis),
						      ha_share_cmp_spi);
				key = hit ? ((struct ha_share_spi *)hit)->key : addrs;
				if (nr_map < max)
					map[nr_map++] = (struct ha_share_map){
						.addrs = addrs, .reqid = w->sa.reqid, .key = key,
					};
			} else {
				if (ha_obj_decode(obj, NULL, &w->pol) || !w->pol.nr_tmpl)
					continue;
				mk.addrs = ha_share_addrs(w->pol.tmpl[0].family ?: w->pol.family,
							  &w->pol.tmpl[0].saddr,
							  &w->pol.tmpl[0].daddr);
				mk.reqid = w->pol.tmpl[0].reqid;
				hit = mk.reqid ? bsearch(&mk, map, nr_map, sizeof(*map),
							 ha_share_cmp_map) : NULL;
				if (!hit)
					hit = bsearch(&mk, map, nr_map, sizeof(*map),
						      ha_share_cmp_addrs);
				key = hit ? hit->key : mk.addrs;
			}
			if (ha_share_winner(key, nodes, nr_nodes) == winner && n < max)
				out[n++] = obj->refkey;
			cond_resched();
		}
		if (kind == HA_OBJ_POLICY)
			break;
		sort(map, nr_map, sizeof(*map), ha_share_cmp_map, NULL);
	}
	*refs = out;
	*nr = n;
	out = NULL;
	err = 0;
fail:
	kvfree(out);
	kvfree(w);
	kvfree(map);
	kvfree(spis);
	return err;
}

/**
 * ha_share_select() - this node's share of the objects a node owns
 * @hn: the namespace's member
 * @node: the failed node
 * @refs: set to the refs of this node's share (kvfree() them), SAs first
 * @nr: set to their number
 *
 * Context: process context, store.lock held.
 * Return: 0 or -ENOMEM.
 */
int ha_share_select(struct ha_net *hn, u16 node, u64 **refs, unsigned int *nr)
{
	unsigned int nr_nodes;
	u16 *nodes;
	int err;

	lockdep_assert_held(&hn->store.lock);
	nodes = kmalloc_array(HA_PEERS_MAX + 1, sizeof(*nodes), GFP_KERNEL);
	if (!nodes)
		return -ENOMEM;
	nr_nodes = ha_share_survivors(hn, node, nodes);
	err = ha_share_pick(hn, node, false, nodes, nr_nodes, hn->node_id, refs, nr);
	kfree(nodes);
	return err;
}

/*
 * The seeds of move node N [share]: the SPIs of the SAs node owns, or
 * with share those whose session the share rule gives to, computed over
 * the nodes alive now (this node and the peers it hears, node among them
 * while it is alive), as a promote with share computes it.
 */
static int ha_move_seed_node(struct ha_net *hn, const struct ha_move_sel *sel, u16 to,
			     struct ha_move_scan *s, const char **why)
{
	unsigned int i, nr_nodes, nr = 0;
	struct ha_obj *obj;
	u64 *refs = NULL;
	u16 *nodes;
	int err;

	if (!sel->share) {
		list_for_each_entry(obj, &hn->store.objs, all) {
			if (obj->kind == HA_OBJ_SA && ha_share_owns(hn, obj, sel->node, true))
				ha_move_add_spi(s, obj->nkey.spi);
			cond_resched();
		}
		return 0;
	}
	nodes = kmalloc_array(HA_PEERS_MAX + 1, sizeof(*nodes), GFP_KERNEL);
	if (!nodes)
		return -ENOMEM;
	nr_nodes = ha_share_survivors(hn, 0, nodes);
	for (i = 0; i < nr_nodes && nodes[i] != to; i++)
		;
	if (i == nr_nodes) {
		*why = "the new owner is not heard on the link";
		err = -EHOSTUNREACH;
		goto out;
	}
	err = ha_share_pick(hn, sel->node, true, nodes, nr_nodes, to, &refs, &nr);
	if (err)
		goto out;
	for (i = 0; i < nr; i++) {
		obj = ha_store_find(&hn->store, refs[i]);
		if (obj && obj->kind == HA_OBJ_SA)
			ha_move_add_spi(s, obj->nkey.spi);
	}
	kvfree(refs);
out:
	kfree(nodes);
	return err;
}

void ha_move_net_init(struct ha_net *hn)
{
	INIT_DELAYED_WORK(&hn->move_work, ha_move_work);
}

void ha_move_net_exit(struct ha_net *hn)
{
	cancel_delayed_work_sync(&hn->move_work);
	kvfree(hn->move);
	hn->move = NULL;
}
