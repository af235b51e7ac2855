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

/* Restricting multicast group subscribers arrived in 6.7 and stable trees. */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#define GENL_MCAST_CAP_NET_ADMIN 0
#endif

/* Socket helpers that take a struct socket here and a struct sock in 7.x. */
#define ha_setup_udp_tunnel_sock(net, sock, cfg) setup_udp_tunnel_sock(net, sock, cfg)
#define ha_udp_tunnel_sock_release(sock) udp_tunnel_sock_release(sock)
#define ha_sockaddr(addr) ((struct sockaddr *)(addr))

#endif /* _IPSEC_HA_COMPAT_H */
