/* SPDX-License-Identifier: GPL-2.0 */
/* The module's state in each network namespace (netns.c). */
#ifndef _IPSEC_HA_NETNS_H
#define _IPSEC_HA_NETNS_H

struct ha_net;
struct net;

extern unsigned int ha_net_id;
struct ha_net *ha_net(const struct net *net);
int ha_netns_init(void);
void ha_netns_exit(void);

#endif /* _IPSEC_HA_NETNS_H */
