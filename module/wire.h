/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sync wire format, version 2 (Documentation/wire-protocol.md).
 *
 * A datagram is a 40-byte header, authenticated but not encrypted, then
 * records sealed with XChaCha20-Poly1305 and a 16-byte tag. Records are
 * type-length framed: types below 0x80 have a one-byte length, the others
 * a two-byte one, so a receiver can skip any type it does not know.
 *
 * This header declares the framing (wire.c): the datagram header, the
 * nonce, the record iterator and the record buffer, with the record and
 * sub-TLV type numbers every family shares. It then includes the headers
 * of the record families, so that its users get the whole codec:
 * wire_sa.h (SA and POLICY), wire_ike.h (IKE) and wire_ctl.h (ALIVE,
 * NACK, BULK_REQ/END, NODE_INFO, deletions, CTRS and TAKEN).
 *
 * The codec's files are shared by the module and userspace (tests and the
 * fuzzer): they use nothing but wire_types.h.
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
	HA_REC_GIVEN		= 0x86,	/* an array of handover entries (a move) */
	HA_REC_MOVE		= 0x87,	/* an array of move requests */
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
	/* 0x1a: kept for IP-TFS parameters */
	HA_SUB_NATT		= 0x1b,	/* SA: NAT keepalive interval, mapping max age */
	HA_SUB_SEC_CTX		= 0x1c,	/* SA: it has a security context (not carried) */
	HA_SUB_BMP		= 0x80,	/* SA */
	HA_SUB_NONCE_I		= 0x81,	/* IKE */
	HA_SUB_NONCE_R		= 0x82,	/* IKE */
	HA_SUB_ID_I		= 0x83,	/* IKE */
	HA_SUB_ID_R		= 0x84,	/* IKE */
	HA_SUB_IKE_STATE	= 0x85,	/* IKE: the IKE daemon's own state */
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

/* The record families; each of their headers includes this one first. */
#include "wire_sa.h"
#include "wire_ike.h"
#include "wire_ctl.h"

#endif /* _IPSEC_HA_WIRE_H */
