// SPDX-License-Identifier: GPL-2.0
/*
 * Activation on an unknown SPI (SA_Retr, draft-vidya; takeover.md,
 * "Activation on an unknown SPI"). With `node set activate gone|any`, a
 * netfilter hook at LOCAL_IN looks at every inbound ESP packet (and
 * ESP-in-UDP on port 4500) before the kernel's ESP input: if its SPI and
 * destination name a mirrored SA that another node owns, the node takes
 * that SA's whole session over, as `ipsec-ha move ... to` this node does
 * (move.c): past the margin when the owner is gone, by asking the owner
 * for it with `any`. The packet itself goes on to the ESP input, which
 * drops it while the SA is not installed; the next ones are accepted.
 *
 * The hook takes no lock and allocates nothing: one lookup in the
 * store's natural-key table under RCU (the hook runs under it), then,
 * for an SA another node owns, at most one queued request every 10 ms
 * into a slot of a fixed array, taken by act_work in process context.
 * An SPI in no mirror costs that one lookup and a counter.
 */
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <net/xfrm.h>

#include "activate.h"
#include "compat.h"
#include "move.h"
#include "nl_event.h"
#include "stats.h"
#include "store.h"

#define HA_ACT_SLOTS	16
#define HA_ACT_GAP	max(1UL, msecs_to_jiffies(10))
#define HA_ESPINUDP_PORT 4500

enum {
	HA_ACT_FREE,
	HA_ACT_FILLING,
	HA_ACT_READY,
};

struct ha_act_slot {
	atomic_t state;
	struct ha_nkey nkey;
};

struct ha_act {
	struct ha_net *hn;
	bool hooked;			/* under hn->lock */
	struct nf_hook_ops ops[2];
	unsigned long next;		/* no request queued before (jiffies) */
	struct work_struct work;
	struct ha_act_slot slot[HA_ACT_SLOTS];
	struct ha_move_sel sel;		/* act_work's scratch */
};

/* The SPI at off, for an SA of nkey k (family and daddr set). Softirq, RCU. */
static void ha_act_seen(struct ha_net *hn, const struct sk_buff *skb, unsigned int off,
			struct ha_nkey *k)
{
	struct ha_act *a = READ_ONCE(hn->act);
	unsigned long now = jiffies, next;
	__be32 buf, *spi;
	struct ha_obj *obj;
	unsigned int i;

	spi = skb_header_pointer(skb, off, sizeof(buf), &buf);
	if (!a || !spi || !*spi)
		return;
	k->spi = ntohl(*spi);
	obj = ha_store_find_nkey(&hn->store, k, U64_MAX);
	if (!obj) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_ACTIVATE_UNKNOWN);
		return;
	}
	if (READ_ONCE(obj->flags) & HA_OBJ_LOCAL)
		return;
	next = READ_ONCE(a->next);
	if (time_before(now, next) || cmpxchg(&a->next, next, now + HA_ACT_GAP) != next)
		goto limited;
	for (i = 0; i < HA_ACT_SLOTS; i++) {
		struct ha_act_slot *s = &a->slot[i];

		if (atomic_cmpxchg(&s->state, HA_ACT_FREE, HA_ACT_FILLING) != HA_ACT_FREE)
			continue;
		s->nkey = *k;
		atomic_set_release(&s->state, HA_ACT_READY);
		queue_work(ha_wq, &a->work);
		return;
	}
limited:
	ha_stat_inc(hn, IPSEC_HA_A_STATS_ACTIVATE_LIMITED);
}

static unsigned int ha_act_hook4(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct ha_nkey k = {
		.kind = HA_OBJ_SA,
		.family = AF_INET,
		.proto = IPPROTO_ESP,
	};
	unsigned int off = ip_hdrlen(skb);
	struct udphdr _uh;
	const struct udphdr *uh;

	if (iph->protocol == IPPROTO_UDP) {
		uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);
		if (!uh || uh->dest != htons(HA_ESPINUDP_PORT))
			return NF_ACCEPT;
		off += sizeof(_uh);	/* a zero SPI there is IKE: ignored */
	} else if (iph->protocol != IPPROTO_ESP) {
		return NF_ACCEPT;
	}
	memcpy(k.addr, &iph->daddr, sizeof(iph->daddr));
	ha_act_seen(priv, skb, off, &k);
	return NF_ACCEPT;
}

static unsigned int ha_act_hook6(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct ha_nkey k = {
		.kind = HA_OBJ_SA,
		.family = AF_INET6,
		.proto = IPPROTO_ESP,
	};
	unsigned int off = sizeof(*ip6h);
	struct udphdr _uh;
	const struct udphdr *uh;

	/* ESP right after the fixed header only: no extension headers walked. */
	if (ip6h->nexthdr == IPPROTO_UDP) {
		uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);
		if (!uh || uh->dest != htons(HA_ESPINUDP_PORT))
			return NF_ACCEPT;
		off += sizeof(_uh);
	} else if (ip6h->nexthdr != IPPROTO_ESP) {
		return NF_ACCEPT;
	}
	memcpy(k.addr, &ip6h->daddr, sizeof(ip6h->daddr));
	ha_act_seen(priv, skb, off, &k);
	return NF_ACCEPT;
}

static const struct nf_hook_ops ha_act_ops[] = {
	{
		.hook		= ha_act_hook4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_LAST,
	}, {
		.hook		= ha_act_hook6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_LAST,
	},
};

/*
 * Takes over the session of the SA of nkey k if it is still another
 * node's, is not in this node's SAD, and the policy allows it. Returns
 * the IKE contexts taken over.
 */
static u32 ha_act_one(struct ha_net *hn, struct ha_act *a, const struct ha_nkey *k)
{
	struct ha_move_result res = { };
	struct xfrm_state *x;
	struct ha_obj *obj;
	u8 policy;

	mutex_lock(&hn->lock);
	mutex_lock(&hn->store.lock);
	policy = READ_ONCE(hn->activate);
	obj = ha_store_find_nkey(&hn->store, k, U64_MAX);
	if (policy == IPSEC_HA_ACTIVATE_POLICY_OFF || !obj || (obj->flags & HA_OBJ_LOCAL))
		goto out;
	/* An SA of this node's own daemon with that SPI is not the mirror's. */
	x = xfrm_state_lookup(hn->net, 0, (const xfrm_address_t *)k->addr, htonl(k->spi),
			      k->proto, k->family);
	if (x) {
		xfrm_state_put(x);
		goto out;
	}
	if (policy != IPSEC_HA_ACTIVATE_POLICY_ANY && ha_move_heard(hn, obj->owner)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_ACTIVATE_ALIVE);
		goto out;
	}
	memset(&a->sel, 0, sizeof(a->sel));
	a->sel.nr_spis = 1;
	a->sel.spis[0] = k->spi;
	if (!ha_move(hn, &a->sel, hn->node_id, &res))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_ACTIVATIONS);
out:
	mutex_unlock(&hn->store.lock);
	mutex_unlock(&hn->lock);
	return res.ikes;
}

static void ha_act_work(struct work_struct *work)
{
	struct ha_act *a = container_of(work, struct ha_act, work);
	struct ha_nkey k;
	unsigned int i;
	u32 ikes = 0;

	for (i = 0; i < HA_ACT_SLOTS; i++) {
		struct ha_act_slot *s = &a->slot[i];

		if (atomic_read_acquire(&s->state) != HA_ACT_READY)
			continue;
		k = s->nkey;
		atomic_set_release(&s->state, HA_ACT_FREE);
		ikes += ha_act_one(a->hn, a, &k);
	}
	/* The IKE daemon rebuilds the IKE SAs of the contexts taken over. */
	if (ikes) {
		struct ha_event ev = {
			.type = IPSEC_HA_EVENT_TYPE_IKE_TAKEN,
			.count = ikes,
		};

		ha_nl_event(a->hn, &ev);
	}
}

/* Removes the hooks; after it returns none runs. Under hn->lock. */
void ha_act_unhook(struct ha_net *hn)
{
	struct ha_act *a = hn->act;

	lockdep_assert_held(&hn->lock);
	if (!a || !a->hooked)
		return;
	nf_unregister_net_hooks(hn->net, a->ops, ARRAY_SIZE(a->ops));
	a->hooked = false;
}

/**
 * ha_act_set() - set the activation policy
 * @hn: the namespace's member
 * @policy: enum ipsec_ha_activate_policy
 *
 * Registers the hooks for gone and any, removes them for off.
 *
 * Context: process context, hn->lock held.
 * Return: 0, -ENOMEM, or the error of nf_register_net_hooks().
 */
int ha_act_set(struct ha_net *hn, u8 policy)
{
	struct ha_act *a = hn->act;
	unsigned int i;
	int err;

	lockdep_assert_held(&hn->lock);
	if (policy == IPSEC_HA_ACTIVATE_POLICY_OFF) {
		ha_act_unhook(hn);
		WRITE_ONCE(hn->activate, policy);
		return 0;
	}
	if (!a) {
		a = kzalloc(sizeof(*a), GFP_KERNEL);
		if (!a)
			return -ENOMEM;
		a->hn = hn;
		INIT_WORK(&a->work, ha_act_work);
		for (i = 0; i < ARRAY_SIZE(ha_act_ops); i++) {
			a->ops[i] = ha_act_ops[i];
			a->ops[i].priv = hn;
		}
		WRITE_ONCE(hn->act, a);
	}
	if (!a->hooked) {
		err = nf_register_net_hooks(hn->net, a->ops, ARRAY_SIZE(a->ops));
		if (err)
			return err;
		a->hooked = true;
	}
	WRITE_ONCE(hn->activate, policy);
	return 0;
}

/* After the hooks are gone (pre_exit): the work, then the state. */
void ha_act_net_exit(struct ha_net *hn)
{
	struct ha_act *a = hn->act;

	if (!a)
		return;
	cancel_work_sync(&a->work);
	hn->act = NULL;
	kfree(a);
}
