/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ipsec_ha.yaml */
/* YNL-GEN kernel header */
/* by tools/ynl_gen_kernel.py (make gen) */

#ifndef _LINUX_IPSEC_HA_GEN_H
#define _LINUX_IPSEC_HA_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>
#include <linux/ipsec_ha.h>

#include "compat.h"

/* Ops table for ipsec_ha */
extern const struct genl_split_ops ipsec_ha_nl_ops[18];

int ipsec_ha_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_node_set_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_link_set_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_link_del_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_key_set_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_key_clear_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_sa_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ipsec_ha_nl_policy_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int ipsec_ha_nl_peer_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int ipsec_ha_nl_promote_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_demote_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_ike_add_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_ike_set_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_ike_del_doit(struct sk_buff *skb, struct genl_info *info);
int ipsec_ha_nl_ike_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int ipsec_ha_nl_ike_export_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int ipsec_ha_nl_move_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	IPSEC_HA_NLGRP_EVENTS,
};

extern const struct genl_multicast_group ipsec_ha_nl_mcgrps[1];

#endif /* _LINUX_IPSEC_HA_GEN_H */
