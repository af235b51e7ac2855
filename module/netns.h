/* SPDX-License-Identifier: GPL-2.0 */
/* The module's state in each network namespace (netns.c). */
#ifndef _IPSEC_HA_NETNS_H
#define _IPSEC_HA_NETNS_H

#include <net/netns/generic.h>

struct ha_net;

extern unsigned int ha_net_id;

/* The state of the namespace net, created by the pernet operations. */
static inline struct ha_net *ha_net(const struct net *net)
{
	return net_generic(net, ha_net_id);
}

int ha_netns_init(void);
void ha_netns_exit(void);

#endif /* _IPSEC_HA_NETNS_H */
