// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the wire codec (module/wire.c) and of the semantic checks
 * of SA and POLICY records (module/wire_check.c), TAP output.
 *
 *   ./unit                     run the tests
 *   ./unit --write-corpus DIR  write a seed corpus for the fuzzer
 *   ./unit --example           print the worked example of the protocol doc
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common.h"
#include "margin.h"
#include "wire_check.h"

static unsigned int tests, failed;
static char corpus_dir[512];
static unsigned int corpus_n;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failed++;
	printf("%s %u - ", cond ? "ok" : "not ok", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void corpus(const u8 *p, size_t len)
{
	char path[600];
	FILE *f;

	if (!corpus_dir[0])
		return;
	snprintf(path, sizeof(path), "%s/seed-%04u", corpus_dir, corpus_n++);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

/* xorshift64*: deterministic field values */
static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void rnd_fill(void *p, size_t n)
{
	u8 *b = p;

	while (n--)
		*b++ = rnd() | 1;
}

static void rnd_addr(struct ha_wire_addr *a, u8 family)
{
	memset(a, 0, sizeof(*a));
	rnd_fill(a->a, family == HA_AF_INET ? 4 : 16);
}

static union wire_obj in, out;

static int all_zero_test(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}
static u8 buf[WIRE_REC_BUF], buf2[WIRE_REC_BUF];

/*
 * In-place patches (ha_wire_patch): for every SA and POLICY record the
 * round trips encode, the patched record must be byte for byte what
 * decoding it, changing the fields and encoding it again gives.
 */
static union wire_obj pobj;
static u8 pbuf[WIRE_REC_BUF], pref[WIRE_REC_BUF];

/* The record decoded, changed as @p says, and encoded into pref. */
static int patch_reference(const u8 *rec, size_t len, const struct ha_wire_patch *p)
{
	struct ha_wire_iter it;
	struct ha_wire_rec r;
	struct ha_wire_buf b;

	ha_wire_iter_init(&it, rec, len);
	if (ha_wire_next(&it, &r) != 1 || wire_decode(&r, &pobj))
		return -1;
	ha_wire_buf_init(&b, pref, sizeof(pref));
	if (r.type == HA_REC_SA) {
		if (p->set & HA_PATCH_REF)
			pobj.sa.ref = p->ref;
		if (p->set & HA_PATCH_OWNER) {
			pobj.sa.owner = p->owner;
			pobj.sa.owner_epoch = p->owner_epoch;
		}
		if (p->set & HA_PATCH_CTRS) {
			pobj.sa.oseq = p->oseq;
			pobj.sa.seq = p->seq;
		}
		return ha_wire_put_sa(&b, &pobj.sa) ? -1 : (int)b.len;
	}
	if (p->set & HA_PATCH_REF)
		pobj.pol.ref = p->ref;
	if (p->set & HA_PATCH_OWNER) {
		pobj.pol.owner = p->owner;
		pobj.pol.owner_epoch = p->owner_epoch;
	}
	return ha_wire_put_policy(&b, &pobj.pol) ? -1 : (int)b.len;
}

/* One patch of @rec: 1 if it matches the reference in every respect. */
static int patch_one(const u8 *rec, size_t len, const struct ha_wire_patch *p)
{
	struct ha_wire_patch got;
	int want = patch_reference(rec, len, p);
	int n = ha_wire_patch_len(rec, len, p);
	int m;

	if (want < 0 || n != want)
		return 0;
	if (ha_wire_patch(pbuf, n - 1, rec, len, p) != -ENOSPC)
		return 0;
	m = ha_wire_patch(pbuf, sizeof(pbuf), rec, len, p);
	if (m != n || memcmp(pbuf, pref, n) || ha_wire_patch_get(pbuf, n, &got))
		return 0;
	if ((p->set & HA_PATCH_REF) && memcmp(&got.ref, &p->ref, sizeof(p->ref)))
		return 0;
	if ((p->set & HA_PATCH_OWNER) &&
	    (got.owner != p->owner || got.owner_epoch != p->owner_epoch))
		return 0;
	if ((p->set & HA_PATCH_CTRS) && (got.oseq != p->oseq || got.seq != p->seq))
		return 0;
	return 1;
}

/* What ha_wire_patch_get() reads agrees with the decoder. */
static int patch_get_agrees(const u8 *rec, size_t len, u8 type)
{
	struct ha_wire_patch got;
	struct ha_wire_iter it;
	struct ha_wire_rec r;

	ha_wire_iter_init(&it, rec, len);
	if (ha_wire_next(&it, &r) != 1 || wire_decode(&r, &pobj) ||
	    ha_wire_patch_get(rec, len, &got) || got.set)
		return 0;
	if (type == HA_REC_SA)
		return !memcmp(&got.ref, &pobj.sa.ref, sizeof(got.ref)) &&
		       got.owner == pobj.sa.owner && got.owner_epoch == pobj.sa.owner_epoch &&
		       got.oseq == pobj.sa.oseq && got.seq == pobj.sa.seq;
	return !memcmp(&got.ref, &pobj.pol.ref, sizeof(got.ref)) &&
	       got.owner == pobj.pol.owner && got.owner_epoch == pobj.pol.owner_epoch &&
	       !got.oseq && !got.seq;
}

static void patch_check(const u8 *rec, size_t len, u8 type, const char *what)
{
	static const u8 sets[] = {
		HA_PATCH_REF, HA_PATCH_OWNER, HA_PATCH_CTRS,
		HA_PATCH_OWNER | HA_PATCH_CTRS, HA_PATCH_REF | HA_PATCH_OWNER | HA_PATCH_CTRS,
	};
	size_t cuts[] = { 0, 1, 2, 3, 14, len / 2, len - 1 };
	struct ha_wire_patch p;
	unsigned int i;
	int good = patch_get_agrees(rec, len, type);
	u8 *longer;

	for (i = 0; i < sizeof(sets); i++) {
		memset(&p, 0, sizeof(p));
		p.set = sets[i];
		if (type == HA_REC_POLICY)
			p.set &= ~HA_PATCH_CTRS;
		p.ref.origin = rnd();
		p.ref.id = rnd();
		p.owner = rnd() | 1;
		p.owner_epoch = i == 1 ? 0 : rnd();
		p.oseq = i == 2 ? ~0ULL : rnd();
		p.seq = rnd();
		good &= patch_one(rec, len, &p);
	}
	/* Cut short, or followed by a byte more, it is no record: refused. */
	p.set = HA_PATCH_REF | HA_PATCH_OWNER;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		u8 *cut = malloc(cuts[i] + 1);	/* exact size: ASan sees overreads */

		memcpy(cut, rec, cuts[i]);
		good &= cuts[i] >= len || ha_wire_patch(pbuf, sizeof(pbuf), cut, cuts[i], &p) < 0;
		free(cut);
	}
	longer = malloc(len + 1);
	memcpy(longer, rec, len);
	longer[len] = 0;
	good &= ha_wire_patch(pbuf, sizeof(pbuf), longer, len + 1, &p) == -EBADMSG;
	free(longer);
	ok(good, "%s: patched in place == decoded, changed, encoded; cut records refused", what);
}

/* Encode @o as @type, decode it, compare; returns the record length. */
static size_t round_trip(u8 type, const union wire_obj *o, const char *what)
{
	struct ha_wire_buf b;
	struct ha_wire_iter it;
	struct ha_wire_rec rec;
	size_t n = wire_obj_size(type);
	int ret;

	ha_wire_buf_init(&b, buf, sizeof(buf));
	switch (type) {
	case HA_REC_SA:
		ret = ha_wire_put_sa(&b, &o->sa);
		break;
	case HA_REC_POLICY:
		ret = ha_wire_put_policy(&b, &o->pol);
		break;
	case HA_REC_IKE:
		ret = ha_wire_put_ike(&b, &o->ike);
		break;
	default:
		ret = wire_encode(&b, type, o, NULL);
		break;
	}
	if (ret) {
		ok(0, "%s: encode returned %d", what, ret);
		return 0;
	}
	ha_wire_iter_init(&it, buf, b.len);
	ret = ha_wire_next(&it, &rec);
	if (ret != 1 || rec.type != type || ha_wire_next(&it, &rec) != 0) {
		ok(0, "%s: framing", what);
		return 0;
	}
	ha_wire_iter_init(&it, buf, b.len);
	ha_wire_next(&it, &rec);
	ret = wire_decode(&rec, &out);
	if (!ret && memcmp(o, &out, n)) {
		const u8 *x = (const u8 *)o, *y = (const u8 *)&out;
		size_t i = 0;

		while (x[i] == y[i])
			i++;
		printf("# first difference at byte %zu: %02x != %02x\n", i, x[i], y[i]);
	}
	if (ret)
		printf("# decode returned %d\n", ret);
	ok(!ret && !memcmp(o, &out, n), "%s: round trip (%zu bytes)", what, b.len);
	corpus(buf, b.len);
	if (!ret && (type == HA_REC_SA || type == HA_REC_POLICY))
		patch_check(buf, b.len, type, what);
	return b.len;
}

/* Builders: every struct starts zeroed, as the decoder leaves it. */

static void lft_inf(struct ha_wire_lft_cfg *l)
{
	memset(l, 0xff, sizeof(*l));
}

static void sa_base(struct ha_wire_sa *sa, u8 family)
{
	memset(sa, 0, sizeof(*sa));
	lft_inf(&sa->lft);
	sa->ref.origin = 1;
	sa->ref.id = 0x1234;
	sa->owner = 1;
	sa->owner_epoch = 3;
	sa->family = family;
	sa->proto = 50;
	sa->mode = 1;
	sa->dir = HA_DIR_OUT;
	rnd_addr(&sa->daddr, family);
	rnd_addr(&sa->saddr, family);
	sa->spi = 0xc0ffee01;
	sa->reqid = 7;
	sa->replay_window = 32;
	sa->oseq = 1000;
	sa->add_time = 1700000000;
}

static void alg_set(struct ha_wire_alg *a, enum ha_alg_kind kind,
		    const char *name, unsigned int key_len, unsigned int icv)
{
	memset(a, 0, sizeof(*a));
	a->id = ha_alg_id(kind, name);
	if (a->id == HA_ALG_OTHER)
		strcpy(a->name, name);
	a->key_len = key_len;
	a->icv_len = icv;
	rnd_fill(a->key, key_len);
}

static void sel_v4(struct ha_wire_sel *s)
{
	memset(s, 0, sizeof(*s));
	s->family = HA_AF_INET;
	memcpy(s->daddr.a, "\x0a\x00\x01\x00", 4);
	memcpy(s->saddr.a, "\x0a\x00\x00\x00", 4);
	s->prefixlen_d = 24;
	s->prefixlen_s = 24;
}

/* The typical SA: IPv4 tunnel, rfc4106(gcm(aes)) 256-bit, selector. */
static void sa_gcm_v4(struct ha_wire_sa *sa)
{
	sa_base(sa, HA_AF_INET);
	memcpy(sa->daddr.a, "\xc0\x00\x02\x02", 4);
	memcpy(sa->saddr.a, "\xc0\x00\x02\x01", 4);
	alg_set(&sa->aead, HA_ALG_AEAD, "rfc4106(gcm(aes))", 36, 128);
	sel_v4(&sa->sel);
}

/* IPv6 ESN, cbc(aes) + hmac(sha256), 128-packet window and bitmap. */
static void sa_esn_v6(struct ha_wire_sa *sa)
{
	unsigned int i;

	sa_base(sa, HA_AF_INET6);
	sa->dir = HA_DIR_IN;
	sa->esn = 1;
	sa->replay_window = 128;
	sa->seq = 0x100000123ULL;
	sa->bmp_len = 4;
	for (i = 0; i < 4; i++)
		sa->bmp[i] = 0xffffffffU >> i;
	alg_set(&sa->ealg, HA_ALG_ENCR, "cbc(aes)", 32, 0);
	alg_set(&sa->aalg, HA_ALG_AUTH, "hmac(sha256)", 32, 128);
	sa->sel.family = HA_AF_INET6;
	rnd_addr(&sa->sel.daddr, HA_AF_INET6);
	rnd_addr(&sa->sel.saddr, HA_AF_INET6);
	sa->sel.prefixlen_d = 64;
	sa->sel.prefixlen_s = 64;
}

/* NAT-T: the typical SA with UDP encapsulation on 4500. */
static void sa_natt(struct ha_wire_sa *sa)
{
	sa_gcm_v4(sa);
	sa->has_encap = 1;
	sa->encap_type = 2;	/* UDP_ENCAP_ESPINUDP */
	sa->encap_sport = 4500;
	sa->encap_dport = 4500;
}

static void pol_base(struct ha_wire_policy *pol, u8 family, unsigned int nt)
{
	unsigned int i;

	memset(pol, 0, sizeof(*pol));
	lft_inf(&pol->lft);
	pol->ref.origin = 2;
	pol->ref.id = 99;
	pol->dir = 1;
	pol->family = family;
	pol->priority = 0x3e8;
	pol->index = 0x1f9;
	if (family == HA_AF_INET) {
		sel_v4(&pol->sel);
	} else {
		pol->sel.family = family;
		rnd_addr(&pol->sel.daddr, family);
		rnd_addr(&pol->sel.saddr, family);
		pol->sel.prefixlen_d = 128;
		pol->sel.prefixlen_s = 48;
	}
	pol->nr_tmpl = nt;
	for (i = 0; i < nt; i++) {
		struct ha_wire_tmpl *t = &pol->tmpl[i];

		t->family = i & 1 ? HA_AF_INET6 : HA_AF_INET;
		rnd_addr(&t->daddr, t->family);
		rnd_addr(&t->saddr, t->family);
		t->spi = rnd();
		t->reqid = i + 1;
		t->aalgos = ~0U;
		t->ealgos = ~0U;
		t->calgos = ~0U;
		t->proto = 50;
		t->mode = 1;
		t->optional = i & 1;
	}
}

static void ike_base(struct ha_wire_ike *ike, u8 family, int full)
{
	unsigned int k;

	memset(ike, 0, sizeof(*ike));
	ike->spi_i = 0x1122334455667788ULL;
	ike->spi_r = 0x99aabbccddeeff00ULL;
	ike->owner = 1;
	ike->owner_epoch = 2;
	ike->version = 2;
	ike->initiator = 1;
	ike->family = family;
	rnd_addr(&ike->local, family);
	rnd_addr(&ike->remote, family);
	ike->local_port = 500;
	ike->remote_port = 4500;
	ike->encr = 20;
	ike->encr_keylen = 256;
	ike->prf = 7;
	ike->dh_group = 31;
	ike->extensions = 5;
	ike->mid_send = 3;
	ike->mid_recv = 4;
	if (!full)
		return;
	ike->nonce_i_len = 32;
	ike->nonce_r_len = HA_WIRE_NONCE_MAX;
	rnd_fill(ike->nonce_i, ike->nonce_i_len);
	rnd_fill(ike->nonce_r, ike->nonce_r_len);
	for (k = 0; k < HA_IKE_KEYS; k++) {
		ike->key_len[k] = k == 0 ? HA_WIRE_IKE_KEY_MAX : 32 + k;
		rnd_fill(ike->keys[k], ike->key_len[k]);
	}
	ike->id_i_type = 2;
	ike->id_i_len = 11;
	memcpy(ike->id_i, "gw.example.", 11);
	ike->id_r_type = 9;
	ike->id_r_len = HA_WIRE_ID_MAX;
	rnd_fill(ike->id_r, HA_WIRE_ID_MAX);
	ike->nr_child = HA_WIRE_CHILD_MAX;
	for (k = 0; k < HA_WIRE_CHILD_MAX; k++)
		ike->child_spi[k] = rnd();
	ike->state_len = HA_WIRE_IKE_STATE_MAX;
	rnd_fill(ike->state, ike->state_len);
}

/* Round trips */

static const char *const alg_names[HA_ALG_KINDS][10] = {
	{ "rfc4106(gcm(aes))", "rfc4309(ccm(aes))",
	  "rfc7539esp(chacha20,poly1305)", "rfc4543(gcm(aes))" },
	{ "cbc(aes)", "rfc3686(ctr(aes))", "cbc(des3_ede)", "cbc(des)",
	  "ecb(cipher_null)", "cbc(cast5)", "cbc(blowfish)", "cbc(serpent)",
	  "cbc(twofish)", "cbc(camellia)" },
	{ "hmac(md5)", "hmac(sha1)", "hmac(sha256)", "hmac(sha384)",
	  "hmac(sha512)", "hmac(rmd160)", "xcbc(aes)", "cmac(aes)",
	  "digest_null" },
	{ "deflate", "lzs", "lzjh" },
};

static size_t size_gcm, size_esn, size_natt;

static void test_sa_round_trips(void)
{
	struct ha_wire_sa *sa = &in.sa;
	unsigned int kind, i, v;
	char what[128];

	sa_gcm_v4(sa);
	size_gcm = round_trip(HA_REC_SA, &in, "SA: IPv4 tunnel rfc4106 256 bit");
	sa_esn_v6(sa);
	size_esn = round_trip(HA_REC_SA, &in, "SA: IPv6 ESN cbc(aes)+hmac(sha256), 128 bitmap");
	sa_natt(sa);
	size_natt = round_trip(HA_REC_SA, &in, "SA: IPv4 NAT-T");
	ok(size_gcm >= 100 && size_gcm <= 130, "typical SA is about 120 bytes (%zu)", size_gcm);
	printf("# sizes: typical %zu, IPv6 ESN+bitmap %zu, NAT-T %zu\n",
	       size_gcm, size_esn, size_natt);

	/* every algorithm of every kind, and OTHER names */
	for (kind = 0; kind < HA_ALG_KINDS; kind++) {
		for (i = 0; i < 10 && alg_names[kind][i]; i++) {
			struct ha_wire_alg *a = kind == HA_ALG_AEAD ? &sa->aead :
				kind == HA_ALG_ENCR ? &sa->ealg :
				kind == HA_ALG_AUTH ? &sa->aalg : &sa->calg;

			sa_base(sa, i & 1 ? HA_AF_INET6 : HA_AF_INET);
			alg_set(a, kind, alg_names[kind][i], (i * 13) % 65, 96 + i);
			ok(a->id == i + 1, "alg %s has id %u", alg_names[kind][i], i + 1);
			snprintf(what, sizeof(what), "SA with %s", alg_names[kind][i]);
			round_trip(HA_REC_SA, &in, what);
		}
		sa_base(sa, HA_AF_INET);
		{
			struct ha_wire_alg *a = kind == HA_ALG_AEAD ? &sa->aead :
				kind == HA_ALG_ENCR ? &sa->ealg :
				kind == HA_ALG_AUTH ? &sa->aalg : &sa->calg;

			alg_set(a, kind, "cbc(sm4)-with-a-name-of-63-bytes-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				HA_WIRE_KEY_MAX, 512);
			ok(a->id == HA_ALG_OTHER && strlen(a->name) == 63, "OTHER id for an unknown name");
			snprintf(what, sizeof(what), "SA with OTHER kind %u, 63-byte name, max key", kind);
			round_trip(HA_REC_SA, &in, what);
		}
	}

	/* all four algorithms at once, lifetimes, marks, everything */
	for (v = 0; v < 2; v++) {
		u8 fam = v ? HA_AF_INET6 : HA_AF_INET;

		sa_base(sa, fam);
		alg_set(&sa->aead, HA_ALG_AEAD, "rfc7539esp(chacha20,poly1305)", 36, 128);
		alg_set(&sa->ealg, HA_ALG_ENCR, "cbc(aes)", 16, 0);
		alg_set(&sa->aalg, HA_ALG_AUTH, "hmac(sha512)", 64, 256);
		alg_set(&sa->calg, HA_ALG_COMP, "deflate", 0, 0);
		sa->lft.soft_byte = 1000000;
		sa->lft.hard_packet = 77;
		sa->lft.soft_add_expires = 0;
		sa->lft.hard_use_expires = 3600;
		sa->curlft.bytes = 123456;
		sa->curlft.packets = 789;
		sa->curlft.add_time = 1700000000;
		sa->curlft.use_time = 1700000100;
		sa->sel.family = fam;
		rnd_addr(&sa->sel.daddr, fam);
		sa->sel.prefixlen_d = v ? 128 : 32;
		sa->sel.proto = 6;
		sa->sel.dport = 443;
		sa->sel.dport_mask = 0xffff;
		sa->sel.ifindex = 3;
		sa->sel.user = 1000;
		sa->has_encap = 1;
		sa->encap_type = 2;
		sa->encap_sport = 4500;
		sa->encap_dport = 1234;
		rnd_addr(&sa->encap_oa, fam);
		sa->mark_v = 5;
		sa->mark_m = 0xff;
		sa->smark_v = 6;
		sa->smark_m = 0xf0;
		sa->if_id = 42;
		sa->tfcpad = 1400;
		sa->extra_flags = 3;
		sa->flags = 0x20;
		sa->esn = 1;
		sa->seq = ~0ULL;
		sa->oseq = ~0ULL - 1;
		snprintf(what, sizeof(what), "SA with every sub-TLV, %s", v ? "IPv6" : "IPv4");
		round_trip(HA_REC_SA, &in, what);
	}

	/* lifetimes: each field alone */
	for (i = 0; i < 8; i++) {
		sa_gcm_v4(sa);
		((u64 *)&sa->lft)[i] = i;
		snprintf(what, sizeof(what), "SA with lifetime field %u only", i);
		round_trip(HA_REC_SA, &in, what);
	}
	sa_gcm_v4(sa);
	memset(&sa->lft, 0, sizeof(sa->lft));
	round_trip(HA_REC_SA, &in, "SA with all lifetime limits 0");

	/* selector tails */
	sa_gcm_v4(sa);
	sa->sel.sport_mask = 1;
	round_trip(HA_REC_SA, &in, "SA selector with ports only");
	sa_gcm_v4(sa);
	sa->sel.user = 1;
	round_trip(HA_REC_SA, &in, "SA selector with user only");
	sa_gcm_v4(sa);
	memset(&sa->sel, 0, sizeof(sa->sel));
	sa->sel.proto = 17;
	round_trip(HA_REC_SA, &in, "SA selector AF_UNSPEC with a protocol");

	/* bitmaps up to the maximum */
	for (v = 1; v <= HA_WIRE_BMP_MAX; v = v < 8 ? v + 1 : v * 2) {
		sa_esn_v6(sa);
		memset(sa->bmp, 0, sizeof(sa->bmp));
		sa->bmp_len = v;
		sa->replay_window = v * 32;
		for (i = 0; i < v; i++)
			sa->bmp[i] = rnd();
		sa->bmp[v - 1] |= 1;
		snprintf(what, sizeof(what), "SA with a %u-word bitmap", v);
		round_trip(HA_REC_SA, &in, what);
	}
	/* random combinations */
	for (v = 0; v < 200; v++) {
		u64 r = rnd();
		u8 fam = r & 1 ? HA_AF_INET6 : HA_AF_INET;

		sa_base(sa, fam);
		sa->dir = (r >> 1) % 3;
		sa->esn = (r >> 3) & 1;
		if (r & 0x10)
			alg_set(&sa->aead, HA_ALG_AEAD, alg_names[0][(r >> 5) % 4], rnd() % 129, rnd());
		if (r & 0x80)
			alg_set(&sa->ealg, HA_ALG_ENCR, alg_names[1][(r >> 8) % 10], rnd() % 129, 0);
		if (r & 0x1000)
			alg_set(&sa->aalg, HA_ALG_AUTH, alg_names[2][(r >> 13) % 9], rnd() % 129, rnd());
		if (r & 0x20000)
			alg_set(&sa->calg, HA_ALG_COMP, alg_names[3][(r >> 18) % 3], 0, 0);
		if (r & 0x400000)
			sa->lft.hard_byte = rnd();
		if (r & 0x800000)
			sa->curlft.packets = rnd();
		if (r & 0x1000000) {
			sa->has_encap = 1;
			sa->encap_sport = rnd();
			rnd_addr(&sa->encap_oa, fam);
		}
		if (r & 0x2000000)
			sa->mark_m = rnd();
		if (r & 0x4000000)
			sa->smark_v = rnd();
		if (r & 0x8000000)
			sa->if_id = rnd();
		if (r & 0x10000000)
			sa->tfcpad = rnd();
		if (r & 0x20000000) {
			sa->bmp_len = 1 + rnd() % HA_WIRE_BMP_MAX;
			sa->bmp[rnd() % sa->bmp_len] = rnd() | 1;
		}
		if (r & 0x40000000)
			sel_v4(&sa->sel);
		sa->oseq = rnd();
		sa->seq = rnd();
		snprintf(what, sizeof(what), "SA random combination %u", v);
		round_trip(HA_REC_SA, &in, what);
	}
}

static void test_other_round_trips(void)
{
	struct ha_wire_ctr c[3];
	struct ha_wire_buf b;
	struct ha_wire_iter it;
	struct ha_wire_rec rec;
	unsigned int i, nt;
	char what[128];
	int ret;

	for (nt = 0; nt <= HA_WIRE_TMPL_MAX; nt++) {
		pol_base(&in.pol, nt & 1 ? HA_AF_INET6 : HA_AF_INET, nt);
		if (nt == 3) {
			in.pol.lft.hard_add_expires = 60;
			in.pol.mark_v = 1;
			in.pol.mark_m = 1;
			in.pol.if_id = 9;
			in.pol.owner = 3;
			in.pol.owner_epoch = 0xfffe;
			in.pol.action = 1;
			in.pol.type = 1;
			in.pol.flags = 1;
			in.pol.dir = 2;
		}
		snprintf(what, sizeof(what), "POLICY %s with %u templates",
			 nt & 1 ? "IPv6" : "IPv4", nt);
		round_trip(HA_REC_POLICY, &in, what);
	}
	pol_base(&in.pol, HA_AF_INET, 1);
	memset(&in.pol.sel, 0, sizeof(in.pol.sel));
	round_trip(HA_REC_POLICY, &in, "POLICY with an empty selector");

	ike_base(&in.ike, HA_AF_INET, 0);
	round_trip(HA_REC_IKE, &in, "IKE IPv4 core only");
	ike_base(&in.ike, HA_AF_INET6, 1);
	round_trip(HA_REC_IKE, &in, "IKE IPv6, max nonce, IDs, keys, 32 children");
	ike_base(&in.ike, HA_AF_INET, 1);
	in.ike.id_r_len = 0;
	memset(in.ike.id_r, 0, sizeof(in.ike.id_r));
	in.ike.nr_child = 1;
	memset(in.ike.child_spi + 1, 0, sizeof(u32) * (HA_WIRE_CHILD_MAX - 1));
	in.ike.key_len[HA_IKE_SK_PI] = 0;
	memset(in.ike.keys[HA_IKE_SK_PI], 0, HA_WIRE_IKE_KEY_MAX);
	in.ike.nonce_i_len = 1;
	memset(in.ike.nonce_i + 1, 0, HA_WIRE_NONCE_MAX - 1);
	in.ike.version = 1;
	in.ike.initiator = 0;
	round_trip(HA_REC_IKE, &in, "IKE IPv4, ID type only, one child, a key absent");

	memset(&in, 0, sizeof(in));
	in.ref.origin = 0xfffe;
	in.ref.id = 0xdeadbeef;
	round_trip(HA_REC_SA_DEL, &in, "SA_DEL");
	round_trip(HA_REC_POLICY_DEL, &in, "POLICY_DEL");
	memset(&in, 0, sizeof(in));
	in.spi[0] = 1;
	in.spi[1] = ~0ULL;
	round_trip(HA_REC_IKE_DEL, &in, "IKE_DEL");
	memset(&in, 0, sizeof(in));
	in.alive.last_seq = 0x0102030405060708ULL;
	in.alive.count = 1000;
	in.alive.digest = 0xfedcba9876543210ULL;
	round_trip(HA_REC_ALIVE, &in, "ALIVE");
	memset(&in, 0, sizeof(in));
	in.nack.node = 3;
	in.nack.from = 10;
	in.nack.to = 10;
	round_trip(HA_REC_NACK, &in, "NACK of one datagram");
	in.nack.to = ~0ULL;
	round_trip(HA_REC_NACK, &in, "NACK of a range");
	memset(&in, 0, sizeof(in));
	in.bulk.node = 0;
	round_trip(HA_REC_BULK_REQ, &in, "BULK_REQ of all");
	in.bulk.node = 4;
	in.bulk.count = 12345;
	in.bulk.has_req = true;
	in.bulk.req = 0x0102030405060708ULL;
	round_trip(HA_REC_BULK_END, &in, "BULK_END naming its request");
	in.bulk.req = 0;
	round_trip(HA_REC_BULK_END, &in, "BULK_END of a start (request 0)");
	{
		/* An older node's BULK_END: 6 bytes, no request. */
		static const u8 old_end[] = { HA_REC_BULK_END, 6, 0, 4, 0, 0, 0x30, 0x39 };
		struct ha_wire_iter oit;
		struct ha_wire_rec orec;
		struct ha_wire_bulk obk;

		ha_wire_iter_init(&oit, old_end, sizeof(old_end));
		ok(ha_wire_next(&oit, &orec) == 1 && !ha_wire_get_bulk(&orec, &obk) &&
		   obk.node == 4 && obk.count == 12345 && !obk.has_req && !obk.req,
		   "an older node's 6-byte BULK_END decodes without a request");
	}
	memset(&in, 0, sizeof(in));
	round_trip(HA_REC_NODE_INFO, &in, "NODE_INFO without an SPI range");
	in.info.spi_min = 0x1000;
	in.info.spi_max = 0x1fff;
	in.info.sync_packets = 4096;
	ok(round_trip(HA_REC_NODE_INFO, &in, "NODE_INFO with an SPI range and a threshold") == 14,
	   "NODE_INFO is 14 bytes");
	in.info.spi_min = 0xffffffffU;
	in.info.spi_max = 0xffffffffU;
	round_trip(HA_REC_NODE_INFO, &in, "NODE_INFO: a range of one SPI");

	/* counters */
	memset(c, 0, sizeof(c));
	for (i = 0; i < 3; i++) {
		c[i].ref.origin = i + 1;
		c[i].ref.id = 0x10000 + i;
		c[i].owner_epoch = i == 2 ? 0x7fff : i;
		c[i].inbound = i & 1;
		c[i].value = ~0ULL - i;
	}
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ret = ha_wire_put_ctrs(&b, c, 3);
	ok(!ret && b.len == 3 + 3 * 16, "CTRS of 3 entries is 3 + 48 bytes");
	ok(!memcmp(buf, "\x84\x00\x30\x00\x01\x00\x00\x00\x01\x00\x00"
		   "\xff\xff\xff\xff\xff\xff\xff\xff", 19),
	   "CTRS entry layout: origin, epoch|inbound, id, value");
	ok(buf[3 + 16 + 2] == 0x80 && buf[3 + 16 + 3] == 0x01, "inbound is the top bit");
	corpus(buf, b.len);
	ha_wire_iter_init(&it, buf, b.len);
	ret = ha_wire_next(&it, &rec);
	ok(ret == 1 && ha_wire_ctrs_count(&rec) == 3, "CTRS count");
	for (i = 0; i < 3; i++) {
		ret = ha_wire_get_ctr(&rec, i, &out.ctr);
		ok(!ret && !memcmp(&out.ctr, &c[i], sizeof(c[i])), "CTRS entry %u round trip", i);
	}
	ok(ha_wire_get_ctr(&rec, 3, &out.ctr) == -EINVAL, "CTRS index past the end");
	c[0].owner_epoch = 0x8005;
	c[0].inbound = 7;
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ha_wire_put_ctrs(&b, c, 1);
	ha_wire_iter_init(&it, buf, b.len);
	ha_wire_next(&it, &rec);
	ha_wire_get_ctr(&rec, 0, &out.ctr);
	ok(out.ctr.owner_epoch == 5 && out.ctr.inbound == 1,
	   "CTRS carries 15 bits of epoch, inbound as 0/1");
	rec.len = 17;
	ok(ha_wire_ctrs_count(&rec) == 0 && ha_wire_get_ctr(&rec, 0, &out.ctr) == -EBADMSG,
	   "CTRS of 17 bytes is malformed");
	rec.len = 15;
	ok(ha_wire_ctrs_count(&rec) == 0 && ha_wire_get_ctr(&rec, 0, &out.ctr) == -EBADMSG,
	   "CTRS of 15 bytes is malformed");
	ok(ha_wire_put_ctrs(&b, c, 0) == -EINVAL, "CTRS of no entry refused");
	ok(ha_wire_put_ctrs(&b, c, HA_WIRE_CTRS_MAX + 1) == -EINVAL,
	   "CTRS of more than %u entries refused", HA_WIRE_CTRS_MAX);
}

static void test_taken(void)
{
	static struct ha_wire_taken t[3];
	struct ha_wire_iter it;
	struct ha_wire_rec rec;
	struct ha_wire_buf b;
	unsigned int i;
	int ret;

	memset(t, 0, sizeof(t));
	for (i = 0; i < 3; i++) {
		t[i].ref.origin = i + 1;
		t[i].ref.id = 0x10000 + i;
		t[i].owner_epoch = i == 2 ? 0xffff : i + 1;
		t[i].check = 0xdeadbeef - i;
		t[i].oseq = ~0ULL - i;
		t[i].seq = (u64)i << 40 | 7;
	}
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ret = ha_wire_put_taken(&b, t, 3);
	ok(!ret && b.len == 3 + 3 * 28, "TAKEN of 3 entries is 3 + 84 bytes");
	ok(!memcmp(buf, "\x85\x00\x54\x00\x01\x00\x01\x00\x01\x00\x00\xde\xad\xbe\xef"
		   "\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x07", 31),
	   "TAKEN entry layout: origin, epoch, id, check, oseq, seq");
	corpus(buf, b.len);
	ha_wire_iter_init(&it, buf, b.len);
	ret = ha_wire_next(&it, &rec);
	ok(ret == 1 && ha_wire_taken_count(&rec) == 3, "TAKEN count");
	for (i = 0; i < 3; i++) {
		ret = ha_wire_get_taken(&rec, i, &out.taken);
		ok(!ret && !memcmp(&out.taken, &t[i], sizeof(t[i])), "TAKEN entry %u round trip", i);
	}
	ok(ha_wire_get_taken(&rec, 3, &out.taken) == -EINVAL, "TAKEN index past the end");
	rec.len = 29;
	ok(ha_wire_taken_count(&rec) == 0 && ha_wire_get_taken(&rec, 0, &out.taken) == -EBADMSG,
	   "TAKEN of 29 bytes is malformed");
	rec.len = 27;
	ok(ha_wire_taken_count(&rec) == 0 && ha_wire_get_taken(&rec, 0, &out.taken) == -EBADMSG,
	   "TAKEN of 27 bytes is malformed");
	rec.type = HA_REC_CTRS;
	rec.len = 28;
	ok(ha_wire_get_taken(&rec, 0, &out.taken) == -EINVAL && !ha_wire_taken_count(&rec),
	   "TAKEN decoder refuses another type");
	ok(ha_wire_put_taken(&b, t, 0) == -EINVAL, "TAKEN of no entry refused");
	ok(ha_wire_put_taken(&b, t, HA_WIRE_TAKEN_MAX + 1) == -EINVAL,
	   "TAKEN of more than %u entries refused", HA_WIRE_TAKEN_MAX);
	ok((1416 - 3) / HA_WIRE_TAKEN_LEN == 50, "50 takeover entries per 1500-byte datagram");
}

static void test_given_move(void)
{
	static struct ha_wire_given g[2];
	static struct ha_wire_move m[2];
	struct ha_wire_iter it;
	struct ha_wire_rec rec;
	struct ha_wire_buf b;
	unsigned int i;
	int ret;

	memset(g, 0, sizeof(g));
	memset(m, 0, sizeof(m));
	for (i = 0; i < 2; i++) {
		g[i].e.ref.origin = i + 1;
		g[i].e.ref.id = 0x10000 + i;
		g[i].e.owner_epoch = i + 1;
		g[i].e.check = 0xdeadbeef - i;
		g[i].e.oseq = ~0ULL - i;
		g[i].e.seq = (u64)i << 40 | 7;
		g[i].to = 0x0203 + i;
		m[i].ref = g[i].e.ref;
		m[i].owner_epoch = 0xfffe + i;
		m[i].to = 3;
	}
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ret = ha_wire_put_given(&b, g, 2);
	ok(!ret && b.len == 3 + 2 * 30, "GIVEN of 2 entries is 3 + 60 bytes");
	ok(!memcmp(buf, "\x86\x00\x3c\x00\x01\x00\x01\x00\x01\x00\x00\xde\xad\xbe\xef"
		   "\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x07\x02\x03", 33),
	   "GIVEN entry layout: a TAKEN entry, then to");
	corpus(buf, b.len);
	ha_wire_iter_init(&it, buf, b.len);
	ret = ha_wire_next(&it, &rec);
	ok(ret == 1 && ha_wire_given_count(&rec) == 2, "GIVEN count");
	for (i = 0; i < 2; i++) {
		ret = ha_wire_get_given(&rec, i, &out.given);
		ok(!ret && !memcmp(&out.given, &g[i], sizeof(g[i])), "GIVEN entry %u round trip", i);
	}
	ok(ha_wire_get_given(&rec, 2, &out.given) == -EINVAL, "GIVEN index past the end");
	rec.len = 29;
	ok(ha_wire_given_count(&rec) == 0 && ha_wire_get_given(&rec, 0, &out.given) == -EBADMSG,
	   "GIVEN of 29 bytes is malformed");
	rec.type = HA_REC_TAKEN;
	rec.len = 30;
	ok(ha_wire_get_given(&rec, 0, &out.given) == -EINVAL && !ha_wire_given_count(&rec),
	   "GIVEN decoder refuses another type");
	ok(ha_wire_put_given(&b, g, 0) == -EINVAL, "GIVEN of no entry refused");
	ok(ha_wire_put_given(&b, g, HA_WIRE_GIVEN_MAX + 1) == -EINVAL,
	   "GIVEN of more than %u entries refused", HA_WIRE_GIVEN_MAX);

	ha_wire_buf_init(&b, buf, sizeof(buf));
	ret = ha_wire_put_move(&b, m, 2);
	ok(!ret && b.len == 3 + 2 * 10, "MOVE of 2 entries is 3 + 20 bytes");
	ok(!memcmp(buf, "\x87\x00\x14\x00\x01\xff\xfe\x00\x01\x00\x00\x00\x03", 13),
	   "MOVE entry layout: origin, epoch, id, to");
	corpus(buf, b.len);
	ha_wire_iter_init(&it, buf, b.len);
	ret = ha_wire_next(&it, &rec);
	ok(ret == 1 && ha_wire_move_count(&rec) == 2, "MOVE count");
	for (i = 0; i < 2; i++) {
		ret = ha_wire_get_move(&rec, i, &out.move);
		ok(!ret && !memcmp(&out.move, &m[i], sizeof(m[i])), "MOVE entry %u round trip", i);
	}
	rec.len = 15;
	ok(ha_wire_move_count(&rec) == 0 && ha_wire_get_move(&rec, 0, &out.move) == -EBADMSG,
	   "MOVE of 15 bytes is malformed");
	ok(ha_wire_put_move(&b, m, 0) == -EINVAL, "MOVE of no entry refused");
}

static void test_capacity(void)
{
	static struct ha_wire_ctr c[HA_WIRE_CTRS_MAX];
	const size_t mtu = 1500, ip = 20, udp = 8;
	size_t room = mtu - ip - udp - HA_WIRE_HDR_LEN - HA_WIRE_TAG_LEN;
	size_t n = (room - 3) / HA_WIRE_CTR_LEN;
	struct ha_wire_buf b;

	ok(room == 1416, "1500-byte MTU leaves %zu bytes of records", room);
	ok(n >= 80, "%zu counter entries per 1500-byte datagram (>= 80)", n);
	ok(n == 88, "exactly 88 entries");
	ha_wire_buf_init(&b, buf, room);
	ok(!ha_wire_put_ctrs(&b, c, n) && b.len == 3 + 16 * n && b.len <= room,
	   "%zu entries fit in one record of %zu bytes", n, b.len);
	ha_wire_buf_init(&b, buf, room);
	ok(ha_wire_put_ctrs(&b, c, n + 1) == -ENOSPC && b.len == 0,
	   "%zu entries do not fit", n + 1);
	ok(52 * 28 <= 1500 - 44 && 52 * 29 > 1500 - 44, "pfsync: 28 TDB records per 1500 bytes");
}

/* Truncation, framing errors */

static u8 *value_copy(const u8 *p, size_t len)
{
	u8 *c = malloc(len ? len : 1);

	memcpy(c, p, len);
	return c;
}

/*
 * Cut an encoded record at every offset: the iterator refuses the
 * framing; and cut the value at every length: the decoder refuses it
 * unless the cut falls on a sub-TLV boundary (SA, POLICY, IKE).
 */
static void truncations(const u8 *rec_bytes, size_t total, const char *what)
{
	struct ha_wire_iter it, sit;
	struct ha_wire_rec rec, r, s;
	size_t cut, hl;
	unsigned int bad = 0;
	static u8 bound[0x10000];
	size_t core = 0;

	for (cut = 0; cut < total; cut++) {
		u8 *c = value_copy(rec_bytes, cut);
		int ret;

		ha_wire_iter_init(&it, c, cut);
		ret = ha_wire_next(&it, &rec);
		if (ret != (cut ? -EBADMSG : 0))
			bad++;
		free(c);
	}
	ok(!bad, "%s: every cut of the framing is -EBADMSG", what);

	ha_wire_iter_init(&it, rec_bytes, total);
	ha_wire_next(&it, &r);
	hl = total - r.len;
	memset(bound, 0, sizeof(bound));
	if (r.type == HA_REC_SA)
		core = 56 + 2 * (r.val[10] == HA_AF_INET ? 4 : 16);
	else if (r.type == HA_REC_POLICY)
		core = 19;
	else if (r.type == HA_REC_IKE)
		core = 53 + 2 * (r.val[22] == HA_AF_INET ? 4 : 16);
	else if (r.type == HA_REC_NODE_INFO)
		bound[8] = 1;	/* an older sender's: the SPI range alone */
	else if (r.type == HA_REC_BULK_END)
		bound[6] = 1;	/* an older sender's: no request named */
	if (core) {
		bound[core] = 1;
		ha_wire_iter_init(&sit, r.val + core, r.len - core);
		while (ha_wire_next(&sit, &s) > 0)
			bound[s.val + s.len - r.val] = 1;
	}
	bad = 0;
	for (cut = 0; cut < r.len; cut++) {
		struct ha_wire_rec t = r;
		int ret;

		t.val = value_copy(r.val, cut);
		t.len = cut;
		ret = wire_decode(&t, &out);
		if (ret != (bound[cut] ? 0 : -EBADMSG)) {
			if (!bad)
				printf("# %s: cut at %zu gives %d\n", what, cut, ret);
			bad++;
		}
		free((void *)t.val);
	}
	ok(!bad, "%s: every cut of the value (%u bytes, header %zu) is refused",
	   what, r.len, hl);
}

static size_t encode_into(u8 *dst, u8 type, const union wire_obj *o)
{
	struct ha_wire_buf b;

	ha_wire_buf_init(&b, dst, WIRE_REC_BUF);
	if (wire_encode(&b, type, o, NULL))
		return 0;
	return b.len;
}

static void test_truncation(void)
{
	static union wire_obj o;
	size_t n;

	sa_gcm_v4(&o.sa);
	n = encode_into(buf2, HA_REC_SA, &o);
	truncations(buf2, n, "SA typical");
	sa_esn_v6(&o.sa);
	n = encode_into(buf2, HA_REC_SA, &o);
	truncations(buf2, n, "SA IPv6 ESN");
	sa_natt(&o.sa);
	alg_set(&o.sa.calg, HA_ALG_COMP, "lzjh-other", 3, 0);
	o.sa.lft.hard_byte = 5;
	o.sa.curlft.bytes = 5;
	o.sa.mark_v = 1;
	o.sa.smark_v = 1;
	o.sa.if_id = 1;
	o.sa.tfcpad = 1;
	o.sa.sel.user = 1;
	n = encode_into(buf2, HA_REC_SA, &o);
	truncations(buf2, n, "SA with every sub-TLV");
	pol_base(&o.pol, HA_AF_INET6, HA_WIRE_TMPL_MAX);
	o.pol.lft.soft_byte = 1;
	o.pol.mark_m = 1;
	o.pol.if_id = 1;
	n = encode_into(buf2, HA_REC_POLICY, &o);
	truncations(buf2, n, "POLICY");
	ike_base(&o.ike, HA_AF_INET6, 1);
	n = encode_into(buf2, HA_REC_IKE, &o);
	truncations(buf2, n, "IKE");
	memset(&o, 0, sizeof(o));
	o.nack.to = 1;
	truncations(buf2, encode_into(buf2, HA_REC_SA_DEL, &o), "SA_DEL");
	truncations(buf2, encode_into(buf2, HA_REC_POLICY_DEL, &o), "POLICY_DEL");
	truncations(buf2, encode_into(buf2, HA_REC_IKE_DEL, &o), "IKE_DEL");
	truncations(buf2, encode_into(buf2, HA_REC_ALIVE, &o), "ALIVE");
	truncations(buf2, encode_into(buf2, HA_REC_NACK, &o), "NACK");
	truncations(buf2, encode_into(buf2, HA_REC_BULK_REQ, &o), "BULK_REQ");
	truncations(buf2, encode_into(buf2, HA_REC_BULK_END, &o), "BULK_END");
	truncations(buf2, encode_into(buf2, HA_REC_NODE_INFO, &o), "NODE_INFO");
	{
		static struct ha_wire_ctr c[4];
		struct ha_wire_buf b;
		struct ha_wire_iter it;
		struct ha_wire_rec rec;
		unsigned int cut, bad = 0;

		ha_wire_buf_init(&b, buf2, sizeof(buf2));
		ha_wire_put_ctrs(&b, c, 4);
		ha_wire_iter_init(&it, buf2, b.len);
		ha_wire_next(&it, &rec);
		for (cut = 0; cut < rec.len; cut++) {
			struct ha_wire_rec t = rec;

			t.len = cut;
			if ((cut % 16 != 0) != (ha_wire_get_ctr(&t, 0, &out.ctr) == -EBADMSG))
				bad++;
			if (cut % 16 && ha_wire_ctrs_count(&t))
				bad++;
		}
		ok(!bad, "CTRS: every cut not on an entry boundary is -EBADMSG");
	}
}

/* Hand-made malformed records */

static u8 mbuf[WIRE_REC_BUF];
static size_t mlen;

/* Start a record from an encoded one: its value bytes, to append to. */
static void m_start(u8 type, const union wire_obj *o)
{
	struct ha_wire_iter it;
	struct ha_wire_rec r;
	size_t n = encode_into(buf2, type, o);

	ha_wire_iter_init(&it, buf2, n);
	ha_wire_next(&it, &r);
	memcpy(mbuf, r.val, r.len);
	mlen = r.len;
}

static void m_add(const void *p, size_t n)
{
	memcpy(mbuf + mlen, p, n);
	mlen += n;
}

static int m_decode(u8 type)
{
	struct ha_wire_rec r = { .type = type, .len = mlen };
	int ret;

	r.val = value_copy(mbuf, mlen);
	ret = wire_decode(&r, &out);
	free((void *)r.val);
	return ret;
}

/* Append one sub-TLV of @len bytes of @fill to a fresh @type record. */
static int bad_sub(u8 type, const union wire_obj *o, u8 st, size_t len, u8 fill)
{
	u8 h[3] = { st };
	static u8 v[0x10000];

	m_start(type, o);
	if (st < 0x80) {
		h[1] = len;
		m_add(h, 2);
	} else {
		h[1] = len >> 8;
		h[2] = len;
		m_add(h, 3);
	}
	memset(v, fill, len);
	m_add(v, len);
	return m_decode(type);
}

/* ha_wire_patch() on mbuf as a record of @type: its return value. */
static int m_patch(u8 type, const struct ha_wire_patch *p)
{
	u8 *rec = malloc(3 + mlen);	/* exact size: ASan sees overreads */
	int ret;

	rec[0] = type;
	rec[1] = mlen >> 8;
	rec[2] = mlen;
	memcpy(rec + 3, mbuf, mlen);
	ret = ha_wire_patch(pbuf, sizeof(pbuf), rec, 3 + mlen, p);
	free(rec);
	return ret;
}

static void test_patch_hostile(void)
{
	struct ha_wire_patch p = { .set = HA_PATCH_OWNER, .owner = 4, .owner_epoch = 9 };
	static u8 pad[0x10000];
	u8 sub[6];

	sa_gcm_v4(&in.sa);
	m_start(HA_REC_SA, &in);
	ok(m_patch(HA_REC_SA, &p) > 0, "patch: a sound SA record patches");
	ok(m_patch(HA_REC_IKE, &p) == -EINVAL, "patch: an IKE record is refused");
	mbuf[10] = 0;
	ok(m_patch(HA_REC_SA, &p) == -EBADMSG, "patch: SA of family 0 refused");
	m_start(HA_REC_SA, &in);
	mlen = 10;
	ok(m_patch(HA_REC_SA, &p) == -EBADMSG, "patch: SA without its family refused");
	mlen = 56 + 8 - 1;
	ok(m_patch(HA_REC_SA, &p) == -EBADMSG, "patch: SA shorter than its core refused");
	m_start(HA_REC_SA, &in);
	p.owner = 0;
	ok(m_patch(HA_REC_SA, &p) == -EINVAL, "patch: owner 0 refused");
	p.owner = 4;
	p.set = 0x80;
	ok(m_patch(HA_REC_SA, &p) == -EINVAL, "patch: unknown fields refused");

	pol_base(&in.pol, HA_AF_INET, 2);
	m_start(HA_REC_POLICY, &in);
	p.set = HA_PATCH_CTRS;
	ok(m_patch(HA_REC_POLICY, &p) == -EINVAL, "patch: counters of a policy refused");
	p.set = HA_PATCH_OWNER;
	ok(m_patch(HA_REC_POLICY, &p) == (int)(3 + mlen + 6),
	   "patch: a policy without OWNER gains one");
	mlen = 18;
	ok(m_patch(HA_REC_POLICY, &p) == -EBADMSG, "patch: policy shorter than its core refused");
	m_start(HA_REC_POLICY, &in);
	sub[0] = HA_SUB_OWNER;
	sub[1] = 4;
	memcpy(sub + 2, "\x00\x01\x00\x02", 4);
	m_add(sub, 6);
	m_add(sub, 6);
	ok(m_patch(HA_REC_POLICY, &p) == -EBADMSG, "patch: policy with two OWNERs refused");
	m_start(HA_REC_POLICY, &in);
	sub[1] = 2;
	m_add(sub, 4);
	ok(m_patch(HA_REC_POLICY, &p) == -EBADMSG, "patch: OWNER of 2 bytes refused");
	m_start(HA_REC_POLICY, &in);
	sub[1] = 40;
	m_add(sub, 6);
	ok(m_patch(HA_REC_POLICY, &p) == -EBADMSG, "patch: a sub-TLV past the record refused");
	/* An unknown long sub-TLV fills the record up to its length's limit. */
	m_start(HA_REC_POLICY, &in);
	sub[0] = 0xc0;
	sub[1] = (0xffff - mlen - 3) >> 8;
	sub[2] = 0xffff - mlen - 3;
	m_add(sub, 3);
	m_add(pad, 0xffff - mlen);
	ok(mlen == 0xffff && m_patch(HA_REC_POLICY, &p) == -EINVAL,
	   "patch: a policy that would outgrow its length field refused");
	p.set = HA_PATCH_REF;
	ok(m_patch(HA_REC_POLICY, &p) == 3 + 0xffff, "patch: ... its ref still patches");
}

static void test_malformed(void)
{
	static union wire_obj sa, pol, ike;
	u8 v[300];
	int ret;

	sa_gcm_v4(&sa.sa);
	memset(&sa.sa.aead, 0, sizeof(sa.sa.aead));
	memset(&sa.sa.sel, 0, sizeof(sa.sa.sel));
	pol_base(&pol.pol, HA_AF_INET, 0);
	memset(&pol.pol.sel, 0, sizeof(pol.pol.sel));
	ike_base(&ike.ike, HA_AF_INET, 0);

	/* unknown sub-TLVs are skipped, short and long */
	ok(!bad_sub(HA_REC_SA, &sa, 0x3f, 5, 1) && !memcmp(&out.sa, &sa.sa, sizeof(sa.sa)),
	   "SA: unknown short sub-TLV skipped");
	ok(!bad_sub(HA_REC_SA, &sa, 0xfe, 300, 1) && !memcmp(&out.sa, &sa.sa, sizeof(sa.sa)),
	   "SA: unknown long sub-TLV skipped");
	ok(!bad_sub(HA_REC_SA, &sa, HA_SUB_TMPL, 33, 2) && !memcmp(&out.sa, &sa.sa, sizeof(sa.sa)),
	   "SA: a POLICY sub-TLV is skipped");
	ok(!bad_sub(HA_REC_POLICY, &pol, 0x7f, 0, 0) &&
	   !memcmp(&out.pol, &pol.pol, sizeof(pol.pol)), "POLICY: unknown sub-TLV skipped");
	ok(!bad_sub(HA_REC_POLICY, &pol, HA_SUB_AEAD, 4, 1) &&
	   !memcmp(&out.pol, &pol.pol, sizeof(pol.pol)), "POLICY: an SA sub-TLV is skipped");
	ok(!bad_sub(HA_REC_IKE, &ike, 0x90, 1000, 0) &&
	   !memcmp(&out.ike, &ike.ike, sizeof(ike.ike)), "IKE: unknown sub-TLV skipped");

	/* sub-TLV runs past the record */
	m_start(HA_REC_SA, &sa);
	m_add("\x01\x10\x01", 3);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: sub-TLV longer than the record");
	m_start(HA_REC_SA, &sa);
	m_add("\x80\x00", 2);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: long sub-TLV header cut");

	/* algorithms */
	memcpy(v, "\x01\x00\x80\x81", 4);	/* GCM, key_len 129 */
	memset(v + 4, 0, 129);
	m_start(HA_REC_SA, &sa);
	m_add("\x01\x85", 2);
	m_add(v, 133);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: key_len 129 > HA_WIRE_KEY_MAX");
	m_start(HA_REC_SA, &sa);
	m_add("\x01\x06\x01\x00\x80\x04\x01\x02", 8);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: key_len past the sub-TLV");
	m_start(HA_REC_SA, &sa);
	m_add("\x01\x04\x07\x00\x80\x00", 6);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: unknown AEAD id");
	m_start(HA_REC_SA, &sa);
	m_add("\x01\x04\x00\x00\x80\x00", 6);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: algorithm id NONE");
	m_start(HA_REC_SA, &sa);
	m_add("\x02\x05\x01\x00\x00\x00x", 7);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: a name after a known id");
	m_start(HA_REC_SA, &sa);
	m_add("\x02\x04\xff\x00\x00\x00", 6);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: OTHER without a name");
	m_start(HA_REC_SA, &sa);
	m_add("\x02\x07\xff\x00\x00\x00" "a\0b", 9);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: OTHER name with a NUL");
	m_start(HA_REC_SA, &sa);
	m_add("\x02\x44\xff\x00\x00\x00", 6);
	memset(v, 'a', 64);
	m_add(v, 64);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: OTHER name of 64 bytes");
	m_start(HA_REC_SA, &sa);
	m_add("\x02\x43\xff\x00\x00\x00", 6);
	m_add(v, 63);
	ret = m_decode(HA_REC_SA);
	ok(!ret && strlen(out.sa.ealg.name) == 63, "SA: OTHER name of 63 bytes");
	m_start(HA_REC_SA, &sa);
	m_add("\x03\x04\x03\x00\x80\x00\x03\x04\x03\x00\x80\x00", 12);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: duplicate AUTH sub-TLV");

	/* bitmap */
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_BMP, 4 * (HA_WIRE_BMP_MAX + 1), 1) == -EBADMSG,
	   "SA: bitmap of %u words", HA_WIRE_BMP_MAX + 1);
	ok(!bad_sub(HA_REC_SA, &sa, HA_SUB_BMP, 4 * HA_WIRE_BMP_MAX, 1) &&
	   out.sa.bmp_len == HA_WIRE_BMP_MAX, "SA: bitmap of %u words", HA_WIRE_BMP_MAX);
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_BMP, 6, 1) == -EBADMSG, "SA: bitmap of 6 bytes");
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_BMP, 0, 1) == -EBADMSG, "SA: empty bitmap");
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_BMP, 8, 0) == -EBADMSG, "SA: all-zero bitmap");

	/* fixed-size sub-TLVs of the wrong size */
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_MARK, 7, 1) == -EBADMSG, "SA: mark of 7 bytes");
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_SMARK, 9, 1) == -EBADMSG, "SA: smark of 9 bytes");
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_IF_ID, 3, 1) == -EBADMSG, "SA: if_id of 3 bytes");
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_TFCPAD, 5, 1) == -EBADMSG, "SA: tfcpad of 5 bytes");
	ok(bad_sub(HA_REC_POLICY, &pol, HA_SUB_OWNER, 2, 1) == -EBADMSG, "POLICY: owner of 2 bytes");
	ok(bad_sub(HA_REC_POLICY, &pol, HA_SUB_OWNER, 4, 0) == -EBADMSG, "POLICY: owner node 0");
	ok(!bad_sub(HA_REC_POLICY, &pol, HA_SUB_OWNER, 4, 1) && out.pol.owner == 0x0101 &&
	   out.pol.owner_epoch == 0x0101, "POLICY: owner and epoch");
	ok(!bad_sub(HA_REC_SA, &sa, HA_SUB_OWNER, 4, 0), "SA: a policy's sub-TLV is skipped");
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_ENCAP, 22, 1) == -EBADMSG,
	   "SA: IPv6-sized encap in an IPv4 SA");
	ok(bad_sub(HA_REC_SA, &sa, HA_SUB_LFT, 0, 1) == -EBADMSG, "SA: empty lifetime");
	m_start(HA_REC_SA, &sa);
	m_add("\x05\x01\x00", 3);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: lifetime mask 0");
	m_start(HA_REC_SA, &sa);
	m_add("\x05\x09\x03\0\0\0\0\0\0\0\0", 11);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: lifetime mask with 2 bits, 1 field");
	m_start(HA_REC_SA, &sa);
	m_add("\x06\x09\x10\0\0\0\0\0\0\0\0", 11);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: current lifetime mask bit 4");
	m_start(HA_REC_SA, &sa);
	m_add("\x06\x09\x08\0\0\0\0\0\0\0\x07", 11);
	ok(!m_decode(HA_REC_SA) && out.sa.curlft.use_time == 7 && out.sa.lft.hard_byte == ~0ULL,
	   "SA: current lifetime use_time only; limits default infinite");

	/* selectors */
	m_start(HA_REC_SA, &sa);
	m_add("\x07\x0c\x02\x21\x00\x00" "\0\0\0\0\0\0\0\0", 14);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: IPv4 selector prefix 33");
	m_start(HA_REC_SA, &sa);
	m_add("\x07\x0c\x0a\x20\x00\x00" "\0\0\0\0\0\0\0\0", 14);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: IPv6 selector of IPv4 size");
	m_start(HA_REC_SA, &sa);
	m_add("\x07\x0d\x02\x20\x00\x00" "\0\0\0\0\0\0\0\0\0", 15);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: selector with a 1-byte tail");
	m_start(HA_REC_SA, &sa);
	m_add("\x07\x0c\x03\x00\x00\x00" "\0\0\0\0\0\0\0\0", 14);
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: selector family 3");

	/* core fields */
	m_start(HA_REC_SA, &sa);
	mbuf[10] = 3;
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: family 3");
	m_start(HA_REC_SA, &sa);
	mbuf[10] = HA_AF_INET6;
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: IPv6 family with an IPv4 core");
	m_start(HA_REC_SA, &sa);
	mbuf[14] = 3;
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: dir 3");
	m_start(HA_REC_SA, &sa);
	mbuf[15] = 2;
	ok(m_decode(HA_REC_SA) == -EBADMSG, "SA: esn 2");
	{
		struct ha_wire_rec r = { .type = HA_REC_SA, .len = 0, .val = mbuf };

		ok(ha_wire_get_policy(&r, &out.pol) == -EINVAL &&
		   ha_wire_get_ike(&r, &out.ike) == -EINVAL &&
		   ha_wire_get_ctr(&r, 0, &out.ctr) == -EINVAL && !ha_wire_ctrs_count(&r) &&
		   ha_wire_get_alive(&r, &out.alive) == -EINVAL &&
		   ha_wire_get_nack(&r, &out.nack) == -EINVAL &&
		   ha_wire_get_bulk(&r, &out.bulk) == -EINVAL &&
		   ha_wire_get_node_info(&r, &out.info) == -EINVAL &&
		   ha_wire_get_del(&r, &out.ref) == -EINVAL &&
		   ha_wire_get_ike_del(&r, &out.spi[0], &out.spi[1]) == -EINVAL,
		   "decoders refuse a record of another type with -EINVAL");
	}

	/* policy */
	ok(bad_sub(HA_REC_POLICY, &pol, HA_SUB_TMPL, 32, 2) == -EBADMSG,
	   "POLICY: template of 32 bytes");
	m_start(HA_REC_POLICY, &pol);
	memset(v, 0, 33);
	v[0] = HA_AF_INET;
	for (ret = 0; ret < HA_WIRE_TMPL_MAX + 1; ret++) {
		m_add("\x0d\x21", 2);
		m_add(v, 33);
	}
	ok(m_decode(HA_REC_POLICY) == -EBADMSG, "POLICY: %u templates", HA_WIRE_TMPL_MAX + 1);
	m_start(HA_REC_POLICY, &pol);
	v[0] = 0;
	m_add("\x0d\x21", 2);
	m_add(v, 33);
	ok(m_decode(HA_REC_POLICY) == -EBADMSG, "POLICY: template family 0");
	m_start(HA_REC_POLICY, &pol);
	mbuf[6] = 3;
	ok(m_decode(HA_REC_POLICY) == -EBADMSG, "POLICY: dir 3");
	m_start(HA_REC_POLICY, &pol);
	mbuf[7] = 2;
	ok(m_decode(HA_REC_POLICY) == -EBADMSG, "POLICY: action 2");
	m_start(HA_REC_POLICY, &pol);
	mbuf[9] = 2;
	ok(m_decode(HA_REC_POLICY) == -EBADMSG, "POLICY: type 2");
	m_start(HA_REC_POLICY, &pol);
	mbuf[10] = 0;
	ok(m_decode(HA_REC_POLICY) == -EBADMSG, "POLICY: family 0");
	m_start(HA_REC_POLICY, &pol);
	m_add("\x09\x08\0\0\0\1\0\0\0\1\x09\x08\0\0\0\1\0\0\0\1", 20);
	ok(m_decode(HA_REC_POLICY) == -EBADMSG, "POLICY: duplicate mark");

	/* IKE */
	ok(bad_sub(HA_REC_IKE, &ike, HA_SUB_NONCE_I, HA_WIRE_NONCE_MAX + 1, 1) == -EBADMSG,
	   "IKE: nonce of %u bytes", HA_WIRE_NONCE_MAX + 1);
	ok(bad_sub(HA_REC_IKE, &ike, HA_SUB_NONCE_R, 0, 1) == -EBADMSG, "IKE: empty nonce");
	ok(bad_sub(HA_REC_IKE, &ike, HA_SUB_IKE_KEY + 6, HA_WIRE_IKE_KEY_MAX + 1, 1) == -EBADMSG,
	   "IKE: key of %u bytes", HA_WIRE_IKE_KEY_MAX + 1);
	ok(!bad_sub(HA_REC_IKE, &ike, HA_SUB_IKE_KEY + 7, 5, 1) &&
	   !memcmp(&out.ike, &ike.ike, sizeof(ike.ike)), "IKE: key index 7 is unknown: skipped");
	ok(bad_sub(HA_REC_IKE, &ike, HA_SUB_ID_I, HA_WIRE_ID_MAX + 2, 1) == -EBADMSG,
	   "IKE: ID of %u bytes", HA_WIRE_ID_MAX + 1);
	ok(bad_sub(HA_REC_IKE, &ike, HA_SUB_ID_R, 0, 1) == -EBADMSG, "IKE: ID without a type");
	ok(bad_sub(HA_REC_IKE, &ike, HA_SUB_CHILD, 4 * (HA_WIRE_CHILD_MAX + 1), 1) == -EBADMSG,
	   "IKE: %u children", HA_WIRE_CHILD_MAX + 1);
	ok(bad_sub(HA_REC_IKE, &ike, HA_SUB_CHILD, 6, 1) == -EBADMSG, "IKE: child SPIs of 6 bytes");
	m_start(HA_REC_IKE, &ike);
	mbuf[20] = 3;
	ok(m_decode(HA_REC_IKE) == -EBADMSG, "IKE: version 3");
	m_start(HA_REC_IKE, &ike);
	mbuf[21] = 2;
	ok(m_decode(HA_REC_IKE) == -EBADMSG, "IKE: initiator 2");
	m_start(HA_REC_IKE, &ike);
	mbuf[22] = 0;
	ok(m_decode(HA_REC_IKE) == -EBADMSG, "IKE: family 0");

	/* small records */
	memset(&in, 0, sizeof(in));
	in.nack.from = 5;
	in.nack.to = 6;
	m_start(HA_REC_NACK, &in);
	mbuf[9] = 7;	/* from = 7 > to */
	ok(m_decode(HA_REC_NACK) == -EBADMSG, "NACK: from > to");
	in.nack.from = 7;
	in.nack.to = 6;
	{
		struct ha_wire_buf b;

		ha_wire_buf_init(&b, buf, sizeof(buf));
		ok(ha_wire_put_nack(&b, &in.nack) == -EINVAL && !b.len, "NACK put: from > to");
		ok(ha_wire_put_del(&b, HA_REC_ALIVE, &in.ref) == -EINVAL &&
		   ha_wire_put_bulk(&b, HA_REC_SA, &in.bulk) == -EINVAL && !b.len,
		   "DEL/BULK put with a wrong type");
	}
	memset(&in, 0, sizeof(in));
	in.alive.count = 9;
	m_start(HA_REC_ALIVE, &in);
	m_add("\x01\x02\x03", 3);
	ok(!m_decode(HA_REC_ALIVE) && out.alive.count == 9, "ALIVE: longer value accepted");
	ok(m_decode(HA_REC_BULK_END) == 0 && m_decode(HA_REC_SA_DEL) == 0,
	   "a 23-byte value is long enough for BULK_END and SA_DEL");
	memset(&in, 0, sizeof(in));
	in.info.spi_min = 0x100;
	in.info.spi_max = 0x1ff;
	m_start(HA_REC_NODE_INFO, &in);
	m_add("\x01\x02", 2);
	ok(!m_decode(HA_REC_NODE_INFO) && out.info.spi_min == 0x100 && out.info.spi_max == 0x1ff,
	   "NODE_INFO: longer value accepted (fields of a later version)");
	{
		static const u8 old[] = { HA_REC_NODE_INFO, 8, 0, 0, 1, 0, 0, 0, 1, 0xff };
		struct ha_wire_iter it;
		struct ha_wire_rec r;

		ha_wire_iter_init(&it, old, sizeof(old));
		ok(ha_wire_next(&it, &r) == 1 && !ha_wire_get_node_info(&r, &out.info) &&
		   out.info.spi_min == 0x100 && out.info.spi_max == 0x1ff &&
		   !out.info.sync_packets,
		   "NODE_INFO of an older sender (8 bytes): the range, no threshold");
	}
	m_start(HA_REC_NODE_INFO, &in);
	mbuf[0] = 0x01;		/* spi_min 0x01000100 > spi_max 0x1ff */
	ok(m_decode(HA_REC_NODE_INFO) == -EBADMSG && !out.info.spi_min && !out.info.spi_max,
	   "NODE_INFO: spi_min > spi_max");
	{
		struct ha_wire_buf b;

		in.info.spi_min = 2;
		in.info.spi_max = 1;
		ha_wire_buf_init(&b, buf, sizeof(buf));
		ok(ha_wire_put_node_info(&b, &in.info) == -EINVAL && !b.len,
		   "NODE_INFO put: spi_min > spi_max");
		in.info.spi_min = 1;
		in.info.spi_max = 1;
		ha_wire_buf_init(&b, buf, 13);
		ok(ha_wire_put_node_info(&b, &in.info) == -ENOSPC && !b.len,
		   "NODE_INFO put: -ENOSPC with one byte too few");
	}
}

static void test_encode_errors(void)
{
	static union wire_obj o;
	struct ha_wire_buf b;
	size_t n, cap;
	unsigned int bad;
	int ret;

	/* -ENOSPC: nothing written, b->len unchanged */
	sa_esn_v6(&o.sa);
	n = ha_wire_sa_len(&o.sa);
	bad = 0;
	for (cap = 0; cap < n + 7; cap++) {
		memset(buf, 0xaa, sizeof(buf));
		ha_wire_buf_init(&b, buf, cap + 7);
		b.len = 7;
		ret = ha_wire_put_sa(&b, &o.sa);
		if (cap < n && (ret != -ENOSPC || b.len != 7 || buf[7] != 0xaa ||
				buf[cap + 6] != 0xaa))
			bad++;
		if (cap >= n && (ret || b.len != 7 + n))
			bad++;
	}
	ok(!bad, "SA: -ENOSPC below %zu bytes, nothing written", n);
	pol_base(&o.pol, HA_AF_INET, 2);
	n = ha_wire_policy_len(&o.pol);
	bad = 0;
	for (cap = 0; cap <= n; cap++) {
		memset(buf, 0xaa, sizeof(buf));
		ha_wire_buf_init(&b, buf, cap);
		ret = ha_wire_put_policy(&b, &o.pol);
		if (cap < n ? ret != -ENOSPC || b.len || buf[0] != 0xaa : ret || b.len != n)
			bad++;
	}
	ok(!bad, "POLICY: -ENOSPC below %zu bytes, nothing written", n);
	ike_base(&o.ike, HA_AF_INET, 1);
	n = ha_wire_ike_len(&o.ike);
	bad = 0;
	for (cap = 0; cap <= n; cap++) {
		memset(buf, 0xaa, sizeof(buf));
		ha_wire_buf_init(&b, buf, cap);
		ret = ha_wire_put_ike(&b, &o.ike);
		if (cap < n ? ret != -ENOSPC || b.len || buf[0] != 0xaa : ret || b.len != n)
			bad++;
	}
	ok(!bad, "IKE: -ENOSPC below %zu bytes, nothing written", n);
	bad = 0;
	memset(&o, 0, sizeof(o));
	for (cap = 0; cap < 22; cap++) {
		int r[6];
		unsigned int k;

		for (k = 0; k < 6; k++) {
			ha_wire_buf_init(&b, buf, cap);
			switch (k) {
			case 0:
				r[k] = ha_wire_put_del(&b, HA_REC_SA_DEL, &o.ref);
				break;
			case 1:
				r[k] = ha_wire_put_ike_del(&b, 1, 2);
				break;
			case 2:
				r[k] = ha_wire_put_alive(&b, &o.alive);
				break;
			case 3:
				r[k] = ha_wire_put_nack(&b, &o.nack);
				break;
			case 4:
				r[k] = ha_wire_put_bulk(&b, HA_REC_BULK_REQ, &o.bulk);
				break;
			default:
				r[k] = ha_wire_put_ctrs(&b, &o.ctr, 1);
				break;
			}
			if (r[k] ? r[k] != -ENOSPC || b.len : !b.len || b.len > cap)
				bad++;
		}
		bad += (cap < 8) != (r[0] != 0);
		bad += (cap < 18) != (r[1] != 0);
		bad += (cap < 22) != (r[2] != 0);
		bad += (cap < 20) != (r[3] != 0);
		bad += (cap < 8) != (r[4] != 0);
		bad += (cap < 19) != (r[5] != 0);
	}
	ok(!bad, "small records: -ENOSPC, nothing written");
	ha_wire_buf_init(&b, buf, 4);
	b.len = 5;
	ok(ha_wire_put_alive(&b, &o.alive) == -ENOSPC && b.len == 5, "len past cap: -ENOSPC");

	/* -EINVAL on what a decoder would refuse; len() is 0 */
	sa_gcm_v4(&o.sa);
	o.sa.aead.key_len = HA_WIRE_KEY_MAX + 1;
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ok(ha_wire_put_sa(&b, &o.sa) == -EINVAL && !b.len && !ha_wire_sa_len(&o.sa),
	   "SA put: key_len too long");
	sa_gcm_v4(&o.sa);
	o.sa.family = 0;
	ok(ha_wire_put_sa(&b, &o.sa) == -EINVAL, "SA put: family 0");
	sa_gcm_v4(&o.sa);
	o.sa.bmp_len = HA_WIRE_BMP_MAX + 1;
	ok(ha_wire_put_sa(&b, &o.sa) == -EINVAL, "SA put: bitmap too long");
	sa_gcm_v4(&o.sa);
	o.sa.aead.id = 9;
	ok(ha_wire_put_sa(&b, &o.sa) == -EINVAL, "SA put: unknown AEAD id");
	sa_gcm_v4(&o.sa);
	o.sa.aead.id = HA_ALG_OTHER;
	memset(o.sa.aead.name, 'a', HA_WIRE_ALG_NAME_MAX);
	ok(ha_wire_put_sa(&b, &o.sa) == -EINVAL, "SA put: name not NUL-terminated");
	o.sa.aead.name[0] = '\0';
	ok(ha_wire_put_sa(&b, &o.sa) == -EINVAL, "SA put: empty OTHER name");
	sa_gcm_v4(&o.sa);
	o.sa.dir = 3;
	ok(ha_wire_put_sa(&b, &o.sa) == -EINVAL, "SA put: dir 3");
	sa_gcm_v4(&o.sa);
	o.sa.sel.prefixlen_s = 33;
	ok(ha_wire_put_sa(&b, &o.sa) == -EINVAL, "SA put: selector prefix 33");
	pol_base(&o.pol, HA_AF_INET, 0);
	o.pol.nr_tmpl = HA_WIRE_TMPL_MAX + 1;
	ok(ha_wire_put_policy(&b, &o.pol) == -EINVAL && !ha_wire_policy_len(&o.pol),
	   "POLICY put: too many templates");
	pol_base(&o.pol, HA_AF_INET, 1);
	o.pol.tmpl[0].family = 0;
	ok(ha_wire_put_policy(&b, &o.pol) == -EINVAL, "POLICY put: template family 0");
	ike_base(&o.ike, HA_AF_INET, 0);
	o.ike.nonce_i_len = HA_WIRE_NONCE_MAX + 1;
	ok(ha_wire_put_ike(&b, &o.ike) == -EINVAL && !ha_wire_ike_len(&o.ike),
	   "IKE put: nonce too long");
	ike_base(&o.ike, HA_AF_INET, 0);
	o.ike.key_len[3] = HA_WIRE_IKE_KEY_MAX + 1;
	ok(ha_wire_put_ike(&b, &o.ike) == -EINVAL, "IKE put: key too long");
	ike_base(&o.ike, HA_AF_INET, 0);
	o.ike.nr_child = HA_WIRE_CHILD_MAX + 1;
	ok(ha_wire_put_ike(&b, &o.ike) == -EINVAL && !b.len, "IKE put: too many children");

	/* normalisation: bytes 4..15 of IPv4 addresses, zero bitmap */
	sa_gcm_v4(&o.sa);
	memset(o.sa.daddr.a + 4, 0x55, 12);
	o.sa.bmp_len = 8;
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ha_wire_put_sa(&b, &o.sa);
	{
		struct ha_wire_iter it;
		struct ha_wire_rec r;

		ha_wire_iter_init(&it, buf, b.len);
		ha_wire_next(&it, &r);
		ha_wire_get_sa(&r, &out.sa);
		ok(all_zero_test(out.sa.daddr.a + 4, 12) && out.sa.bmp_len == 0 &&
		   b.len == size_gcm, "IPv4 sends 4 address bytes; an all-zero bitmap is omitted");
	}
}

/* Header, nonce, iterator */

static void test_header(void)
{
	struct ha_wire_hdr h = {
		.version = 2, .flags = 0x5a, .node_id = 0x0102, .key_id = 0x03040506,
		.epoch = 0x0708090a0b0c0d0eULL, .seq = 0x0f10111213141516ULL,
		.salt = { 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
			  0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26 },
	}, g;
	static u8 d[HA_WIRE_MAX_LEN + 1];
	u8 nonce[HA_WIRE_NONCE_LEN];
	unsigned int i;
	int good = 1;

	ha_wire_hdr_put(d, &h);
	for (i = 1; i < 40; i++)
		good &= d[i] == (i == 1 ? 0x5a : i - 1);
	ok(d[0] == 2 && good, "header layout: big-endian fields at 0, 1, 2, 4, 8, 16, salt at 24");
	ok(!ha_wire_hdr_get(d, HA_WIRE_MIN_LEN, &g) && !memcmp(&g, &h, sizeof(h)),
	   "header round trip");
	ok(ha_wire_hdr_get(d, HA_WIRE_MIN_LEN - 1, &g) == -EBADMSG, "header: %d bytes is -EBADMSG",
	   HA_WIRE_MIN_LEN - 1);
	ok(ha_wire_hdr_get(d, 0, &g) == -EBADMSG, "header: 0 bytes is -EBADMSG");
	ok(!ha_wire_hdr_get(d, HA_WIRE_MAX_LEN, &g), "header: %d bytes accepted", HA_WIRE_MAX_LEN);
	ok(ha_wire_hdr_get(d, HA_WIRE_MAX_LEN + 1, &g) == -EMSGSIZE,
	   "header: %d bytes is -EMSGSIZE", HA_WIRE_MAX_LEN + 1);
	d[0] = 1;
	ok(ha_wire_hdr_get(d, 100, &g) == -EPROTONOSUPPORT, "header: version 1 (unsalted)");
	d[0] = 3;
	ok(ha_wire_hdr_get(d, 100, &g) == -EPROTONOSUPPORT, "header: version 3");
	d[0] = 0;
	ok(ha_wire_hdr_get(d, 100, &g) == -EPROTONOSUPPORT, "header: version 0");
	d[0] = 2;
	corpus(d, HA_WIRE_MIN_LEN);
	ha_wire_nonce(&h, nonce);
	ok(!memcmp(nonce, d + 24, 16) && !memcmp(nonce + 16, d + 16, 8),
	   "nonce: the salt (header bytes 24..39), then seq (bytes 16..23)");
	g = h;
	g.salt[15] ^= 1;
	{
		u8 other[HA_WIRE_NONCE_LEN];

		ha_wire_nonce(&g, other);
		ok(memcmp(nonce, other, sizeof(other)),
		   "nonce: the same node, epoch and seq with another salt is another nonce");
	}
	ok(HA_WIRE_NONCE_LEN == 24 && HA_WIRE_HDR_LEN == 40 && HA_WIRE_MIN_LEN == 56,
	   "sizes: header 40, nonce 24, minimum datagram 56");
}

static void test_iter(void)
{
	static union wire_obj o;
	struct ha_wire_buf b;
	struct ha_wire_iter it;
	struct ha_wire_rec rec;
	unsigned int n = 0, known = 0;
	int ret;

	/* a payload with unknown records between known ones */
	ha_wire_buf_init(&b, buf, sizeof(buf));
	memcpy(buf, "\x20\x03xyz", 5);		/* unknown short */
	b.len = 5;
	memset(&o, 0, sizeof(o));
	o.alive.count = 1;
	ha_wire_put_alive(&b, &o.alive);
	memcpy(buf + b.len, "\x90\x00\x02hi", 5);	/* unknown long */
	b.len += 5;
	memcpy(buf + b.len, "\x7f\x00", 2);		/* unknown, empty */
	b.len += 2;
	sa_gcm_v4(&o.sa);
	ha_wire_put_sa(&b, &o.sa);
	memcpy(buf + b.len, "\xff\x00\x00", 3);	/* unknown long, empty */
	b.len += 3;
	corpus(buf, b.len);
	ha_wire_iter_init(&it, buf, b.len);
	while ((ret = ha_wire_next(&it, &rec)) > 0) {
		n++;
		if (!wire_decode(&rec, &out))
			known++;
	}
	ok(!ret && n == 6 && known == 2, "unknown records are returned and skipped (%u, %u)",
	   n, known);
	ha_wire_iter_init(&it, buf, 0);
	ok(ha_wire_next(&it, &rec) == 0, "empty payload: clean end");
	ha_wire_iter_init(&it, (const u8 *)"\x01", 1);
	ok(ha_wire_next(&it, &rec) == -EBADMSG, "short record without its length");
	ha_wire_iter_init(&it, (const u8 *)"\x81\x00", 2);
	ok(ha_wire_next(&it, &rec) == -EBADMSG, "long record with half its length");
	ha_wire_iter_init(&it, (const u8 *)"\x01\x14\x00", 3);
	ok(ha_wire_next(&it, &rec) == -EBADMSG && ha_wire_next(&it, &rec) == 0,
	   "oversized short length; iteration stops");
	ha_wire_iter_init(&it, (const u8 *)"\x81\xff\xff\x00", 4);
	ok(ha_wire_next(&it, &rec) == -EBADMSG, "oversized long length 65535");
	memcpy(buf, "\x10\x06\x00\x01\x00\x00\x00\x02\x12", 9);
	ha_wire_iter_init(&it, buf, 9);
	ok(ha_wire_next(&it, &rec) == 1 && ha_wire_next(&it, &rec) == -EBADMSG,
	   "a good record then a cut one");
	ok(wire_decode(&(struct ha_wire_rec){ .type = HA_REC_SA, .len = 0, .val = buf },
		       &out) == -EBADMSG, "SA of 0 bytes");
	ok(ha_wire_get_sa(&(struct ha_wire_rec){ .type = HA_REC_IKE, .val = buf }, &out.sa) ==
	   -EINVAL && out.sa.lft.soft_byte == ~0ULL, "get_sa of an IKE record; output initialised");
}

/*
 * Semantic checks (wire_check.c): each rule once with a record that
 * passes and once with one that breaks it, and the reason it gives.
 */
static struct ha_wire_sa chk_sa;
static struct ha_wire_policy chk_pol;

static struct ha_sa_plan chk_plan;

static void chk_sa_ok(void)
{
	sa_gcm_v4(&chk_sa);
}

static void chk_sa_esn(void)
{
	sa_esn_v6(&chk_sa);
	chk_sa.flags = HA_STATE_ESN;
}

/* A valid outbound IPv4 tunnel policy with one template. */
static void chk_pol_ok(void)
{
	pol_base(&chk_pol, HA_AF_INET, 1);
	chk_pol.tmpl[0].optional = 0;
}

static void sa_is(enum ha_check want, const char *what)
{
	const char *why = NULL;
	enum ha_check got = ha_check_sa(&chk_sa, &why);

	ok(got == want && (want == HA_CHECK_OK || why), "check SA: %s (%d, %s)", what, got,
	   why ? why : "-");
}

static void pol_is(enum ha_check want, const char *what)
{
	const char *why = NULL;
	enum ha_check got = ha_check_policy(&chk_pol, &why);

	ok(got == want && (want == HA_CHECK_OK || why), "check policy: %s (%d, %s)", what,
	   got, why ? why : "-");
}

static void test_check_sa(void)
{
	chk_sa_ok();
	sa_is(HA_CHECK_OK, "typical SA passes");
	chk_sa_esn();
	sa_is(HA_CHECK_OK, "IPv6 ESN cbc(aes)+hmac(sha256) passes");
	sa_natt(&chk_sa);
	sa_is(HA_CHECK_OK, "NAT-T SA passes");

	/* ref */
	chk_sa_ok();
	chk_sa.ref.origin = 0;
	sa_is(HA_CHECK_REF, "origin 0 refused");

	/* family */
	chk_sa_ok();
	chk_sa.family = 0;
	sa_is(HA_CHECK_FAMILY, "family 0 refused");
	chk_sa.family = 17;
	sa_is(HA_CHECK_FAMILY, "family 17 refused");

	/* protocol and mode */
	chk_sa_ok();
	chk_sa.proto = 17;
	sa_is(HA_CHECK_PROTO, "protocol UDP refused");
	chk_sa_ok();
	chk_sa.proto = HA_IPPROTO_ROUTING;
	sa_is(HA_CHECK_PROTO, "protocol ROUTING refused (no care-of address carried)");
	chk_sa_ok();
	chk_sa.mode = HA_MODE_BEET;
	sa_is(HA_CHECK_OK, "BEET mode passes");
	chk_sa.mode = HA_MODE_TRANSPORT;
	sa_is(HA_CHECK_OK, "transport mode passes");
	chk_sa.mode = 2;
	sa_is(HA_CHECK_PROTO, "route optimization mode refused");
	chk_sa.mode = 3;
	sa_is(HA_CHECK_PROTO, "in-trigger mode refused");
	chk_sa.mode = HA_MODE_IPTFS + 1;
	sa_is(HA_CHECK_PROTO, "mode past IP-TFS (XFRM_MODE_MAX of 7.x) refused");
	chk_sa.mode = 200;
	sa_is(HA_CHECK_PROTO, "mode 200 refused");
	chk_sa_ok();
	chk_sa.spi = 0;
	sa_is(HA_CHECK_PROTO, "ESP SPI 0 (a larval state) refused");
	chk_sa_ok();
	chk_sa.tfcpad = 64;
	sa_is(HA_CHECK_OK, "TFC padding in tunnel mode passes");
	chk_sa.mode = HA_MODE_TRANSPORT;
	sa_is(HA_CHECK_PROTO, "TFC padding in transport mode refused");
	sa_natt(&chk_sa);
	chk_sa.encap_type = 3;
	sa_is(HA_CHECK_PROTO, "unknown encapsulation type refused");
	chk_sa.encap_type = HA_ENCAP_ESPINTCP;
	sa_is(HA_CHECK_OK, "ESP in TCP passes");

	/* AH */
	chk_sa_ok();
	memset(&chk_sa.aead, 0, sizeof(chk_sa.aead));
	chk_sa.proto = HA_IPPROTO_AH;
	alg_set(&chk_sa.aalg, HA_ALG_AUTH, "hmac(sha1)", 20, 96);
	sa_is(HA_CHECK_OK, "AH hmac(sha1) passes");
	chk_sa.aalg.id = HA_ALG_NONE;
	sa_is(HA_CHECK_ALG, "AH without authentication refused");
	alg_set(&chk_sa.aalg, HA_ALG_AUTH, "hmac(sha1)", 20, 96);
	alg_set(&chk_sa.ealg, HA_ALG_ENCR, "cbc(aes)", 16, 0);
	sa_is(HA_CHECK_ALG, "AH with encryption refused");
	chk_sa.ealg.id = HA_ALG_NONE;
	chk_sa.has_encap = 1;
	chk_sa.encap_type = HA_ENCAP_ESPINUDP;
	sa_is(HA_CHECK_PROTO, "AH with UDP encapsulation refused");
	chk_sa.has_encap = 0;
	chk_sa.tfcpad = 8;
	sa_is(HA_CHECK_PROTO, "AH with TFC padding refused");

	/* ESP algorithm combinations */
	chk_sa_ok();
	alg_set(&chk_sa.aalg, HA_ALG_AUTH, "hmac(sha256)", 32, 128);
	sa_is(HA_CHECK_ALG, "ESP with AEAD and authentication refused");
	chk_sa_ok();
	chk_sa.aead.id = HA_ALG_NONE;
	sa_is(HA_CHECK_ALG, "ESP without any algorithm refused");
	alg_set(&chk_sa.ealg, HA_ALG_ENCR, "cbc(aes)", 16, 0);
	sa_is(HA_CHECK_OK, "ESP with encryption only passes");
	alg_set(&chk_sa.calg, HA_ALG_COMP, "deflate", 0, 0);
	sa_is(HA_CHECK_ALG, "ESP with compression refused");

	/* IPcomp */
	chk_sa_ok();
	chk_sa.aead.id = HA_ALG_NONE;
	chk_sa.proto = HA_IPPROTO_COMP;
	chk_sa.spi = 0x1234;
	alg_set(&chk_sa.calg, HA_ALG_COMP, "deflate", 0, 0);
	sa_is(HA_CHECK_OK, "IPcomp deflate passes");
	chk_sa.spi = 0x10000;
	sa_is(HA_CHECK_PROTO, "IPcomp CPI 0x10000 refused");
	chk_sa.spi = 0x1234;
	chk_sa.calg.key_len = 4;
	sa_is(HA_CHECK_ALG, "IPcomp with a key refused");
	chk_sa.calg.key_len = 0;
	chk_sa.calg.id = HA_ALG_NONE;
	sa_is(HA_CHECK_ALG, "IPcomp without an algorithm refused");
	alg_set(&chk_sa.calg, HA_ALG_COMP, "deflate", 0, 0);
	alg_set(&chk_sa.aalg, HA_ALG_AUTH, "hmac(sha1)", 20, 96);
	sa_is(HA_CHECK_ALG, "IPcomp with authentication refused");

	/* key and ICV lengths against the algorithm */
	chk_sa_ok();
	chk_sa.aead.key_len = 20;
	sa_is(HA_CHECK_OK, "rfc4106 128-bit key + salt passes");
	chk_sa.aead.key_len = 16;
	sa_is(HA_CHECK_ALG, "rfc4106 key without its salt refused");
	chk_sa.aead.key_len = 36;
	chk_sa.aead.icv_len = 64;
	sa_is(HA_CHECK_OK, "rfc4106 ICV 64 passes");
	chk_sa.aead.icv_len = 100;
	sa_is(HA_CHECK_ALG, "rfc4106 ICV 100 refused");
	alg_set(&chk_sa.aead, HA_ALG_AEAD, "rfc7539esp(chacha20,poly1305)", 36, 96);
	sa_is(HA_CHECK_ALG, "chacha20poly1305 ICV 96 refused");
	chk_sa.aead.icv_len = 128;
	sa_is(HA_CHECK_OK, "chacha20poly1305 ICV 128 passes");
	alg_set(&chk_sa.aead, HA_ALG_AEAD, "rfc4309(ccm(aes))", 19, 128);
	sa_is(HA_CHECK_OK, "rfc4309 128-bit key + 3-byte salt passes");
	chk_sa.aead.key_len = 20;
	sa_is(HA_CHECK_ALG, "rfc4309 with a 4-byte salt refused");
	alg_set(&chk_sa.aead, HA_ALG_AEAD, "rfc4106(gcm(aes))", 36, 128);
	chk_sa.aead.id = 9;
	sa_is(HA_CHECK_ALG, "AEAD id without an algorithm refused");
	chk_sa_ok();
	chk_sa.aead.id = HA_ALG_NONE;
	alg_set(&chk_sa.ealg, HA_ALG_ENCR, "cbc(aes)", 17, 0);
	sa_is(HA_CHECK_ALG, "cbc(aes) 17-byte key refused");
	alg_set(&chk_sa.ealg, HA_ALG_ENCR, "cbc(des3_ede)", 24, 0);
	sa_is(HA_CHECK_OK, "cbc(des3_ede) 24-byte key passes");
	chk_sa.ealg.key_len = 16;
	sa_is(HA_CHECK_ALG, "cbc(des3_ede) 16-byte key refused");
	alg_set(&chk_sa.ealg, HA_ALG_ENCR, "ecb(cipher_null)", 0, 0);
	sa_is(HA_CHECK_OK, "ecb(cipher_null) without a key passes");
	chk_sa.ealg.key_len = 1;
	sa_is(HA_CHECK_ALG, "ecb(cipher_null) with a key refused");
	alg_set(&chk_sa.ealg, HA_ALG_ENCR, "cbc(aes)", 16, 0);
	chk_sa.ealg.icv_len = 96;
	sa_is(HA_CHECK_ALG, "encryption with an ICV length refused");
	alg_set(&chk_sa.ealg, HA_ALG_ENCR, "cbc(aes)", 16, 0);
	alg_set(&chk_sa.aalg, HA_ALG_AUTH, "hmac(sha256)", 32, 256);
	sa_is(HA_CHECK_OK, "hmac(sha256) untruncated passes");
	chk_sa.aalg.icv_len = 0;
	sa_is(HA_CHECK_OK, "hmac(sha256) default truncation passes");
	chk_sa.aalg.icv_len = 257;
	sa_is(HA_CHECK_ALG, "hmac(sha256) truncation above 256 refused");
	chk_sa.aalg.icv_len = 128;
	chk_sa.aalg.key_len = 0;
	sa_is(HA_CHECK_ALG, "hmac(sha256) without a key refused");
	alg_set(&chk_sa.aalg, HA_ALG_AUTH, "xcbc(aes)", 16, 96);
	sa_is(HA_CHECK_OK, "xcbc(aes) 16-byte key passes");
	chk_sa.aalg.key_len = 32;
	sa_is(HA_CHECK_ALG, "xcbc(aes) 32-byte key refused");
	alg_set(&chk_sa.aalg, HA_ALG_AUTH, "hmac(whirlpool)", 64, 512);
	sa_is(HA_CHECK_OK, "named algorithm: lengths left to the kernel");
	chk_sa.aalg.key_len = HA_WIRE_KEY_MAX + 1;
	sa_is(HA_CHECK_ALG, "named algorithm: key above the wire's bound refused");

	/* selector */
	chk_sa_ok();
	chk_sa.sel.prefixlen_d = 32;
	sa_is(HA_CHECK_OK, "IPv4 selector /32 passes");
	chk_sa.sel.prefixlen_d = 33;
	sa_is(HA_CHECK_SELECTOR, "IPv4 selector /33 refused");
	chk_sa.sel.prefixlen_d = 24;
	chk_sa.sel.prefixlen_s = 128;
	sa_is(HA_CHECK_SELECTOR, "IPv4 selector source /128 refused");
	chk_sa_ok();
	chk_sa.sel.family = 0;
	chk_sa.sel.prefixlen_d = 32;
	sa_is(HA_CHECK_OK, "selector of family 0 takes the SA's (IPv4 /32 passes)");
	chk_sa.sel.prefixlen_d = 128;
	sa_is(HA_CHECK_SELECTOR, "selector of family 0 on an IPv4 SA, /128 refused");
	chk_sa.flags = HA_STATE_AF_UNSPEC;
	sa_is(HA_CHECK_SELECTOR, "AF_UNSPEC selector with a prefix refused");
	chk_sa.sel.prefixlen_d = 0;
	chk_sa.sel.prefixlen_s = 0;
	sa_is(HA_CHECK_OK, "AF_UNSPEC selector without prefixes passes");
	chk_sa_esn();
	chk_sa.sel.prefixlen_d = 128;
	sa_is(HA_CHECK_OK, "IPv6 selector /128 passes");
	chk_sa.sel.prefixlen_d = 129;
	sa_is(HA_CHECK_SELECTOR, "IPv6 selector /129 refused");

	/* replay */
	chk_sa_esn();
	chk_sa.flags = 0;
	sa_is(HA_CHECK_REPLAY, "ESN state without the ESN flag refused");
	chk_sa_esn();
	chk_sa.replay_window = 129;
	sa_is(HA_CHECK_REPLAY, "window 129 with a 4-word bitmap refused");
	chk_sa.bmp_len = 5;
	sa_is(HA_CHECK_OK, "window 129 with a 5-word bitmap passes");
	chk_sa.replay_window = HA_REPLAY_WINDOW_MAX;
	chk_sa.bmp_len = HA_REPLAY_BMP_MAX;
	sa_is(HA_CHECK_OK, "window 4096 with a 128-word bitmap passes");
	chk_sa.replay_window = HA_REPLAY_WINDOW_MAX + 1;
	chk_sa.bmp_len = HA_REPLAY_BMP_MAX + 1;
	sa_is(HA_CHECK_REPLAY, "window 4097 refused");
	chk_sa.replay_window = 64;
	sa_is(HA_CHECK_REPLAY, "bitmap of 129 words refused");
	chk_sa_esn();
	chk_sa.replay_window = 0;
	chk_sa.bmp_len = 0;
	sa_is(HA_CHECK_REPLAY, "ESN with window 0 refused");
	chk_sa_ok();
	chk_sa.oseq = 1ULL << 32;
	sa_is(HA_CHECK_REPLAY, "64-bit counter without ESN refused");
	chk_sa_esn();
	chk_sa.oseq = 1ULL << 32;
	sa_is(HA_CHECK_OK, "64-bit counter with ESN passes");
	chk_sa_ok();
	chk_sa.bmp_len = 1;
	chk_sa.bmp[0] = 0x5;
	sa_is(HA_CHECK_OK, "legacy window 32 with its one-word bitmap passes");
	chk_sa.replay_window = 33;
	sa_is(HA_CHECK_REPLAY, "window 33 with a one-word bitmap refused");
	chk_sa.replay_window = 1000;
	chk_sa.bmp_len = 1;
	sa_is(HA_CHECK_REPLAY, "window 1000 with a one-word bitmap refused");
}

static void test_check_policy(void)
{
	chk_pol_ok();
	pol_is(HA_CHECK_OK, "typical outbound IPv4 tunnel policy passes");
	pol_base(&chk_pol, HA_AF_INET6, 0);
	chk_pol.dir = 0;
	chk_pol.index = 0x200;
	pol_is(HA_CHECK_OK, "IPv6 inbound policy without templates passes");

	chk_pol_ok();
	chk_pol.ref.origin = 0;
	pol_is(HA_CHECK_REF, "origin 0 refused");
	chk_pol_ok();
	chk_pol.family = 0;
	pol_is(HA_CHECK_FAMILY, "family 0 refused");

	/* selector */
	chk_pol_ok();
	chk_pol.sel.family = 0;
	chk_pol.sel.prefixlen_d = 128;
	pol_is(HA_CHECK_SELECTOR, "selector of family 0 with /128 refused");
	chk_pol.sel.prefixlen_d = 0;
	chk_pol.sel.prefixlen_s = 0;
	pol_is(HA_CHECK_SELECTOR, "selector of family 0 refused");
	chk_pol_ok();
	chk_pol.sel.family = HA_AF_INET6;
	pol_is(HA_CHECK_SELECTOR, "selector family other than the policy's refused");
	chk_pol_ok();
	chk_pol.sel.prefixlen_s = 32;
	pol_is(HA_CHECK_OK, "IPv4 selector /32 passes");
	chk_pol.sel.prefixlen_s = 33;
	pol_is(HA_CHECK_SELECTOR, "IPv4 selector /33 refused");
	pol_base(&chk_pol, HA_AF_INET6, 0);
	chk_pol.sel.prefixlen_s = 129;
	pol_is(HA_CHECK_SELECTOR, "IPv6 selector /129 refused");

	/* direction, action, type, index */
	chk_pol_ok();
	chk_pol.dir = 3;
	chk_pol.index = 0;
	pol_is(HA_CHECK_POLICY, "socket direction refused");
	chk_pol.dir = 2;
	pol_is(HA_CHECK_OK, "fwd direction without an index passes");
	chk_pol.index = 0x1f9;
	pol_is(HA_CHECK_POLICY, "index of another direction refused");
	chk_pol_ok();
	chk_pol.action = 2;
	pol_is(HA_CHECK_POLICY, "action 2 refused");
	chk_pol_ok();
	chk_pol.type = 2;
	pol_is(HA_CHECK_POLICY, "type 2 refused");

	/* templates */
	chk_pol_ok();
	chk_pol.nr_tmpl = HA_WIRE_TMPL_MAX + 1;
	pol_is(HA_CHECK_TMPL, "7 templates refused");
	chk_pol_ok();
	chk_pol.tmpl[0].mode = HA_MODE_MAX;
	pol_is(HA_CHECK_TMPL, "template mode XFRM_MODE_MAX refused");
	chk_pol_ok();
	chk_pol.tmpl[0].proto = 17;
	pol_is(HA_CHECK_TMPL, "template protocol UDP refused");
	chk_pol.tmpl[0].proto = HA_IPPROTO_COMP;
	pol_is(HA_CHECK_OK, "template protocol IPcomp passes");
	chk_pol_ok();
	chk_pol.tmpl[0].optional = 1;
	pol_is(HA_CHECK_TMPL, "optional tunnel template on an outbound policy refused");
	chk_pol.dir = 0;
	chk_pol.index = 0x200;
	pol_is(HA_CHECK_OK, "optional tunnel template on an inbound policy passes");
	chk_pol_ok();
	chk_pol.tmpl[0].family = HA_AF_INET6;
	pol_is(HA_CHECK_OK, "IPv6 tunnel template of an IPv4 policy passes");
	chk_pol.tmpl[0].mode = HA_MODE_TRANSPORT;
	pol_is(HA_CHECK_TMPL, "IPv6 transport template of an IPv4 policy refused");
	chk_pol.tmpl[0].family = 0;
	pol_is(HA_CHECK_OK, "template of family 0 takes the policy's");
	chk_pol.tmpl[0].family = 17;
	pol_is(HA_CHECK_TMPL, "template of family 17 refused");
	chk_pol_ok();
	chk_pol.tmpl[0].share = HA_SHARE_UNIQUE;
	pol_is(HA_CHECK_OK, "template share unique passes");
	chk_pol.tmpl[0].share = HA_SHARE_UNIQUE + 1;
	pol_is(HA_CHECK_TMPL, "template share 4 refused");
	chk_pol_ok();
	chk_pol.nr_tmpl = 2;
	chk_pol.tmpl[1] = chk_pol.tmpl[0];
	chk_pol.tmpl[1].mode = HA_MODE_TRANSPORT;
	chk_pol.tmpl[1].family = HA_AF_INET6;
	chk_pol.tmpl[0].family = HA_AF_INET6;
	pol_is(HA_CHECK_OK, "IPv6 tunnel then IPv6 transport template passes");
	chk_pol.tmpl[0].family = HA_AF_INET;
	pol_is(HA_CHECK_TMPL, "IPv4 tunnel then IPv6 transport template refused");
}

/* The offload sub-TLV: round trip, bounds, and skipped by an old decoder's rules. */
static void test_offload(void)
{
	struct ha_wire_sa *sa = &in.sa;
	struct ha_wire_buf b;
	size_t plain;

	sa_gcm_v4(sa);
	plain = ha_wire_sa_len(sa);
	sa->offload = HA_OFFLOAD_PACKET;
	ok(ha_wire_sa_len(sa) == plain + 3, "SA: packet offload takes 3 bytes");
	round_trip(HA_REC_SA, &in, "SA: packet offload");
	sa->offload = HA_OFFLOAD_CRYPTO;
	round_trip(HA_REC_SA, &in, "SA: crypto offload");
	sa->offload = HA_OFFLOAD_PACKET + 1;
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ok(ha_wire_put_sa(&b, sa) == -EINVAL && !b.len, "SA: unknown offload type not encoded");
	sa->offload = HA_OFFLOAD_NONE;
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_OFFLOAD, 2, 2) == -EBADMSG,
	   "SA: offload sub-TLV of 2 bytes refused");
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_OFFLOAD, 1, 0) == -EBADMSG,
	   "SA: offload type 0 on the wire refused");
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_OFFLOAD, 1, 3) == -EBADMSG,
	   "SA: offload type 3 refused");
	ok(!bad_sub(HA_REC_SA, &in, HA_SUB_OFFLOAD, 1, 2) && out.sa.offload == HA_OFFLOAD_PACKET,
	   "SA: offload type 2 decodes as packet offload");
	sa->offload = HA_OFFLOAD_PACKET;
	ok(ha_check_sa(sa, NULL) == HA_CHECK_OK, "check SA: offload does not make it invalid");
}

/*
 * Kinds of SA newer kernels have: per-CPU SAs (0x18), the owner's inferred
 * direction (0x19), outbound ESN SAs without replay window, IP-TFS; and
 * how a record becomes an SA on a kernel with and without them.
 */
static void plan_is(const struct ha_sa_caps *caps, int want, const char *what)
{
	const char *why = NULL;
	int got;

	memset(&chk_plan, 0xa5, sizeof(chk_plan));
	got = ha_sa_plan(&chk_sa, caps, &chk_plan, &why);
	ok(got == want && (!want || why), "plan SA: %s (%d, %s)", what, got, why ? why : "-");
}

static void test_kinds(void)
{
	const struct ha_sa_caps k61 = { .dir = false, .pcpu = false, .cpus = 2 };
	const struct ha_sa_caps k612 = { .dir = true, .pcpu = true, .cpus = 2 };
	struct ha_wire_sa *sa = &in.sa;
	struct ha_wire_buf b;
	size_t plain;

	/* codec */
	sa_gcm_v4(sa);
	sa->dir = HA_DIR_OUT;
	plain = ha_wire_sa_len(sa);
	sa->has_pcpu = 1;
	sa->pcpu = 1;
	ok(ha_wire_sa_len(sa) == plain + 6, "SA: a CPU takes 6 bytes");
	round_trip(HA_REC_SA, &in, "SA: per-CPU SA of CPU 1");
	sa->pcpu = 0;
	round_trip(HA_REC_SA, &in, "SA: per-CPU SA of CPU 0");
	sa->pcpu = HA_PCPU_NONE;
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ok(ha_wire_put_sa(&b, sa) == -EINVAL && !b.len, "SA: CPU 0xffffffff not encoded");
	sa->has_pcpu = 0;
	sa->pcpu = 0;
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_PCPU, 4, 0xff) == -EBADMSG,
	   "SA: CPU 0xffffffff on the wire refused");
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_PCPU, 2, 0) == -EBADMSG, "SA: CPU of 2 bytes refused");
	ok(!bad_sub(HA_REC_SA, &in, HA_SUB_PCPU, 4, 0) && out.sa.has_pcpu && !out.sa.pcpu,
	   "SA: CPU 0 decodes");
	sa->dir = HA_DIR_UNKNOWN;
	sa->dir_inferred = HA_DIR_IN;
	ok(ha_wire_sa_len(sa) == plain + 3, "SA: an inferred direction takes 3 bytes");
	round_trip(HA_REC_SA, &in, "SA: inferred direction in");
	sa->dir = HA_DIR_OUT;
	ok(ha_wire_sa_len(sa) == plain, "SA: no inferred direction sent beside the kernel's");
	sa->dir = HA_DIR_UNKNOWN;
	sa->dir_inferred = HA_DIR_OUT + 1;
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ok(ha_wire_put_sa(&b, sa) == -EINVAL && !b.len, "SA: inferred direction 3 not encoded");
	sa->dir_inferred = HA_DIR_UNKNOWN;
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_DIR, 1, 0) == -EBADMSG,
	   "SA: inferred direction 0 on the wire refused");
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_DIR, 1, 3) == -EBADMSG,
	   "SA: inferred direction 3 refused");
	ok(!bad_sub(HA_REC_SA, &in, HA_SUB_DIR, 1, 2) && out.sa.dir_inferred == HA_DIR_OUT,
	   "SA: inferred direction 2 decodes as out");
	sa->dir = HA_DIR_IN;
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_DIR, 1, 2) == -EBADMSG,
	   "SA: inferred direction beside the kernel's refused");

	/* checks: strongSwan 6's outbound ESN SA has no replay window */
	chk_sa_esn();
	chk_sa.dir = HA_DIR_OUT;
	chk_sa.replay_window = 0;
	chk_sa.bmp_len = 0;
	chk_sa.seq = 0;
	chk_sa.oseq = 0x100000005ULL;
	sa_is(HA_CHECK_OK, "outbound ESN SA with window 0 passes");
	chk_sa.dir = HA_DIR_IN;
	sa_is(HA_CHECK_REPLAY, "inbound ESN SA with window 0 refused");
	chk_sa.dir = HA_DIR_UNKNOWN;
	sa_is(HA_CHECK_REPLAY, "ESN SA of no direction with window 0 refused");
	chk_sa_ok();
	chk_sa.dir = HA_DIR_UNKNOWN;
	chk_sa.has_pcpu = 1;
	chk_sa.pcpu = 3;
	sa_is(HA_CHECK_PROTO, "per-CPU SA without a direction refused");
	chk_sa.dir = HA_DIR_OUT;
	sa_is(HA_CHECK_OK, "outbound per-CPU SA passes");
	chk_sa_ok();
	chk_sa.dir = HA_DIR_UNKNOWN;
	chk_sa.mode = HA_MODE_IPTFS;
	sa_is(HA_CHECK_PROTO, "IP-TFS SA without a direction refused");
	chk_sa.dir = HA_DIR_IN;
	sa_is(HA_CHECK_OK, "inbound IP-TFS ESP SA passes");
	chk_sa.proto = HA_IPPROTO_AH;
	chk_sa.aead.id = HA_ALG_NONE;
	alg_set(&chk_sa.aalg, HA_ALG_AUTH, "hmac(sha1)", 20, 96);
	sa_is(HA_CHECK_PROTO, "IP-TFS AH SA refused");
	chk_sa_ok();
	chk_sa.mode = HA_MODE_IPTFS + 1;
	chk_sa.dir = HA_DIR_IN;
	sa_is(HA_CHECK_PROTO, "mode 6 refused");

	/* plans: a 6.1-like kernel (no directions, no per-CPU SAs), 6.12 */
	chk_sa_esn();
	chk_sa.dir = HA_DIR_OUT;
	chk_sa.replay_window = 0;
	chk_sa.bmp_len = 0;
	chk_sa.seq = 0;
	plan_is(&k61, 0, "6.1: outbound ESN SA with window 0");
	ok(chk_plan.dir == HA_DIR_UNKNOWN && chk_plan.replay_window == 1 &&
	   chk_plan.pcpu == HA_PCPU_NONE, "6.1: installed without direction, window 1");
	plan_is(&k612, 0, "6.12: outbound ESN SA with window 0");
	ok(chk_plan.dir == HA_DIR_OUT && chk_plan.replay_window == 0 &&
	   chk_plan.pcpu == HA_PCPU_NONE, "6.12: installed outbound, window 0");
	chk_sa.has_pcpu = 1;
	chk_sa.pcpu = 1;
	plan_is(&k61, -EOPNOTSUPP, "6.1: outbound per-CPU SA refused");
	plan_is(&k612, 0, "6.12: outbound per-CPU SA of CPU 1");
	ok(chk_plan.pcpu == 1, "6.12: installed on CPU 1");
	chk_sa.pcpu = 2;
	plan_is(&k612, -EOPNOTSUPP, "6.12: outbound per-CPU SA of CPU 2 of 2 refused");
	chk_sa.dir = HA_DIR_IN;
	chk_sa.replay_window = 128;
	plan_is(&k612, 0, "6.12: inbound per-CPU SA of a CPU it does not have");
	ok(chk_plan.pcpu == HA_PCPU_NONE && chk_plan.dir == HA_DIR_IN &&
	   chk_plan.replay_window == 128, "6.12: installed inbound without a CPU");
	plan_is(&k61, 0, "6.1: inbound per-CPU SA");
	ok(chk_plan.pcpu == HA_PCPU_NONE && chk_plan.dir == HA_DIR_UNKNOWN,
	   "6.1: installed without CPU or direction");
	chk_sa_ok();
	chk_sa.mode = HA_MODE_IPTFS;
	chk_sa.dir = HA_DIR_OUT;
	plan_is(&k612, -EOPNOTSUPP, "IP-TFS SA refused");
	chk_sa_ok();
	chk_sa.offload = HA_OFFLOAD_PACKET;
	plan_is(&k612, -EOPNOTSUPP, "packet-offload SA refused");
	chk_sa.offload = HA_OFFLOAD_CRYPTO;
	plan_is(&k61, 0, "crypto-offload SA installed (in software)");
}

/*
 * NAT keepalive interval and mapping max age (NATT), and the flag of a
 * security context (SEC_CTX): codec, checks, plans.
 */
static void test_natt(void)
{
	const struct ha_sa_caps k61 = { .dir = false, .cpus = 2, .mapping_maxage = true };
	const struct ha_sa_caps k612 = { .dir = true, .pcpu = true, .cpus = 2, .natka = true,
					 .mapping_maxage = true };
	struct ha_wire_sa *sa = &in.sa;
	struct ha_wire_buf b;
	size_t plain;

	/* codec */
	sa_natt(sa);
	plain = ha_wire_sa_len(sa);
	sa->natka_interval = 20;
	ok(ha_wire_sa_len(sa) == plain + 10, "SA: a NAT keepalive interval takes 10 bytes");
	round_trip(HA_REC_SA, &in, "SA: NAT keepalive interval 20 s");
	sa->natka_interval = 0;
	sa->dir = HA_DIR_IN;
	sa->mapping_maxage = 0xffffffff;
	ok(ha_wire_sa_len(sa) == plain + 10, "SA: a mapping max age takes 10 bytes");
	round_trip(HA_REC_SA, &in, "SA: mapping max age 2^32 - 1 s");
	sa->natka_interval = 1;
	round_trip(HA_REC_SA, &in, "SA: both (encodes what the checks refuse)");
	sa->natka_interval = 0;
	sa->mapping_maxage = 0;
	ok(ha_wire_sa_len(sa) == plain, "SA: neither: no NATT sub-TLV");
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_NATT, 8, 0) == -EBADMSG,
	   "SA: NATT of two zeros refused (never sent)");
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_NATT, 4, 1) == -EBADMSG, "SA: NATT of 4 bytes refused");
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_NATT, 9, 1) == -EBADMSG, "SA: NATT of 9 bytes refused");
	ok(!bad_sub(HA_REC_SA, &in, HA_SUB_NATT, 8, 1) && out.sa.natka_interval == 0x01010101 &&
	   out.sa.mapping_maxage == 0x01010101, "SA: NATT decodes, interval first");
	sa->has_sec_ctx = 1;
	sa->sec_ctx_doi = 1;
	sa->sec_ctx_alg = 1;
	sa->sec_ctx_len = 40;
	ok(ha_wire_sa_len(sa) == plain + 6, "SA: a security context flag takes 6 bytes");
	round_trip(HA_REC_SA, &in, "SA: with a security context (flagged, not carried)");
	sa->has_sec_ctx = 2;
	ha_wire_buf_init(&b, buf, sizeof(buf));
	ok(ha_wire_put_sa(&b, sa) == -EINVAL && !b.len, "SA: has_sec_ctx 2 not encoded");
	sa->has_sec_ctx = 0;
	ok(bad_sub(HA_REC_SA, &in, HA_SUB_SEC_CTX, 3, 1) == -EBADMSG,
	   "SA: SEC_CTX of 3 bytes refused");
	ok(!bad_sub(HA_REC_SA, &in, HA_SUB_SEC_CTX, 4, 0) && out.sa.has_sec_ctx,
	   "SA: SEC_CTX of zeros decodes as flagged");
	/*
	 * An older node: to it NATT and SEC_CTX are unknown types, which it
	 * skips. Renumbered to types nobody knows, the record decodes as
	 * the same SA without them.
	 */
	sa_natt(sa);
	sa->natka_interval = 20;
	sa->has_sec_ctx = 1;
	{
		size_t n = encode_into(buf2, HA_REC_SA, &in), i, renamed = 0;
		struct ha_wire_iter it;
		struct ha_wire_rec rec;

		/* the two sub-TLVs follow the core and ENCAP, the last ones */
		for (i = 3 + 64; i + 1 < n; i += 2 + buf2[i + 1]) {
			if (buf2[i] == HA_SUB_NATT || buf2[i] == HA_SUB_SEC_CTX) {
				buf2[i] = 0x1e + renamed++;	/* types no node knows yet */
			}
		}
		ha_wire_iter_init(&it, buf2, n);
		sa->natka_interval = 0;
		sa->has_sec_ctx = 0;
		ok(renamed == 2 && ha_wire_next(&it, &rec) == 1 && !ha_wire_get_sa(&rec, &out.sa) &&
		   !memcmp(&out.sa, sa, sizeof(*sa)),
		   "SA: an older node skips NATT and SEC_CTX and sees the SA without them");
	}
	/* An inbound per-CPU SA with a replay bitmap: PCPU and BMP both. */
	sa_gcm_v4(sa);
	sa->dir = HA_DIR_IN;
	sa->has_pcpu = 1;
	sa->pcpu = 1;
	sa->bmp_len = 1;
	sa->bmp[0] = 0xff;
	round_trip(HA_REC_SA, &in, "SA: inbound per-CPU SA with a replay bitmap");

	/* checks, as xfrm_user */
	chk_sa_ok();
	chk_sa.natka_interval = 20;
	sa_is(HA_CHECK_PROTO, "NAT keepalive without encapsulation refused");
	chk_sa.has_encap = 1;
	chk_sa.encap_type = HA_ENCAP_ESPINUDP;
	chk_sa.dir = HA_DIR_OUT;
	sa_is(HA_CHECK_OK, "outbound ESP-in-UDP SA with a NAT keepalive passes");
	chk_sa.dir = HA_DIR_IN;
	sa_is(HA_CHECK_PROTO, "inbound SA with a NAT keepalive refused");
	chk_sa.dir = HA_DIR_UNKNOWN;
	sa_is(HA_CHECK_PROTO, "SA of no direction with a NAT keepalive refused");
	chk_sa.dir = HA_DIR_OUT;
	chk_sa.encap_type = HA_ENCAP_ESPINUDP_NON_IKE;
	sa_is(HA_CHECK_PROTO, "NAT keepalive on non-IKE ESP in UDP refused");
	chk_sa.encap_type = HA_ENCAP_ESPINTCP;
	sa_is(HA_CHECK_PROTO, "NAT keepalive on ESP in TCP refused");
	chk_sa_ok();
	chk_sa.mapping_maxage = 30;
	chk_sa.dir = HA_DIR_IN;
	sa_is(HA_CHECK_PROTO, "mapping max age without encapsulation refused");
	chk_sa.has_encap = 1;
	chk_sa.encap_type = HA_ENCAP_ESPINTCP;
	sa_is(HA_CHECK_OK, "inbound encapsulated SA with a mapping max age passes");
	chk_sa.dir = HA_DIR_UNKNOWN;
	sa_is(HA_CHECK_OK, "the same of no direction passes");
	chk_sa.dir = HA_DIR_OUT;
	sa_is(HA_CHECK_PROTO, "outbound SA with a mapping max age refused");

	/* plans */
	chk_sa_ok();
	chk_sa.has_encap = 1;
	chk_sa.encap_type = HA_ENCAP_ESPINUDP;
	chk_sa.dir = HA_DIR_OUT;
	chk_sa.natka_interval = 20;
	plan_is(&k612, 0, "6.12: outbound SA with a NAT keepalive");
	ok(chk_plan.natka_interval == 20 && !chk_plan.mapping_maxage,
	   "6.12: installed with its keepalive interval");
	plan_is(&k61, 0, "6.1: outbound SA with a NAT keepalive");
	ok(!chk_plan.natka_interval && chk_plan.dir == HA_DIR_UNKNOWN,
	   "6.1: installed without keepalives (the IKE daemon sends them)");
	chk_sa.natka_interval = 0;
	chk_sa.dir = HA_DIR_IN;
	chk_sa.mapping_maxage = 30;
	plan_is(&k61, 0, "6.1: inbound SA with a mapping max age");
	ok(chk_plan.mapping_maxage == 30 && !chk_plan.natka_interval,
	   "6.1: installed with its mapping max age");
	plan_is(&k612, 0, "6.12: inbound SA with a mapping max age");
	ok(chk_plan.mapping_maxage == 30, "6.12: installed with its mapping max age");
	chk_sa_ok();
	chk_sa.has_sec_ctx = 1;
	sa_is(HA_CHECK_OK, "SA with a security context passes the checks (mirrored)");
	plan_is(&k612, -EOPNOTSUPP, "SA with a security context refused by promote");
	plan_is(&k61, -EOPNOTSUPP, "the same on 6.1");
}

static void test_alg_table(void)
{
	unsigned int kind, i, bad = 0;

	for (kind = 0; kind < HA_ALG_KINDS; kind++)
		for (i = 0; i < 10 && alg_names[kind][i]; i++) {
			const char *n = ha_alg_name(kind, i + 1);

			if (ha_alg_id(kind, alg_names[kind][i]) != i + 1 || !n ||
			    strcmp(n, alg_names[kind][i]))
				bad++;
		}
	ok(!bad, "algorithm table: 26 names, ids from 1 in table order");
	ok(ha_alg_id(HA_ALG_AEAD, "cbc(aes)") == HA_ALG_OTHER, "an ENCR name is OTHER as AEAD");
	ok(ha_alg_id(HA_ALG_AUTH, "hmac(sm3)") == HA_ALG_OTHER, "unknown name is OTHER");
	ok(ha_alg_id(HA_ALG_AUTH, NULL) == HA_ALG_NONE && ha_alg_id(HA_ALG_AUTH, "") == HA_ALG_NONE,
	   "no name is NONE");
	ok(!ha_alg_name(HA_ALG_AEAD, 0) && !ha_alg_name(HA_ALG_AEAD, 5) &&
	   !ha_alg_name(HA_ALG_ENCR, 11) && !ha_alg_name(HA_ALG_COMP, 255) &&
	   !ha_alg_name(HA_ALG_KINDS, 1), "no name for NONE, OTHER, unknown ids or kinds");
	ok(ha_alg_id(HA_ALG_KINDS, "deflate") == HA_ALG_OTHER, "bad kind is OTHER");
}

static void hex(const char *title, const u8 *p, size_t n)
{
	size_t i;

	printf("%s (%zu bytes):\n", title, n);
	for (i = 0; i < n; i++)
		printf("%02x%s", p[i], (i + 1) % 16 == 0 || i + 1 == n ? "\n" : " ");
}

/* The worked example of Documentation/wire-protocol.md. */
static void example(void)
{
	static union wire_obj o;
	struct ha_wire_hdr h = {
		.version = 2, .node_id = 2, .key_id = 1, .epoch = 5, .seq = 42,
		.salt = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
			  0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf },
	};
	struct ha_wire_ctr c[2] = {
		{ .ref = { 1, 0x1234 }, .owner_epoch = 3, .inbound = 0, .value = 1000 },
		{ .ref = { 1, 0x1235 }, .owner_epoch = 3, .inbound = 1, .value = 0x100000123ULL },
	};
	struct ha_wire_buf b;
	u8 nonce[HA_WIRE_NONCE_LEN];
	unsigned int i;

	ha_wire_hdr_put(buf2, &h);
	ha_wire_buf_init(&b, buf2 + HA_WIRE_HDR_LEN, 1416);
	sa_gcm_v4(&o.sa);
	for (i = 0; i < 36; i++)
		o.sa.aead.key[i] = i;
	memset(&o.sa.daddr, 0, sizeof(o.sa.daddr));
	memset(&o.sa.saddr, 0, sizeof(o.sa.saddr));
	memcpy(o.sa.daddr.a, "\xc0\x00\x02\x02", 4);
	memcpy(o.sa.saddr.a, "\xc0\x00\x02\x01", 4);
	ha_wire_put_sa(&b, &o.sa);
	ha_wire_put_ctrs(&b, c, 2);
	memset(&o, 0, sizeof(o));
	o.alive.last_seq = 41;
	o.alive.count = 2;
	o.alive.digest = 0x0123456789abcdefULL;
	ha_wire_put_alive(&b, &o.alive);
	memset(buf2 + HA_WIRE_HDR_LEN + b.len, 0xee, HA_WIRE_TAG_LEN);
	hex("header", buf2, HA_WIRE_HDR_LEN);
	ha_wire_nonce(&h, nonce);
	hex("nonce", nonce, sizeof(nonce));
	hex("records (plaintext)", buf2 + HA_WIRE_HDR_LEN, b.len);
	printf("datagram: %zu bytes of UDP payload\n",
	       HA_WIRE_HDR_LEN + b.len + HA_WIRE_TAG_LEN);
}

/*
 * The takeover margin (module/margin.h): its terms, the 2^32 limit of
 * non-ESN SAs, the rate estimate, and a simulated owner that syncs by the
 * module's rules (sync_packets or sync_interval, whichever comes first)
 * at random rates, whose records take up to 20 ms and one in ten is
 * lost, and fails at a random moment: with the default margin-min (which
 * covers an SA whose rate was never measured), the counter a takeover
 * starts from is always past anything the owner used. Without the rate
 * term, some would not be.
 */
/*
 * Split brain (margin.h): every pair of nodes that promote the same SA
 * from nearby counters sends from ranges that do not meet; the low 32
 * bits (what goes on the wire) differ for ESN SAs too; a start past the
 * SA's space is refused.
 */
static void test_split_ranges(void)
{
	const u64 base = 1000000, jitter = 100000;	/* two nodes' starts differ by this */
	unsigned int a, b, bad = 0, badlow = 0, bad32 = 0;

	for (a = 1; a <= 64; a++)
		for (b = a + 1; b <= 64; b++) {
			u64 sa, sb;

			if (a % HA_SPLIT_SLOTS == b % HA_SPLIT_SLOTS)
				continue;
			sa = ha_margin_node_start(base, true, a);
			sb = ha_margin_node_start(base + jitter, true, b);
			if ((sa > sb ? sa - sb : sb - sa) < HA_SPLIT_STRIDE_ESN - jitter)
				bad++;
			if ((u32)sa == (u32)sb || sa - base >= (1ULL << 31) ||
			    sb - base - jitter >= (1ULL << 31))
				badlow++;
			sa = ha_margin_node_start(base, false, a);
			sb = ha_margin_node_start(base + jitter, false, b);
			if ((sa > sb ? sa - sb : sb - sa) < HA_SPLIT_STRIDE - jitter)
				bad32++;
		}
	ok(!bad, "split ranges: ESN ranges of nodes apart modulo 16 are 2^27 apart");
	ok(!badlow, "split ranges: ... their low 32 bits differ, and no offset reaches 2^31 (the receiver infers the high bits)");
	ok(!bad32, "split ranges: non-ESN ranges of nodes apart modulo 16 are 2^22 apart");
	ok(ha_margin_node_start(0xffffffffULL - 1000, false, 1) == 0,
	   "split ranges: a non-ESN start moved past 2^32 - 1 is refused");
	ok(ha_margin_node_start(~0ULL - (1ULL << 20), true, 15) == 0,
	   "split ranges: an ESN start moved past 2^64 - 1 is refused");
	ok(ha_margin_node_start(0, true, 1) == 0, "split ranges: no start stays none");
	ok(ha_margin_node_start(5000, false, 16) == 5000,
	   "split ranges: node 16 shares node 0's non-ESN slot (no offset)");
}

static void test_margin(void)
{
	struct ha_margin_in mi = { .sync_packets = 256, .margin_min = 16 };
	unsigned int trial, reused = 0, trials = 20000;

	ok(ha_margin(&mi) == 257, "margin: idle SA: sync_packets + 1");
	mi.margin_min = 4096;
	ok(ha_margin(&mi) == 4096, "margin: margin-min is the floor");
	mi.margin_min = 16;
	mi.rate = 1000;
	mi.since_ms = 500;
	ok(ha_margin(&mi) == 256 + 1000 + 1, "margin: twice the rate over the time since the last sync");
	mi.since_ms = ~0ULL;
	mi.rate = 0xffffffff;
	ok(ha_margin(&mi) > (u64)0xffffffff * 3600, "margin: no overflow at the largest rate and time");
	mi = (struct ha_margin_in){ .last = 0xffffffffULL - 100, .sync_packets = 256 };
	ok(ha_margin_start(&mi, false) == 0, "margin: a non-ESN SA that would pass 2^32 - 1 cannot be taken over");
	ok(ha_margin_start(&mi, true) == 0xffffffffULL - 100 + 257, "margin: an ESN SA goes past 2^32");
	mi.last = 1000;
	ok(ha_margin_start(&mi, false) == 1257, "margin: start = last + margin");
	ok(ha_margin_rate(100, 5000, 1000) == 5000, "margin rate: a faster measurement counts at once");
	ok(ha_margin_rate(4000, 0, 1000) == 3000, "margin rate: a slower one decays by a quarter");
	ok(ha_margin_rate(0, 10, 0) == 10000, "margin rate: zero ms counts as one");

	for (trial = 0; trial < trials; trial++) {
		u64 rate = 1 + rnd() % 100000;			/* packets per second */
		u64 packets = 1 + rnd() % 2048;			/* sync_packets */
		u64 interval = 10 + rnd() % 1000;		/* ms */
		u64 fail_at = 1 + rnd() % 20000;		/* ms */
		u64 detect = rnd() % 3000;			/* ms until promote */
		u64 lat = 1 + rnd() % 20;			/* ms from read to arrival */
		u64 t, used = 0, sent = 0, sent_at = 0, start;
		u64 flight = 0, flight_at = 0;			/* a record on its way */
		u64 synced = 0, seen_at = 0;			/* what the receiver has */
		struct ha_margin_in m = { .sync_packets = packets, .margin_min = 4096 };
		bool in_flight = false;
		u32 est = 0;

		/* Millisecond steps; the rate wobbles by up to a half. */
		for (t = 1; t <= fail_at; t++) {
			u64 r = rate / 2 + rnd() % (rate + 1);

			used += r / 1000 + (rnd() % 1000 < r % 1000);
			if (in_flight && t >= flight_at) {	/* arrives */
				est = ha_margin_rate(est, flight - synced, t - seen_at);
				synced = flight;
				seen_at = t;
				in_flight = false;
			}
			if (used - sent >= packets || (t - sent_at >= interval && used != sent)) {
				sent = used;
				sent_at = t;
				/* One in ten records is lost (and never repaired). */
				if (rnd() % 10 && !in_flight) {
					flight = used;
					flight_at = t + lat;
					in_flight = true;
				}
			}
		}
		m.last = synced;
		m.rate = est;
		m.since_ms = fail_at + detect - seen_at;
		start = ha_margin_start(&m, true);
		if (start < used)
			reused++;
	}
	ok(!reused, "margin: %u simulated failovers, %u would reuse a counter", trials, reused);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write-corpus")) {
		snprintf(corpus_dir, sizeof(corpus_dir), "%s", argv[2]);
		mkdir(corpus_dir, 0755);
	} else if (argc == 2 && !strcmp(argv[1], "--example")) {
		example();
		return 0;
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--write-corpus DIR | --example]\n", argv[0]);
		return 2;
	}
	printf("TAP version 13\n");
	test_header();
	test_iter();
	test_alg_table();
	test_sa_round_trips();
	test_other_round_trips();
	test_taken();
	test_given_move();
	test_capacity();
	test_truncation();
	test_malformed();
	test_patch_hostile();
	test_encode_errors();
	test_margin();
	test_split_ranges();
	test_offload();
	test_kinds();
	test_natt();
	test_check_sa();
	test_check_policy();
	printf("1..%u\n", tests);
	if (corpus_dir[0])
		printf("# wrote %u seeds to %s\n", corpus_n, corpus_dir);
	printf("# %u passed, %u failed\n", tests - failed, failed);
	return failed ? 1 : 0;
}
