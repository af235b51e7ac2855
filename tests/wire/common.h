/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the unit tests and the fuzz harness. */
#ifndef _IPSEC_HA_WIRE_TEST_COMMON_H
#define _IPSEC_HA_WIRE_TEST_COMMON_H

#include "wire.h"

/* Decoded objects, kept off the stack: the SA alone is several KiB. */
union wire_obj {
	struct ha_wire_sa sa;
	struct ha_wire_policy pol;
	struct ha_wire_ike ike;
	struct ha_ref ref;
	struct ha_wire_alive alive;
	struct ha_wire_nack nack;
	struct ha_wire_bulk bulk;
	struct ha_wire_node_info info;
	struct ha_wire_ctr ctr;
	struct ha_wire_taken taken;
	struct ha_wire_given given;
	struct ha_wire_move move;
	u64 spi[2];
};

/* Largest record: two-byte length. */
#define WIRE_REC_BUF	(3 + 0xffff)

/*
 * Decode @rec as its type says into @o; 0 if decoded, 1 if the type has
 * no decoder, else the decoder's error. For the arrays, decodes every
 * entry into @o (the last one stays) and returns the first error.
 */
static inline int wire_decode(const struct ha_wire_rec *rec, union wire_obj *o)
{
	unsigned int i, n;
	int ret;

	switch (rec->type) {
	case HA_REC_SA:
		return ha_wire_get_sa(rec, &o->sa);
	case HA_REC_POLICY:
		return ha_wire_get_policy(rec, &o->pol);
	case HA_REC_IKE:
		return ha_wire_get_ike(rec, &o->ike);
	case HA_REC_SA_DEL:
	case HA_REC_POLICY_DEL:
		return ha_wire_get_del(rec, &o->ref);
	case HA_REC_IKE_DEL:
		return ha_wire_get_ike_del(rec, &o->spi[0], &o->spi[1]);
	case HA_REC_ALIVE:
		return ha_wire_get_alive(rec, &o->alive);
	case HA_REC_NACK:
		return ha_wire_get_nack(rec, &o->nack);
	case HA_REC_BULK_REQ:
	case HA_REC_BULK_END:
		return ha_wire_get_bulk(rec, &o->bulk);
	case HA_REC_NODE_INFO:
		return ha_wire_get_node_info(rec, &o->info);
	case HA_REC_CTRS:
		n = ha_wire_ctrs_count(rec);
		if (!n && rec->len)
			return ha_wire_get_ctr(rec, 0, &o->ctr);
		for (i = 0; i < n; i++) {
			ret = ha_wire_get_ctr(rec, i, &o->ctr);
			if (ret)
				return ret;
		}
		return 0;
	case HA_REC_TAKEN:
		n = ha_wire_taken_count(rec);
		if (!n && rec->len)
			return ha_wire_get_taken(rec, 0, &o->taken);
		for (i = 0; i < n; i++) {
			ret = ha_wire_get_taken(rec, i, &o->taken);
			if (ret)
				return ret;
		}
		return 0;
	case HA_REC_GIVEN:
		n = ha_wire_given_count(rec);
		if (!n && rec->len)
			return ha_wire_get_given(rec, 0, &o->given);
		for (i = 0; i < n; i++) {
			ret = ha_wire_get_given(rec, i, &o->given);
			if (ret)
				return ret;
		}
		return 0;
	case HA_REC_MOVE:
		n = ha_wire_move_count(rec);
		if (!n && rec->len)
			return ha_wire_get_move(rec, 0, &o->move);
		for (i = 0; i < n; i++) {
			ret = ha_wire_get_move(rec, i, &o->move);
			if (ret)
				return ret;
		}
		return 0;
	default:
		return 1;
	}
}

/*
 * Encode @o as a record of @type. The arrays re-encode the entries
 * of @src (the decoded record) one by one.
 */
static inline int wire_encode(struct ha_wire_buf *b, u8 type,
			      const union wire_obj *o,
			      const struct ha_wire_rec *src)
{
	static struct ha_wire_ctr c[HA_WIRE_CTRS_MAX];
	static struct ha_wire_taken t[HA_WIRE_TAKEN_MAX];
	static struct ha_wire_given g[HA_WIRE_GIVEN_MAX];
	static struct ha_wire_move m[HA_WIRE_MOVE_MAX];
	unsigned int i, n;

	switch (type) {
	case HA_REC_SA:
		return ha_wire_put_sa(b, &o->sa);
	case HA_REC_POLICY:
		return ha_wire_put_policy(b, &o->pol);
	case HA_REC_IKE:
		return ha_wire_put_ike(b, &o->ike);
	case HA_REC_SA_DEL:
	case HA_REC_POLICY_DEL:
		return ha_wire_put_del(b, type, &o->ref);
	case HA_REC_IKE_DEL:
		return ha_wire_put_ike_del(b, o->spi[0], o->spi[1]);
	case HA_REC_ALIVE:
		return ha_wire_put_alive(b, &o->alive);
	case HA_REC_NACK:
		return ha_wire_put_nack(b, &o->nack);
	case HA_REC_BULK_REQ:
	case HA_REC_BULK_END:
		return ha_wire_put_bulk(b, type, &o->bulk);
	case HA_REC_NODE_INFO:
		return ha_wire_put_node_info(b, &o->info);
	case HA_REC_CTRS:
		n = ha_wire_ctrs_count(src);
		for (i = 0; i < n; i++)
			if (ha_wire_get_ctr(src, i, &c[i]))
				return -EBADMSG;
		return ha_wire_put_ctrs(b, c, n);
	case HA_REC_TAKEN:
		n = ha_wire_taken_count(src);
		for (i = 0; i < n; i++)
			if (ha_wire_get_taken(src, i, &t[i]))
				return -EBADMSG;
		return ha_wire_put_taken(b, t, n);
	case HA_REC_GIVEN:
		n = ha_wire_given_count(src);
		for (i = 0; i < n; i++)
			if (ha_wire_get_given(src, i, &g[i]))
				return -EBADMSG;
		return ha_wire_put_given(b, g, n);
	case HA_REC_MOVE:
		n = ha_wire_move_count(src);
		for (i = 0; i < n; i++)
			if (ha_wire_get_move(src, i, &m[i]))
				return -EBADMSG;
		return ha_wire_put_move(b, m, n);
	default:
		return -EINVAL;
	}
}

/* Bytes of one entry of an array record (CTRS, TAKEN, GIVEN, MOVE); 0 for others. */
static inline size_t wire_entry_len(u8 type)
{
	switch (type) {
	case HA_REC_CTRS:
		return HA_WIRE_CTR_LEN;
	case HA_REC_TAKEN:
		return HA_WIRE_TAKEN_LEN;
	case HA_REC_GIVEN:
		return HA_WIRE_GIVEN_LEN;
	case HA_REC_MOVE:
		return HA_WIRE_MOVE_LEN;
	default:
		return 0;
	}
}

/* Bytes of the decoded object to compare (0: an array record). */
static inline size_t wire_obj_size(u8 type)
{
	switch (type) {
	case HA_REC_SA:
		return sizeof(struct ha_wire_sa);
	case HA_REC_POLICY:
		return sizeof(struct ha_wire_policy);
	case HA_REC_IKE:
		return sizeof(struct ha_wire_ike);
	case HA_REC_SA_DEL:
	case HA_REC_POLICY_DEL:
		return sizeof(struct ha_ref);
	case HA_REC_IKE_DEL:
		return 2 * sizeof(u64);
	case HA_REC_ALIVE:
		return sizeof(struct ha_wire_alive);
	case HA_REC_NACK:
		return sizeof(struct ha_wire_nack);
	case HA_REC_BULK_REQ:
	case HA_REC_BULK_END:
		return sizeof(struct ha_wire_bulk);
	case HA_REC_NODE_INFO:
		return sizeof(struct ha_wire_node_info);
	default:
		return 0;
	}
}

static const u8 wire_types[] = {
	HA_REC_ALIVE, HA_REC_NACK, HA_REC_BULK_REQ, HA_REC_BULK_END,
	HA_REC_NODE_INFO, HA_REC_SA_DEL, HA_REC_POLICY_DEL, HA_REC_IKE_DEL,
	HA_REC_SA, HA_REC_POLICY, HA_REC_IKE, HA_REC_CTRS, HA_REC_TAKEN,
	HA_REC_GIVEN, HA_REC_MOVE,
};

#endif
