// SPDX-License-Identifier: GPL-2.0
/*
 * The sync wire codec, version 1 (Documentation/wire-protocol.md).
 *
 * Decoders check every length against the bytes they were given and
 * every count against its bound before they copy anything, and clear
 * their output first. Encoders refuse (-EINVAL) whatever a decoder would
 * refuse, so that anything that decodes encodes again, and they write
 * nothing unless the whole record fits (-ENOSPC).
 */
#include "wire.h"

#define HA_SA_CORE	56	/* SA core without its two addresses */
#define HA_POL_CORE	19
#define HA_IKE_CORE	53	/* IKE core without its two addresses */
#define HA_TMPL_CORE	25	/* template without its two addresses */
#define HA_SEL_CORE	4	/* selector without addresses and tails */
#define HA_ENCAP_CORE	6
#define HA_ALG_CORE	4
#define HA_ALIVE_LEN	20
#define HA_NACK_LEN	18
#define HA_BULK_LEN	6
#define HA_BULK_END_LEN	14	/* with the request it answers */
#define HA_NODE_INFO_LEN 8		/* what every receiver needs */
#define HA_NODE_INFO_LEN_SP 12		/* with sync_packets */
#define HA_DEL_LEN	6
#define HA_IKE_DEL_LEN	16
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

/* Small helpers: big-endian writes that return the next position. */

static u8 *w8(u8 *q, u8 v)
{
	*q = v;
	return q + 1;
}

static u8 *w16(u8 *q, u16 v)
{
	ha_put_be16(q, v);
	return q + 2;
}

static u8 *w32(u8 *q, u32 v)
{
	ha_put_be32(q, v);
	return q + 4;
}

static u8 *w64(u8 *q, u64 v)
{
	ha_put_be64(q, v);
	return q + 8;
}

static u8 *wmem(u8 *q, const void *src, size_t n)
{
	memcpy(q, src, n);
	return q + n;
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

static bool family_ok(u8 family)
{
	return family == HA_AF_INET || family == HA_AF_INET6;
}

/* Bytes an address takes on the wire: IPv4 four, anything else sixteen. */
static size_t addr_len(u8 family)
{
	return family == HA_AF_INET ? 4 : 16;
}

static size_t tlv_hdr_len(u8 type)
{
	return type < HA_REC_LONG ? 2 : 3;
}

static size_t tlv_max(u8 type)
{
	return type < HA_REC_LONG ? 0xff : 0xffff;
}

static u8 *tlv_hdr(u8 *q, u8 type, size_t len)
{
	q = w8(q, type);
	if (type < HA_REC_LONG)
		return w8(q, len);
	return w16(q, len);
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

	q = w8(q, h->version);
	q = w8(q, h->flags);
	q = w16(q, h->node_id);
	q = w32(q, h->key_id);
	q = w64(q, h->epoch);
	q = w64(q, h->seq);
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
	w64(nonce + HA_WIRE_SALT_LEN, h->seq);
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
	hl = tlv_hdr_len(it->p[0]);
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
static int rec_open(struct ha_wire_buf *b, u8 type, size_t vlen, u8 **val)
{
	size_t n = tlv_hdr_len(type) + vlen;

	if (vlen > tlv_max(type))
		return -EINVAL;
	if (b->len > b->cap || n > b->cap - b->len)
		return -ENOSPC;
	*val = tlv_hdr(b->p + b->len, type, vlen);
	b->len += n;
	return 0;
}

/*
 * Sub-TLVs are read with the record iterator: the framing is the same.
 * @seen collects the types met so far, to refuse a repeated one.
 */
static int sub_next(struct ha_wire_iter *it, struct ha_wire_rec *s, u32 *seen)
{
	u32 bit = 0;
	int ret;

	ret = ha_wire_next(it, s);
	if (ret <= 0)
		return ret;
	if (s->type < 0x20)
		bit = 1U << s->type;
	else if (s->type >= HA_REC_LONG && s->type < HA_REC_LONG + 8)
		bit = 1U << (s->type - HA_REC_LONG + 24);
	if (s->type == HA_SUB_TMPL)
		bit = 0;
	if (*seen & bit)
		return -EBADMSG;
	*seen |= bit;
	return 1;
}

/* Addresses, selectors, lifetimes, algorithms: shared by several records */

static u8 *addr_put(u8 *q, const struct ha_wire_addr *a, u8 family)
{
	return wmem(q, a->a, addr_len(family));
}

static const u8 *addr_get(const u8 *p, struct ha_wire_addr *a, u8 family)
{
	memcpy(a->a, p, addr_len(family));
	return p + addr_len(family);
}

static bool sel_prefix_ok(const struct ha_wire_sel *s)
{
	unsigned int max = s->family == HA_AF_INET ? 32 : 128;

	return s->prefixlen_d <= max && s->prefixlen_s <= max;
}

/* Value bytes of a selector sub-TLV; 0 when omitted, -EINVAL if invalid. */
static int sel_size(const struct ha_wire_sel *s)
{
	size_t a = addr_len(s->family);
	int n = HA_SEL_CORE + 2 * a;

	if (s->family && !family_ok(s->family))
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
	size_t base = HA_SEL_CORE + 2 * addr_len(s->family);

	q = tlv_hdr(q, HA_SUB_SEL, vlen);
	q = w8(q, s->family);
	q = w8(q, s->prefixlen_d);
	q = w8(q, s->prefixlen_s);
	q = w8(q, s->proto);
	q = addr_put(q, &s->daddr, s->family);
	q = addr_put(q, &s->saddr, s->family);
	if (vlen > base) {
		q = w16(q, s->dport);
		q = w16(q, s->dport_mask);
		q = w16(q, s->sport);
		q = w16(q, s->sport_mask);
	}
	if (vlen > base + 8) {
		q = w32(q, s->ifindex);
		q = w32(q, s->user);
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
	if (s->family && !family_ok(s->family))
		return -EBADMSG;
	if (!sel_prefix_ok(s))
		return -EBADMSG;
	base = HA_SEL_CORE + 2 * addr_len(s->family);
	if (r->len != base && r->len != base + 8 && r->len != base + 16)
		return -EBADMSG;
	p = addr_get(p + HA_SEL_CORE, &s->daddr, s->family);
	p = addr_get(p, &s->saddr, s->family);
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

	q = tlv_hdr(q, type, mask_size(v, n, def));
	m = q;
	q = w8(q, 0);
	for (i = 0; i < n; i++) {
		if (v[i] == def)
			continue;
		*m |= 1U << i;
		q = w64(q, v[i]);
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
	q = tlv_hdr(q, HA_SUB_AEAD + kind, vlen);
	q = w8(q, a->id);
	q = w16(q, a->icv_len);
	q = w8(q, a->key_len);
	q = wmem(q, a->key, a->key_len);
	if (a->id == HA_ALG_OTHER)
		q = wmem(q, a->name, vlen - HA_ALG_CORE - a->key_len);
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
	q = tlv_hdr(q, type, 4);
	return w32(q, v);
}

static u8 *u32x2_put(u8 *q, u8 type, u32 v, u32 m)
{
	q = tlv_hdr(q, type, 8);
	q = w32(q, v);
	return w32(q, m);
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

/* The inferred direction travels only where the kernel gave none. */
static bool sa_dir_inferred_sent(const struct ha_wire_sa *sa)
{
	return sa->dir == HA_DIR_UNKNOWN && sa->dir_inferred != HA_DIR_UNKNOWN;
}

static int sa_size(const struct ha_wire_sa *sa)
{
	size_t a = addr_len(sa->family);
	int n = HA_SA_CORE + 2 * a;
	int kind, s;

	if (!family_ok(sa->family) || sa->dir > HA_DIR_OUT || sa->esn > 1 ||
	    sa->bmp_len > HA_WIRE_BMP_MAX || sa->offload > HA_OFFLOAD_PACKET ||
	    sa->dir_inferred > HA_DIR_OUT || (sa->has_pcpu && sa->pcpu == HA_PCPU_NONE))
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
	if (sa_bmp_sent(sa))
		n += 3 + sa->bmp_len * 4;
	if (n > 0xffff)
		return -EINVAL;
	return n;
}

size_t ha_wire_sa_len(const struct ha_wire_sa *sa)
{
	int n = sa_size(sa);

	return n < 0 ? 0 : tlv_hdr_len(HA_REC_SA) + n;
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
	ret = rec_open(b, HA_REC_SA, n, &q);
	if (ret)
		return ret;
	q = w16(q, sa->ref.origin);
	q = w32(q, sa->ref.id);
	q = w16(q, sa->owner);
	q = w16(q, sa->owner_epoch);
	q = w8(q, sa->family);
	q = w8(q, sa->proto);
	q = w8(q, sa->mode);
	q = w8(q, sa->flags);
	q = w8(q, sa->dir);
	q = w8(q, sa->esn);
	q = w32(q, sa->extra_flags);
	q = addr_put(q, &sa->daddr, sa->family);
	q = addr_put(q, &sa->saddr, sa->family);
	q = w32(q, sa->spi);
	q = w32(q, sa->reqid);
	q = w32(q, sa->replay_window);
	q = w64(q, sa->oseq);
	q = w64(q, sa->seq);
	q = w64(q, sa->add_time);
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
		q = tlv_hdr(q, HA_SUB_ENCAP, HA_ENCAP_CORE + addr_len(sa->family));
		q = w16(q, sa->encap_type);
		q = w16(q, sa->encap_sport);
		q = w16(q, sa->encap_dport);
		q = addr_put(q, &sa->encap_oa, sa->family);
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
		q = tlv_hdr(q, HA_SUB_OFFLOAD, 1);
		q = w8(q, sa->offload);
	}
	if (sa->has_pcpu)
		q = u32_put(q, HA_SUB_PCPU, sa->pcpu);
	if (sa_dir_inferred_sent(sa)) {
		q = tlv_hdr(q, HA_SUB_DIR, 1);
		q = w8(q, sa->dir_inferred);
	}
	if (sa_bmp_sent(sa)) {
		q = tlv_hdr(q, HA_SUB_BMP, sa->bmp_len * 4);
		for (i = 0; i < sa->bmp_len; i++)
			q = w32(q, sa->bmp[i]);
	}
	return 0;
}

static int sa_sub_get(const struct ha_wire_rec *s, struct ha_wire_sa *sa)
{
	size_t a = addr_len(sa->family);
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
		addr_get(s->val + HA_ENCAP_CORE, &sa->encap_oa, sa->family);
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
	u32 seen = 0;
	int ret;

	memset(sa, 0, sizeof(*sa));
	lft_cfg_inf(&sa->lft);
	if (rec->type != HA_REC_SA)
		return -EINVAL;
	if (rec->len < 11)
		return -EBADMSG;
	sa->family = p[10];
	if (!family_ok(sa->family))
		return -EBADMSG;
	core = HA_SA_CORE + 2 * addr_len(sa->family);
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
	p = addr_get(p + 20, &sa->daddr, sa->family);
	p = addr_get(p, &sa->saddr, sa->family);
	sa->spi = ha_get_be32(p);
	sa->reqid = ha_get_be32(p + 4);
	sa->replay_window = ha_get_be32(p + 8);
	sa->oseq = ha_get_be64(p + 12);
	sa->seq = ha_get_be64(p + 20);
	sa->add_time = ha_get_be64(p + 28);

	ha_wire_iter_init(&it, rec->val + core, rec->len - core);
	while ((ret = sub_next(&it, &s, &seen)) > 0) {
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
	if (!family_ok(t->family))
		return -EINVAL;
	return HA_TMPL_CORE + 2 * addr_len(t->family);
}

static int pol_size(const struct ha_wire_policy *pol)
{
	int n = HA_POL_CORE;
	unsigned int i;
	int s;

	if (!family_ok(pol->family) || pol->dir > 2 || pol->action > 1 ||
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

	return n < 0 ? 0 : tlv_hdr_len(HA_REC_POLICY) + n;
}

int ha_wire_put_policy(struct ha_wire_buf *b, const struct ha_wire_policy *pol)
{
	int n = pol_size(pol);
	unsigned int i;
	int ret;
	u8 *q;

	if (n < 0)
		return n;
	ret = rec_open(b, HA_REC_POLICY, n, &q);
	if (ret)
		return ret;
	q = w16(q, pol->ref.origin);
	q = w32(q, pol->ref.id);
	q = w8(q, pol->dir);
	q = w8(q, pol->action);
	q = w8(q, pol->flags);
	q = w8(q, pol->type);
	q = w8(q, pol->family);
	q = w32(q, pol->priority);
	q = w32(q, pol->index);
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

		q = tlv_hdr(q, HA_SUB_TMPL, tmpl_size(t));
		q = w8(q, t->family);
		q = w8(q, t->proto);
		q = w8(q, t->mode);
		q = w8(q, t->share);
		q = w8(q, t->optional);
		q = w32(q, t->spi);
		q = w32(q, t->reqid);
		q = w32(q, t->aalgos);
		q = w32(q, t->ealgos);
		q = w32(q, t->calgos);
		q = addr_put(q, &t->daddr, t->family);
		q = addr_put(q, &t->saddr, t->family);
	}
	return 0;
}

static int tmpl_get(const struct ha_wire_rec *s, struct ha_wire_tmpl *t)
{
	const u8 *p = s->val;

	if (s->len < 1)
		return -EBADMSG;
	t->family = p[0];
	if (!family_ok(t->family) ||
	    s->len != HA_TMPL_CORE + 2 * addr_len(t->family))
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
	p = addr_get(p + HA_TMPL_CORE, &t->daddr, t->family);
	addr_get(p, &t->saddr, t->family);
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
	u32 seen = 0;
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
	if (!family_ok(pol->family) || pol->dir > 2 || pol->action > 1 ||
	    pol->type > 1)
		return -EBADMSG;
	ha_wire_iter_init(&it, p + HA_POL_CORE, rec->len - HA_POL_CORE);
	while ((ret = sub_next(&it, &s, &seen)) > 0) {
		ret = pol_sub_get(&s, pol);
		if (ret)
			return ret;
	}
	return ret;
}

/* IKE */

static int ike_size(const struct ha_wire_ike *ike)
{
	int n = HA_IKE_CORE + 2 * addr_len(ike->family);
	unsigned int k;

	if (!family_ok(ike->family) || ike->version < 1 || ike->version > 2 ||
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

	return n < 0 ? 0 : tlv_hdr_len(HA_REC_IKE) + n;
}

static u8 *bytes_put(u8 *q, u8 type, const u8 *v, size_t len)
{
	q = tlv_hdr(q, type, len);
	return wmem(q, v, len);
}

static u8 *id_put(u8 *q, u8 type, u8 id_type, const u8 *id, u8 len)
{
	q = tlv_hdr(q, type, 1 + len);
	q = w8(q, id_type);
	return wmem(q, id, len);
}

int ha_wire_put_ike(struct ha_wire_buf *b, const struct ha_wire_ike *ike)
{
	int n = ike_size(ike);
	unsigned int k;
	int ret;
	u8 *q;

	if (n < 0)
		return n;
	ret = rec_open(b, HA_REC_IKE, n, &q);
	if (ret)
		return ret;
	q = w64(q, ike->spi_i);
	q = w64(q, ike->spi_r);
	q = w16(q, ike->owner);
	q = w16(q, ike->owner_epoch);
	q = w8(q, ike->version);
	q = w8(q, ike->initiator);
	q = w8(q, ike->family);
	q = addr_put(q, &ike->local, ike->family);
	q = addr_put(q, &ike->remote, ike->family);
	q = w16(q, ike->local_port);
	q = w16(q, ike->remote_port);
	q = w16(q, ike->encr);
	q = w16(q, ike->encr_keylen);
	q = w16(q, ike->integ);
	q = w16(q, ike->prf);
	q = w16(q, ike->dh_group);
	q = w32(q, ike->extensions);
	q = w32(q, ike->mid_send);
	q = w32(q, ike->mid_recv);
	q = w32(q, ike->takeovers);
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
		q = tlv_hdr(q, HA_SUB_CHILD, 4 * ike->nr_child);
		for (k = 0; k < ike->nr_child; k++)
			q = w32(q, ike->child_spi[k]);
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
	u32 seen = 0;
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
	if (!family_ok(ike->family) || ike->version < 1 || ike->version > 2 ||
	    ike->initiator > 1)
		return -EBADMSG;
	core = HA_IKE_CORE + 2 * addr_len(ike->family);
	if (rec->len < core)
		return -EBADMSG;
	p = addr_get(p + 23, &ike->local, ike->family);
	p = addr_get(p, &ike->remote, ike->family);
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
	while ((ret = sub_next(&it, &s, &seen)) > 0) {
		ret = ike_sub_get(&s, ike);
		if (ret)
			return ret;
	}
	return ret;
}

/* Small fixed records; bytes past the known fields are ignored. */

int ha_wire_put_del(struct ha_wire_buf *b, u8 type, const struct ha_ref *ref)
{
	int ret;
	u8 *q;

	if (type != HA_REC_SA_DEL && type != HA_REC_POLICY_DEL)
		return -EINVAL;
	ret = rec_open(b, type, HA_DEL_LEN, &q);
	if (ret)
		return ret;
	q = w16(q, ref->origin);
	w32(q, ref->id);
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

	ret = rec_open(b, HA_REC_IKE_DEL, HA_IKE_DEL_LEN, &q);
	if (ret)
		return ret;
	q = w64(q, spi_i);
	w64(q, spi_r);
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
 * Array records (CTRS, TAKEN): n entries of elen bytes each, 1 <= n <=
 * max. Opening one reserves it whole, as rec_open() does.
 */
static int array_open(struct ha_wire_buf *b, u8 type, unsigned int n, unsigned int max,
		      size_t elen, u8 **val)
{
	if (!n || n > max)
		return -EINVAL;
	return rec_open(b, type, (size_t)n * elen, val);
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
		q = w16(q, c[i].ref.origin);
		q = w16(q, e);
		q = w32(q, c[i].ref.id);
		q = w64(q, c[i].value);
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

int ha_wire_put_taken(struct ha_wire_buf *b, const struct ha_wire_taken *t,
		      unsigned int n)
{
	unsigned int i;
	int ret;
	u8 *q;

	ret = array_open(b, HA_REC_TAKEN, n, HA_WIRE_TAKEN_MAX, HA_WIRE_TAKEN_LEN, &q);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		q = w16(q, t[i].ref.origin);
		q = w16(q, t[i].owner_epoch);
		q = w32(q, t[i].ref.id);
		q = w32(q, t[i].check);
		q = w64(q, t[i].oseq);
		q = w64(q, t[i].seq);
	}
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
	t->ref.origin = ha_get_be16(p);
	t->owner_epoch = ha_get_be16(p + 2);
	t->ref.id = ha_get_be32(p + 4);
	t->check = ha_get_be32(p + 8);
	t->oseq = ha_get_be64(p + 12);
	t->seq = ha_get_be64(p + 20);
	return 0;
}

int ha_wire_put_alive(struct ha_wire_buf *b, const struct ha_wire_alive *a)
{
	int ret;
	u8 *q;

	ret = rec_open(b, HA_REC_ALIVE, HA_ALIVE_LEN, &q);
	if (ret)
		return ret;
	q = w64(q, a->last_seq);
	q = w32(q, a->count);
	w64(q, a->digest);
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
	ret = rec_open(b, HA_REC_NACK, HA_NACK_LEN, &q);
	if (ret)
		return ret;
	q = w16(q, n->node);
	q = w64(q, n->from);
	w64(q, n->to);
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
	ret = rec_open(b, type, type == HA_REC_BULK_END ? HA_BULK_END_LEN : HA_BULK_LEN, &q);
	if (ret)
		return ret;
	q = w16(q, bk->node);
	q = w32(q, bk->count);
	if (type == HA_REC_BULK_END)
		w64(q, bk->req);
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
	ret = rec_open(b, HA_REC_NODE_INFO, HA_NODE_INFO_LEN_SP, &q);
	if (ret)
		return ret;
	q = w32(q, ni->spi_min);
	q = w32(q, ni->spi_max);
	w32(q, ni->sync_packets);
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
