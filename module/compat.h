/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the supported kernels, each decided here
 * once, by what the kernel provides. No other file tests kernel versions
 * or features.
 */
#ifndef _IPSEC_HA_COMPAT_H
#define _IPSEC_HA_COMPAT_H

#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/udp_tunnel.h>

/*
 * Restricting multicast group subscribers (GENL_MCAST_CAP_NET_ADMIN)
 * arrived in 6.7 and stable trees (Debian's 6.1 and 6.12 have it). A
 * kernel without it gives a family no way to check subscribers: generic
 * netlink calls no bind hook of the family, and there is no filtered
 * broadcast. The events group is then open to every local user; the
 * load message says so (HA_EVENTS_UNRESTRICTED).
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define HA_EVENTS_UNRESTRICTED 0
#else
#define GENL_MCAST_CAP_NET_ADMIN 0
#define HA_EVENTS_UNRESTRICTED 1
#endif

/*
 * setup_udp_tunnel_sock() and udp_tunnel_sock_release() take a struct socket
 * up to 6.12 and a struct sock in 7.x. No macro marks the change, so each
 * function's own prototype decides (no version test, follows backports);
 * __builtin_choose_expr() does not evaluate the branch it does not take.
 */
#define HA_SETUP_UDP_TUNNEL_TAKES_SOCKET					\
	__builtin_types_compatible_p(typeof(setup_udp_tunnel_sock),		\
				     void (struct net *, struct socket *,	\
					   struct udp_tunnel_sock_cfg *))
#define HA_UDP_TUNNEL_RELEASE_TAKES_SOCKET					\
	__builtin_types_compatible_p(typeof(udp_tunnel_sock_release),		\
				     void (struct socket *))

static inline void ha_setup_udp_tunnel_sock(struct net *net, struct socket *sock,
					    struct udp_tunnel_sock_cfg *cfg)
{
	setup_udp_tunnel_sock(net, __builtin_choose_expr(HA_SETUP_UDP_TUNNEL_TAKES_SOCKET,
							 sock, sock->sk), cfg);
}

static inline void ha_udp_tunnel_sock_release(struct socket *sock)
{
	udp_tunnel_sock_release(__builtin_choose_expr(HA_UDP_TUNNEL_RELEASE_TAKES_SOCKET,
						      sock, sock->sk));
}

/*
 * kernel_bind() takes a struct sockaddr * up to 6.12 and a struct
 * sockaddr_unsized * in 7.x: a void pointer converts to either.
 */
#define ha_sockaddr(addr) ((void *)(addr))

/* SA direction (XFRMA_SA_DIR, 6.10): probed by Kbuild in the uapi header. */
#ifdef HA_HAVE_XFRM_SA_DIR
#define HA_XFRM_SA_DIR true
#define ha_xfrm_state_dir(x) ((x)->dir)
#define ha_xfrm_state_set_dir(x, d) ((x)->dir = (d))
#else
#define HA_XFRM_SA_DIR false
#define ha_xfrm_state_dir(x) 0
#define ha_xfrm_state_set_dir(x, d) do { } while (0)
#endif

/*
 * Per-CPU SAs (RFC 9611: x->pcpu_num, UINT_MAX for an SA of no CPU; 6.13,
 * and 6.12.13 on): probed by Kbuild in the header.
 */
#ifdef HA_HAVE_XFRM_STATE_PCPU
#define HA_XFRM_PCPU true
#define ha_xfrm_state_pcpu(x) ((x)->pcpu_num)
#define ha_xfrm_state_set_pcpu(x, c) ((x)->pcpu_num = (c))
#else
#define HA_XFRM_PCPU false
#define ha_xfrm_state_pcpu(x) UINT_MAX
#define ha_xfrm_state_set_pcpu(x, c) do { } while (0)
#endif

/*
 * NAT keepalives (x->nat_keepalive_interval, 6.9): the kernel sends them
 * for an SA with an interval once xfrm_state_add() inserts it (its
 * __xfrm_state_insert() calls xfrm_nat_keepalive_state_updated(), which
 * is not exported). Probed by Kbuild in the header.
 */
#ifdef HA_HAVE_XFRM_NAT_KEEPALIVE
#define HA_XFRM_NATKA true
#define ha_xfrm_state_natka(x) ((x)->nat_keepalive_interval)
#define ha_xfrm_state_set_natka(x, v) ((x)->nat_keepalive_interval = (v))
#else
#define HA_XFRM_NATKA false
#define ha_xfrm_state_natka(x) 0U
#define ha_xfrm_state_set_natka(x, v) do { } while (0)
#endif

/* Mapping max age (x->mapping_maxage, 5.17): probed by Kbuild in the header. */
#ifdef HA_HAVE_XFRM_MAPPING_MAXAGE
#define HA_XFRM_MAPPING_MAXAGE true
#define ha_xfrm_state_mapping_maxage(x) ((x)->mapping_maxage)
#define ha_xfrm_state_set_mapping_maxage(x, v) ((x)->mapping_maxage = (v))
#else
#define HA_XFRM_MAPPING_MAXAGE false
#define ha_xfrm_state_mapping_maxage(x) 0U
#define ha_xfrm_state_set_mapping_maxage(x, v) do { } while (0)
#endif

/*
 * __xfrm_init_state() also initialised the replay state (on request) and
 * device offload up to 6.12; in 7.x both are separate steps. Probed by
 * Kbuild in the header. Replay state is initialised by the caller.
 */
#ifdef HA_HAVE_XFRM_INIT_STATE_REPLAY_ARG
#define ha_xfrm_init_state(x) __xfrm_init_state((x), false, false, NULL)
#else
#define ha_xfrm_init_state(x) __xfrm_init_state((x), NULL)
#endif

/*
 * Packet offload (XFRM_DEV_OFFLOAD_PACKET: 6.2, and Debian's 6.1): the NIC
 * runs the whole SA, sequence counters included. Probed by Kbuild.
 */
#ifdef HA_HAVE_XFRM_DEV_OFFLOAD_PACKET
#define ha_xfrm_packet_offload(x) ((x)->xso.type == XFRM_DEV_OFFLOAD_PACKET)
#else
#define ha_xfrm_packet_offload(x) false
#endif

/* The unbound system workqueue is system_dfl_wq from 6.12 on (the old name warns in 7.x). */
#ifdef HA_HAVE_SYSTEM_DFL_WQ
#define ha_wq system_dfl_wq
#else
#define ha_wq system_unbound_wq
#endif

/*
 * Split ops (struct genl_split_ops: one entry per do and per dump, each with
 * its own policy) arrived in 6.2; nl_gen.c, generated from the spec, is a
 * table of them. Probed by Kbuild in the header.
 *
 * Without them (6.1), the generated table is of the stand-in below, with
 * the fields the generator fills, and ha_genl_register_family() turns it
 * into the struct genl_ops that 6.1 takes: each has its own policy and
 * maxattr, so an op parses and validates its request as on 6.12. Every
 * generated op has a policy (one that refuses every attribute for an op
 * that takes none); one without is refused here, since 6.1 would give it
 * the family's (none) and 6.12 would ignore its attributes.
 */
#ifdef HA_HAVE_GENL_SPLIT_OPS
static inline int ha_genl_register_family(struct genl_family *family,
					  const struct genl_split_ops *ops, unsigned int n)
{
	family->split_ops = ops;
	family->n_split_ops = n;
	return genl_register_family(family);
}

static inline void ha_genl_unregister_family(struct genl_family *family)
{
	genl_unregister_family(family);
}
#else
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 internal_flags;
	u8 flags;
	u8 validate;
};

/* The do and the dump of one command share a genl_ops, and so its policy. */
static inline int ha_genl_op_merge(struct genl_ops *op, const struct genl_split_ops *s)
{
	u8 flags = s->flags & ~(GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL);

	if (WARN_ON(!s->policy || !s->maxattr))
		return -EINVAL;
	if ((op->doit || op->dumpit) &&
	    (op->policy != s->policy || op->maxattr != s->maxattr || op->flags != flags))
		return -EINVAL;
	op->cmd = s->cmd;
	op->policy = s->policy;
	op->maxattr = s->maxattr;
	op->flags = flags;
	op->validate |= s->validate;
	if (s->flags & GENL_CMD_CAP_DO) {
		op->doit = s->doit;
	} else {
		op->start = s->start;
		op->dumpit = s->dumpit;
		op->done = s->done;
	}
	return 0;
}

static inline int ha_genl_register_family(struct genl_family *family,
					  const struct genl_split_ops *split, unsigned int n)
{
	struct genl_ops *ops;
	unsigned int i, n_ops = 0;
	int err = 0;

	ops = kcalloc(n, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	/* The generated table is sorted by command, a do before its dump. */
	for (i = 0; i < n && !err; i++) {
		if (!n_ops || ops[n_ops - 1].cmd != split[i].cmd)
			n_ops++;
		err = ha_genl_op_merge(&ops[n_ops - 1], &split[i]);
	}
	if (!err) {
		family->ops = ops;
		family->n_ops = n_ops;
		err = genl_register_family(family);
	}
	if (err)
		kfree(ops);
	return err;
}

static inline void ha_genl_unregister_family(struct genl_family *family)
{
	const struct genl_ops *ops = family->ops;

	genl_unregister_family(family);
	kfree(ops);
}
#endif

#endif /* _IPSEC_HA_COMPAT_H */
