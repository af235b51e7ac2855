// SPDX-License-Identifier: GPL-2.0
/*
 * IKE records (wire_ike.h): the IKE side of a session, with its nonces,
 * keys, identities, CHILD SA SPIs and the IKE daemon's opaque state as
 * sub-TLVs. The rules of wire.c hold: decoders bound every length before
 * they copy, encoders refuse what decoders refuse.
 */
#include "wire_tlv.h"

#define HA_IKE_CORE	53	/* IKE core without its two addresses */

/* IKE */

static int ike_size(const struct ha_wire_ike *ike)
{
	int n = HA_IKE_CORE + 2 * ha_wire_addr_len(ike->family);
	unsigned int k;

	if (!ha_wire_family_ok(ike->family) || ike->version < 1 || ike->version > 2 ||
	    ike->initiator > 1 || ike->nonce_i_len > HA_WIRE_NONCE_MAX ||
	    ike->nonce_r_len > HA_WIRE_NONCE_MAX ||
	    ike->nr_child > HA_WIRE_CHILD_MAX ||
	    ike->state_len > HA_WIRE_IKE_STATE_MAX)
		return -EINVAL;
	if (ike->nonce_i_len)
		n += 3 + ike->nonce_i_len;
	if (ike->nonce_r_len)
		n += 3 + ike->nonce_r_len;
	for (k = 0; k < HA_IKE_KEYS; k++) {
		if (ike->key_len[k] > HA_WIRE_IKE_KEY_MAX)
			return -EINVAL;
		if (ike->key_len[k])
			n += 2 + ike->key_len[k];
	}
	if (ike->id_i_type || ike->id_i_len)
		n += 3 + 1 + ike->id_i_len;
	if (ike->id_r_type || ike->id_r_len)
		n += 3 + 1 + ike->id_r_len;
	if (ike->nr_child)
		n += 2 + 4 * ike->nr_child;
	if (ike->state_len)
		n += 3 + ike->state_len;
	return n;
}

size_t ha_wire_ike_len(const struct ha_wire_ike *ike)
{
	int n = ike_size(ike);

	return n < 0 ? 0 : ha_wire_tlv_hdr_len(HA_REC_IKE) + n;
}

static u8 *bytes_put(u8 *q, u8 type, const u8 *v, size_t len)
{
	q = ha_wire_tlv_hdr(q, type, len);
	return ha_wire_wmem(q, v, len);
}

static u8 *id_put(u8 *q, u8 type, u8 id_type, const u8 *id, u8 len)
{
	q = ha_wire_tlv_hdr(q, type, 1 + len);
	q = ha_wire_w8(q, id_type);
	return ha_wire_wmem(q, id, len);
}

int ha_wire_put_ike(struct ha_wire_buf *b, const struct ha_wire_ike *ike)
{
	int n = ike_size(ike);
	unsigned int k;
	int ret;
	u8 *q;

	if (n < 0)
		return n;
	ret = ha_wire_rec_open(b, HA_REC_IKE, n, &q);
	if (ret)
		return ret;
	q = ha_wire_w64(q, ike->spi_i);
	q = ha_wire_w64(q, ike->spi_r);
	q = ha_wire_w16(q, ike->owner);
	q = ha_wire_w16(q, ike->owner_epoch);
	q = ha_wire_w8(q, ike->version);
	q = ha_wire_w8(q, ike->initiator);
	q = ha_wire_w8(q, ike->family);
	q = ha_wire_addr_put(q, &ike->local, ike->family);
	q = ha_wire_addr_put(q, &ike->remote, ike->family);
	q = ha_wire_w16(q, ike->local_port);
	q = ha_wire_w16(q, ike->remote_port);
	q = ha_wire_w16(q, ike->encr);
	q = ha_wire_w16(q, ike->encr_keylen);
	q = ha_wire_w16(q, ike->integ);
	q = ha_wire_w16(q, ike->prf);
	q = ha_wire_w16(q, ike->dh_group);
	q = ha_wire_w32(q, ike->extensions);
	q = ha_wire_w32(q, ike->mid_send);
	q = ha_wire_w32(q, ike->mid_recv);
	q = ha_wire_w32(q, ike->takeovers);
	if (ike->nonce_i_len)
		q = bytes_put(q, HA_SUB_NONCE_I, ike->nonce_i, ike->nonce_i_len);
	if (ike->nonce_r_len)
		q = bytes_put(q, HA_SUB_NONCE_R, ike->nonce_r, ike->nonce_r_len);
	for (k = 0; k < HA_IKE_KEYS; k++)
		if (ike->key_len[k])
			q = bytes_put(q, HA_SUB_IKE_KEY + k, ike->keys[k],
				      ike->key_len[k]);
	if (ike->id_i_type || ike->id_i_len)
		q = id_put(q, HA_SUB_ID_I, ike->id_i_type, ike->id_i,
			   ike->id_i_len);
	if (ike->id_r_type || ike->id_r_len)
		q = id_put(q, HA_SUB_ID_R, ike->id_r_type, ike->id_r,
			   ike->id_r_len);
	if (ike->nr_child) {
		q = ha_wire_tlv_hdr(q, HA_SUB_CHILD, 4 * ike->nr_child);
		for (k = 0; k < ike->nr_child; k++)
			q = ha_wire_w32(q, ike->child_spi[k]);
	}
	if (ike->state_len)
		q = bytes_put(q, HA_SUB_IKE_STATE, ike->state, ike->state_len);
	return 0;
}

static int nonce_get(const struct ha_wire_rec *s, u8 *dst, u16 *len)
{
	if (!s->len || s->len > HA_WIRE_NONCE_MAX)
		return -EBADMSG;
	memcpy(dst, s->val, s->len);
	*len = s->len;
	return 0;
}

static int id_get(const struct ha_wire_rec *s, u8 *type, u8 *dst, u8 *len)
{
	if (!s->len || s->len - 1 > HA_WIRE_ID_MAX)
		return -EBADMSG;
	*type = s->val[0];
	*len = s->len - 1;
	memcpy(dst, s->val + 1, *len);
	return 0;
}

static int ike_sub_get(const struct ha_wire_rec *s, struct ha_wire_ike *ike)
{
	unsigned int k;

	if (s->type >= HA_SUB_IKE_KEY && s->type < HA_SUB_IKE_KEY + HA_IKE_KEYS) {
		k = s->type - HA_SUB_IKE_KEY;
		if (!s->len || s->len > HA_WIRE_IKE_KEY_MAX)
			return -EBADMSG;
		memcpy(ike->keys[k], s->val, s->len);
		ike->key_len[k] = s->len;
		return 0;
	}
	switch (s->type) {
	case HA_SUB_NONCE_I:
		return nonce_get(s, ike->nonce_i, &ike->nonce_i_len);
	case HA_SUB_NONCE_R:
		return nonce_get(s, ike->nonce_r, &ike->nonce_r_len);
	case HA_SUB_ID_I:
		return id_get(s, &ike->id_i_type, ike->id_i, &ike->id_i_len);
	case HA_SUB_ID_R:
		return id_get(s, &ike->id_r_type, ike->id_r, &ike->id_r_len);
	case HA_SUB_CHILD:
		if (!s->len || s->len % 4 || s->len / 4 > HA_WIRE_CHILD_MAX)
			return -EBADMSG;
		ike->nr_child = s->len / 4;
		for (k = 0; k < ike->nr_child; k++)
			ike->child_spi[k] = ha_get_be32(s->val + 4 * k);
		return 0;
	case HA_SUB_IKE_STATE:
		if (!s->len || s->len > HA_WIRE_IKE_STATE_MAX)
			return -EBADMSG;
		memcpy(ike->state, s->val, s->len);
		ike->state_len = s->len;
		return 0;
	default:
		return 0;
	}
}

int ha_wire_get_ike(const struct ha_wire_rec *rec, struct ha_wire_ike *ike)
{
	const u8 *p = rec->val;
	struct ha_wire_iter it;
	struct ha_wire_rec s;
	size_t core;
	u64 seen = 0;
	int ret;

	memset(ike, 0, sizeof(*ike));
	if (rec->type != HA_REC_IKE)
		return -EINVAL;
	if (rec->len < 23)
		return -EBADMSG;
	ike->spi_i = ha_get_be64(p);
	ike->spi_r = ha_get_be64(p + 8);
	ike->owner = ha_get_be16(p + 16);
	ike->owner_epoch = ha_get_be16(p + 18);
	ike->version = p[20];
	ike->initiator = p[21];
	ike->family = p[22];
	if (!ha_wire_family_ok(ike->family) || ike->version < 1 || ike->version > 2 ||
	    ike->initiator > 1)
		return -EBADMSG;
	core = HA_IKE_CORE + 2 * ha_wire_addr_len(ike->family);
	if (rec->len < core)
		return -EBADMSG;
	p = ha_wire_addr_get(p + 23, &ike->local, ike->family);
	p = ha_wire_addr_get(p, &ike->remote, ike->family);
	ike->local_port = ha_get_be16(p);
	ike->remote_port = ha_get_be16(p + 2);
	ike->encr = ha_get_be16(p + 4);
	ike->encr_keylen = ha_get_be16(p + 6);
	ike->integ = ha_get_be16(p + 8);
	ike->prf = ha_get_be16(p + 10);
	ike->dh_group = ha_get_be16(p + 12);
	ike->extensions = ha_get_be32(p + 14);
	ike->mid_send = ha_get_be32(p + 18);
	ike->mid_recv = ha_get_be32(p + 22);
	ike->takeovers = ha_get_be32(p + 26);
	ha_wire_iter_init(&it, rec->val + core, rec->len - core);
	while ((ret = ha_wire_sub_next(&it, &s, &seen)) > 0) {
		ret = ike_sub_get(&s, ike);
		if (ret)
			return ret;
	}
	return ret;
}
