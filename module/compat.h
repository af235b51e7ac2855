/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the supported kernels, each decided here
 * once, by what the kernel provides. No other file tests kernel versions
 * or features.
 */
#ifndef _IPSEC_HA_COMPAT_H
#define _IPSEC_HA_COMPAT_H

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

#endif /* _IPSEC_HA_COMPAT_H */
