/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SA and POLICY records of the sync wire format (wire_sa.c): the
 * structures they decode into, with their selectors, lifetimes,
 * algorithms and templates, and the compact algorithm ids.
 */
#ifndef _IPSEC_HA_WIRE_SA_H
#define _IPSEC_HA_WIRE_SA_H

#include "wire.h"

#define HA_WIRE_KEY_MAX		128	/* bytes of one algorithm key */
#define HA_WIRE_ALG_NAME_MAX	64
#define HA_WIRE_BMP_MAX		1024	/* u32 words of replay bitmap (4096 bytes) */
#define HA_WIRE_TMPL_MAX	6	/* XFRM_MAX_DEPTH */

enum ha_alg_kind {
	HA_ALG_AEAD,
	HA_ALG_ENCR,
	HA_ALG_AUTH,
	HA_ALG_COMP,
	HA_ALG_KINDS,
};

/* Compact algorithm ids; HA_ALG_OTHER carries the kernel name instead. */
#define HA_ALG_NONE	0
#define HA_ALG_OTHER	255

struct ha_wire_alg {
	u8 id;			/* HA_ALG_NONE: absent */
	u16 key_len;		/* bytes */
	u16 icv_len;		/* bits: AEAD ICV or auth truncation */
	u8 key[HA_WIRE_KEY_MAX];
	char name[HA_WIRE_ALG_NAME_MAX];	/* when id == HA_ALG_OTHER */
};

struct ha_wire_sel {
	struct ha_wire_addr daddr, saddr;
	u16 dport, dport_mask, sport, sport_mask;	/* network order values */
	u8 family, prefixlen_d, prefixlen_s, proto;
	u32 ifindex;
	u32 user;
};

struct ha_wire_lft_cfg {
	u64 soft_byte, hard_byte, soft_packet, hard_packet;
	u64 soft_add_expires, hard_add_expires, soft_use_expires, hard_use_expires;
};

struct ha_wire_lft_cur {
	u64 bytes, packets, add_time, use_time;
};

/*
 * Hardware offload of an SA on its owner (the kernel's XFRM_DEV_OFFLOAD_*
 * types). Packet offload keeps the sequence counters in the NIC, out of
 * sync's sight: such an SA cannot be taken over.
 */
enum ha_offload {
	HA_OFFLOAD_NONE		= 0,
	HA_OFFLOAD_CRYPTO	= 1,
	HA_OFFLOAD_PACKET	= 2,
};

enum ha_sa_dir {
	HA_DIR_UNKNOWN	= 0,
	HA_DIR_IN	= 1,
	HA_DIR_OUT	= 2,
};

/* The kernel's pcpu_num of an SA that is not per-CPU (UINT_MAX). */
#define HA_PCPU_NONE	0xffffffffU

/* Everything needed to recreate an SA on another node, field for field. */
struct ha_wire_sa {
	struct ha_ref ref;
	u16 owner;		/* node that sends on / receives for it */
	u16 owner_epoch;	/* raised on each takeover; serial arithmetic */
	u8 family, proto, mode, flags;	/* props.family, id.proto, props.mode, props.flags */
	u8 dir;			/* enum ha_sa_dir */
	u8 esn;			/* XFRM_STATE_ESN in effect */
	u8 offload;		/* enum ha_offload */
	u32 extra_flags;
	struct ha_wire_addr daddr, saddr;
	u32 spi;		/* value of the network-order SPI */
	u32 reqid;
	u32 replay_window;	/* packets */
	u64 oseq;		/* outbound counter, oseq_hi << 32 | oseq */
	u64 seq;		/* highest inbound counter, seq_hi << 32 | seq */
	u16 bmp_len;		/* u32 words in bmp */
	u32 bmp[HA_WIRE_BMP_MAX];
	struct ha_wire_alg aead, ealg, aalg, calg;
	struct ha_wire_lft_cfg lft;
	struct ha_wire_lft_cur curlft;
	struct ha_wire_sel sel;
	u8 has_encap;
	u16 encap_type, encap_sport, encap_dport;	/* ports: network order values */
	struct ha_wire_addr encap_oa;
	u32 mark_v, mark_m;
	u32 smark_v, smark_m;
	u32 if_id;
	u32 tfcpad;
	u64 add_time;		/* when the origin learnt it, seconds (real time) */
	u8 has_pcpu;		/* a per-CPU SA (RFC 9611): pcpu is its CPU */
	u32 pcpu;		/* never HA_PCPU_NONE */
	/*
	 * With dir HA_DIR_UNKNOWN (a kernel without SA directions): the
	 * direction the owner infers from its local addresses, or
	 * HA_DIR_UNKNOWN. Shown, never installed.
	 */
	u8 dir_inferred;
	/* With encapsulation: the kernel's nat_keepalive_interval and mapping_maxage (s). */
	u32 natka_interval;
	u32 mapping_maxage;
	/*
	 * A security context (x->security, labelled IPsec): its DOI,
	 * algorithm and length only; the context itself is not carried.
	 */
	u8 has_sec_ctx;
	u8 sec_ctx_doi, sec_ctx_alg;
	u16 sec_ctx_len;
};

struct ha_wire_tmpl {
	struct ha_wire_addr daddr, saddr;
	u32 spi;
	u32 reqid;
	u32 aalgos, ealgos, calgos;
	u8 proto, family, mode, share, optional;
};

struct ha_wire_policy {
	struct ha_ref ref;
	u16 owner;		/* 0: the sender (records without HA_SUB_OWNER) */
	u16 owner_epoch;	/* raised on each takeover; serial arithmetic */
	u8 dir, action, flags, type;
	u8 family;
	u32 priority;
	u32 index;
	struct ha_wire_sel sel;
	struct ha_wire_lft_cfg lft;
	u32 mark_v, mark_m;
	u32 if_id;
	u8 nr_tmpl;
	struct ha_wire_tmpl tmpl[HA_WIRE_TMPL_MAX];
};

size_t ha_wire_sa_len(const struct ha_wire_sa *sa);
int ha_wire_put_sa(struct ha_wire_buf *b, const struct ha_wire_sa *sa);
int ha_wire_get_sa(const struct ha_wire_rec *rec, struct ha_wire_sa *sa);
size_t ha_wire_policy_len(const struct ha_wire_policy *pol);
int ha_wire_put_policy(struct ha_wire_buf *b, const struct ha_wire_policy *pol);
int ha_wire_get_policy(const struct ha_wire_rec *rec, struct ha_wire_policy *pol);

/*
 * The fields of an SA or POLICY record that change while the SA or policy
 * itself stays the same: its ref (the object moves to a new ref), its
 * owner and owner epoch (a takeover, a node that changes its id) and, for
 * an SA, its counters (a takeover, a demote). ha_wire_patch() rewrites
 * them in an encoded record without decoding the rest of it.
 */
enum {
	HA_PATCH_REF	= 1 << 0,
	HA_PATCH_OWNER	= 1 << 1,	/* owner and owner_epoch */
	HA_PATCH_CTRS	= 1 << 2,	/* oseq and seq: SA records only */
};

struct ha_wire_patch {
	u8 set;			/* HA_PATCH_*: the fields to rewrite */
	struct ha_ref ref;
	u16 owner;		/* a policy record without an OWNER sub-TLV: 0 */
	u16 owner_epoch;
	u64 oseq, seq;		/* SA records */
};

int ha_wire_patch_get(const u8 *rec, size_t len, struct ha_wire_patch *p);
int ha_wire_patch_len(const u8 *rec, size_t len, const struct ha_wire_patch *p);
int ha_wire_patch(u8 *dst, size_t room, const u8 *rec, size_t len,
		  const struct ha_wire_patch *p);

u8 ha_alg_id(enum ha_alg_kind kind, const char *name);
const char *ha_alg_name(enum ha_alg_kind kind, u8 id);

#endif /* _IPSEC_HA_WIRE_SA_H */
