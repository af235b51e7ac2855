/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the wire codec share (wire.c, wire_sa.c, wire_ike.c,
 * wire_ctl.c), and nothing else includes: big-endian writers, address and
 * TLV helpers, and opening a record or reading its sub-TLVs. The small
 * helpers are inline so that each encoder compiles as it did in one file.
 */
#ifndef _IPSEC_HA_WIRE_TLV_H
#define _IPSEC_HA_WIRE_TLV_H

#include "wire.h"

/* Small helpers: big-endian writes that return the next position. */

static inline u8 *ha_wire_w8(u8 *q, u8 v)
{
	*q = v;
	return q + 1;
}

static inline u8 *ha_wire_w16(u8 *q, u16 v)
{
	ha_put_be16(q, v);
	return q + 2;
}

static inline u8 *ha_wire_w32(u8 *q, u32 v)
{
	ha_put_be32(q, v);
	return q + 4;
}

static inline u8 *ha_wire_w64(u8 *q, u64 v)
{
	ha_put_be64(q, v);
	return q + 8;
}

static inline u8 *ha_wire_wmem(u8 *q, const void *src, size_t n)
{
	memcpy(q, src, n);
	return q + n;
}

static inline bool ha_wire_family_ok(u8 family)
{
	return family == HA_AF_INET || family == HA_AF_INET6;
}

/* Bytes an address takes on the wire: IPv4 four, anything else sixteen. */
static inline size_t ha_wire_addr_len(u8 family)
{
	return family == HA_AF_INET ? 4 : 16;
}

static inline size_t ha_wire_tlv_hdr_len(u8 type)
{
	return type < HA_REC_LONG ? 2 : 3;
}

static inline u8 *ha_wire_tlv_hdr(u8 *q, u8 type, size_t len)
{
	q = ha_wire_w8(q, type);
	if (type < HA_REC_LONG)
		return ha_wire_w8(q, len);
	return ha_wire_w16(q, len);
}

static inline u8 *ha_wire_addr_put(u8 *q, const struct ha_wire_addr *a, u8 family)
{
	return ha_wire_wmem(q, a->a, ha_wire_addr_len(family));
}

static inline const u8 *ha_wire_addr_get(const u8 *p, struct ha_wire_addr *a, u8 family)
{
	memcpy(a->a, p, ha_wire_addr_len(family));
	return p + ha_wire_addr_len(family);
}

int ha_wire_rec_open(struct ha_wire_buf *b, u8 type, size_t vlen, u8 **val);
int ha_wire_sub_next(struct ha_wire_iter *it, struct ha_wire_rec *s, u64 *seen);

#endif /* _IPSEC_HA_WIRE_TLV_H */
