// SPDX-License-Identifier: GPL-2.0
/*
 * SA and POLICY records (wire_sa.h), with the sub-TLVs they share:
 * selectors, lifetimes, marks and interface ids; and the algorithms and
 * compact algorithm ids of SAs. The rules of wire.c hold: decoders bound
 * every length before they copy, encoders refuse what decoders refuse.
 */
#include "wire_tlv.h"

#define HA_SA_CORE	56	/* SA core without its two addresses */
#define HA_POL_CORE	19
#define HA_TMPL_CORE	25	/* template without its two addresses */
#define HA_SEL_CORE	4	/* selector without addresses and tails */
#define HA_ENCAP_CORE	6
#define HA_NATT_LEN	8	/* keepalive interval, mapping max age */
#define HA_SEC_CTX_LEN	4	/* DOI, algorithm, context length */
#define HA_ALG_CORE	4
#define HA_LFT_CFG_N	8
#define HA_LFT_CUR_N	4
#define HA_ALG_TABLE	10	/* largest id of any kind */
#define HA_INF		(~0ULL)

static const char * const ha_alg_table[HA_ALG_KINDS][HA_ALG_TABLE] = {
	[HA_ALG_AEAD] = {
		"rfc4106(gcm(aes))", "rfc4309(ccm(aes))",
		"rfc7539esp(chacha20,poly1305)", "rfc4543(gcm(aes))",
	},
	[HA_ALG_ENCR] = {
		"cbc(aes)", "rfc3686(ctr(aes))", "cbc(des3_ede)", "cbc(des)",
		"ecb(cipher_null)", "cbc(cast5)", "cbc(blowfish)",
		"cbc(serpent)", "cbc(twofish)", "cbc(camellia)",
	},
	[HA_ALG_AUTH] = {
		"hmac(md5)", "hmac(sha1)", "hmac(sha256)", "hmac(sha384)",
		"hmac(sha512)", "hmac(rmd160)", "xcbc(aes)", "cmac(aes)",
		"digest_null",
	},
	[HA_ALG_COMP] = {
		"deflate", "lzs", "lzjh",
	},
};

const char *ha_alg_name(enum ha_alg_kind kind, u8 id)
{
	if ((unsigned int)kind >= HA_ALG_KINDS || id == HA_ALG_NONE ||
	    id > HA_ALG_TABLE)
		return NULL;
	return ha_alg_table[kind][id - 1];
}

u8 ha_alg_id(enum ha_alg_kind kind, const char *name)
{
	unsigned int i;

	if (!name || !name[0])
		return HA_ALG_NONE;
	if ((unsigned int)kind >= HA_ALG_KINDS)
		return HA_ALG_OTHER;
	for (i = 0; i < HA_ALG_TABLE; i++) {
		const char *n = ha_alg_table[kind][i];

		if (n && !strcmp(n, name))
			return i + 1;
	}
	return HA_ALG_OTHER;
}

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Selectors, lifetimes, algorithms: shared by SA and POLICY records */

static bool sel_prefix_ok(const struct ha_wire_sel *s)
{
	unsigned int max = s->family == HA_AF_INET ? 32 : 128;

	return s->prefixlen_d <= max && s->prefixlen_s <= max;
}

/* Value bytes of a selector sub-TLV; 0 when omitted, -EINVAL if invalid. */
static int sel_size(const struct ha_wire_sel *s)
{
	size_t a = ha_wire_addr_len(s->family);
	int n = HA_SEL_CORE + 2 * a;

	if (s->family && !ha_wire_family_ok(s->family))
		return -EINVAL;
	if (!sel_prefix_ok(s))
		return -EINVAL;
	if (s->ifindex || s->user)
		return n + 16;
	if (s->dport || s->dport_mask || s->sport || s->sport_mask)
		return n + 8;
	if (!s->family && !s->prefixlen_d && !s->prefixlen_s && !s->proto &&
	    all_zero(s->daddr.a, a) && all_zero(s->saddr.a, a))
		return 0;
	return n;
}

static u8 *sel_put(u8 *q, const struct ha_wire_sel *s, size_t vlen)
{
	size_t base = HA_SEL_CORE + 2 * ha_wire_addr_len(s->family);

	q = ha_wire_tlv_hdr(q, HA_SUB_SEL, vlen);
	q = ha_wire_w8(q, s->family);
	q = ha_wire_w8(q, s->prefixlen_d);
	q = ha_wire_w8(q, s->prefixlen_s);
	q = ha_wire_w8(q, s->proto);
	q = ha_wire_addr_put(q, &s->daddr, s->family);
	q = ha_wire_addr_put(q, &s->saddr, s->family);
	if (vlen > base) {
		q = ha_wire_w16(q, s->dport);
		q = ha_wire_w16(q, s->dport_mask);
		q = ha_wire_w16(q, s->sport);
		q = ha_wire_w16(q, s->sport_mask);
	}
	if (vlen > base + 8) {
		q = ha_wire_w32(q, s->ifindex);
		q = ha_wire_w32(q, s->user);
	}
	return q;
}

static int sel_get(const struct ha_wire_rec *r, struct ha_wire_sel *s)
{
	const u8 *p = r->val;
	size_t base;

	if (r->len < HA_SEL_CORE)
		return -EBADMSG;
	s->family = p[0];
	s->prefixlen_d = p[1];
	s->prefixlen_s = p[2];
	s->proto = p[3];
	if (s->family && !ha_wire_family_ok(s->family))
		return -EBADMSG;
	if (!sel_prefix_ok(s))
		return -EBADMSG;
	base = HA_SEL_CORE + 2 * ha_wire_addr_len(s->family);
	if (r->len != base && r->len != base + 8 && r->len != base + 16)
		return -EBADMSG;
	p = ha_wire_addr_get(p + HA_SEL_CORE, &s->daddr, s->family);
	p = ha_wire_addr_get(p, &s->saddr, s->family);
	if (r->len > base) {
		s->dport = ha_get_be16(p);
		s->dport_mask = ha_get_be16(p + 2);
		s->sport = ha_get_be16(p + 4);
		s->sport_mask = ha_get_be16(p + 6);
		p += 8;
	}
	if (r->len > base + 8) {
		s->ifindex = ha_get_be32(p);
		s->user = ha_get_be32(p + 4);
	}
	return 0;
}

/*
 * Lifetimes travel as a mask byte (bit i: field i follows) and the fields
 * that differ from their default, in struct order.
 */
static void lft_cfg_to(const struct ha_wire_lft_cfg *l, u64 *v)
{
	v[0] = l->soft_byte;
	v[1] = l->hard_byte;
	v[2] = l->soft_packet;
	v[3] = l->hard_packet;
	v[4] = l->soft_add_expires;
	v[5] = l->hard_add_expires;
	v[6] = l->soft_use_expires;
	v[7] = l->hard_use_expires;
}

static void lft_cfg_from(struct ha_wire_lft_cfg *l, const u64 *v)
{
	l->soft_byte = v[0];
	l->hard_byte = v[1];
	l->soft_packet = v[2];
	l->hard_packet = v[3];
	l->soft_add_expires = v[4];
	l->hard_add_expires = v[5];
	l->soft_use_expires = v[6];
	l->hard_use_expires = v[7];
}

static void lft_cur_to(const struct ha_wire_lft_cur *l, u64 *v)
{
	v[0] = l->bytes;
	v[1] = l->packets;
	v[2] = l->add_time;
	v[3] = l->use_time;
}

static void lft_cur_from(struct ha_wire_lft_cur *l, const u64 *v)
{
	l->bytes = v[0];
	l->packets = v[1];
	l->add_time = v[2];
	l->use_time = v[3];
}

/* Value bytes of a masked sub-TLV, 0 when every field has its default. */
static size_t mask_size(const u64 *v, unsigned int n, u64 def)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i] != def)
			len += 8;
	return len ? len + 1 : 0;
}

static u8 *mask_put(u8 *q, u8 type, const u64 *v, unsigned int n, u64 def)
{
	u8 *m;
	unsigned int i;

	q = ha_wire_tlv_hdr(q, type, mask_size(v, n, def));
	m = q;
	q = ha_wire_w8(q, 0);
	for (i = 0; i < n; i++) {
		if (v[i] == def)
			continue;
		*m |= 1U << i;
		q = ha_wire_w64(q, v[i]);
	}
	return q;
}

/* @v holds the defaults on entry. */
static int mask_get(const struct ha_wire_rec *r, u64 *v, unsigned int n)
{
	const u8 *p = r->val;
	unsigned int i;
	size_t want = 1;
	u8 mask;

	if (r->len < 1)
		return -EBADMSG;
	mask = p[0];
	if (!mask || mask >> n)
		return -EBADMSG;
	for (i = 0; i < n; i++)
		if (mask & (1U << i))
			want += 8;
	if (r->len != want)
		return -EBADMSG;
	p++;
	for (i = 0; i < n; i++) {
		if (!(mask & (1U << i)))
			continue;
		v[i] = ha_get_be64(p);
		p += 8;
	}
	return 0;
}

static size_t lft_cfg_size(const struct ha_wire_lft_cfg *l)
{
	u64 v[HA_LFT_CFG_N];

	lft_cfg_to(l, v);
	return mask_size(v, HA_LFT_CFG_N, HA_INF);
}

static u8 *lft_cfg_put(u8 *q, const struct ha_wire_lft_cfg *l)
{
	u64 v[HA_LFT_CFG_N];

	lft_cfg_to(l, v);
	return mask_put(q, HA_SUB_LFT, v, HA_LFT_CFG_N, HA_INF);
}

static int lft_cfg_get(const struct ha_wire_rec *r, struct ha_wire_lft_cfg *l)
{
	u64 v[HA_LFT_CFG_N];
	int ret;

	lft_cfg_to(l, v);
	ret = mask_get(r, v, HA_LFT_CFG_N);
	if (!ret)
		lft_cfg_from(l, v);
	return ret;
}

static size_t lft_cur_size(const struct ha_wire_lft_cur *l)
{
	u64 v[HA_LFT_CUR_N];

	lft_cur_to(l, v);
	return mask_size(v, HA_LFT_CUR_N, 0);
}

static void lft_cfg_inf(struct ha_wire_lft_cfg *l)
{
	u64 v[HA_LFT_CFG_N];
	unsigned int i;

	for (i = 0; i < HA_LFT_CFG_N; i++)
		v[i] = HA_INF;
	lft_cfg_from(l, v);
}

static bool name_char_ok(char c)
{
	return c > ' ' && c < 0x7f;
}

/* Bytes of a name: 1..HA_WIRE_ALG_NAME_MAX - 1 printable, else 0. */
static size_t name_len(const char *name)
{
	size_t i;

	for (i = 0; i < HA_WIRE_ALG_NAME_MAX; i++) {
		if (!name[i])
			return i;
		if (!name_char_ok(name[i]))
			return 0;
	}
	return 0;
}

/* Value bytes of an algorithm sub-TLV, -EINVAL if it cannot be sent. */
static int alg_size(const struct ha_wire_alg *a, enum ha_alg_kind kind)
{
	int n = HA_ALG_CORE + a->key_len;

	if (a->key_len > HA_WIRE_KEY_MAX)
		return -EINVAL;
	if (a->id == HA_ALG_OTHER) {
		size_t nl = name_len(a->name);

		if (!nl)
			return -EINVAL;
		return n + nl;
	}
	if (!ha_alg_name(kind, a->id))
		return -EINVAL;
	return n;
}

static u8 *alg_put(u8 *q, const struct ha_wire_alg *a, enum ha_alg_kind kind,
		   size_t vlen)
{
	q = ha_wire_tlv_hdr(q, HA_SUB_AEAD + kind, vlen);
	q = ha_wire_w8(q, a->id);
	q = ha_wire_w16(q, a->icv_len);
	q = ha_wire_w8(q, a->key_len);
	q = ha_wire_wmem(q, a->key, a->key_len);
	if (a->id == HA_ALG_OTHER)
		q = ha_wire_wmem(q, a->name, vlen - HA_ALG_CORE - a->key_len);
	return q;
}

static int alg_get(const struct ha_wire_rec *r, struct ha_wire_alg *a,
		   enum ha_alg_kind kind)
{
	const u8 *p = r->val;
	size_t rest, i;

	if (r->len < HA_ALG_CORE)
		return -EBADMSG;
	a->id = p[0];
	a->icv_len = ha_get_be16(p + 1);
	a->key_len = p[3];
	if (a->key_len > HA_WIRE_KEY_MAX || a->key_len > r->len - HA_ALG_CORE)
		return -EBADMSG;
	memcpy(a->key, p + HA_ALG_CORE, a->key_len);
	rest = r->len - HA_ALG_CORE - a->key_len;
	p += HA_ALG_CORE + a->key_len;
	if (a->id != HA_ALG_OTHER)
		return ha_alg_name(kind, a->id) && !rest ? 0 : -EBADMSG;
	if (!rest || rest >= HA_WIRE_ALG_NAME_MAX)
		return -EBADMSG;
	for (i = 0; i < rest; i++) {
		if (!name_char_ok(p[i]))
			return -EBADMSG;
		a->name[i] = p[i];
	}
	a->name[rest] = '\0';
	return 0;
}

static u8 *u32_put(u8 *q, u8 type, u32 v)
{
	q = ha_wire_tlv_hdr(q, type, 4);
	return ha_wire_w32(q, v);
}

static u8 *u32x2_put(u8 *q, u8 type, u32 v, u32 m)
{
	q = ha_wire_tlv_hdr(q, type, 8);
	q = ha_wire_w32(q, v);
	return ha_wire_w32(q, m);
}

static int u32x2_get(const struct ha_wire_rec *r, u32 *v, u32 *m)
{
	if (r->len != 8)
		return -EBADMSG;
	*v = ha_get_be32(r->val);
	*m = ha_get_be32(r->val + 4);
	return 0;
}

static int u32_get(const struct ha_wire_rec *r, u32 *v)
{
	if (r->len != 4)
		return -EBADMSG;
	*v = ha_get_be32(r->val);
	return 0;
}

/* SA */

static const struct ha_wire_alg *sa_alg(const struct ha_wire_sa *sa,
					enum ha_alg_kind kind)
{
	switch (kind) {
	case HA_ALG_AEAD:
		return &sa->aead;
	case HA_ALG_ENCR:
		return &sa->ealg;
	case HA_ALG_AUTH:
		return &sa->aalg;
	default:
		return &sa->calg;
	}
}

static bool sa_bmp_sent(const struct ha_wire_sa *sa)
{
	return sa->bmp_len && !all_zero(sa->bmp, sa->bmp_len * sizeof(u32));
}

static bool sa_natt_sent(const struct ha_wire_sa *sa)
{
	return sa->natka_interval || sa->mapping_maxage;
}

/* The inferred direction travels only where the kernel gave none. */
static bool sa_dir_inferred_sent(const struct ha_wire_sa *sa)
{
	return sa->dir == HA_DIR_UNKNOWN && sa->dir_inferred != HA_DIR_UNKNOWN;
}

static int sa_size(const struct ha_wire_sa *sa)
{
	size_t a = ha_wire_addr_len(sa->family);
	int n = HA_SA_CORE + 2 * a;
	int kind, s;

	if (!ha_wire_family_ok(sa->family) || sa->dir > HA_DIR_OUT || sa->esn > 1 ||
	    sa->bmp_len > HA_WIRE_BMP_MAX || sa->offload > HA_OFFLOAD_PACKET ||
	    sa->dir_inferred > HA_DIR_OUT || (sa->has_pcpu && sa->pcpu == HA_PCPU_NONE) ||
	    sa->has_sec_ctx > 1)
		return -EINVAL;
	for (kind = 0; kind < HA_ALG_KINDS; kind++) {
		const struct ha_wire_alg *alg = sa_alg(sa, kind);

		if (alg->id == HA_ALG_NONE)
			continue;
		s = alg_size(alg, kind);
		if (s < 0)
			return s;
		n += 2 + s;
	}
	if (lft_cfg_size(&sa->lft))
		n += 2 + lft_cfg_size(&sa->lft);
	if (lft_cur_size(&sa->curlft))
		n += 2 + lft_cur_size(&sa->curlft);
	s = sel_size(&sa->sel);
	if (s < 0)
		return s;
	if (s)
		n += 2 + s;
	if (sa->has_encap)
		n += 2 + HA_ENCAP_CORE + a;
	if (sa->mark_v || sa->mark_m)
		n += 2 + 8;
	if (sa->smark_v || sa->smark_m)
		n += 2 + 8;
	if (sa->if_id)
		n += 2 + 4;
	if (sa->tfcpad)
		n += 2 + 4;
	if (sa->offload)
		n += 2 + 1;
	if (sa->has_pcpu)
		n += 2 + 4;
	if (sa_dir_inferred_sent(sa))
		n += 2 + 1;
	if (sa_natt_sent(sa))
		n += 2 + HA_NATT_LEN;
	if (sa->has_sec_ctx)
		n += 2 + HA_SEC_CTX_LEN;
	if (sa_bmp_sent(sa))
		n += 3 + sa->bmp_len * 4;
	if (n > 0xffff)
		return -EINVAL;
	return n;
}

size_t ha_wire_sa_len(const struct ha_wire_sa *sa)
{
	int n = sa_size(sa);

	return n < 0 ? 0 : ha_wire_tlv_hdr_len(HA_REC_SA) + n;
}

int ha_wire_put_sa(struct ha_wire_buf *b, const struct ha_wire_sa *sa)
{
	u64 cur[HA_LFT_CUR_N];
	int n = sa_size(sa);
	int kind, ret;
	u8 *q;
	u16 i;

	if (n < 0)
		return n;
	ret = ha_wire_rec_open(b, HA_REC_SA, n, &q);
	if (ret)
		return ret;
	q = ha_wire_w16(q, sa->ref.origin);
	q = ha_wire_w32(q, sa->ref.id);
	q = ha_wire_w16(q, sa->owner);
	q = ha_wire_w16(q, sa->owner_epoch);
	q = ha_wire_w8(q, sa->family);
	q = ha_wire_w8(q, sa->proto);
	q = ha_wire_w8(q, sa->mode);
	q = ha_wire_w8(q, sa->flags);
	q = ha_wire_w8(q, sa->dir);
	q = ha_wire_w8(q, sa->esn);
	q = ha_wire_w32(q, sa->extra_flags);
	q = ha_wire_addr_put(q, &sa->daddr, sa->family);
	q = ha_wire_addr_put(q, &sa->saddr, sa->family);
	q = ha_wire_w32(q, sa->spi);
	q = ha_wire_w32(q, sa->reqid);
	q = ha_wire_w32(q, sa->replay_window);
	q = ha_wire_w64(q, sa->oseq);
	q = ha_wire_w64(q, sa->seq);
	q = ha_wire_w64(q, sa->add_time);
	for (kind = 0; kind < HA_ALG_KINDS; kind++) {
		const struct ha_wire_alg *alg = sa_alg(sa, kind);

		if (alg->id != HA_ALG_NONE)
			q = alg_put(q, alg, kind, alg_size(alg, kind));
	}
	if (lft_cfg_size(&sa->lft))
		q = lft_cfg_put(q, &sa->lft);
	lft_cur_to(&sa->curlft, cur);
	if (mask_size(cur, HA_LFT_CUR_N, 0))
		q = mask_put(q, HA_SUB_CURLFT, cur, HA_LFT_CUR_N, 0);
	ret = sel_size(&sa->sel);
	if (ret)
		q = sel_put(q, &sa->sel, ret);
	if (sa->has_encap) {
		q = ha_wire_tlv_hdr(q, HA_SUB_ENCAP, HA_ENCAP_CORE + ha_wire_addr_len(sa->family));
		q = ha_wire_w16(q, sa->encap_type);
		q = ha_wire_w16(q, sa->encap_sport);
		q = ha_wire_w16(q, sa->encap_dport);
		q = ha_wire_addr_put(q, &sa->encap_oa, sa->family);
	}
	if (sa->mark_v || sa->mark_m)
		q = u32x2_put(q, HA_SUB_MARK, sa->mark_v, sa->mark_m);
	if (sa->smark_v || sa->smark_m)
		q = u32x2_put(q, HA_SUB_SMARK, sa->smark_v, sa->smark_m);
	if (sa->if_id)
		q = u32_put(q, HA_SUB_IF_ID, sa->if_id);
	if (sa->tfcpad)
		q = u32_put(q, HA_SUB_TFCPAD, sa->tfcpad);
	if (sa->offload) {
		q = ha_wire_tlv_hdr(q, HA_SUB_OFFLOAD, 1);
		q = ha_wire_w8(q, sa->offload);
	}
	if (sa->has_pcpu)
		q = u32_put(q, HA_SUB_PCPU, sa->pcpu);
	if (sa_dir_inferred_sent(sa)) {
		q = ha_wire_tlv_hdr(q, HA_SUB_DIR, 1);
		q = ha_wire_w8(q, sa->dir_inferred);
	}
	if (sa_natt_sent(sa)) {
		q = ha_wire_tlv_hdr(q, HA_SUB_NATT, HA_NATT_LEN);
		q = ha_wire_w32(q, sa->natka_interval);
		q = ha_wire_w32(q, sa->mapping_maxage);
	}
	if (sa->has_sec_ctx) {
		q = ha_wire_tlv_hdr(q, HA_SUB_SEC_CTX, HA_SEC_CTX_LEN);
		q = ha_wire_w8(q, sa->sec_ctx_doi);
		q = ha_wire_w8(q, sa->sec_ctx_alg);
		q = ha_wire_w16(q, sa->sec_ctx_len);
	}
	if (sa_bmp_sent(sa)) {
		q = ha_wire_tlv_hdr(q, HA_SUB_BMP, sa->bmp_len * 4);
		for (i = 0; i < sa->bmp_len; i++)
			q = ha_wire_w32(q, sa->bmp[i]);
	}
	return 0;
}

static int sa_sub_get(const struct ha_wire_rec *s, struct ha_wire_sa *sa)
{
	size_t a = ha_wire_addr_len(sa->family);
	u64 cur[HA_LFT_CUR_N] = { 0 };
	u16 i;
	int ret;

	switch (s->type) {
	case HA_SUB_AEAD:
		return alg_get(s, &sa->aead, HA_ALG_AEAD);
	case HA_SUB_ENCR:
		return alg_get(s, &sa->ealg, HA_ALG_ENCR);
	case HA_SUB_AUTH:
		return alg_get(s, &sa->aalg, HA_ALG_AUTH);
	case HA_SUB_COMP:
		return alg_get(s, &sa->calg, HA_ALG_COMP);
	case HA_SUB_LFT:
		return lft_cfg_get(s, &sa->lft);
	case HA_SUB_CURLFT:
		ret = mask_get(s, cur, HA_LFT_CUR_N);
		if (!ret)
			lft_cur_from(&sa->curlft, cur);
		return ret;
	case HA_SUB_SEL:
		return sel_get(s, &sa->sel);
	case HA_SUB_ENCAP:
		if (s->len != HA_ENCAP_CORE + a)
			return -EBADMSG;
		sa->has_encap = 1;
		sa->encap_type = ha_get_be16(s->val);
		sa->encap_sport = ha_get_be16(s->val + 2);
		sa->encap_dport = ha_get_be16(s->val + 4);
		ha_wire_addr_get(s->val + HA_ENCAP_CORE, &sa->encap_oa, sa->family);
		return 0;
	case HA_SUB_MARK:
		return u32x2_get(s, &sa->mark_v, &sa->mark_m);
	case HA_SUB_SMARK:
		return u32x2_get(s, &sa->smark_v, &sa->smark_m);
	case HA_SUB_IF_ID:
		return u32_get(s, &sa->if_id);
	case HA_SUB_TFCPAD:
		return u32_get(s, &sa->tfcpad);
	case HA_SUB_OFFLOAD:
		if (s->len != 1 || !s->val[0] || s->val[0] > HA_OFFLOAD_PACKET)
			return -EBADMSG;
		sa->offload = s->val[0];
		return 0;
	case HA_SUB_PCPU:
		ret = u32_get(s, &sa->pcpu);
		if (ret || sa->pcpu == HA_PCPU_NONE)
			return -EBADMSG;
		sa->has_pcpu = 1;
		return 0;
	case HA_SUB_DIR:
		if (s->len != 1 || !s->val[0] || s->val[0] > HA_DIR_OUT)
			return -EBADMSG;
		sa->dir_inferred = s->val[0];
		return 0;
	case HA_SUB_NATT:
		/* Sent only when one of them is set: all zero is malformed. */
		ret = u32x2_get(s, &sa->natka_interval, &sa->mapping_maxage);
		if (ret || !sa_natt_sent(sa))
			return -EBADMSG;
		return 0;
	case HA_SUB_SEC_CTX:
		if (s->len != HA_SEC_CTX_LEN)
			return -EBADMSG;
		sa->has_sec_ctx = 1;
		sa->sec_ctx_doi = s->val[0];
		sa->sec_ctx_alg = s->val[1];
		sa->sec_ctx_len = ha_get_be16(s->val + 2);
		return 0;
	case HA_SUB_BMP:
		if (!s->len || s->len % 4 || s->len / 4 > HA_WIRE_BMP_MAX ||
		    all_zero(s->val, s->len))
			return -EBADMSG;
		sa->bmp_len = s->len / 4;
		for (i = 0; i < sa->bmp_len; i++)
			sa->bmp[i] = ha_get_be32(s->val + 4 * i);
		return 0;
	default:
		return 0;	/* unknown: skipped */
	}
}

int ha_wire_get_sa(const struct ha_wire_rec *rec, struct ha_wire_sa *sa)
{
	const u8 *p = rec->val;
	struct ha_wire_iter it;
	struct ha_wire_rec s;
	size_t core;
	u64 seen = 0;
	int ret;

	memset(sa, 0, sizeof(*sa));
	lft_cfg_inf(&sa->lft);
	if (rec->type != HA_REC_SA)
		return -EINVAL;
	if (rec->len < 11)
		return -EBADMSG;
	sa->family = p[10];
	if (!ha_wire_family_ok(sa->family))
		return -EBADMSG;
	core = HA_SA_CORE + 2 * ha_wire_addr_len(sa->family);
	if (rec->len < core)
		return -EBADMSG;
	sa->ref.origin = ha_get_be16(p);
	sa->ref.id = ha_get_be32(p + 2);
	sa->owner = ha_get_be16(p + 6);
	sa->owner_epoch = ha_get_be16(p + 8);
	sa->proto = p[11];
	sa->mode = p[12];
	sa->flags = p[13];
	sa->dir = p[14];
	sa->esn = p[15];
	if (sa->dir > HA_DIR_OUT || sa->esn > 1)
		return -EBADMSG;
	sa->extra_flags = ha_get_be32(p + 16);
	p = ha_wire_addr_get(p + 20, &sa->daddr, sa->family);
	p = ha_wire_addr_get(p, &sa->saddr, sa->family);
	sa->spi = ha_get_be32(p);
	sa->reqid = ha_get_be32(p + 4);
	sa->replay_window = ha_get_be32(p + 8);
	sa->oseq = ha_get_be64(p + 12);
	sa->seq = ha_get_be64(p + 20);
	sa->add_time = ha_get_be64(p + 28);

	ha_wire_iter_init(&it, rec->val + core, rec->len - core);
	while ((ret = ha_wire_sub_next(&it, &s, &seen)) > 0) {
		ret = sa_sub_get(&s, sa);
		if (ret)
			return ret;
	}
	/* An inferred direction stands in for a missing one only. */
	if (!ret && sa->dir != HA_DIR_UNKNOWN && sa->dir_inferred != HA_DIR_UNKNOWN)
		return -EBADMSG;
	return ret;
}

/* POLICY */

static int tmpl_size(const struct ha_wire_tmpl *t)
{
	if (!ha_wire_family_ok(t->family))
		return -EINVAL;
	return HA_TMPL_CORE + 2 * ha_wire_addr_len(t->family);
}

static int pol_size(const struct ha_wire_policy *pol)
{
	int n = HA_POL_CORE;
	unsigned int i;
	int s;

	if (!ha_wire_family_ok(pol->family) || pol->dir > 2 || pol->action > 1 ||
	    pol->type > 1 || pol->nr_tmpl > HA_WIRE_TMPL_MAX)
		return -EINVAL;
	s = sel_size(&pol->sel);
	if (s < 0)
		return s;
	if (s)
		n += 2 + s;
	if (lft_cfg_size(&pol->lft))
		n += 2 + lft_cfg_size(&pol->lft);
	if (pol->mark_v || pol->mark_m)
		n += 2 + 8;
	if (pol->if_id)
		n += 2 + 4;
	if (pol->owner)
		n += 2 + 4;
	for (i = 0; i < pol->nr_tmpl; i++) {
		s = tmpl_size(&pol->tmpl[i]);
		if (s < 0)
			return s;
		n += 2 + s;
	}
	return n;
}

size_t ha_wire_policy_len(const struct ha_wire_policy *pol)
{
	int n = pol_size(pol);

	return n < 0 ? 0 : ha_wire_tlv_hdr_len(HA_REC_POLICY) + n;
}

int ha_wire_put_policy(struct ha_wire_buf *b, const struct ha_wire_policy *pol)
{
	int n = pol_size(pol);
	unsigned int i;
	int ret;
	u8 *q;

	if (n < 0)
		return n;
	ret = ha_wire_rec_open(b, HA_REC_POLICY, n, &q);
	if (ret)
		return ret;
	q = ha_wire_w16(q, pol->ref.origin);
	q = ha_wire_w32(q, pol->ref.id);
	q = ha_wire_w8(q, pol->dir);
	q = ha_wire_w8(q, pol->action);
	q = ha_wire_w8(q, pol->flags);
	q = ha_wire_w8(q, pol->type);
	q = ha_wire_w8(q, pol->family);
	q = ha_wire_w32(q, pol->priority);
	q = ha_wire_w32(q, pol->index);
	ret = sel_size(&pol->sel);
	if (ret)
		q = sel_put(q, &pol->sel, ret);
	if (lft_cfg_size(&pol->lft))
		q = lft_cfg_put(q, &pol->lft);
	if (pol->mark_v || pol->mark_m)
		q = u32x2_put(q, HA_SUB_MARK, pol->mark_v, pol->mark_m);
	if (pol->if_id)
		q = u32_put(q, HA_SUB_IF_ID, pol->if_id);
	if (pol->owner)
		q = u32_put(q, HA_SUB_OWNER, (u32)pol->owner << 16 | pol->owner_epoch);
	for (i = 0; i < pol->nr_tmpl; i++) {
		const struct ha_wire_tmpl *t = &pol->tmpl[i];

		q = ha_wire_tlv_hdr(q, HA_SUB_TMPL, tmpl_size(t));
		q = ha_wire_w8(q, t->family);
		q = ha_wire_w8(q, t->proto);
		q = ha_wire_w8(q, t->mode);
		q = ha_wire_w8(q, t->share);
		q = ha_wire_w8(q, t->optional);
		q = ha_wire_w32(q, t->spi);
		q = ha_wire_w32(q, t->reqid);
		q = ha_wire_w32(q, t->aalgos);
		q = ha_wire_w32(q, t->ealgos);
		q = ha_wire_w32(q, t->calgos);
		q = ha_wire_addr_put(q, &t->daddr, t->family);
		q = ha_wire_addr_put(q, &t->saddr, t->family);
	}
	return 0;
}

static int tmpl_get(const struct ha_wire_rec *s, struct ha_wire_tmpl *t)
{
	const u8 *p = s->val;

	if (s->len < 1)
		return -EBADMSG;
	t->family = p[0];
	if (!ha_wire_family_ok(t->family) ||
	    s->len != HA_TMPL_CORE + 2 * ha_wire_addr_len(t->family))
		return -EBADMSG;
	t->proto = p[1];
	t->mode = p[2];
	t->share = p[3];
	t->optional = p[4];
	t->spi = ha_get_be32(p + 5);
	t->reqid = ha_get_be32(p + 9);
	t->aalgos = ha_get_be32(p + 13);
	t->ealgos = ha_get_be32(p + 17);
	t->calgos = ha_get_be32(p + 21);
	p = ha_wire_addr_get(p + HA_TMPL_CORE, &t->daddr, t->family);
	ha_wire_addr_get(p, &t->saddr, t->family);
	return 0;
}

static int pol_sub_get(const struct ha_wire_rec *s, struct ha_wire_policy *pol)
{
	switch (s->type) {
	case HA_SUB_SEL:
		return sel_get(s, &pol->sel);
	case HA_SUB_LFT:
		return lft_cfg_get(s, &pol->lft);
	case HA_SUB_MARK:
		return u32x2_get(s, &pol->mark_v, &pol->mark_m);
	case HA_SUB_IF_ID:
		return u32_get(s, &pol->if_id);
	case HA_SUB_OWNER: {
		u32 v;

		if (u32_get(s, &v) || !(v >> 16))
			return -EBADMSG;
		pol->owner = v >> 16;
		pol->owner_epoch = (u16)v;
		return 0;
	}
	case HA_SUB_TMPL:
		if (pol->nr_tmpl >= HA_WIRE_TMPL_MAX)
			return -EBADMSG;
		return tmpl_get(s, &pol->tmpl[pol->nr_tmpl++]);
	default:
		return 0;
	}
}

int ha_wire_get_policy(const struct ha_wire_rec *rec, struct ha_wire_policy *pol)
{
	const u8 *p = rec->val;
	struct ha_wire_iter it;
	struct ha_wire_rec s;
	u64 seen = 0;
	int ret;

	memset(pol, 0, sizeof(*pol));
	lft_cfg_inf(&pol->lft);
	if (rec->type != HA_REC_POLICY)
		return -EINVAL;
	if (rec->len < HA_POL_CORE)
		return -EBADMSG;
	pol->ref.origin = ha_get_be16(p);
	pol->ref.id = ha_get_be32(p + 2);
	pol->dir = p[6];
	pol->action = p[7];
	pol->flags = p[8];
	pol->type = p[9];
	pol->family = p[10];
	pol->priority = ha_get_be32(p + 11);
	pol->index = ha_get_be32(p + 15);
	if (!ha_wire_family_ok(pol->family) || pol->dir > 2 || pol->action > 1 ||
	    pol->type > 1)
		return -EBADMSG;
	ha_wire_iter_init(&it, p + HA_POL_CORE, rec->len - HA_POL_CORE);
	while ((ret = ha_wire_sub_next(&it, &s, &seen)) > 0) {
		ret = pol_sub_get(&s, pol);
		if (ret)
			return ret;
	}
	return ret;
}

/*
 * Patching records in place (struct ha_wire_patch). The fields that a
 * patch rewrites sit at fixed offsets of an SA record's core. A POLICY
 * record has its ref in its core and its owner in an OWNER sub-TLV; a
 * policy record of an older node has none, and then the patch inserts
 * one where the encoder writes it, before the first template. A patched
 * record is then byte for byte the record that decoding, changing the
 * fields and encoding again would give (tests/wire checks that).
 */

#define HA_SA_OWNER	6	/* offsets in an SA record's value */
#define HA_SA_CTRS	32	/* oseq; seq follows; past the two addresses */
#define HA_OWNER_SUB	(2 + 4)	/* an OWNER sub-TLV with its header */

/* Where the fields of one record are, in bytes from the record's start. */
struct patch_loc {
	u8 type;
	size_t val;		/* the value: after the record's header */
	size_t ctrs;		/* SA: oseq */
	size_t owner;		/* POLICY: the OWNER sub-TLV's value, 0: none */
	size_t insert;		/* POLICY: where an OWNER sub-TLV goes */
};

/*
 * Finds the fields in rec, which must be exactly one SA or POLICY record,
 * checking every length it reads. A policy's sub-TLVs are walked with the
 * decoder's rules (no repeated type, no framing error).
 */
static int patch_locate(const u8 *rec, size_t len, struct patch_loc *l)
{
	struct ha_wire_iter it;
	struct ha_wire_rec r, s;
	u64 seen = 0;
	size_t a;
	int ret;

	ha_wire_iter_init(&it, rec, len);
	if (ha_wire_next(&it, &r) != 1 || it.left)
		return -EBADMSG;
	l->type = r.type;
	l->val = r.val - rec;
	l->owner = 0;
	if (r.type == HA_REC_SA) {
		if (r.len < 11 || !ha_wire_family_ok(r.val[10]))
			return -EBADMSG;
		a = ha_wire_addr_len(r.val[10]);
		if (r.len < HA_SA_CORE + 2 * a)
			return -EBADMSG;
		l->ctrs = l->val + HA_SA_CTRS + 2 * a;
		return 0;
	}
	if (r.type != HA_REC_POLICY)
		return -EINVAL;
	if (r.len < HA_POL_CORE)
		return -EBADMSG;
	l->insert = len;
	ha_wire_iter_init(&it, r.val + HA_POL_CORE, r.len - HA_POL_CORE);
	while ((ret = ha_wire_sub_next(&it, &s, &seen)) > 0) {
		if (s.type == HA_SUB_OWNER) {
			if (s.len != 4)
				return -EBADMSG;
			l->owner = s.val - rec;
		}
		if (s.type == HA_SUB_TMPL && l->insert == len)
			l->insert = s.val - 2 - rec;	/* TMPL has a 2-byte header */
	}
	return ret;
}

/* The patch a record takes as it is: every field, set 0. */
int ha_wire_patch_get(const u8 *rec, size_t len, struct ha_wire_patch *p)
{
	struct patch_loc l;
	const u8 *v;
	u32 owner;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = patch_locate(rec, len, &l);
	if (ret)
		return ret;
	v = rec + l.val;
	p->ref.origin = ha_get_be16(v);
	p->ref.id = ha_get_be32(v + 2);
	if (l.type == HA_REC_SA) {
		p->owner = ha_get_be16(v + HA_SA_OWNER);
		p->owner_epoch = ha_get_be16(v + HA_SA_OWNER + 2);
		p->oseq = ha_get_be64(rec + l.ctrs);
		p->seq = ha_get_be64(rec + l.ctrs + 8);
	} else if (l.owner) {
		owner = ha_get_be32(rec + l.owner);
		p->owner = owner >> 16;
		p->owner_epoch = (u16)owner;
	}
	return 0;
}

/*
 * Bytes of the record once patched (the same, or one OWNER sub-TLV more),
 * and the patch checked against it: -EINVAL for counters on a policy, for
 * owner 0 (which only records of older nodes carry, by leaving OWNER out)
 * or a record grown past its length field; -EBADMSG for a malformed one.
 */
static int patch_size(const u8 *rec, size_t len, const struct ha_wire_patch *p,
		      struct patch_loc *l)
{
	int ret = patch_locate(rec, len, l);

	if (ret)
		return ret;
	if (p->set & ~(HA_PATCH_REF | HA_PATCH_OWNER | HA_PATCH_CTRS))
		return -EINVAL;
	if ((p->set & HA_PATCH_OWNER) && !p->owner)
		return -EINVAL;
	if (l->type == HA_REC_SA)
		return len;
	if (p->set & HA_PATCH_CTRS)
		return -EINVAL;
	if (!(p->set & HA_PATCH_OWNER) || l->owner)
		return len;
	if (len - l->val + HA_OWNER_SUB > 0xffff)
		return -EINVAL;
	return len + HA_OWNER_SUB;
}

int ha_wire_patch_len(const u8 *rec, size_t len, const struct ha_wire_patch *p)
{
	struct patch_loc l;

	return patch_size(rec, len, p, &l);
}

/*
 * Writes rec, patched, into dst (room bytes; dst and rec do not overlap)
 * and returns its length, or a negative errno with nothing written.
 */
int ha_wire_patch(u8 *dst, size_t room, const u8 *rec, size_t len,
		  const struct ha_wire_patch *p)
{
	struct patch_loc l;
	int n = patch_size(rec, len, p, &l);
	size_t owner;
	u8 *v;

	if (n < 0)
		return n;
	if ((size_t)n > room)
		return -ENOSPC;
	owner = l.owner;
	if ((size_t)n == len) {
		memcpy(dst, rec, len);
	} else {
		/* A new OWNER sub-TLV at l.insert; the record's length grows. */
		memcpy(dst, rec, l.insert);
		ha_wire_tlv_hdr(dst + l.insert, HA_SUB_OWNER, 4);
		memcpy(dst + l.insert + HA_OWNER_SUB, rec + l.insert, len - l.insert);
		ha_put_be16(dst + 1, n - l.val);
		owner = l.insert + 2;
	}
	v = dst + l.val;
	if (p->set & HA_PATCH_REF) {
		ha_put_be16(v, p->ref.origin);
		ha_put_be32(v + 2, p->ref.id);
	}
	if ((p->set & HA_PATCH_OWNER) && l.type == HA_REC_SA) {
		ha_put_be16(v + HA_SA_OWNER, p->owner);
		ha_put_be16(v + HA_SA_OWNER + 2, p->owner_epoch);
	} else if (p->set & HA_PATCH_OWNER) {
		ha_put_be32(dst + owner, (u32)p->owner << 16 | p->owner_epoch);
	}
	if (p->set & HA_PATCH_CTRS) {
		ha_put_be64(dst + l.ctrs, p->oseq);
		ha_put_be64(dst + l.ctrs + 8, p->seq);
	}
	return n;
}
