/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipsec-ha: state of one cluster member (one network namespace) and the
 * interfaces between the files of the module.
 */
#ifndef _IPSEC_HA_H
#define _IPSEC_HA_H

#include "compat.h"

#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/ipsec_ha.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

#include <linux/netfilter.h>

#include "counters.h"
#include "standby.h"
#include "store.h"

#define HA_DEFAULT_SYNC_PACKETS		256
#define HA_DEFAULT_SYNC_INTERVAL_MS	100
#define HA_DEFAULT_MAX_SAS		131072
#define HA_DEFAULT_MARGIN_MIN		4096
#define HA_DEFAULT_PREPARE_MAX		16384
/* How long datagrams sealed with the previous cluster key still count. */
#define HA_KEY_GRACE			(60 * HZ)

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

struct ha_link;
struct ha_key;
struct ha_pcpu_stats;
struct ha_ike_net;

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
	u8 *rx_buf;			/* the datagram rx_work opens; its own */
	struct ha_peers *peers;		/* under store.lock */

	/* sync.c: sending */
	struct delayed_work tx_work;
	struct ha_tx *tx;		/* under store.lock */

	/* counters.c, hook.c: counter sync */
	struct ha_counters ctrs;
	struct nf_hook_ops hook_ops[4];

	/* standby.c: SAs prepared for takeover */
	struct ha_standby standby;

	/* ike.c: CHILD SA SPI -> IKE context index */
	struct ha_ike_net *ike;		/* under store.lock */
};

/* netns.c */
extern unsigned int ha_net_id;
struct ha_net *ha_net(const struct net *net);
int ha_netns_init(void);
void ha_netns_exit(void);

/* netlink.c */
int ha_nl_init(void);
void ha_nl_exit(void);
void ha_nl_notify_config(struct ha_net *hn);

/* link.c */
int ha_link_open(struct ha_net *hn, const struct ha_link_cfg *cfg,
		 struct netlink_ext_ack *extack, struct ha_link **linkp);
void ha_link_close(struct ha_link *link);
u8 ha_link_dev_state(struct ha_net *hn, const struct ha_link_cfg *cfg,
		     char ifname[IFNAMSIZ], int *mtu);
void ha_link_track(struct ha_net *hn);
void ha_link_net_init(struct ha_net *hn);
void ha_link_net_exit(struct ha_net *hn);
int ha_link_notifier_init(void);
void ha_link_notifier_exit(void);

/* key.c */
struct ha_key *ha_key_create(const u8 *secret, size_t len);
void ha_key_destroy(struct ha_key *key);

#endif /* _IPSEC_HA_H */
