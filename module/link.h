/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HA link (link.c): the namespace's UDP socket on the sync multicast
 * group, both ways, and the state of its interface.
 */
#ifndef _IPSEC_HA_LINK_H
#define _IPSEC_HA_LINK_H

#include <linux/ip.h>
#include <linux/ipsec_ha.h>
#include <linux/net.h>
#include <linux/udp.h>

#include "ipsec_ha.h"
#include "wire.h"

struct ha_key;
struct netlink_ext_ack;

struct ha_link {
	struct socket *sock;
	struct ha_net *hn;
	struct ha_link_cfg cfg;
};

/*
 * Room for records in a datagram on an IPv4 link at its minimum MTU
 * (IPSEC_HA_LINK_MTU_MIN4): 508 bytes. IPv6 links have more. The
 * largest fixed records that sync.c sends fit in this much.
 */
#define HA_LINK_ROOM_MIN (IPSEC_HA_LINK_MTU_MIN4 - sizeof(struct iphdr) -	\
			  sizeof(struct udphdr) - HA_WIRE_MIN_LEN)

/* Smallest interface MTU a link of family works on. */
static inline unsigned int ha_link_mtu_min(sa_family_t family)
{
	return family == AF_INET ? IPSEC_HA_LINK_MTU_MIN4 : IPSEC_HA_LINK_MTU_MIN6;
}

int ha_link_open(struct ha_net *hn, const struct ha_link_cfg *cfg,
		 struct netlink_ext_ack *extack, struct ha_link **linkp);
void ha_link_close(struct ha_link *link);
size_t ha_link_room(struct ha_net *hn, const struct ha_link *link);
void ha_link_send(struct ha_net *hn, const struct ha_link *link, const struct ha_key *key,
		  u8 *dgram, size_t rec_len, u64 seq);
u8 ha_link_dev_state(struct ha_net *hn, const struct ha_link_cfg *cfg,
		     char ifname[IFNAMSIZ], int *mtu);
void ha_link_track(struct ha_net *hn);
void ha_link_net_init(struct ha_net *hn);
void ha_link_net_exit(struct ha_net *hn);
int ha_link_notifier_init(void);
void ha_link_notifier_exit(void);

#endif /* _IPSEC_HA_LINK_H */
