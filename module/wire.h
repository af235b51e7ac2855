/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sync wire format, version 2 (Documentation/wire-protocol.md).
 *
 * A datagram is a 40-byte header, authenticated but not encrypted, then
 * records sealed with XChaCha20-Poly1305 and a 16-byte tag. Records are
 * type-length framed: types below 0x80 have a one-byte length, the others
 * a two-byte one, so a receiver can skip any type it does not know.
 *
 * This file and wire.c are shared by the module and userspace (tests and
 * the fuzzer): they use nothing but wire_types.h.
 */
#ifndef _IPSEC_HA_WIRE_H
#define _IPSEC_HA_WIRE_H

#include "wire_types.h"

#define HA_WIRE_VERSION		2
#define HA_WIRE_SALT_LEN	16
#define HA_WIRE_HDR_LEN		40
#define HA_WIRE_TAG_LEN		16
#define HA_WIRE_NONCE_LEN	24
#define HA_WIRE_MIN_LEN		(HA_WIRE_HDR_LEN + HA_WIRE_TAG_LEN)
#define HA_WIRE_MAX_LEN		9000	/* larger datagrams are dropped */

/*
 * Datagram header; every field is authenticated. The nonce is the salt,
 * random for every datagram, and the sequence number: it stays unique
 * even when a node's state is rolled back (a restored VM snapshot sends
 * the same epoch and sequence numbers again, with new salts).
 */
struct ha_wire_hdr {
	u8 version;
	u8 flags;		/* none defined: sent as 0, ignored */
	u16 node_id;		/* sender */
	u32 key_id;		/* cluster key that sealed it */
	u64 epoch;		/* sender's epoch: grows across its restarts */
	u64 seq;		/* sender's datagram number in that epoch */
	u8 salt[HA_WIRE_SALT_LEN];	/* random, new for every datagram */
};

enum ha_wire_rec_type {
	/* short records: one-byte length */
	HA_REC_ALIVE		= 0x01,
	HA_REC_NACK		= 0x02,
	HA_REC_BULK_REQ		= 0x03,
	HA_REC_BULK_END		= 0x04,
	HA_REC_NODE_INFO	= 0x05,
	HA_REC_SA_DEL		= 0x10,
	HA_REC_POLICY_DEL	= 0x11,
	HA_REC_IKE_DEL		= 0x12,
	/* long records: two-byte length */
	HA_REC_LONG		= 0x80,
	HA_REC_SA		= 0x81,
	HA_REC_POLICY		= 0x82,
	HA_REC_IKE		= 0x83,
	HA_REC_CTRS		= 0x84,	/* an array of counter entries */
	HA_REC_TAKEN		= 0x85,	/* an array of takeover entries */
};

/*
 * Cluster-wide identity of a mirrored object (SA, policy): the node that
 * first announced it and the number that node gave it.
 */
struct ha_ref {
	u16 origin;
	u32 id;
};

/* Address families as the kernel numbers them (AF_INET, AF_INET6). */
#define HA_AF_INET		2
#define HA_AF_INET6		10

/* An address as in xfrm_address_t: IPv4 in the first four bytes. */
struct ha_wire_addr {
	u8 a[16];
};

#define HA_WIRE_KEY_MAX		128	/* bytes of one algorithm key */
#define HA_WIRE_ALG_NAME_MAX	64
#define HA_WIRE_BMP_MAX		1024	/* u32 words of replay bitmap (4096 bytes) */
#define HA_WIRE_TMPL_MAX	6	/* XFRM_MAX_DEPTH */

/*
 * Sub-TLV types inside SA, POLICY and IKE records: framed like records
 * (types below 0x80 have a one-byte length, the others a two-byte one).
 * A record skips the types it does not know, including known types that
 * do not belong to it.
 */
enum ha_wire_sub_type {
	HA_SUB_AEAD		= 0x01,	/* SA */
	HA_SUB_ENCR		= 0x02,	/* SA */
	HA_SUB_AUTH		= 0x03,	/* SA */
	HA_SUB_COMP		= 0x04,	/* SA */
	HA_SUB_LFT		= 0x05,	/* SA, POLICY */
	HA_SUB_CURLFT		= 0x06,	/* SA */
	HA_SUB_SEL		= 0x07,	/* SA, POLICY */
	HA_SUB_ENCAP		= 0x08,	/* SA */
	HA_SUB_MARK		= 0x09,	/* SA, POLICY */
	HA_SUB_SMARK		= 0x0a,	/* SA */
	HA_SUB_IF_ID		= 0x0b,	/* SA, POLICY */
	HA_SUB_TFCPAD		= 0x0c,	/* SA */
	HA_SUB_TMPL		= 0x0d,	/* POLICY, once per template */
	HA_SUB_CHILD		= 0x0e,	/* IKE */
	HA_SUB_OWNER		= 0x0f,	/* POLICY: owner node and epoch */
	HA_SUB_IKE_KEY		= 0x10,	/* IKE: 0x10 + enum ha_ike_key */
	HA_SUB_OFFLOAD		= 0x17,	/* SA: hardware offload type (enum ha_offload) */
	HA_SUB_PCPU		= 0x18,	/* SA: the CPU of a per-CPU SA (RFC 9611) */
	HA_SUB_DIR		= 0x19,	/* SA: direction the owner infers (enum ha_sa_dir) */
	HA_SUB_BMP		= 0x80,	/* SA */
	HA_SUB_NONCE_I		= 0x81,	/* IKE */
	HA_SUB_NONCE_R		= 0x82,	/* IKE */
	HA_SUB_ID_I		= 0x83,	/* IKE */
	HA_SUB_ID_R		= 0x84,	/* IKE */
	HA_SUB_IKE_STATE	= 0x85,	/* IKE: the IKE daemon's own state */
};

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

#define HA_WIRE_NONCE_MAX	256
#define HA_WIRE_IKE_KEY_MAX	64
#define HA_WIRE_ID_MAX		255
#define HA_WIRE_CHILD_MAX	32
#define HA_WIRE_IKE_STATE_MAX	1024

enum ha_ike_key {
	HA_IKE_SK_D, HA_IKE_SK_AI, HA_IKE_SK_AR, HA_IKE_SK_EI, HA_IKE_SK_ER,
	HA_IKE_SK_PI, HA_IKE_SK_PR, HA_IKE_KEYS,
};

/* The IKE side of a session, per draft-palomares section 4. */
struct ha_wire_ike {
	u64 spi_i, spi_r;		/* identity of the IKE SA */
	u16 owner;
	u16 owner_epoch;
	u8 version;			/* 2 */
	u8 initiator;			/* 1: this cluster is the initiator */
	u8 family;
	struct ha_wire_addr local, remote;
	u16 local_port, remote_port;
	u16 encr, encr_keylen, integ, prf, dh_group;	/* IANA transform ids */
	u32 extensions;			/* IPSEC_HA_IKE_EXT_* bits */
	u32 mid_send, mid_recv;		/* next message id to send, to expect */
	u32 takeovers;
	u16 nonce_i_len, nonce_r_len;
	u8 nonce_i[HA_WIRE_NONCE_MAX], nonce_r[HA_WIRE_NONCE_MAX];
	u8 key_len[HA_IKE_KEYS];
	u8 keys[HA_IKE_KEYS][HA_WIRE_IKE_KEY_MAX];
	u8 id_i_type, id_r_type;
	u8 id_i_len, id_r_len;
	u8 id_i[HA_WIRE_ID_MAX], id_r[HA_WIRE_ID_MAX];
	u8 nr_child;
	u32 child_spi[HA_WIRE_CHILD_MAX];	/* SPIs of the CHILD SAs it owns */
	u16 state_len;
	u8 state[HA_WIRE_IKE_STATE_MAX];	/* opaque, secret: the daemon's */
};

/* One counter in an HA_REC_CTRS array (16 bytes on the wire). */
#define HA_WIRE_CTR_LEN		16
#define HA_WIRE_CTR_EPOCH_MASK	0x7fff	/* owner_epoch bits carried */
#define HA_WIRE_CTRS_MAX	(0xffff / HA_WIRE_CTR_LEN)	/* per record */

struct ha_wire_ctr {
	struct ha_ref ref;
	u16 owner_epoch;	/* 15 bits on the wire */
	u8 inbound;		/* 1: value is the highest inbound seq, else oseq */
	u64 value;
};

/*
 * One entry of an HA_REC_TAKEN array (28 bytes on the wire): the sender
 * took over the object of ref, whose record its peers hold already. The
 * new record is the old one with the sender as owner, this epoch and, for
 * an SA, these counters; check lets a receiver tell it rebuilt the same
 * record (else it asks for the datagram again, and gets the full record).
 */
#define HA_WIRE_TAKEN_LEN	28
#define HA_WIRE_TAKEN_MAX	(0xffff / HA_WIRE_TAKEN_LEN)	/* per record */

struct ha_wire_taken {
	struct ha_ref ref;
	u16 owner_epoch;
	u32 check;		/* low 32 bits of the new record's digest */
	u64 oseq, seq;		/* SAs: the counters it starts from; else 0 */
};

struct ha_wire_alive {
	u64 last_seq;		/* sender's last datagram number */
	u32 count;		/* objects the sender owns */
	u64 digest;		/* order-independent summary of them */
};

struct ha_wire_nack {
	u16 node;		/* whose datagrams are missing */
	u64 from, to;		/* inclusive range */
};

/*
 * What a node says of itself (with each ALIVE). spi_min..spi_max is its
 * share of the SPI space; 0..0 when it has none.
 */
struct ha_wire_node_info {
	u32 spi_min, spi_max;
	u32 sync_packets;	/* the sender's counter threshold; 0: not sent */
};

struct ha_wire_bulk {
	u16 node;		/* BULK_REQ: asked of (0: all); BULK_END: sent to */
	u32 count;		/* BULK_END: objects sent */
	/*
	 * BULK_END: the requester's datagram that carried the BULK_REQ it
	 * answers (0: none, a bulk sent at the sender's start); has_req is
	 * false for an older node's BULK_END, which has no such field.
	 */
	bool has_req;
	u64 req;
};

/* Reading the records of a decrypted payload. */
struct ha_wire_iter {
	const u8 *p;
	size_t left;
};

struct ha_wire_rec {
	u8 type;
	u16 len;
	const u8 *val;
};

/* Writing records into a buffer of fixed capacity. */
struct ha_wire_buf {
	u8 *p;
	size_t len, cap;
};

int ha_wire_hdr_get(const u8 *buf, size_t len, struct ha_wire_hdr *h);
void ha_wire_hdr_put(u8 *buf, const struct ha_wire_hdr *h);
void ha_wire_nonce(const struct ha_wire_hdr *h, u8 nonce[HA_WIRE_NONCE_LEN]);

void ha_wire_iter_init(struct ha_wire_iter *it, const u8 *buf, size_t len);
int ha_wire_next(struct ha_wire_iter *it, struct ha_wire_rec *rec);

/*
 * Writers: -ENOSPC, with nothing written, when the record does not fit;
 * -EINVAL for an object a decoder would refuse (lengths or counts above
 * their bounds, unknown family or algorithm id...), and then the *_len()
 * functions return 0. Decoders: -EINVAL for a record of another type,
 * -EBADMSG for a malformed one; they clear their output first.
 */
void ha_wire_buf_init(struct ha_wire_buf *b, u8 *p, size_t cap);
size_t ha_wire_sa_len(const struct ha_wire_sa *sa);
int ha_wire_put_sa(struct ha_wire_buf *b, const struct ha_wire_sa *sa);
int ha_wire_get_sa(const struct ha_wire_rec *rec, struct ha_wire_sa *sa);
size_t ha_wire_policy_len(const struct ha_wire_policy *pol);
int ha_wire_put_policy(struct ha_wire_buf *b, const struct ha_wire_policy *pol);
int ha_wire_get_policy(const struct ha_wire_rec *rec, struct ha_wire_policy *pol);
size_t ha_wire_ike_len(const struct ha_wire_ike *ike);
int ha_wire_put_ike(struct ha_wire_buf *b, const struct ha_wire_ike *ike);
int ha_wire_get_ike(const struct ha_wire_rec *rec, struct ha_wire_ike *ike);
int ha_wire_put_del(struct ha_wire_buf *b, u8 type, const struct ha_ref *ref);
int ha_wire_get_del(const struct ha_wire_rec *rec, struct ha_ref *ref);
int ha_wire_put_ike_del(struct ha_wire_buf *b, u64 spi_i, u64 spi_r);
int ha_wire_get_ike_del(const struct ha_wire_rec *rec, u64 *spi_i, u64 *spi_r);
int ha_wire_put_ctrs(struct ha_wire_buf *b, const struct ha_wire_ctr *c, unsigned int n);
unsigned int ha_wire_ctrs_count(const struct ha_wire_rec *rec);
int ha_wire_get_ctr(const struct ha_wire_rec *rec, unsigned int i, struct ha_wire_ctr *c);
int ha_wire_put_taken(struct ha_wire_buf *b, const struct ha_wire_taken *t, unsigned int n);
unsigned int ha_wire_taken_count(const struct ha_wire_rec *rec);
int ha_wire_get_taken(const struct ha_wire_rec *rec, unsigned int i, struct ha_wire_taken *t);
int ha_wire_put_alive(struct ha_wire_buf *b, const struct ha_wire_alive *a);
int ha_wire_get_alive(const struct ha_wire_rec *rec, struct ha_wire_alive *a);
int ha_wire_put_nack(struct ha_wire_buf *b, const struct ha_wire_nack *n);
int ha_wire_get_nack(const struct ha_wire_rec *rec, struct ha_wire_nack *n);
int ha_wire_put_bulk(struct ha_wire_buf *b, u8 type, const struct ha_wire_bulk *bk);
int ha_wire_get_bulk(const struct ha_wire_rec *rec, struct ha_wire_bulk *bk);
int ha_wire_put_node_info(struct ha_wire_buf *b, const struct ha_wire_node_info *ni);
int ha_wire_get_node_info(const struct ha_wire_rec *rec, struct ha_wire_node_info *ni);

u8 ha_alg_id(enum ha_alg_kind kind, const char *name);
const char *ha_alg_name(enum ha_alg_kind kind, u8 id);

#endif /* _IPSEC_HA_WIRE_H */
