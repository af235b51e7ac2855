/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_NL_H
#define _IPSEC_HA_NL_H

#include <net/genetlink.h>

#include "ipsec_ha.h"

extern struct genl_family ha_genl_family;

/* nl_dump.c */
int ha_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb);
int ha_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb);
int ha_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _IPSEC_HA_NL_H */
