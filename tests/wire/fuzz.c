// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the wire codec: the input is tried as a datagram
 * header and as a run of records; every record is decoded as every record
 * type, and whatever decodes is encoded again, decoded again and compared;
 * a decoded SA or policy also goes through the semantic checks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "wire_check.h"

static union wire_obj o1, o2;
static u8 b1[WIRE_REC_BUF], b2[WIRE_REC_BUF];

static void check(int cond, const char *what, u8 type)
{
	if (!cond) {
		fprintf(stderr, "round trip failed: %s (type 0x%02x)\n", what, type);
		abort();
	}
}

static void round_trip(const struct ha_wire_rec *rec)
{
	struct ha_wire_buf wb1, wb2;
	struct ha_wire_iter it;
	struct ha_wire_rec r1, r2;
	size_t n = wire_obj_size(rec->type);
	int ret;

	ret = wire_decode(rec, &o1);
	if (ret)
		return;
	if (rec->type == HA_REC_SA)
		check(ha_check_sa(&o1.sa, NULL) < HA_CHECKS, "check", rec->type);
	if (rec->type == HA_REC_POLICY)
		check(ha_check_policy(&o1.pol, NULL) < HA_CHECKS, "check", rec->type);
	/* an empty array decodes, but nobody sends one: put_* want n >= 1 */
	if (wire_entry_len(rec->type) && rec->len < wire_entry_len(rec->type))
		return;
	ha_wire_buf_init(&wb1, b1, sizeof(b1));
	check(!wire_encode(&wb1, rec->type, &o1, rec), "encode", rec->type);
	if (rec->type == HA_REC_SA)
		check(wb1.len == ha_wire_sa_len(&o1.sa), "sa_len", rec->type);
	if (rec->type == HA_REC_POLICY)
		check(wb1.len == ha_wire_policy_len(&o1.pol), "policy_len", rec->type);
	if (rec->type == HA_REC_IKE)
		check(wb1.len == ha_wire_ike_len(&o1.ike), "ike_len", rec->type);
	ha_wire_iter_init(&it, b1, wb1.len);
	check(ha_wire_next(&it, &r1) == 1 && r1.type == rec->type, "frame", rec->type);
	check(ha_wire_next(&it, &r2) == 0, "single record", rec->type);
	check(!wire_decode(&r1, &o2), "decode again", rec->type);
	/* An older node's BULK_END names no request; this version's names 0. */
	if (rec->type == HA_REC_BULK_END && !o1.bulk.has_req)
		check(o2.bulk.has_req && !o2.bulk.req && (o2.bulk.has_req = false, true),
		      "BULK_END without a request", rec->type);
	if (n)
		check(!memcmp(&o1, &o2, n), "same object", rec->type);
	else
		check(r1.len == rec->len - rec->len % wire_entry_len(rec->type) &&
		      !memcmp(r1.val, rec->val, r1.len), "same entries", rec->type);
	ha_wire_buf_init(&wb2, b2, sizeof(b2));
	check(!wire_encode(&wb2, r1.type, &o2, &r1), "encode again", rec->type);
	check(wb1.len == wb2.len && !memcmp(b1, b2, wb1.len), "same bytes", rec->type);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct ha_wire_hdr h;
	struct ha_wire_iter it;
	struct ha_wire_rec rec, forced;
	u8 nonce[HA_WIRE_NONCE_LEN];
	u8 hb[HA_WIRE_HDR_LEN];
	unsigned int i;

	if (!ha_wire_hdr_get(data, size, &h)) {
		ha_wire_hdr_put(hb, &h);
		check(!memcmp(hb, data, sizeof(hb)), "header", 0);
		ha_wire_nonce(&h, nonce);
		/* salt (header bytes 24..39), then the sequence number (16..23) */
		check(!memcmp(nonce, data + 24, HA_WIRE_SALT_LEN) &&
		      !memcmp(nonce + HA_WIRE_SALT_LEN, data + 16, 8), "nonce", 0);
		/* The payload after the header, as if it had been opened. */
		ha_wire_iter_init(&it, data + HA_WIRE_HDR_LEN,
				  size - HA_WIRE_HDR_LEN - HA_WIRE_TAG_LEN);
		while (ha_wire_next(&it, &rec) > 0)
			round_trip(&rec);
	}

	ha_wire_iter_init(&it, data, size);
	while (ha_wire_next(&it, &rec) > 0) {
		/* a copy of the value alone: exact bounds for ASan */
		u8 *copy = malloc(rec.len ? rec.len : 1);

		memcpy(copy, rec.val, rec.len);
		for (i = 0; i < sizeof(wire_types); i++) {
			forced = rec;
			forced.val = copy;
			forced.type = wire_types[i];
			round_trip(&forced);
		}
		free(copy);
	}
	return 0;
}
