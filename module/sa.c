// SPDX-License-Identifier: GPL-2.0
/*
 * From the kernel's objects to their wire form: an SA or a policy, field
 * for field, as another node needs it to recreate them.
 */
#include <net/addrconf.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "ipsec_ha.h"
#include "sa.h"

static bool ha_sa_addr_local(struct net *net, u8 family, const xfrm_address_t *a)
{
	if (family == AF_INET)
		return inet_addr_type(net, a->a4) == RTN_LOCAL;
#if IS_ENABLED(CONFIG_IPV6)
	if (family == AF_INET6)
		return ipv6_chk_addr(net, (const struct in6_addr *)a->a6, NULL, 0);
#endif
	return false;
}

/*
 * The direction of an SA the kernel gave none (before 6.10, or added
 * without one), from this node's addresses: it receives on an SA whose
 * destination is local, and sends on one whose source is.
 */
static u8 ha_sa_dir_inferred(struct xfrm_state *x)
{
	struct net *net = xs_net(x);

	if (ha_sa_addr_local(net, x->props.family, &x->id.daddr))
		return HA_DIR_IN;
	if (ha_sa_addr_local(net, x->props.family, &x->props.saddr))
		return HA_DIR_OUT;
	return HA_DIR_UNKNOWN;
}

static int ha_sa_alg(struct ha_wire_alg *w, enum ha_alg_kind kind, const char *name,
		     unsigned int key_bits, const char *key, unsigned int icv_bits)
{
	unsigned int len = DIV_ROUND_UP(key_bits, 8);

	if (len > HA_WIRE_KEY_MAX)
		return -E2BIG;
	w->id = ha_alg_id(kind, name);
	if (w->id == HA_ALG_OTHER)
		strscpy(w->name, name, sizeof(w->name));
	w->key_len = len;
	w->icv_len = icv_bits;
	memcpy(w->key, key, len);
	return 0;
}

static void ha_sa_sel(struct ha_wire_sel *w, const struct xfrm_selector *sel)
{
	memcpy(w->daddr.a, &sel->daddr, sizeof(w->daddr.a));
	memcpy(w->saddr.a, &sel->saddr, sizeof(w->saddr.a));
	w->dport = ntohs(sel->dport);
	w->dport_mask = ntohs(sel->dport_mask);
	w->sport = ntohs(sel->sport);
	w->sport_mask = ntohs(sel->sport_mask);
	w->family = sel->family;
	w->prefixlen_d = sel->prefixlen_d;
	w->prefixlen_s = sel->prefixlen_s;
	w->proto = sel->proto;
	w->ifindex = sel->ifindex;
	w->user = sel->user;
}

static void ha_sa_lft(struct ha_wire_lft_cfg *w, const struct xfrm_lifetime_cfg *lft)
{
	w->soft_byte = lft->soft_byte_limit;
	w->hard_byte = lft->hard_byte_limit;
	w->soft_packet = lft->soft_packet_limit;
	w->hard_packet = lft->hard_packet_limit;
	w->soft_add_expires = lft->soft_add_expires_seconds;
	w->hard_add_expires = lft->hard_add_expires_seconds;
	w->soft_use_expires = lft->soft_use_expires_seconds;
	w->hard_use_expires = lft->hard_use_expires_seconds;
}

/* The natural key of an SA: what the SAD looks it up by. */
void ha_sa_nkey(const struct xfrm_state *x, struct ha_nkey *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = HA_OBJ_SA;
	k->family = x->props.family;
	k->proto = x->id.proto;
	k->spi = ntohl(x->id.spi);
	k->mark = x->mark.v & x->mark.m;
	memcpy(k->addr, &x->id.daddr, sizeof(k->addr));
}

void ha_wire_sa_nkey(const struct ha_wire_sa *w, struct ha_nkey *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = HA_OBJ_SA;
	k->family = w->family;
	k->proto = w->proto;
	k->spi = w->spi;
	k->mark = w->mark_v & w->mark_m;
	memcpy(k->addr, w->daddr.a, sizeof(k->addr));
}

/* Process context; takes x->lock for the replay state. */
int ha_sa_from_xfrm(struct xfrm_state *x, struct ha_wire_sa *w)
{
	int err = 0;

	memset(w, 0, sizeof(*w));
	w->family = x->props.family;
	w->proto = x->id.proto;
	w->mode = x->props.mode;
	w->flags = x->props.flags;
	w->extra_flags = x->props.extra_flags;
	w->dir = ha_xfrm_state_dir(x);
	if (w->dir == HA_DIR_UNKNOWN)
		w->dir_inferred = ha_sa_dir_inferred(x);
	if (ha_xfrm_state_pcpu(x) != HA_PCPU_NONE) {
		w->has_pcpu = 1;
		w->pcpu = ha_xfrm_state_pcpu(x);
	}
	w->esn = !!(x->props.flags & XFRM_STATE_ESN);
	/* Its counters are in the NIC: peers must know not to take it over. */
	if (ha_xfrm_packet_offload(x))
		w->offload = HA_OFFLOAD_PACKET;
	memcpy(w->daddr.a, &x->id.daddr, sizeof(w->daddr.a));
	memcpy(w->saddr.a, &x->props.saddr, sizeof(w->saddr.a));
	w->spi = ntohl(x->id.spi);
	w->reqid = x->props.reqid;
	w->add_time = ktime_get_real_seconds();

	if (x->aead)
		err = ha_sa_alg(&w->aead, HA_ALG_AEAD, x->aead->alg_name, x->aead->alg_key_len,
				x->aead->alg_key, x->aead->alg_icv_len);
	if (!err && x->ealg)
		err = ha_sa_alg(&w->ealg, HA_ALG_ENCR, x->ealg->alg_name, x->ealg->alg_key_len,
				x->ealg->alg_key, 0);
	if (!err && x->aalg)
		err = ha_sa_alg(&w->aalg, HA_ALG_AUTH, x->aalg->alg_name, x->aalg->alg_key_len,
				x->aalg->alg_key, x->aalg->alg_trunc_len);
	if (!err && x->calg)
		err = ha_sa_alg(&w->calg, HA_ALG_COMP, x->calg->alg_name, 0, NULL, 0);
	if (err)
		return err;

	ha_sa_lft(&w->lft, &x->lft);
	ha_sa_sel(&w->sel, &x->sel);
	if (x->encap) {
		w->has_encap = 1;
		w->encap_type = x->encap->encap_type;
		w->encap_sport = ntohs(x->encap->encap_sport);
		w->encap_dport = ntohs(x->encap->encap_dport);
		memcpy(w->encap_oa.a, &x->encap->encap_oa, sizeof(w->encap_oa.a));
		/*
		 * Only where xfrm_user would take them (wire_check.c): an
		 * XFRM_MSG_NEWAE may set a mapping max age on any SA, where
		 * the kernel never reads it.
		 */
		if (w->dir == HA_DIR_OUT && w->encap_type == UDP_ENCAP_ESPINUDP)
			w->natka_interval = ha_xfrm_state_natka(x);
		if (w->dir != HA_DIR_OUT)
			w->mapping_maxage = ha_xfrm_state_mapping_maxage(x);
	}
	/* Labelled IPsec: flagged so that no node takes it over unlabelled. */
	if (x->security) {
		w->has_sec_ctx = 1;
		w->sec_ctx_doi = x->security->ctx_doi;
		w->sec_ctx_alg = x->security->ctx_alg;
		w->sec_ctx_len = x->security->ctx_len;
	}
	w->mark_v = x->mark.v;
	w->mark_m = x->mark.m;
	w->smark_v = x->props.smark.v;
	w->smark_m = x->props.smark.m;
	w->if_id = x->if_id;
	w->tfcpad = x->tfcpad;

	spin_lock_bh(&x->lock);
	if (x->replay_esn) {
		const struct xfrm_replay_state_esn *r = x->replay_esn;

		w->replay_window = r->replay_window;
		w->oseq = (u64)r->oseq_hi << 32 | r->oseq;
		w->seq = (u64)r->seq_hi << 32 | r->seq;
		w->bmp_len = min_t(u32, r->bmp_len, HA_WIRE_BMP_MAX);
		memcpy(w->bmp, r->bmp, w->bmp_len * sizeof(u32));
	} else {
		w->replay_window = x->props.replay_window;
		w->oseq = x->replay.oseq;
		w->seq = x->replay.seq;
		w->bmp_len = 1;
		w->bmp[0] = x->replay.bitmap;
	}
	w->curlft.bytes = x->curlft.bytes;
	w->curlft.packets = x->curlft.packets;
	w->curlft.add_time = x->curlft.add_time;
	w->curlft.use_time = x->curlft.use_time;
	spin_unlock_bh(&x->lock);
	return 0;
}

void ha_policy_nkey(const struct xfrm_policy *xp, int dir, struct ha_nkey *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = HA_OBJ_POLICY;
	k->family = xp->family;
	k->dir = dir;
	k->mark = xp->index;
}

void ha_wire_policy_nkey(const struct ha_wire_policy *w, struct ha_nkey *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = HA_OBJ_POLICY;
	k->family = w->family;
	k->dir = w->dir;
	k->mark = w->index;
}

void ha_policy_from_xfrm(const struct xfrm_policy *xp, int dir, struct ha_wire_policy *w)
{
	int i;

	memset(w, 0, sizeof(*w));
	w->dir = dir;
	w->action = xp->action;
	w->flags = xp->flags;
	w->type = xp->type;
	w->family = xp->family;
	w->priority = xp->priority;
	w->index = xp->index;
	ha_sa_sel(&w->sel, &xp->selector);
	ha_sa_lft(&w->lft, &xp->lft);
	w->mark_v = xp->mark.v;
	w->mark_m = xp->mark.m;
	w->if_id = xp->if_id;
	w->nr_tmpl = min_t(int, xp->xfrm_nr, HA_WIRE_TMPL_MAX);
	for (i = 0; i < w->nr_tmpl; i++) {
		const struct xfrm_tmpl *t = &xp->xfrm_vec[i];
		struct ha_wire_tmpl *wt = &w->tmpl[i];

		memcpy(wt->daddr.a, &t->id.daddr, sizeof(wt->daddr.a));
		memcpy(wt->saddr.a, &t->saddr, sizeof(wt->saddr.a));
		wt->spi = ntohl(t->id.spi);
		wt->proto = t->id.proto;
		wt->family = t->encap_family;
		wt->reqid = t->reqid;
		wt->mode = t->mode;
		wt->share = t->share;
		wt->optional = t->optional;
		wt->aalgos = t->aalgos;
		wt->ealgos = t->ealgos;
		wt->calgos = t->calgos;
	}
}
