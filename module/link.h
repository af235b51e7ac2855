/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_LINK_H
#define _IPSEC_HA_LINK_H

#include <linux/ip.h>
#include <linux/net.h>
#include <linux/udp.h>

#include "ipsec_ha.h"
#include "wire.h"

struct ha_link {
	struct socket *sock;
	struct ha_net *hn;
	struct ha_link_cfg cfg;
};

/*
 * Room for records in a datagram on an IPv4 link at its minimum MTU
 * (IPSEC_HA_LINK_MTU_MIN4): 508 bytes. IPv6 links have more. Sending
 * needs at least this much (sync.c); the link minimum guarantees it.
 */
#define HA_LINK_ROOM_MIN (IPSEC_HA_LINK_MTU_MIN4 - sizeof(struct iphdr) -	\
			  sizeof(struct udphdr) - HA_WIRE_MIN_LEN)

/* Smallest interface MTU a link of family works on. */
static inline unsigned int ha_link_mtu_min(sa_family_t family)
{
	return family == AF_INET ? IPSEC_HA_LINK_MTU_MIN4 : IPSEC_HA_LINK_MTU_MIN6;
}

#endif /* _IPSEC_HA_LINK_H */
