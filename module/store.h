/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mirror: every SA, policy and IKE context of the cluster, local or
 * learnt from a peer, kept as its encoded wire record.
 */
#ifndef _IPSEC_HA_STORE_H
#define _IPSEC_HA_STORE_H

#include <linux/list.h>
#include <linux/rhashtable.h>

#include <linux/mutex.h>

#include "wire.h"

struct ha_net;
struct xfrm_state;

/* How long a deletion can still be resent to a peer that missed it. */
#define HA_TOMB_TTL		(30 * HZ)

enum ha_obj_kind {
	HA_OBJ_SA = 1,
	HA_OBJ_POLICY,
	HA_OBJ_IKE,
	HA_OBJ_KINDS,			/* one past the last kind */
};

/*
 * What identifies an object where it lives: (daddr, SPI, protocol, mark)
 * for an SA, (index, direction) for a policy, the SPI pair for IKE. Two
 * objects of different refs with one natural key are a collision.
 */
struct ha_nkey {
	u8 kind, family, proto, dir;
	u32 spi;
	u32 mark;
	u8 addr[16];
};

enum {
	HA_OBJ_LOCAL	= BIT(0),	/* this node owns it and sends it */
	HA_OBJ_DIRTY	= BIT(1),	/* queued to be sent in full */
	HA_OBJ_COLLIDES	= BIT(2),	/* another ref has the same natural key */
	HA_OBJ_DELETED	= BIT(3),	/* a tombstone: its deletion is being sent */
	HA_OBJ_RELEASED	= BIT(4),	/* LOCAL, but demoted: not in the SAD/SPD */
	HA_OBJ_NOPREP	= BIT(5),	/* cannot be prepared here (standby.c) */
	HA_OBJ_BRIEF	= BIT(6),	/* DIRTY by a takeover: peers need only a TAKEN entry */
};

struct ha_obj {
	struct rhash_head by_ref;
	struct rhlist_head by_nkey;
	struct list_head all;		/* hn->store.objs, in insertion order */
	struct list_head dirty;		/* hn->store.dirty */
	u64 refkey;			/* origin << 32 | id */
	struct ha_nkey nkey;
	u16 owner;
	u16 owner_epoch;
	u8 kind;
	u8 dir;				/* enum ha_sa_dir, for SAs */
	u16 flags;
	u16 len;
	u8 cache;			/* size class it came from (store.c) */
	u64 oseq, seq;			/* SAs: highest counters synced */
	unsigned long ctr_at;		/* jiffies when they last moved */
	u32 rate_out, rate_in;		/* packets per second they moved at */
	u64 digest;			/* hash of rec */
	u64 sent_seq;			/* LOCAL: datagram that last carried it */
	unsigned long changed;		/* jiffies of the last change */
	struct xfrm_state *ready;	/* prepared for takeover (standby.c) */
	struct rcu_head rcu;
	u8 rec[];			/* value of the HA_REC_SA/POLICY/IKE record */
};

struct ha_store {
	struct mutex lock;		/* every change; readers use RCU */
	struct rhashtable by_ref;
	struct rhltable by_nkey;
	struct list_head objs;
	struct list_head dirty;
	unsigned int count;		/* objects (tombstones excluded) */
	unsigned int local;		/* objects this node owns */
	/*
	 * The same by kind (index enum ha_obj_kind): this node's share, as
	 * config-get reports it. Written under lock; read without it.
	 */
	unsigned int local_kind[HA_OBJ_KINDS];
	unsigned int collisions;
	u32 next_id;			/* last id given (ha_store_new_refkey) */
	/*
	 * Bumped by every insertion, replacement and removal, never 0: a
	 * netlink dump in parts sets it as the callback's sequence, so that
	 * a dump that spans a change is marked NLM_F_DUMP_INTR.
	 */
	u32 gen;
};

/*
 * What ha_store_put() and ha_store_remove() changed, for their callers to
 * act on: the store changes its indexes and nothing else, and calls no
 * file above it. The callers drop or keep the prepared state (standby.c)
 * and report a new collision (watch.c).
 */
struct ha_store_change {
	/*
	 * The prepared xfrm_state (standby.c) of the version that was
	 * replaced or removed, detached from it before it was freed: the
	 * caller's now.
	 */
	struct xfrm_state *ready;
	/* The new version's record is byte for byte the replaced one's. */
	bool same_rec;
	/*
	 * The new version, an SA, collides with this live object of another
	 * ref, and did not before; NULL otherwise. Valid under store.lock.
	 */
	struct ha_obj *collided;
};

static inline u64 ha_refkey(const struct ha_ref *ref)
{
	return (u64)ref->origin << 32 | ref->id;
}

static inline void ha_ref_of(u64 refkey, struct ha_ref *ref)
{
	ref->origin = refkey >> 32;
	ref->id = (u32)refkey;
}

int ha_obj_caches_init(void);
void ha_obj_caches_exit(void);
void ha_obj_free(struct ha_obj *obj);
int ha_store_init(struct ha_store *st, u32 first_id);
void ha_store_destroy(struct ha_store *st);
struct ha_obj *ha_store_find(struct ha_store *st, u64 refkey);
u64 ha_store_new_refkey(struct ha_store *st, u16 origin);
struct ha_obj *ha_store_find_nkey(struct ha_store *st, const struct ha_nkey *nkey,
				  u64 not_refkey);
struct ha_obj *ha_store_find_nkey_flags(struct ha_store *st, const struct ha_nkey *nkey,
					u16 flags);
int ha_store_put(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg);
void ha_store_remove(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg);
void ha_store_tombstone(struct ha_net *hn, struct ha_obj *obj, struct ha_store_change *chg);
struct ha_obj *ha_obj_alloc(u8 kind, u64 refkey, const struct ha_nkey *nkey,
			    const u8 *rec, u16 len);
struct ha_obj *ha_obj_patch(const struct ha_obj *old, const struct ha_wire_patch *p);
int ha_obj_decode(const struct ha_obj *obj, struct ha_wire_sa *sa, struct ha_wire_policy *pol);
void ha_store_mark_dirty(struct ha_store *st, struct ha_obj *obj);
void ha_store_reap_tombstones(struct ha_net *hn);

#endif /* _IPSEC_HA_STORE_H */
