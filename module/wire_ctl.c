// SPDX-License-Identifier: GPL-2.0
/*
 * Control records (wire_ctl.h): the fixed-size ALIVE, NACK, BULK_REQ,
 * BULK_END, NODE_INFO and deletion records, and the CTRS, TAKEN, GIVEN and MOVE
 * arrays. The rules of wire.c hold: decoders bound every length before
 * they copy, encoders refuse what decoders refuse.
 */
#include "wire_tlv.h"

#define HA_ALIVE_LEN	20
#define HA_NACK_LEN	18
#define HA_BULK_LEN	6
#define HA_BULK_END_LEN	14	/* with the request it answers */
#define HA_NODE_INFO_LEN 8		/* what every receiver needs */
#define HA_NODE_INFO_LEN_SP 12		/* with sync_packets */
#define HA_DEL_LEN	6
#define HA_IKE_DEL_LEN	16

/* Small fixed records; bytes past the known fields are ignored. */

int ha_wire_put_del(struct ha_wire_buf *b, u8 type, const struct ha_ref *ref)
{
	int ret;
	u8 *q;

	if (type != HA_REC_SA_DEL && type != HA_REC_POLICY_DEL)
		return -EINVAL;
	ret = ha_wire_rec_open(b, type, HA_DEL_LEN, &q);
	if (ret)
		return ret;
	q = ha_wire_w16(q, ref->origin);
	ha_wire_w32(q, ref->id);
	return 0;
}

int ha_wire_get_del(const struct ha_wire_rec *rec, struct ha_ref *ref)
{
	memset(ref, 0, sizeof(*ref));
	if (rec->type != HA_REC_SA_DEL && rec->type != HA_REC_POLICY_DEL)
		return -EINVAL;
	if (rec->len < HA_DEL_LEN)
		return -EBADMSG;
	ref->origin = ha_get_be16(rec->val);
	ref->id = ha_get_be32(rec->val + 2);
	return 0;
}

int ha_wire_put_ike_del(struct ha_wire_buf *b, u64 spi_i, u64 spi_r)
{
	int ret;
	u8 *q;

	ret = ha_wire_rec_open(b, HA_REC_IKE_DEL, HA_IKE_DEL_LEN, &q);
	if (ret)
		return ret;
	q = ha_wire_w64(q, spi_i);
	ha_wire_w64(q, spi_r);
	return 0;
}

int ha_wire_get_ike_del(const struct ha_wire_rec *rec, u64 *spi_i, u64 *spi_r)
{
	*spi_i = 0;
	*spi_r = 0;
	if (rec->type != HA_REC_IKE_DEL)
		return -EINVAL;
	if (rec->len < HA_IKE_DEL_LEN)
		return -EBADMSG;
	*spi_i = ha_get_be64(rec->val);
	*spi_r = ha_get_be64(rec->val + 8);
	return 0;
}

/*
 * Array records (CTRS, TAKEN, GIVEN, MOVE): n entries of elen bytes each, 1 <= n <=
 * max. Opening one reserves it whole, as ha_wire_rec_open() does.
 */
static int array_open(struct ha_wire_buf *b, u8 type, unsigned int n, unsigned int max,
		      size_t elen, u8 **val)
{
	if (!n || n > max)
		return -EINVAL;
	return ha_wire_rec_open(b, type, (size_t)n * elen, val);
}

/* Entries in an array record of that type; 0 if of another or malformed. */
static unsigned int array_count(const struct ha_wire_rec *rec, u8 type, size_t elen)
{
	if (rec->type != type || rec->len % elen)
		return 0;
	return rec->len / elen;
}

/*
 * Entry i of an array record of that type, or NULL with *err: -EINVAL
 * for another type or an index past the end, -EBADMSG for a length that
 * is not a whole number of entries.
 */
static const u8 *array_entry(const struct ha_wire_rec *rec, u8 type, size_t elen,
			     unsigned int i, int *err)
{
	*err = -EINVAL;
	if (rec->type != type)
		return NULL;
	if (rec->len % elen) {
		*err = -EBADMSG;
		return NULL;
	}
	if (i >= rec->len / elen)
		return NULL;
	*err = 0;
	return rec->val + (size_t)i * elen;
}

int ha_wire_put_ctrs(struct ha_wire_buf *b, const struct ha_wire_ctr *c,
		     unsigned int n)
{
	unsigned int i;
	int ret;
	u8 *q;

	ret = array_open(b, HA_REC_CTRS, n, HA_WIRE_CTRS_MAX, HA_WIRE_CTR_LEN, &q);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		u16 e = c[i].owner_epoch & HA_WIRE_CTR_EPOCH_MASK;

		if (c[i].inbound)
			e |= 0x8000;
		q = ha_wire_w16(q, c[i].ref.origin);
		q = ha_wire_w16(q, e);
		q = ha_wire_w32(q, c[i].ref.id);
		q = ha_wire_w64(q, c[i].value);
	}
	return 0;
}

unsigned int ha_wire_ctrs_count(const struct ha_wire_rec *rec)
{
	return array_count(rec, HA_REC_CTRS, HA_WIRE_CTR_LEN);
}

int ha_wire_get_ctr(const struct ha_wire_rec *rec, unsigned int i,
		    struct ha_wire_ctr *c)
{
	const u8 *p;
	int err;
	u16 e;

	memset(c, 0, sizeof(*c));
	p = array_entry(rec, HA_REC_CTRS, HA_WIRE_CTR_LEN, i, &err);
	if (!p)
		return err;
	e = ha_get_be16(p + 2);
	c->ref.origin = ha_get_be16(p);
	c->owner_epoch = e & HA_WIRE_CTR_EPOCH_MASK;
	c->inbound = e >> 15;
	c->ref.id = ha_get_be32(p + 4);
	c->value = ha_get_be64(p + 8);
	return 0;
}

static u8 *taken_w(u8 *q, const struct ha_wire_taken *t)
{
	q = ha_wire_w16(q, t->ref.origin);
	q = ha_wire_w16(q, t->owner_epoch);
	q = ha_wire_w32(q, t->ref.id);
	q = ha_wire_w32(q, t->check);
	q = ha_wire_w64(q, t->oseq);
	return ha_wire_w64(q, t->seq);
}

static void taken_r(const u8 *p, struct ha_wire_taken *t)
{
	t->ref.origin = ha_get_be16(p);
	t->owner_epoch = ha_get_be16(p + 2);
	t->ref.id = ha_get_be32(p + 4);
	t->check = ha_get_be32(p + 8);
	t->oseq = ha_get_be64(p + 12);
	t->seq = ha_get_be64(p + 20);
}

int ha_wire_put_taken(struct ha_wire_buf *b, const struct ha_wire_taken *t,
		      unsigned int n)
{
	unsigned int i;
	int ret;
	u8 *q;

	ret = array_open(b, HA_REC_TAKEN, n, HA_WIRE_TAKEN_MAX, HA_WIRE_TAKEN_LEN, &q);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		q = taken_w(q, &t[i]);
	return 0;
}

unsigned int ha_wire_taken_count(const struct ha_wire_rec *rec)
{
	return array_count(rec, HA_REC_TAKEN, HA_WIRE_TAKEN_LEN);
}

int ha_wire_get_taken(const struct ha_wire_rec *rec, unsigned int i,
		      struct ha_wire_taken *t)
{
	const u8 *p;
	int err;

	memset(t, 0, sizeof(*t));
	p = array_entry(rec, HA_REC_TAKEN, HA_WIRE_TAKEN_LEN, i, &err);
	if (!p)
		return err;
	taken_r(p, t);
	return 0;
}

int ha_wire_put_given(struct ha_wire_buf *b, const struct ha_wire_given *g,
		      unsigned int n)
{
	unsigned int i;
	int ret;
	u8 *q;

	ret = array_open(b, HA_REC_GIVEN, n, HA_WIRE_GIVEN_MAX, HA_WIRE_GIVEN_LEN, &q);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		q = taken_w(q, &g[i].e);
		q = ha_wire_w16(q, g[i].to);
	}
	return 0;
}

unsigned int ha_wire_given_count(const struct ha_wire_rec *rec)
{
	return array_count(rec, HA_REC_GIVEN, HA_WIRE_GIVEN_LEN);
}

int ha_wire_get_given(const struct ha_wire_rec *rec, unsigned int i,
		      struct ha_wire_given *g)
{
	const u8 *p;
	int err;

	memset(g, 0, sizeof(*g));
	p = array_entry(rec, HA_REC_GIVEN, HA_WIRE_GIVEN_LEN, i, &err);
	if (!p)
		return err;
	taken_r(p, &g->e);
	g->to = ha_get_be16(p + HA_WIRE_TAKEN_LEN);
	return 0;
}

int ha_wire_put_move(struct ha_wire_buf *b, const struct ha_wire_move *m,
		     unsigned int n)
{
	unsigned int i;
	int ret;
	u8 *q;

	ret = array_open(b, HA_REC_MOVE, n, HA_WIRE_MOVE_MAX, HA_WIRE_MOVE_LEN, &q);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		q = ha_wire_w16(q, m[i].ref.origin);
		q = ha_wire_w16(q, m[i].owner_epoch);
		q = ha_wire_w32(q, m[i].ref.id);
		q = ha_wire_w16(q, m[i].to);
	}
	return 0;
}

unsigned int ha_wire_move_count(const struct ha_wire_rec *rec)
{
	return array_count(rec, HA_REC_MOVE, HA_WIRE_MOVE_LEN);
}

int ha_wire_get_move(const struct ha_wire_rec *rec, unsigned int i,
		     struct ha_wire_move *m)
{
	const u8 *p;
	int err;

	memset(m, 0, sizeof(*m));
	p = array_entry(rec, HA_REC_MOVE, HA_WIRE_MOVE_LEN, i, &err);
	if (!p)
		return err;
	m->ref.origin = ha_get_be16(p);
	m->owner_epoch = ha_get_be16(p + 2);
	m->ref.id = ha_get_be32(p + 4);
	m->to = ha_get_be16(p + 8);
	return 0;
}

int ha_wire_put_alive(struct ha_wire_buf *b, const struct ha_wire_alive *a)
{
	int ret;
	u8 *q;

	ret = ha_wire_rec_open(b, HA_REC_ALIVE, HA_ALIVE_LEN, &q);
	if (ret)
		return ret;
	q = ha_wire_w64(q, a->last_seq);
	q = ha_wire_w32(q, a->count);
	ha_wire_w64(q, a->digest);
	return 0;
}

int ha_wire_get_alive(const struct ha_wire_rec *rec, struct ha_wire_alive *a)
{
	memset(a, 0, sizeof(*a));
	if (rec->type != HA_REC_ALIVE)
		return -EINVAL;
	if (rec->len < HA_ALIVE_LEN)
		return -EBADMSG;
	a->last_seq = ha_get_be64(rec->val);
	a->count = ha_get_be32(rec->val + 8);
	a->digest = ha_get_be64(rec->val + 12);
	return 0;
}

int ha_wire_put_nack(struct ha_wire_buf *b, const struct ha_wire_nack *n)
{
	int ret;
	u8 *q;

	if (n->from > n->to)
		return -EINVAL;
	ret = ha_wire_rec_open(b, HA_REC_NACK, HA_NACK_LEN, &q);
	if (ret)
		return ret;
	q = ha_wire_w16(q, n->node);
	q = ha_wire_w64(q, n->from);
	ha_wire_w64(q, n->to);
	return 0;
}

int ha_wire_get_nack(const struct ha_wire_rec *rec, struct ha_wire_nack *n)
{
	memset(n, 0, sizeof(*n));
	if (rec->type != HA_REC_NACK)
		return -EINVAL;
	if (rec->len < HA_NACK_LEN)
		return -EBADMSG;
	n->node = ha_get_be16(rec->val);
	n->from = ha_get_be64(rec->val + 2);
	n->to = ha_get_be64(rec->val + 10);
	if (n->from > n->to)
		return -EBADMSG;
	return 0;
}

int ha_wire_put_bulk(struct ha_wire_buf *b, u8 type, const struct ha_wire_bulk *bk)
{
	int ret;
	u8 *q;

	if (type != HA_REC_BULK_REQ && type != HA_REC_BULK_END)
		return -EINVAL;
	ret = ha_wire_rec_open(b, type,
			       type == HA_REC_BULK_END ? HA_BULK_END_LEN : HA_BULK_LEN, &q);
	if (ret)
		return ret;
	q = ha_wire_w16(q, bk->node);
	q = ha_wire_w32(q, bk->count);
	if (type == HA_REC_BULK_END)
		ha_wire_w64(q, bk->req);
	return 0;
}

int ha_wire_get_bulk(const struct ha_wire_rec *rec, struct ha_wire_bulk *bk)
{
	memset(bk, 0, sizeof(*bk));
	if (rec->type != HA_REC_BULK_REQ && rec->type != HA_REC_BULK_END)
		return -EINVAL;
	if (rec->len < HA_BULK_LEN)
		return -EBADMSG;
	bk->node = ha_get_be16(rec->val);
	bk->count = ha_get_be32(rec->val + 2);
	/* A BULK_END of an older node (6 bytes) names no request. */
	if (rec->type == HA_REC_BULK_END && rec->len > HA_BULK_LEN) {
		if (rec->len < HA_BULK_END_LEN)
			return -EBADMSG;
		bk->has_req = true;
		bk->req = ha_get_be64(rec->val + 6);
	}
	return 0;
}

int ha_wire_put_node_info(struct ha_wire_buf *b, const struct ha_wire_node_info *ni)
{
	int ret;
	u8 *q;

	if (ni->spi_min > ni->spi_max)
		return -EINVAL;
	ret = ha_wire_rec_open(b, HA_REC_NODE_INFO, HA_NODE_INFO_LEN_SP, &q);
	if (ret)
		return ret;
	q = ha_wire_w32(q, ni->spi_min);
	q = ha_wire_w32(q, ni->spi_max);
	ha_wire_w32(q, ni->sync_packets);
	return 0;
}

int ha_wire_get_node_info(const struct ha_wire_rec *rec, struct ha_wire_node_info *ni)
{
	memset(ni, 0, sizeof(*ni));
	if (rec->type != HA_REC_NODE_INFO)
		return -EINVAL;
	/* The threshold is whole or absent (an older sender's record). */
	if (rec->len < HA_NODE_INFO_LEN ||
	    (rec->len > HA_NODE_INFO_LEN && rec->len < HA_NODE_INFO_LEN_SP))
		return -EBADMSG;
	ni->spi_min = ha_get_be32(rec->val);
	ni->spi_max = ha_get_be32(rec->val + 4);
	/* Older senders stop after the range: their threshold is unknown. */
	if (rec->len >= HA_NODE_INFO_LEN_SP)
		ni->sync_packets = ha_get_be32(rec->val + 8);
	if (ni->spi_min > ni->spi_max) {
		memset(ni, 0, sizeof(*ni));
		return -EBADMSG;
	}
	return 0;
}
