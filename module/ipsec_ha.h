/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipsec-ha: the state of one cluster member (one network namespace).
 * The functions of each file are declared in that file's header.
 */
#ifndef _IPSEC_HA_H
#define _IPSEC_HA_H

#include <linux/in6.h>
#include <linux/ipsec_ha.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/* The structures that struct ha_net holds by value. */
#include "counters.h"
#include "standby.h"
#include "store.h"

/* Where the HA link is: an interface, a multicast group and a UDP port. */
struct ha_link_cfg {
	int ifindex;
	char ifname[IFNAMSIZ];
	sa_family_t family;		/* AF_INET or AF_INET6; 0: no link */
	union {
		__be32 v4;
		struct in6_addr v6;
	} group;
	u16 port;
};

struct ha_act;
struct ha_ike_net;
struct ha_key;
struct ha_link;
struct ha_move;
struct ha_pcpu_stats;
struct ha_peers;
struct ha_rx;
struct ha_tx;
struct net;

/* One cluster member: the module's state in one network namespace. */
struct ha_net {
	struct net *net;
	struct mutex lock;		/* serialises configuration changes */
	u16 node_id;			/* 0 until configured */
	u32 sync_packets;		/* configured counter threshold */
	/*
	 * The threshold peers were last told (NODE_INFO): counters follow
	 * the lower of the two, so that a raised threshold applies only
	 * once peers know it. READ_ONCE; written by tx_work.
	 */
	u32 sync_packets_told;
	u32 tx_info_sync_packets;	/* in the datagram being filled; under store.lock */
	u32 sync_interval_ms;
	u32 max_sas;
	u32 margin_min;
	u32 prepare_max;		/* SAs kept prepared for takeover */
	u8 activate;			/* enum ipsec_ha_activate_policy; READ_ONCE */
	u64 spi_range;			/* spi_min << 32 | spi_max, 0: none; READ_ONCE */
	u64 epoch;			/* real time at creation: grows across restarts */
	struct ha_link_cfg link_cfg;	/* under lock */
	struct ha_link __rcu *link;	/* written under lock */
	/* link.c: the link follows its interface (netdevice notifier) */
	int link_ifindex;		/* interface watched, 0: none; READ_ONCE */
	u8 link_down;			/* enum ipsec_ha_link_down_reason, 0: up; under lock */
	bool link_rejoin;		/* its MTU was too small since it was opened; under lock */
	struct work_struct link_work;
	struct ha_key __rcu *key;	/* written under lock */
	struct ha_key __rcu *key_prev;	/* the key before: accepted, never used */
	unsigned long key_prev_until;	/* jiffies; written under lock */
	struct ha_pcpu_stats __percpu *stats;

	struct ha_store store;		/* the mirror */

	/* km.c: XFRM events, queued from atomic context */
	spinlock_t km_lock;
	struct list_head km_events;
	unsigned int km_queued;
	struct work_struct km_work;

	/* rx.c: datagrams, queued from softirq */
	struct sk_buff_head rx_queue;
	atomic_t rx_queued_bytes;	/* truesize of what rx_queue holds */
	struct work_struct rx_work;
	struct ha_rx *rx;		/* rx_work's buffers (rx.h) */
	struct ha_peers *peers;		/* under store.lock */

	/* sync.c: sending; local.c uses its scratch space */
	struct delayed_work tx_work;
	struct ha_tx *tx;		/* under store.lock */

	/* counters.c, hook.c: counter sync */
	struct ha_counters ctrs;
	struct nf_hook_ops hook_ops[4];

	/* standby.c: SAs prepared for takeover */
	struct ha_standby standby;

	/* ike.c: CHILD SA SPI -> IKE context index */
	struct ha_ike_net *ike;		/* under store.lock */

	/* move.c: planned moves */
	struct delayed_work move_work;
	struct ha_move *move;		/* under store.lock; NULL until the first */

	/* activate.c: activation on an unknown SPI */
	struct ha_act *act;		/* under lock; NULL until activate is set */
};

#endif /* _IPSEC_HA_H */
