// SPDX-License-Identifier: GPL-2.0
/*
 * From wire records back to the kernel's objects: an SA or a policy built
 * and inserted into the local SAD/SPD as xfrm_user would (its
 * xfrm_state_construct and xfrm_policy_construct), or found and removed.
 * Kernel-side inserts and deletes raise no key-manager event, so nothing
 * done here echoes back as a local change. Process context only.
 */
#include <linux/slab.h>
#include <net/xfrm.h>

#include "compat.h"
#include "install.h"
#include "ipsec_ha.h"
#include "stats.h"
#include "wire_check.h"

/* wire_check.h's numbers are the kernel's. */
static_assert(HA_IPPROTO_ROUTING == IPPROTO_ROUTING && HA_IPPROTO_ESP == IPPROTO_ESP &&
	      HA_IPPROTO_AH == IPPROTO_AH && HA_IPPROTO_DSTOPTS == IPPROTO_DSTOPTS &&
	      HA_IPPROTO_COMP == IPPROTO_COMP);
/*
 * Newer kernels add modes past BEET: IP-TFS (7.x), whose parameters the
 * records do not carry. Its SAs are mirrored, never installed
 * (ha_sa_plan()); templates stay below HA_MODE_MAX.
 */
static_assert(HA_MODE_TRANSPORT == XFRM_MODE_TRANSPORT && HA_MODE_TUNNEL == XFRM_MODE_TUNNEL &&
	      HA_MODE_BEET == XFRM_MODE_BEET && HA_MODE_MAX <= XFRM_MODE_MAX);
#ifdef XFRM_MODE_IPTFS
static_assert(HA_MODE_IPTFS == XFRM_MODE_IPTFS);
#endif
static_assert(HA_PCPU_NONE == UINT_MAX);
static_assert(HA_STATE_AF_UNSPEC == XFRM_STATE_AF_UNSPEC && HA_STATE_ESN == XFRM_STATE_ESN);
static_assert(HA_POLICY_OUT == XFRM_POLICY_OUT && HA_SHARE_UNIQUE == XFRM_SHARE_UNIQUE);
static_assert(HA_ENCAP_ESPINUDP_NON_IKE == UDP_ENCAP_ESPINUDP_NON_IKE);
static_assert(HA_ENCAP_ESPINUDP == UDP_ENCAP_ESPINUDP && HA_ENCAP_ESPINTCP == TCP_ENCAP_ESPINTCP);
static_assert(HA_REPLAY_BMP_MAX * sizeof(u32) * 8 == XFRMA_REPLAY_ESN_MAX);
static_assert(HA_WIRE_TMPL_MAX == XFRM_MAX_DEPTH);
static_assert(HA_AF_INET == AF_INET && HA_AF_INET6 == AF_INET6);

/* The drop counter of each reason a record is refused for. */
static const u8 ha_check_stat[HA_CHECKS] = {
	[HA_CHECK_REF]		= IPSEC_HA_A_STATS_DROP_INVALID_REF,
	[HA_CHECK_FAMILY]	= IPSEC_HA_A_STATS_DROP_INVALID_FAMILY,
	[HA_CHECK_SELECTOR]	= IPSEC_HA_A_STATS_DROP_INVALID_SELECTOR,
	[HA_CHECK_PROTO]	= IPSEC_HA_A_STATS_DROP_INVALID_PROTO,
	[HA_CHECK_ALG]		= IPSEC_HA_A_STATS_DROP_INVALID_ALG,
	[HA_CHECK_REPLAY]	= IPSEC_HA_A_STATS_DROP_INVALID_REPLAY,
	[HA_CHECK_POLICY]	= IPSEC_HA_A_STATS_DROP_INVALID_POLICY,
	[HA_CHECK_TMPL]		= IPSEC_HA_A_STATS_DROP_INVALID_TMPL,
};

/*
 * A record from a peer, decoded: -EPERM, counted under its reason, if it
 * could never be installed (wire_check.c); else 0. Exactly one of sa and
 * pol is given.
 */
int ha_inst_rx_check(struct ha_net *hn, const struct ha_wire_sa *sa,
		     const struct ha_wire_policy *pol)
{
	enum ha_check c = sa ? ha_check_sa(sa, NULL) : ha_check_policy(pol, NULL);

	if (c == HA_CHECK_OK)
		return 0;
	if (c < HA_CHECKS && ha_check_stat[c])
		ha_stat_inc(hn, ha_check_stat[c]);
	else
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
	return -EPERM;
}

/* A TAKEN entry naming a ref of origin 0: counted, and true. */
bool ha_inst_rx_bad_ref(struct ha_net *hn, const struct ha_ref *ref)
{
	if (ref->origin)
		return false;
	ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_INVALID_REF);
	return true;
}

static const char *ha_inst_alg_name(const struct ha_wire_alg *a, enum ha_alg_kind kind)
{
	return a->id == HA_ALG_OTHER ? a->name : ha_alg_name(kind, a->id);
}

static int ha_inst_aead(struct xfrm_state *x, const struct ha_wire_alg *a, const char **why)
{
	const char *name = ha_inst_alg_name(a, HA_ALG_AEAD);
	struct xfrm_algo_desc *d = name ? xfrm_aead_get_byname(name, a->icv_len, 1) : NULL;
	struct xfrm_algo_aead *p;

	if (!d) {
		*why = "AEAD algorithm not available on this node";
		return -ENOPROTOOPT;
	}
	p = kzalloc(sizeof(*p) + a->key_len, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	strscpy(p->alg_name, d->name, sizeof(p->alg_name));
	p->alg_key_len = a->key_len * 8;
	p->alg_icv_len = a->icv_len;
	memcpy(p->alg_key, a->key, a->key_len);
	x->aead = p;
	x->props.ealgo = d->desc.sadb_alg_id;
	x->geniv = d->uinfo.aead.geniv;
	return 0;
}

static int ha_inst_ealg(struct xfrm_state *x, const struct ha_wire_alg *a, const char **why)
{
	const char *name = ha_inst_alg_name(a, HA_ALG_ENCR);
	struct xfrm_algo_desc *d = name ? xfrm_ealg_get_byname(name, 1) : NULL;
	struct xfrm_algo *p;

	if (!d) {
		*why = "encryption algorithm not available on this node";
		return -ENOPROTOOPT;
	}
	p = kzalloc(sizeof(*p) + a->key_len, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	strscpy(p->alg_name, d->name, sizeof(p->alg_name));
	p->alg_key_len = a->key_len * 8;
	memcpy(p->alg_key, a->key, a->key_len);
	x->ealg = p;
	x->props.ealgo = d->desc.sadb_alg_id;
	x->geniv = d->uinfo.encr.geniv;
	return 0;
}

static int ha_inst_aalg(struct xfrm_state *x, const struct ha_wire_alg *a, const char **why)
{
	const char *name = ha_inst_alg_name(a, HA_ALG_AUTH);
	struct xfrm_algo_desc *d = name ? xfrm_aalg_get_byname(name, 1) : NULL;
	struct xfrm_algo_auth *p;

	if (!d) {
		*why = "authentication algorithm not available on this node";
		return -ENOPROTOOPT;
	}
	if (a->icv_len > d->uinfo.auth.icv_fullbits) {
		*why = "authentication truncation longer than the algorithm";
		return -EINVAL;
	}
	p = kzalloc(sizeof(*p) + a->key_len, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	strscpy(p->alg_name, d->name, sizeof(p->alg_name));
	p->alg_key_len = a->key_len * 8;
	p->alg_trunc_len = a->icv_len ? a->icv_len : d->uinfo.auth.icv_truncbits;
	memcpy(p->alg_key, a->key, a->key_len);
	x->aalg = p;
	x->props.aalgo = d->desc.sadb_alg_id;
	return 0;
}

static int ha_inst_calg(struct xfrm_state *x, const struct ha_wire_alg *a, const char **why)
{
	const char *name = ha_inst_alg_name(a, HA_ALG_COMP);
	struct xfrm_algo_desc *d = name ? xfrm_calg_get_byname(name, 1) : NULL;
	struct xfrm_algo *p;

	if (!d) {
		*why = "compression algorithm not available on this node";
		return -ENOPROTOOPT;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	strscpy(p->alg_name, d->name, sizeof(p->alg_name));
	x->calg = p;
	x->props.calgo = d->desc.sadb_alg_id;
	return 0;
}

static void ha_inst_sel(struct xfrm_selector *sel, const struct ha_wire_sel *w)
{
	memcpy(&sel->daddr, w->daddr.a, sizeof(sel->daddr));
	memcpy(&sel->saddr, w->saddr.a, sizeof(sel->saddr));
	sel->dport = htons(w->dport);
	sel->dport_mask = htons(w->dport_mask);
	sel->sport = htons(w->sport);
	sel->sport_mask = htons(w->sport_mask);
	sel->family = w->family;
	sel->prefixlen_d = w->prefixlen_d;
	sel->prefixlen_s = w->prefixlen_s;
	sel->proto = w->proto;
	sel->ifindex = w->ifindex;
	sel->user = w->user;
}

static void ha_inst_lft(struct xfrm_lifetime_cfg *lft, const struct ha_wire_lft_cfg *w)
{
	lft->soft_byte_limit = w->soft_byte;
	lft->hard_byte_limit = w->hard_byte;
	lft->soft_packet_limit = w->soft_packet;
	lft->hard_packet_limit = w->hard_packet;
	lft->soft_add_expires_seconds = w->soft_add_expires;
	lft->hard_add_expires_seconds = w->hard_add_expires;
	lft->soft_use_expires_seconds = w->soft_use_expires;
	lft->hard_use_expires_seconds = w->hard_use_expires;
}

/*
 * Replay state: a bitmap (and ESN) state when the SA had one, else
 * legacy; window is the record's, or what this kernel needs instead.
 */
static int ha_inst_replay(struct xfrm_state *x, const struct ha_wire_sa *w, u32 window)
{
	struct xfrm_replay_state_esn *r;
	u32 words;

	if (!w->esn && w->bmp_len <= 1 && window <= 32) {
		x->props.replay_window = window;
		return 0;
	}
	words = DIV_ROUND_UP(window, 32);
	if (words > HA_WIRE_BMP_MAX)
		return -EINVAL;
	r = kzalloc(sizeof(*r) + words * sizeof(u32), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->bmp_len = words;
	r->replay_window = window;
	x->replay_esn = r;
	x->preplay_esn = kmemdup(r, xfrm_replay_state_esn_len(r), GFP_KERNEL);
	return x->preplay_esn ? 0 : -ENOMEM;
}

/* Drop an SA built here that is not in the SAD (and never will be). */
void ha_inst_sa_discard(struct xfrm_state *x)
{
	x->km.state = XFRM_STATE_DEAD;
	xfrm_state_put(x);
}

static void ha_inst_sa_caps(struct ha_sa_caps *caps)
{
	caps->dir = HA_XFRM_SA_DIR;
	caps->pcpu = HA_XFRM_PCPU;
	caps->cpus = num_possible_cpus();
	caps->natka = HA_XFRM_NATKA;
	caps->mapping_maxage = HA_XFRM_MAPPING_MAXAGE;
}

/* Why this node cannot install a valid SA record, or NULL. */
const char *ha_inst_sa_refused(const struct ha_wire_sa *w)
{
	struct ha_sa_plan plan;
	struct ha_sa_caps caps;
	const char *why = NULL;

	ha_inst_sa_caps(&caps);
	return ha_sa_plan(w, &caps, &plan, &why) ? why : NULL;
}

/*
 * An SA built from its record, ready for ha_inst_sa_add() (not in the
 * SAD yet, so its counters may still be set without x->lock). NULL with
 * *err, and *why for a human, on failure.
 */
struct xfrm_state *ha_inst_sa_build(struct net *net, const struct ha_wire_sa *w,
				    int *err, const char **why)
{
	struct ha_sa_plan plan;
	struct ha_sa_caps caps;
	struct xfrm_state *x;

	/* What xfrm_user would refuse never reaches the kernel's builders. */
	if (ha_check_sa(w, why) != HA_CHECK_OK) {
		*err = -EINVAL;
		return NULL;
	}
	/* What this kernel cannot represent as the owner had it. */
	ha_inst_sa_caps(&caps);
	*err = ha_sa_plan(w, &caps, &plan, why);
	if (*err)
		return NULL;
	x = xfrm_state_alloc(net);
	*why = "cannot build the SA";
	if (!x) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(&x->id.daddr, w->daddr.a, sizeof(x->id.daddr));
	x->id.spi = htonl(w->spi);
	x->id.proto = w->proto;
	memcpy(&x->props.saddr, w->saddr.a, sizeof(x->props.saddr));
	x->props.family = w->family;
	x->props.mode = w->mode;
	x->props.reqid = w->reqid;
	x->props.flags = w->flags;
	x->props.extra_flags = w->extra_flags;
	ha_inst_sel(&x->sel, &w->sel);
	if (!x->sel.family && !(w->flags & XFRM_STATE_AF_UNSPEC))
		x->sel.family = w->family;
	ha_inst_lft(&x->lft, &w->lft);
	x->curlft.bytes = w->curlft.bytes;
	x->curlft.packets = w->curlft.packets;
	if (w->curlft.add_time)		/* the hard lifetime does not restart */
		x->curlft.add_time = w->curlft.add_time;
	x->curlft.use_time = w->curlft.use_time;
	x->mark.v = w->mark_v;
	x->mark.m = w->mark_m;
	x->props.smark.v = w->smark_v;
	x->props.smark.m = w->smark_m;
	x->if_id = w->if_id;
	x->tfcpad = w->tfcpad;
	ha_xfrm_state_set_dir(x, plan.dir);
	ha_xfrm_state_set_pcpu(x, plan.pcpu);
	/* Keepalives start when xfrm_state_add() inserts the SA (compat.h). */
	ha_xfrm_state_set_natka(x, plan.natka_interval);
	ha_xfrm_state_set_mapping_maxage(x, plan.mapping_maxage);

	*err = -ENOMEM;
	if (w->has_encap) {
		x->encap = kzalloc(sizeof(*x->encap), GFP_KERNEL);
		if (!x->encap)
			goto fail;
		x->encap->encap_type = w->encap_type;
		x->encap->encap_sport = htons(w->encap_sport);
		x->encap->encap_dport = htons(w->encap_dport);
		memcpy(&x->encap->encap_oa, w->encap_oa.a, sizeof(x->encap->encap_oa));
	}
	*err = 0;
	if (w->aead.id)
		*err = ha_inst_aead(x, &w->aead, why);
	if (!*err && w->ealg.id)
		*err = ha_inst_ealg(x, &w->ealg, why);
	if (!*err && w->aalg.id)
		*err = ha_inst_aalg(x, &w->aalg, why);
	if (!*err && w->calg.id)
		*err = ha_inst_calg(x, &w->calg, why);
	if (*err)
		goto fail;

	*why = "the kernel refused the SA (mode, protocol or algorithm)";
	*err = ha_xfrm_init_state(x);
	if (*err)
		goto fail;
	*why = "cannot set up the replay state";
	*err = ha_inst_replay(x, w, plan.replay_window);
	if (*err)
		goto fail;
	x->replay_maxdiff = net->xfrm.sysctl_aevent_rseqth;
	x->replay_maxage = (net->xfrm.sysctl_aevent_etime * HZ) / XFRM_AE_ETH_M;
	*err = xfrm_init_replay(x, NULL);
	if (*err)
		goto fail;
	return x;
fail:
	ha_inst_sa_discard(x);
	return NULL;
}

/*
 * Counters of an SA not yet in the SAD: the next outbound packet takes
 * oseq + 1; inbound, everything up to seq counts as seen.
 */
void ha_inst_sa_counters(struct xfrm_state *x, u64 oseq, u64 seq)
{
	struct xfrm_replay_state_esn *r = x->replay_esn;

	if (r) {
		r->oseq = lower_32_bits(oseq);
		r->oseq_hi = upper_32_bits(oseq);
		r->seq = lower_32_bits(seq);
		r->seq_hi = upper_32_bits(seq);
		memset(r->bmp, seq ? 0xff : 0, r->bmp_len * sizeof(u32));
		memcpy(x->preplay_esn, r, xfrm_replay_state_esn_len(r));
	} else {
		x->replay.oseq = lower_32_bits(oseq);
		x->replay.seq = lower_32_bits(seq);
		x->replay.bitmap = seq ? ~0U : 0;
		x->preplay = x->replay;
	}
}

/*
 * Insert x into the SAD. On success the caller keeps a reference; on
 * failure x is gone.
 */
int ha_inst_sa_add(struct xfrm_state *x)
{
	int err;

	x->km.state = XFRM_STATE_VALID;
	xfrm_state_hold(x);
	err = xfrm_state_add(x);
	if (err) {
		x->km.state = XFRM_STATE_DEAD;
		xfrm_state_put(x);
		xfrm_state_put(x);
		return err;
	}
	return 0;
}

/* The installed SA of that natural key, held, or NULL. */
struct xfrm_state *ha_inst_sa_find(struct net *net, const struct ha_nkey *k)
{
	return xfrm_state_lookup(net, k->mark, (const xfrm_address_t *)k->addr,
				 htonl(k->spi), k->proto, k->family);
}

int ha_inst_policy_add(struct net *net, const struct ha_wire_policy *w, const char **why)
{
	struct xfrm_policy *xp;
	int i, err;

	if (ha_check_policy(w, why) != HA_CHECK_OK)
		return -EINVAL;
	xp = xfrm_policy_alloc(net, GFP_KERNEL);
	*why = "cannot build the policy";
	if (!xp)
		return -ENOMEM;
	xp->priority = w->priority;
	xp->index = w->index;
	ha_inst_sel(&xp->selector, &w->sel);
	ha_inst_lft(&xp->lft, &w->lft);
	xp->action = w->action;
	xp->flags = w->flags;
	xp->type = w->type;
	xp->family = w->sel.family;	/* as xfrm_policy_construct(); checked to be w->family */
	xp->mark.v = w->mark_v;
	xp->mark.m = w->mark_m;
	xp->if_id = w->if_id;
	xp->xfrm_nr = min_t(int, w->nr_tmpl, XFRM_MAX_DEPTH);
	for (i = 0; i < xp->xfrm_nr; i++) {
		const struct ha_wire_tmpl *wt = &w->tmpl[i];
		struct xfrm_tmpl *t = &xp->xfrm_vec[i];

		memcpy(&t->id.daddr, wt->daddr.a, sizeof(t->id.daddr));
		memcpy(&t->saddr, wt->saddr.a, sizeof(t->saddr));
		t->id.spi = htonl(wt->spi);
		t->id.proto = wt->proto;
		t->reqid = wt->reqid;
		t->mode = wt->mode;
		t->share = wt->share;
		t->optional = wt->optional;
		t->aalgos = wt->aalgos;
		t->ealgos = wt->ealgos;
		t->calgos = wt->calgos;
		t->allalgs = !~(t->aalgos & t->ealgos & t->calgos);
		t->encap_family = wt->family ? wt->family : xp->family;
	}
	err = xfrm_policy_insert(w->dir, xp, 1);
	if (err) {
		*why = err == -EEXIST ? "the policy exists here already" :
				       "the kernel refused the policy";
		xp->walk.dead = 1;
		xfrm_policy_destroy(xp);
		return err;
	}
	xfrm_pol_put(xp);
	return 0;
}

int ha_inst_policy_del(struct net *net, const struct ha_wire_policy *w)
{
	struct xfrm_mark mark = { .v = w->mark_v, .m = w->mark_m };
	struct xfrm_policy *xp;
	int err = 0;

	xp = xfrm_policy_byid(net, &mark, w->if_id, w->type, w->dir, w->index, 1, &err);
	if (!xp)
		return err ? err : -ENOENT;
	xfrm_pol_put(xp);
	return 0;
}
