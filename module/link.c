// SPDX-License-Identifier: GPL-2.0
/*
 * The HA link: one kernel UDP socket per namespace, bound to the link's
 * interface and port and joined to its multicast group. Datagrams arrive
 * through the UDP encapsulation hook in softirq context.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "ipsec_ha.h"
#include "key.h"
#include "link.h"
#include "stats.h"
#include "sync.h"

/* Sync datagrams are link-local: anything that crossed a router is forged. */
#define HA_LINK_TTL 255

static bool ha_link_ttl_ok(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return ip_hdr(skb)->ttl == HA_LINK_TTL;
	return ipv6_hdr(skb)->hop_limit == HA_LINK_TTL;
}

/* Called by UDP for every datagram on the socket, under rcu_read_lock(). */
static int ha_link_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ha_link *link = rcu_dereference_sk_user_data(sk);
	struct ha_net *hn;

	if (!link)
		goto drop;
	hn = link->hn;

	ha_stat_inc(hn, IPSEC_HA_A_STATS_RX_DATAGRAMS);
	ha_stat_add(hn, IPSEC_HA_A_STATS_RX_BYTES, skb->len - sizeof(struct udphdr));

	if (!ha_link_ttl_ok(skb))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_TTL);
	else if (!rcu_dereference(hn->key))
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_NO_KEY);
	else if (!ha_rx_enqueue(hn, skb))
		return 0;
drop:
	kfree_skb(skb);
	return 0;
}

static int ha_setsockopt(struct socket *sock, int level, int opt,
			 const void *val, unsigned int len)
{
	return sock->ops->setsockopt(sock, level, opt, KERNEL_SOCKPTR((void *)val), len);
}

static int ha_link_join4(struct socket *sock, const struct ha_link_cfg *cfg)
{
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr = cfg->group.v4,
		.imr_ifindex = cfg->ifindex,
	};
	int ttl = HA_LINK_TTL, off = 0;
	int err;

	err = ha_setsockopt(sock, SOL_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
	if (!err)
		err = ha_setsockopt(sock, SOL_IP, IP_TTL, &ttl, sizeof(ttl));
	if (!err)
		err = ha_setsockopt(sock, SOL_IP, IP_MULTICAST_LOOP, &off, sizeof(off));
	if (!err)
		err = ha_setsockopt(sock, SOL_IP, IP_MULTICAST_ALL, &off, sizeof(off));
	if (!err)
		err = ha_setsockopt(sock, SOL_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq));
	if (!err)
		err = ha_setsockopt(sock, SOL_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq));
	return err;
}

static int ha_link_join6(struct socket *sock, const struct ha_link_cfg *cfg)
{
	struct ipv6_mreq mreq = {
		.ipv6mr_multiaddr = cfg->group.v6,
		.ipv6mr_ifindex = cfg->ifindex,
	};
	int hops = HA_LINK_TTL, off = 0, on = 1;
	int err;

	err = ha_setsockopt(sock, SOL_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (!err)
		err = ha_setsockopt(sock, SOL_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	if (!err)
		err = ha_setsockopt(sock, SOL_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops));
	if (!err)
		err = ha_setsockopt(sock, SOL_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off));
	if (!err)
		err = ha_setsockopt(sock, SOL_IPV6, IPV6_MULTICAST_ALL, &off, sizeof(off));
	if (!err)
		err = ha_setsockopt(sock, SOL_IPV6, IPV6_MULTICAST_IF, &cfg->ifindex,
				    sizeof(cfg->ifindex));
	if (!err)
		err = ha_setsockopt(sock, SOL_IPV6, IPV6_ADD_MEMBERSHIP, &mreq, sizeof(mreq));
	return err;
}

static int ha_link_bind(struct socket *sock, const struct ha_link_cfg *cfg)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(cfg->port),
	};
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(cfg->port),
	};
	int err;

	err = sock_bindtoindex(sock->sk, cfg->ifindex, true);
	if (err)
		return err;
	if (cfg->family == AF_INET)
		return kernel_bind(sock, ha_sockaddr(&sin), sizeof(sin));
	return kernel_bind(sock, ha_sockaddr(&sin6), sizeof(sin6));
}

int ha_link_open(struct ha_net *hn, const struct ha_link_cfg *cfg,
		 struct netlink_ext_ack *extack, struct ha_link **linkp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = ha_link_rcv,
	};
	struct ha_link *link;
	struct socket *sock;
	int err;

	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	link->hn = hn;
	link->cfg = *cfg;

	err = sock_create_kern(hn->net, cfg->family, SOCK_DGRAM, IPPROTO_UDP, &sock);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot create the HA link socket");
		goto err_free;
	}
	/* A new link may take the port of the one it replaces before that closes. */
	sock->sk->sk_reuse = SK_CAN_REUSE;

	err = cfg->family == AF_INET ? ha_link_join4(sock, cfg) : ha_link_join6(sock, cfg);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot join the multicast group on the interface");
		goto err_sock;
	}
	err = ha_link_bind(sock, cfg);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot bind the UDP port on the interface");
		goto err_sock;
	}

	tcfg.sk_user_data = link;
	ha_setup_udp_tunnel_sock(hn->net, sock, &tcfg);
	link->sock = sock;
	*linkp = link;
	return 0;

err_sock:
	sock_release(sock);
err_free:
	kfree(link);
	return err;
}

/* Process context: waits for receivers still using the link. */
void ha_link_close(struct ha_link *link)
{
	if (!link)
		return;
	ha_udp_tunnel_sock_release(link->sock);
	synchronize_net();
	kfree(link);
}
