// SPDX-License-Identifier: GPL-2.0
/*
 * The per-packet hook: netfilter hooks, registered only in namespaces
 * whose node owns SAs, see every packet about to be transformed
 * (POST_ROUTING, the bundle in skb_dst()) and every packet that was
 * (PRE_ROUTING, the states in its secpath). For each state it only notes
 * that the SA moved (ha_ctr_touch): no lock, no allocation, O(1) per
 * state. Counters are read later, outside the packet path, so GSO
 * segments and fragments that take several sequence numbers per skb are
 * counted right.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/dst.h>
#include <net/xfrm.h>

#include "counters.h"
#include "hook.h"
#include "ipsec_ha.h"

static unsigned int ha_hook_out(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct dst_entry *dst = skb_dst(skb);
	int depth = 0;

	/* A bundle: one state per transform, XFRM_MAX_DEPTH at most. */
	while (dst && dst->xfrm && depth++ < XFRM_MAX_DEPTH) {
		ha_ctr_touch(priv, dst->xfrm);
		dst = xfrm_dst_child(dst);
	}
	return NF_ACCEPT;
}

static unsigned int ha_hook_in(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct sec_path *sp = skb_sec_path(skb);
	int i;

	if (sp)
		for (i = 0; i < sp->len && i < XFRM_MAX_DEPTH; i++)
			ha_ctr_touch(priv, sp->xvec[i]);
	return NF_ACCEPT;
}

static const struct nf_hook_ops ha_hook_ops[] = {
	{
		.hook		= ha_hook_out,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_LAST,
	}, {
		.hook		= ha_hook_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_FIRST,
	}, {
		.hook		= ha_hook_out,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP6_PRI_LAST,
	}, {
		.hook		= ha_hook_in,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_FIRST,
	},
};

/* Process context, store.lock held. */
int ha_hook_register(struct ha_net *hn)
{
	int i, err;

	if (hn->ctrs.hooks)
		return 0;
	for (i = 0; i < ARRAY_SIZE(ha_hook_ops); i++) {
		hn->hook_ops[i] = ha_hook_ops[i];
		hn->hook_ops[i].priv = hn;
	}
	err = nf_register_net_hooks(hn->net, hn->hook_ops, ARRAY_SIZE(ha_hook_ops));
	if (!err)
		hn->ctrs.hooks = true;
	return err;
}

/* After it returns no hook runs any more. Process context. */
void ha_hook_unregister(struct ha_net *hn)
{
	if (!hn->ctrs.hooks)
		return;
	nf_unregister_net_hooks(hn->net, hn->hook_ops, ARRAY_SIZE(ha_hook_ops));
	synchronize_net();
	hn->ctrs.hooks = false;
}
