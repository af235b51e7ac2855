// SPDX-License-Identifier: GPL-2.0
/*
 * The sync wire codec's framing (wire.h): the datagram header and nonce,
 * the record iterator and buffer, and what every record family uses to
 * open a record and to read its sub-TLVs (wire_tlv.h). The records are
 * encoded and decoded in wire_sa.c, wire_ike.c and wire_ctl.c.
 *
 * Decoders check every length against the bytes they were given and
 * every count against its bound before they copy anything, and clear
 * their output first. Encoders refuse (-EINVAL) whatever a decoder would
 * refuse, so that anything that decodes encodes again, and they write
 * nothing unless the whole record fits (-ENOSPC).
 */
#include "wire_tlv.h"

static size_t tlv_max(u8 type)
{
	return type < HA_REC_LONG ? 0xff : 0xffff;
}

/* Header and nonce */

int ha_wire_hdr_get(const u8 *buf, size_t len, struct ha_wire_hdr *h)
{
	if (len < HA_WIRE_MIN_LEN)
		return -EBADMSG;
	if (len > HA_WIRE_MAX_LEN)
		return -EMSGSIZE;
	if (buf[0] != HA_WIRE_VERSION)
		return -EPROTONOSUPPORT;
	h->version = buf[0];
	h->flags = buf[1];
	h->node_id = ha_get_be16(buf + 2);
	h->key_id = ha_get_be32(buf + 4);
	h->epoch = ha_get_be64(buf + 8);
	h->seq = ha_get_be64(buf + 16);
	memcpy(h->salt, buf + 24, HA_WIRE_SALT_LEN);
	return 0;
}

void ha_wire_hdr_put(u8 *buf, const struct ha_wire_hdr *h)
{
	u8 *q = buf;

	q = ha_wire_w8(q, h->version);
	q = ha_wire_w8(q, h->flags);
	q = ha_wire_w16(q, h->node_id);
	q = ha_wire_w32(q, h->key_id);
	q = ha_wire_w64(q, h->epoch);
	q = ha_wire_w64(q, h->seq);
	memcpy(q, h->salt, HA_WIRE_SALT_LEN);
}

/*
 * The salt, then the sequence number. XChaCha20 derives a subkey from the
 * nonce's first 16 bytes (HChaCha20), so every datagram is sealed under a
 * key of its own; a repeated (node, epoch, seq), as a rolled-back node
 * sends, repeats no nonce unless its salt repeats too.
 */
void ha_wire_nonce(const struct ha_wire_hdr *h, u8 nonce[HA_WIRE_NONCE_LEN])
{
	memcpy(nonce, h->salt, HA_WIRE_SALT_LEN);
	ha_wire_w64(nonce + HA_WIRE_SALT_LEN, h->seq);
}

/* Records */

void ha_wire_iter_init(struct ha_wire_iter *it, const u8 *buf, size_t len)
{
	it->p = buf;
	it->left = len;
}

int ha_wire_next(struct ha_wire_iter *it, struct ha_wire_rec *rec)
{
	size_t hl, vl;

	if (!it->left)
		return 0;
	hl = ha_wire_tlv_hdr_len(it->p[0]);
	if (it->left < hl)
		goto bad;
	vl = hl == 2 ? it->p[1] : ha_get_be16(it->p + 1);
	if (vl > it->left - hl)
		goto bad;
	rec->type = it->p[0];
	rec->len = vl;
	rec->val = it->p + hl;
	it->p += hl + vl;
	it->left -= hl + vl;
	return 1;
bad:
	it->left = 0;
	return -EBADMSG;
}

void ha_wire_buf_init(struct ha_wire_buf *b, u8 *p, size_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
}

/*
 * Reserve a whole record of @vlen value bytes and write its header;
 * *val is where the value goes. Nothing is written unless it all fits.
 */
int ha_wire_rec_open(struct ha_wire_buf *b, u8 type, size_t vlen, u8 **val)
{
	size_t n = ha_wire_tlv_hdr_len(type) + vlen;

	if (vlen > tlv_max(type))
		return -EINVAL;
	if (b->len > b->cap || n > b->cap - b->len)
		return -ENOSPC;
	*val = ha_wire_tlv_hdr(b->p + b->len, type, vlen);
	b->len += n;
	return 0;
}

/*
 * Sub-TLVs are read with the record iterator: the framing is the same.
 * @seen collects the types met so far, to refuse a repeated one: short
 * types 0x00-0x1f in bits 0-31, long types 0x80-0x9f in bits 32-63.
 */
int ha_wire_sub_next(struct ha_wire_iter *it, struct ha_wire_rec *s, u64 *seen)
{
	u64 bit = 0;
	int ret;

	ret = ha_wire_next(it, s);
	if (ret <= 0)
		return ret;
	if (s->type < 0x20)
		bit = 1ULL << s->type;
	else if (s->type >= HA_REC_LONG && s->type < HA_REC_LONG + 0x20)
		bit = 1ULL << (s->type - HA_REC_LONG + 32);
	if (s->type == HA_SUB_TMPL)
		bit = 0;
	if (*seen & bit)
		return -EBADMSG;
	*seen |= bit;
	return 1;
}
