// SPDX-License-Identifier: GPL-2.0
/*
 * The HA link: one kernel UDP socket per namespace, bound to the link's
 * interface and port and joined to its multicast group. Datagrams arrive
 * through the UDP encapsulation hook in softirq context and go to rx.c.
 * Datagrams that sync.c filled leave through ha_link_send(), which adds
 * the header, seals them and sends them to the group.
 *
 * The link follows its interface through a netdevice notifier: it is down
 * while the interface is missing, down, or has an MTU below the link
 * minimum (IPSEC_HA_LINK_MTU_MIN4/6). Only the MTU stops sending, through
 * ha_link_room(); the events group hears of each change.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "compat.h"
#include "ipsec_ha.h"
#include "key.h"
#include "link.h"
#include "netns.h"
#include "nl_event.h"
#include "rx.h"
#include "seal.h"
#include "stats.h"
#include "sync.h"
#include "wire.h"

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

/*
 * Returns the room for records in one datagram on link: the interface's
 * MTU less the IP and UDP headers, the datagram header and the tag, and
 * at most HA_WIRE_MAX_LEN less the header and tag. Returns 0 while the
 * MTU is below the link minimum: the link is down and sends nothing.
 */
size_t ha_link_room(struct ha_net *hn, const struct ha_link *link)
{
	unsigned int hdrs = sizeof(struct udphdr) + (link->cfg.family == AF_INET ?
						     sizeof(struct iphdr) : sizeof(struct ipv6hdr));
	struct net_device *dev;
	unsigned int mtu = 1500, room;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(hn->net, link->cfg.ifindex);
	if (dev)
		mtu = READ_ONCE(dev->mtu);
	rcu_read_unlock();
	if (mtu < ha_link_mtu_min(link->cfg.family) ||
	    check_sub_overflow(mtu, hdrs + HA_WIRE_MIN_LEN, &room))
		return 0;
	return min_t(size_t, room, HA_WIRE_MAX_LEN - HA_WIRE_MIN_LEN);
}

/**
 * ha_link_send() - seal a datagram and send it to the link's group
 * @hn: the namespace's member
 * @link: the link to send on
 * @key: the cluster key that seals the datagram
 * @dgram: HA_WIRE_HDR_LEN bytes of room for the header, then rec_len
 *	bytes of records, then HA_WIRE_TAG_LEN bytes of room for the tag
 * @rec_len: length of the records
 * @seq: the datagram's sequence number
 *
 * Fills in the header, seals the datagram in place and sends it without
 * blocking. A failed send is counted in tx-errors; the caller uses seq up
 * either way, so that a sequence number is never sealed twice.
 *
 * Context: process context, hn->lock held (it keeps link and key).
 */
void ha_link_send(struct ha_net *hn, const struct ha_link *link, const struct ha_key *key,
		  u8 *dgram, size_t rec_len, u64 seq)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct ha_wire_hdr h = {
		.version = HA_WIRE_VERSION,
		.node_id = hn->node_id,
		.key_id = key->id,
		.epoch = hn->epoch,
		.seq = seq,
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov;
	int err;

	/* The kernel's RNG is reseeded when a VM is restored or cloned. */
	get_random_bytes(h.salt, sizeof(h.salt));
	ha_wire_hdr_put(dgram, &h);
	ha_seal(key, dgram, rec_len);
	iov.iov_base = dgram;
	iov.iov_len = HA_WIRE_HDR_LEN + rec_len + HA_WIRE_TAG_LEN;

	if (link->cfg.family == AF_INET) {
		sin.sin_addr.s_addr = link->cfg.group.v4;
		sin.sin_port = htons(link->cfg.port);
		msg.msg_name = &sin;
		msg.msg_namelen = sizeof(sin);
	} else {
		sin6.sin6_addr = link->cfg.group.v6;
		sin6.sin6_port = htons(link->cfg.port);
		sin6.sin6_scope_id = link->cfg.ifindex;
		msg.msg_name = &sin6;
		msg.msg_namelen = sizeof(sin6);
	}
	err = kernel_sendmsg(link->sock, &msg, &iov, 1, iov.iov_len);
	if (err < 0) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_ERRORS);
		return;
	}
	ha_stat_inc(hn, IPSEC_HA_A_STATS_TX_DATAGRAMS);
	ha_stat_add(hn, IPSEC_HA_A_STATS_TX_BYTES, iov.iov_len);
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

/*
 * State of the link of cfg: 0 when it is up, else why it is down (enum
 * ipsec_ha_link_down_reason). Fills ifname (if not NULL) with the
 * interface's current name, else the configured one, and *mtu with the
 * interface's MTU, -1 when it does not exist.
 */
u8 ha_link_dev_state(struct ha_net *hn, const struct ha_link_cfg *cfg,
		     char ifname[IFNAMSIZ], int *mtu)
{
	struct net_device *dev;
	u8 reason;

	if (ifname)
		strscpy(ifname, cfg->ifname, IFNAMSIZ);
	*mtu = -1;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(hn->net, cfg->ifindex);
	if (!dev) {
		reason = IPSEC_HA_LINK_DOWN_REASON_NO_INTERFACE;
	} else {
		unsigned int m = READ_ONCE(dev->mtu);

		if (ifname)
			strscpy(ifname, dev->name, IFNAMSIZ);
		*mtu = min_t(unsigned int, m, INT_MAX);
		if (!(READ_ONCE(dev->flags) & IFF_UP) || !rcu_access_pointer(hn->link))
			reason = IPSEC_HA_LINK_DOWN_REASON_INTERFACE_DOWN;
		else if (m < ha_link_mtu_min(cfg->family))
			reason = IPSEC_HA_LINK_DOWN_REASON_MTU;
		else
			reason = 0;
	}
	rcu_read_unlock();
	return reason;
}

/*
 * hn->link changed (set, replaced, deleted): watch its interface, and take
 * its present state as the last one reported. hn->lock held.
 */
void ha_link_track(struct ha_net *hn)
{
	int mtu;

	lockdep_assert_held(&hn->lock);
	hn->link_rejoin = false;
	if (!rcu_access_pointer(hn->link)) {
		WRITE_ONCE(hn->link_ifindex, 0);
		hn->link_down = 0;
		return;
	}
	WRITE_ONCE(hn->link_ifindex, hn->link_cfg.ifindex);
	hn->link_down = ha_link_dev_state(hn, &hn->link_cfg, NULL, &mtu);
}

/*
 * Below 68 (IPv4) or 1280 (IPv6) the kernel takes the protocol off the
 * interface, and the group membership with it, while the socket still
 * lists it: leave the group (nothing to undo on the interface any more)
 * and join it again. hn->lock held.
 */
static int ha_link_rejoin(struct ha_link *link)
{
	const struct ha_link_cfg *cfg = &link->cfg;
	struct ipv6_mreq mreq6 = {
		.ipv6mr_multiaddr = cfg->group.v6,
		.ipv6mr_ifindex = cfg->ifindex,
	};
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr = cfg->group.v4,
		.imr_ifindex = cfg->ifindex,
	};

	if (cfg->family == AF_INET) {
		ha_setsockopt(link->sock, SOL_IP, IP_DROP_MEMBERSHIP, &mreq, sizeof(mreq));
		return ha_setsockopt(link->sock, SOL_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq));
	}
	ha_setsockopt(link->sock, SOL_IPV6, IPV6_DROP_MEMBERSHIP, &mreq6, sizeof(mreq6));
	return ha_setsockopt(link->sock, SOL_IPV6, IPV6_ADD_MEMBERSHIP, &mreq6, sizeof(mreq6));
}

static void ha_link_event(struct ha_net *hn, u8 reason, int mtu)
{
	struct ha_event ev = {
		.type = reason ? IPSEC_HA_EVENT_TYPE_LINK_DOWN : IPSEC_HA_EVENT_TYPE_LINK_UP,
		.reason = reason,
		.mtu = mtu,
		.has_mtu = mtu >= 0,
	};

	ha_nl_event(hn, &ev);
}

/*
 * The link's interface changed (notifier, under RTNL): compare its state
 * with the one last reported. Runs as a work because hn->lock is taken
 * before RTNL elsewhere (joining a group takes RTNL).
 */
static void ha_link_work(struct work_struct *work)
{
	struct ha_net *hn = container_of(work, struct ha_net, link_work);
	struct ha_link *link;
	u8 reason, was;
	int mtu;

	mutex_lock(&hn->lock);
	if (!rcu_access_pointer(hn->link))
		goto out;
	reason = ha_link_dev_state(hn, &hn->link_cfg, NULL, &mtu);
	was = hn->link_down;
	if (reason == was)
		goto out;
	hn->link_down = reason;
	if (reason == IPSEC_HA_LINK_DOWN_REASON_MTU) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_LINK_MTU_DOWN);
		hn->link_rejoin = true;
	}
	ha_link_event(hn, reason, mtu);
	if (!reason && hn->link_rejoin) {
		/*
		 * The sync starts again: it sends what waited while the MTU was
		 * too small and asks the peers for what this node missed.
		 */
		link = rcu_dereference_protected(hn->link, lockdep_is_held(&hn->lock));
		hn->link_rejoin = ha_link_rejoin(link) != 0;
		ha_sync_start(hn);
	}
out:
	mutex_unlock(&hn->lock);
}

void ha_link_net_init(struct ha_net *hn)
{
	INIT_WORK(&hn->link_work, ha_link_work);
}

/* After the namespace's interfaces are gone: nothing queues the work any more. */
void ha_link_net_exit(struct ha_net *hn)
{
	cancel_work_sync(&hn->link_work);
}

static int ha_link_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ha_net *hn;

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UNREGISTER:
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGEMTU:
		break;
	default:
		return NOTIFY_DONE;
	}
	/* NULL while a namespace is being set up, before this module's part. */
	hn = ha_net(dev_net(dev));
	if (hn && READ_ONCE(hn->link_ifindex) == dev->ifindex)
		queue_work(ha_wq, &hn->link_work);
	return NOTIFY_DONE;
}

static struct notifier_block ha_link_notifier = {
	.notifier_call = ha_link_netdev_event,
};

int ha_link_notifier_init(void)
{
	return register_netdevice_notifier(&ha_link_notifier);
}

void ha_link_notifier_exit(void)
{
	unregister_netdevice_notifier(&ha_link_notifier);
}
