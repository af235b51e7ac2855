// SPDX-License-Identifier: GPL-2.0
/*
 * Semantic checks of SA and POLICY records (wire_check.h). Each rule is
 * one the kernel's xfrm_user applies to the same field of a netlink
 * request, or that the kernel relies on without checking it when the
 * object comes from elsewhere (a selector's prefix lengths against its
 * family: xfrm_selector_match() shifts by 32 - prefixlen for IPv4).
 * Where the kernel leaves a field unchecked because it never uses it, a
 * rule may be stricter; wire-protocol.md lists the rules.
 */
#include "wire_check.h"

#define HA_CHECK_ALG_IDS	10	/* compact ids per kind (wire_sa.c's table) */

/* ICV lengths an algorithm accepts (AEAD), or how it is truncated (AUTH). */
enum {
	HA_ICV_NONE,		/* none: icv_len must be 0 */
	HA_ICV_GCM,		/* 64, 96 or 128 bits */
	HA_ICV_128,		/* 128 bits only */
	HA_ICV_TRUNC,		/* 0 (the default) or 1..full bits */
};

/* Key lengths an algorithm of the compact table takes, in bytes. */
struct ha_alg_rule {
	u8 known;		/* 0: no algorithm has this id */
	u8 nlen;		/* 0: any length in min..max */
	u8 len[3];		/* else one of these */
	u8 min, max;
	u8 icv;			/* HA_ICV_* */
	u16 full;		/* HA_ICV_TRUNC: full ICV bits */
};

#define LENS(a, b, c)	.known = 1, .nlen = 3, .len = { a, b, c }
#define LEN(a)		.known = 1, .nlen = 1, .len = { a }
#define RANGE(a, b)	.known = 1, .min = a, .max = b

/*
 * Indexed by compact id - 1, as wire_sa.c's ha_alg_table. AEAD and CTR keys
 * carry a 4-byte salt (CCM: 3). HMAC takes a key of any length, as the
 * kernel's hmac does (the first six AUTH entries are hmac()s).
 */
static const struct ha_alg_rule ha_alg_rules[HA_ALG_KINDS][HA_CHECK_ALG_IDS] = {
	[HA_ALG_AEAD] = {
		{ LENS(20, 28, 36), .icv = HA_ICV_GCM },	/* rfc4106(gcm(aes)) */
		{ LENS(19, 27, 35), .icv = HA_ICV_GCM },	/* rfc4309(ccm(aes)) */
		{ LEN(36), .icv = HA_ICV_128 },			/* rfc7539esp(chacha20,poly1305) */
		{ LENS(20, 28, 36), .icv = HA_ICV_128 },	/* rfc4543(gcm(aes)) */
	},
	[HA_ALG_ENCR] = {
		{ LENS(16, 24, 32) },		/* cbc(aes) */
		{ LENS(20, 28, 36) },		/* rfc3686(ctr(aes)) */
		{ LEN(24) },			/* cbc(des3_ede) */
		{ LEN(8) },			/* cbc(des) */
		{ RANGE(0, 0) },		/* ecb(cipher_null) */
		{ RANGE(5, 16) },		/* cbc(cast5) */
		{ RANGE(4, 56) },		/* cbc(blowfish) */
		{ RANGE(16, 32) },		/* cbc(serpent) */
		{ LENS(16, 24, 32) },		/* cbc(twofish) */
		{ LENS(16, 24, 32) },		/* cbc(camellia) */
	},
	[HA_ALG_AUTH] = {
		{ RANGE(1, HA_WIRE_KEY_MAX), .icv = HA_ICV_TRUNC, .full = 128 },	/* md5 */
		{ RANGE(1, HA_WIRE_KEY_MAX), .icv = HA_ICV_TRUNC, .full = 160 },	/* sha1 */
		{ RANGE(1, HA_WIRE_KEY_MAX), .icv = HA_ICV_TRUNC, .full = 256 },	/* sha256 */
		{ RANGE(1, HA_WIRE_KEY_MAX), .icv = HA_ICV_TRUNC, .full = 384 },	/* sha384 */
		{ RANGE(1, HA_WIRE_KEY_MAX), .icv = HA_ICV_TRUNC, .full = 512 },	/* sha512 */
		{ RANGE(1, HA_WIRE_KEY_MAX), .icv = HA_ICV_TRUNC, .full = 160 },	/* rmd160 */
		{ LEN(16), .icv = HA_ICV_TRUNC, .full = 128 },			/* xcbc(aes) */
		{ LENS(16, 24, 32), .icv = HA_ICV_TRUNC, .full = 128 },		/* cmac(aes) */
		{ RANGE(0, 0), .icv = HA_ICV_NONE },				/* digest_null */
	},
	[HA_ALG_COMP] = {
		{ RANGE(0, 0) }, { RANGE(0, 0) }, { RANGE(0, 0) },	/* deflate, lzs, lzjh */
	},
};

static bool fam_ok(u8 family)
{
	return family == HA_AF_INET || family == HA_AF_INET6;
}

static enum ha_check fail(enum ha_check c, const char *msg, const char **why)
{
	if (why)
		*why = msg;
	return c;
}

static bool key_len_ok(const struct ha_alg_rule *r, u16 len)
{
	unsigned int i;

	if (!r->nlen)
		return len >= r->min && len <= r->max;
	for (i = 0; i < r->nlen; i++)
		if (len == r->len[i])
			return true;
	return false;
}

static bool icv_ok(const struct ha_alg_rule *r, u16 icv)
{
	switch (r->icv) {
	case HA_ICV_GCM:
		return icv == 64 || icv == 96 || icv == 128;
	case HA_ICV_128:
		return icv == 128;
	case HA_ICV_TRUNC:
		return icv <= r->full;
	default:
		return !icv;
	}
}

/*
 * One algorithm. Named algorithms (HA_ALG_OTHER) are not in the table:
 * their key and ICV lengths are the kernel's to check when the SA is
 * built (the crypto API's setkey refuses a key of the wrong length).
 */
static enum ha_check alg_check(const struct ha_wire_alg *a, enum ha_alg_kind kind,
			       const char **why)
{
	const struct ha_alg_rule *r;

	if (a->key_len > HA_WIRE_KEY_MAX)
		return fail(HA_CHECK_ALG, "algorithm key too long", why);
	if (a->id == HA_ALG_OTHER) {
		if (kind == HA_ALG_COMP && a->key_len)
			return fail(HA_CHECK_ALG, "compression takes no key", why);
		return HA_CHECK_OK;
	}
	if ((unsigned int)kind >= HA_ALG_KINDS || a->id == HA_ALG_NONE ||
	    a->id > HA_CHECK_ALG_IDS || !ha_alg_rules[kind][a->id - 1].known)
		return fail(HA_CHECK_ALG, "unknown algorithm", why);
	r = &ha_alg_rules[kind][a->id - 1];
	if (!key_len_ok(r, a->key_len))
		return fail(HA_CHECK_ALG, "key length does not fit the algorithm", why);
	if (!icv_ok(r, a->icv_len))
		return fail(HA_CHECK_ALG, "ICV or truncation length does not fit the algorithm",
			    why);
	return HA_CHECK_OK;
}

/* Prefix lengths a selector of this family can have. */
static enum ha_check sel_check(const struct ha_wire_sel *s, u8 family, const char **why)
{
	unsigned int max;

	switch (family) {
	case HA_AF_INET:
		max = 32;
		break;
	case HA_AF_INET6:
		max = 128;
		break;
	case 0:
		/*
		 * Only an SA with XFRM_STATE_AF_UNSPEC has one: it matches any
		 * traffic, so it has no prefixes (the kernel never reads them).
		 */
		max = 0;
		break;
	default:
		return fail(HA_CHECK_SELECTOR, "selector of an unknown family", why);
	}
	if (s->prefixlen_d > max || s->prefixlen_s > max)
		return fail(HA_CHECK_SELECTOR, "selector prefix longer than its family allows",
			    why);
	return HA_CHECK_OK;
}

/*
 * NAT keepalive interval and mapping max age, as verify_newsa_info() and
 * __xfrm_init_state(): both belong to an SA with encapsulation; keepalives
 * are sent for an outbound ESP-in-UDP SA only; the mapping max age, which
 * limits the rate of new-mapping events, belongs to an SA that receives.
 */
static enum ha_check sa_natt_check(const struct ha_wire_sa *sa, const char **why)
{
	if ((sa->natka_interval || sa->mapping_maxage) && !sa->has_encap)
		return fail(HA_CHECK_PROTO,
			    "NAT keepalive or mapping max age without encapsulation", why);
	if (sa->natka_interval && sa->encap_type != HA_ENCAP_ESPINUDP)
		return fail(HA_CHECK_PROTO, "NAT keepalive on encapsulation other than ESP in UDP",
			    why);
	if (sa->natka_interval && sa->dir != HA_DIR_OUT)
		return fail(HA_CHECK_PROTO, "NAT keepalive on an SA not outbound", why);
	if (sa->mapping_maxage && sa->dir == HA_DIR_OUT)
		return fail(HA_CHECK_PROTO, "mapping max age on an outbound SA", why);
	return HA_CHECK_OK;
}

/* Which algorithms each protocol takes, as verify_newsa_info(). */
static enum ha_check sa_proto_check(const struct ha_wire_sa *sa, const char **why)
{
	bool aead = sa->aead.id, ealg = sa->ealg.id, aalg = sa->aalg.id, calg = sa->calg.id;

	switch (sa->proto) {
	case HA_IPPROTO_AH:
		if (!aalg)
			return fail(HA_CHECK_ALG, "AH without an authentication algorithm", why);
		if (aead || ealg || calg)
			return fail(HA_CHECK_ALG, "AH with encryption or compression", why);
		if (sa->tfcpad)
			return fail(HA_CHECK_PROTO, "TFC padding on AH", why);
		if (!sa->spi)
			return fail(HA_CHECK_PROTO, "SPI 0", why);
		break;
	case HA_IPPROTO_ESP:
		if (calg)
			return fail(HA_CHECK_ALG, "ESP with compression", why);
		if (!aead && !ealg && !aalg)
			return fail(HA_CHECK_ALG, "ESP without any algorithm", why);
		if (aead && (ealg || aalg))
			return fail(HA_CHECK_ALG, "ESP with AEAD and another algorithm", why);
		if (sa->tfcpad && sa->mode != HA_MODE_TUNNEL)
			return fail(HA_CHECK_PROTO, "TFC padding outside tunnel mode", why);
		if (!sa->spi)
			return fail(HA_CHECK_PROTO, "SPI 0", why);
		break;
	case HA_IPPROTO_COMP:
		if (!calg)
			return fail(HA_CHECK_ALG, "IPcomp without a compression algorithm", why);
		if (aead || ealg || aalg)
			return fail(HA_CHECK_ALG, "IPcomp with encryption or authentication", why);
		if (sa->tfcpad)
			return fail(HA_CHECK_PROTO, "TFC padding on IPcomp", why);
		if (sa->spi > HA_COMP_SPI_MAX)
			return fail(HA_CHECK_PROTO, "IPcomp CPI above 0xffff", why);
		break;
	default:
		return fail(HA_CHECK_PROTO, "protocol other than ESP, AH or IPcomp", why);
	}
	/* Route optimization belongs to DSTOPTS/ROUTING states, not carried. */
	switch (sa->mode) {
	case HA_MODE_TRANSPORT:
	case HA_MODE_TUNNEL:
	case HA_MODE_BEET:
		break;
	case HA_MODE_IPTFS:
		/*
		 * As xfrm_user: ESP with a direction. Mirrored so that the
		 * SA is known, but never installed (install.c).
		 */
		if (sa->proto != HA_IPPROTO_ESP)
			return fail(HA_CHECK_PROTO, "IP-TFS mode on a protocol other than ESP",
				    why);
		if (sa->dir == HA_DIR_UNKNOWN)
			return fail(HA_CHECK_PROTO, "IP-TFS mode without a direction", why);
		break;
	default:
		return fail(HA_CHECK_PROTO, "mode other than transport, tunnel, BEET or IP-TFS",
			    why);
	}
	/* xfrm_user takes a CPU only along with a direction. */
	if (sa->has_pcpu && sa->dir == HA_DIR_UNKNOWN)
		return fail(HA_CHECK_PROTO, "per-CPU SA without a direction", why);
	if (sa->has_encap) {
		if (sa->proto != HA_IPPROTO_ESP)
			return fail(HA_CHECK_PROTO, "encapsulation of a protocol other than ESP",
				    why);
		if (sa->encap_type != HA_ENCAP_ESPINUDP &&
		    sa->encap_type != HA_ENCAP_ESPINUDP_NON_IKE &&
		    sa->encap_type != HA_ENCAP_ESPINTCP)
			return fail(HA_CHECK_PROTO, "unknown encapsulation type", why);
	}
	return sa_natt_check(sa, why);
}

/* As verify_replay() and xfrm_init_replay(). */
static enum ha_check sa_replay_check(const struct ha_wire_sa *sa, const char **why)
{
	if (sa->esn != !!(sa->flags & HA_STATE_ESN))
		return fail(HA_CHECK_REPLAY, "ESN flag and ESN state disagree", why);
	if (sa->replay_window > HA_REPLAY_WINDOW_MAX)
		return fail(HA_CHECK_REPLAY, "replay window above 4096 packets", why);
	if (sa->bmp_len > HA_REPLAY_BMP_MAX)
		return fail(HA_CHECK_REPLAY, "replay bitmap above 128 words", why);
	/* A bitmap sent is the sender's whole bitmap: the window fits in it. */
	if (sa->bmp_len && sa->replay_window > sa->bmp_len * 32U)
		return fail(HA_CHECK_REPLAY, "replay window larger than its bitmap", why);
	if (sa->esn) {
		if (sa->proto != HA_IPPROTO_ESP && sa->proto != HA_IPPROTO_AH)
			return fail(HA_CHECK_REPLAY, "ESN on a protocol other than ESP or AH", why);
		/* An outbound SA checks no replay (kernels with SA directions). */
		if (!sa->replay_window && sa->dir != HA_DIR_OUT)
			return fail(HA_CHECK_REPLAY,
				    "ESN with a replay window of 0 on an SA not outbound", why);
	}
	/* A 32-bit sequence number never reaches 2^32. */
	if (!sa->esn && (sa->oseq >> 32 || sa->seq >> 32))
		return fail(HA_CHECK_REPLAY, "counter above 2^32 - 1 without ESN", why);
	return HA_CHECK_OK;
}

enum ha_check ha_check_sa(const struct ha_wire_sa *sa, const char **why)
{
	enum ha_check c;
	u8 sel_family;
	int kind;

	if (!sa->ref.origin)
		return fail(HA_CHECK_REF, "ref of origin 0", why);
	if (!fam_ok(sa->family))
		return fail(HA_CHECK_FAMILY, "address family other than IPv4 or IPv6", why);
	c = sa_proto_check(sa, why);
	if (c)
		return c;
	for (kind = 0; kind < HA_ALG_KINDS; kind++) {
		const struct ha_wire_alg *a = kind == HA_ALG_AEAD ? &sa->aead :
					      kind == HA_ALG_ENCR ? &sa->ealg :
					      kind == HA_ALG_AUTH ? &sa->aalg : &sa->calg;

		if (!a->id)
			continue;
		c = alg_check(a, kind, why);
		if (c)
			return c;
	}
	/* The SA's family stands in for an unset one, as in xfrm_user. */
	sel_family = sa->sel.family;
	if (!sel_family && !(sa->flags & HA_STATE_AF_UNSPEC))
		sel_family = sa->family;
	c = sel_check(&sa->sel, sel_family, why);
	if (c)
		return c;
	return sa_replay_check(sa, why);
}

int ha_sa_plan(const struct ha_wire_sa *sa, const struct ha_sa_caps *caps,
	       struct ha_sa_plan *plan, const char **why)
{
	plan->dir = caps->dir ? sa->dir : HA_DIR_UNKNOWN;
	plan->pcpu = HA_PCPU_NONE;
	plan->replay_window = sa->replay_window;
	/*
	 * A kernel without NAT keepalives (before 6.9) installs the SA
	 * without: the IKE daemon's own keepalives keep the NAT mapping.
	 */
	plan->natka_interval = caps->natka ? sa->natka_interval : 0;
	plan->mapping_maxage = caps->mapping_maxage ? sa->mapping_maxage : 0;

	/* Sync never saw its counters: where to start them is unknown. */
	if (sa->offload == HA_OFFLOAD_PACKET) {
		*why = "packet offload: its counters are in the owner's NIC";
		return -EOPNOTSUPP;
	}
	/* Built here, it would get none of its IP-TFS parameters. */
	if (sa->mode == HA_MODE_IPTFS) {
		*why = "IP-TFS mode: its parameters are not mirrored";
		return -EOPNOTSUPP;
	}
	/* Labelled IPsec: the context is the owner's LSM's, never carried. */
	if (sa->has_sec_ctx) {
		*why = "security context (labelled IPsec): not mirrored";
		return -EOPNOTSUPP;
	}
	/*
	 * A per-CPU SA: an inbound one is found by its SPI whatever its CPU,
	 * so it may do without; an outbound one without its CPU would take
	 * the traffic of every CPU. Refused, the fallback SA carries the
	 * traffic of that CPU, as for a CPU that has no SA yet (RFC 9611).
	 */
	if (sa->has_pcpu) {
		if (caps->pcpu && sa->pcpu < caps->cpus) {
			plan->pcpu = sa->pcpu;
		} else if (sa->dir != HA_DIR_IN) {
			*why = caps->pcpu ? "per-CPU SA of a CPU this node does not have" :
					    "per-CPU SA: this kernel has none";
			return -EOPNOTSUPP;
		}
	}
	/*
	 * An outbound ESN SA may have no replay window where SAs have a
	 * direction; elsewhere the kernel wants one (xfrm_init_replay): the
	 * smallest, which an outbound SA never uses.
	 */
	if (sa->esn && !sa->replay_window && !caps->dir)
		plan->replay_window = 1;
	return 0;
}

/* As validate_tmpl(); family is the policy's. */
static enum ha_check tmpl_check(const struct ha_wire_policy *pol, const char **why)
{
	u8 prev = pol->family;
	unsigned int i;

	if (pol->nr_tmpl > HA_WIRE_TMPL_MAX)
		return fail(HA_CHECK_TMPL, "more than 6 templates", why);
	for (i = 0; i < pol->nr_tmpl; i++) {
		const struct ha_wire_tmpl *t = &pol->tmpl[i];
		u8 family = t->family ? t->family : pol->family;

		if (!fam_ok(family))
			return fail(HA_CHECK_TMPL, "template of an unknown family", why);
		if (t->mode >= HA_MODE_MAX)
			return fail(HA_CHECK_TMPL, "template mode out of range", why);
		if (t->mode == HA_MODE_TUNNEL || t->mode == HA_MODE_BEET) {
			if (t->optional && pol->dir == HA_POLICY_OUT)
				return fail(HA_CHECK_TMPL,
					    "optional tunnel template on an outbound policy", why);
		} else if (family != prev) {
			return fail(HA_CHECK_TMPL, "template changes family without a tunnel", why);
		}
		prev = family;
		switch (t->proto) {
		case HA_IPPROTO_ESP:
		case HA_IPPROTO_AH:
		case HA_IPPROTO_COMP:
		case HA_IPPROTO_ROUTING:
		case HA_IPPROTO_DSTOPTS:
			break;
		default:
			return fail(HA_CHECK_TMPL, "template of an unknown protocol", why);
		}
		if (t->share > HA_SHARE_UNIQUE || t->optional > 1)
			return fail(HA_CHECK_TMPL, "template share or optional out of range", why);
	}
	return HA_CHECK_OK;
}

enum ha_check ha_check_policy(const struct ha_wire_policy *pol, const char **why)
{
	enum ha_check c;

	if (!pol->ref.origin)
		return fail(HA_CHECK_REF, "ref of origin 0", why);
	if (!fam_ok(pol->family))
		return fail(HA_CHECK_FAMILY, "address family other than IPv4 or IPv6", why);
	/* xfrm_user refuses a policy selector of family 0 (AF_UNSPEC). */
	if (pol->sel.family != pol->family)
		return fail(HA_CHECK_SELECTOR, "selector family is not the policy's", why);
	c = sel_check(&pol->sel, pol->sel.family, why);
	if (c)
		return c;
	/* Socket policies (dir 3 and up) are never mirrored. */
	if (pol->dir > 2)
		return fail(HA_CHECK_POLICY, "direction other than in, out or fwd", why);
	if (pol->action > 1)
		return fail(HA_CHECK_POLICY, "action other than allow or block", why);
	if (pol->type > 1)
		return fail(HA_CHECK_POLICY, "type other than main or sub", why);
	if (pol->index && (pol->index & 7) != pol->dir)
		return fail(HA_CHECK_POLICY, "index does not match the direction", why);
	return tmpl_check(pol, why);
}
