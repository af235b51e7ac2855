// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ipsec_ha.yaml */
/* YNL-GEN kernel source */
/* by tools/ynl_gen_kernel.py (make gen) */

#include <net/netlink.h>
#include <net/genetlink.h>
#include <linux/ipsec_ha.h>

#include "compat.h"
#include "nl_gen.h"

/* Integer value ranges (not const: 6.1 points to them as non-const) */
static struct netlink_range_validation ipsec_ha_a_config_node_id_range = {
	.min	= 1ULL,
	.max	= IPSEC_HA_NODE_ID_MAX,
};

static struct netlink_range_validation ipsec_ha_a_config_sync_interval_range = {
	.min	= 10ULL,
	.max	= 60000ULL,
};

/* IPSEC_HA_CMD_NODE_SET - do */
static const struct nla_policy ipsec_ha_node_set_nl_policy[IPSEC_HA_A_CONFIG_ACTIVATE + 1] = {
	[IPSEC_HA_A_CONFIG_NODE_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipsec_ha_a_config_node_id_range),
	[IPSEC_HA_A_CONFIG_SYNC_PACKETS] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPSEC_HA_A_CONFIG_SYNC_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipsec_ha_a_config_sync_interval_range),
	[IPSEC_HA_A_CONFIG_MAX_SAS] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPSEC_HA_A_CONFIG_MARGIN_MIN] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPSEC_HA_A_CONFIG_SPI_MIN] = { .type = NLA_U32, },
	[IPSEC_HA_A_CONFIG_SPI_MAX] = { .type = NLA_U32, },
	[IPSEC_HA_A_CONFIG_PREPARE_MAX] = { .type = NLA_U32, },
	[IPSEC_HA_A_CONFIG_ACTIVATE] = NLA_POLICY_MAX(NLA_U8, 2),
};

/* IPSEC_HA_CMD_LINK_SET - do */
static const struct nla_policy ipsec_ha_link_set_nl_policy[IPSEC_HA_A_CONFIG_PORT + 1] = {
	[IPSEC_HA_A_CONFIG_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPSEC_HA_A_CONFIG_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[IPSEC_HA_A_CONFIG_GROUP4] = { .type = NLA_BE32, },
	[IPSEC_HA_A_CONFIG_GROUP6] = NLA_POLICY_EXACT_LEN(16),
	[IPSEC_HA_A_CONFIG_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* IPSEC_HA_CMD_KEY_SET - do */
static const struct nla_policy ipsec_ha_key_set_nl_policy[IPSEC_HA_A_CONFIG_NO_GRACE + 1] = {
	[IPSEC_HA_A_CONFIG_KEY] = NLA_POLICY_EXACT_LEN(IPSEC_HA_KEY_LEN),
	[IPSEC_HA_A_CONFIG_NO_GRACE] = { .type = NLA_FLAG, },
};

/* IPSEC_HA_CMD_PROMOTE - do */
static const struct nla_policy ipsec_ha_promote_nl_policy[IPSEC_HA_A_TAKEOVER_SHARE + 1] = {
	[IPSEC_HA_A_TAKEOVER_NODE] = NLA_POLICY_MIN(NLA_U16, 1),
	[IPSEC_HA_A_TAKEOVER_INBOUND] = NLA_POLICY_MAX(NLA_U8, 1),
	[IPSEC_HA_A_TAKEOVER_SHARE] = { .type = NLA_FLAG, },
};

/* IPSEC_HA_CMD_DEMOTE - do */
static const struct nla_policy ipsec_ha_demote_nl_policy[IPSEC_HA_A_TAKEOVER_NODE + 1] = {
	[IPSEC_HA_A_TAKEOVER_NODE] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* IPSEC_HA_CMD_IKE_ADD - do */
static const struct nla_policy ipsec_ha_ike_add_nl_policy[IPSEC_HA_A_IKE_DAEMON_STATE + 1] = {
	[IPSEC_HA_A_IKE_SPI_I] = NLA_POLICY_MIN(NLA_U64, 1),
	[IPSEC_HA_A_IKE_SPI_R] = NLA_POLICY_MIN(NLA_U64, 1),
	[IPSEC_HA_A_IKE_VERSION] = NLA_POLICY_RANGE(NLA_U8, 1, 2),
	[IPSEC_HA_A_IKE_INITIATOR] = NLA_POLICY_MAX(NLA_U8, 1),
	[IPSEC_HA_A_IKE_LOCAL_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[IPSEC_HA_A_IKE_REMOTE_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[IPSEC_HA_A_IKE_LOCAL_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[IPSEC_HA_A_IKE_REMOTE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[IPSEC_HA_A_IKE_ENCR] = { .type = NLA_U16, },
	[IPSEC_HA_A_IKE_ENCR_KEYLEN] = { .type = NLA_U16, },
	[IPSEC_HA_A_IKE_INTEG] = { .type = NLA_U16, },
	[IPSEC_HA_A_IKE_PRF] = { .type = NLA_U16, },
	[IPSEC_HA_A_IKE_DH_GROUP] = { .type = NLA_U16, },
	[IPSEC_HA_A_IKE_EXTENSIONS] = NLA_POLICY_MASK(NLA_U32, 0x7),
	[IPSEC_HA_A_IKE_MID_SEND] = { .type = NLA_U32, },
	[IPSEC_HA_A_IKE_MID_RECV] = { .type = NLA_U32, },
	[IPSEC_HA_A_IKE_ID_I_TYPE] = NLA_POLICY_MIN(NLA_U8, 1),
	[IPSEC_HA_A_IKE_ID_I] = NLA_POLICY_MAX(NLA_BINARY, IPSEC_HA_IKE_ID_MAX),
	[IPSEC_HA_A_IKE_ID_R_TYPE] = NLA_POLICY_MIN(NLA_U8, 1),
	[IPSEC_HA_A_IKE_ID_R] = NLA_POLICY_MAX(NLA_BINARY, IPSEC_HA_IKE_ID_MAX),
	[IPSEC_HA_A_IKE_CHILD_SPI] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPSEC_HA_A_IKE_NONCE_I] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_NONCE_MAX),
	[IPSEC_HA_A_IKE_NONCE_R] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_NONCE_MAX),
	[IPSEC_HA_A_IKE_SK_D] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_KEY_MAX),
	[IPSEC_HA_A_IKE_SK_AI] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_KEY_MAX),
	[IPSEC_HA_A_IKE_SK_AR] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_KEY_MAX),
	[IPSEC_HA_A_IKE_SK_EI] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_KEY_MAX),
	[IPSEC_HA_A_IKE_SK_ER] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_KEY_MAX),
	[IPSEC_HA_A_IKE_SK_PI] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_KEY_MAX),
	[IPSEC_HA_A_IKE_SK_PR] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_KEY_MAX),
	[IPSEC_HA_A_IKE_DAEMON_STATE] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_STATE_MAX),
};

/* IPSEC_HA_CMD_IKE_SET - do */
static const struct nla_policy ipsec_ha_ike_set_nl_policy[IPSEC_HA_A_IKE_DAEMON_STATE + 1] = {
	[IPSEC_HA_A_IKE_SPI_I] = NLA_POLICY_MIN(NLA_U64, 1),
	[IPSEC_HA_A_IKE_SPI_R] = NLA_POLICY_MIN(NLA_U64, 1),
	[IPSEC_HA_A_IKE_MID_SEND] = { .type = NLA_U32, },
	[IPSEC_HA_A_IKE_MID_RECV] = { .type = NLA_U32, },
	[IPSEC_HA_A_IKE_CHILD_SPI] = NLA_POLICY_MIN(NLA_U32, 1),
	[IPSEC_HA_A_IKE_DAEMON_STATE] = NLA_POLICY_RANGE(NLA_BINARY, 1, IPSEC_HA_IKE_STATE_MAX),
};

/* IPSEC_HA_CMD_IKE_DEL - do */
static const struct nla_policy ipsec_ha_ike_del_nl_policy[IPSEC_HA_A_IKE_SPI_R + 1] = {
	[IPSEC_HA_A_IKE_SPI_I] = NLA_POLICY_MIN(NLA_U64, 1),
	[IPSEC_HA_A_IKE_SPI_R] = NLA_POLICY_MIN(NLA_U64, 1),
};

/* IPSEC_HA_CMD_MOVE - do */
static const struct nla_policy ipsec_ha_move_nl_policy[IPSEC_HA_A_TAKEOVER_SHARE + 1] = {
	[IPSEC_HA_A_TAKEOVER_TO] = NLA_POLICY_MIN(NLA_U16, 1),
	[IPSEC_HA_A_TAKEOVER_IKE_SPI_I] = { .type = NLA_U64, },
	[IPSEC_HA_A_TAKEOVER_IKE_SPI_R] = { .type = NLA_U64, },
	[IPSEC_HA_A_TAKEOVER_PEER] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[IPSEC_HA_A_TAKEOVER_SPIS] = NLA_POLICY_RANGE(NLA_BINARY, 4, 256),
	[IPSEC_HA_A_TAKEOVER_NODE] = NLA_POLICY_MIN(NLA_U16, 1),
	[IPSEC_HA_A_TAKEOVER_SHARE] = { .type = NLA_FLAG, },
};

/* Ops whose request lists no attribute: every attribute is refused. */
static const struct nla_policy ipsec_ha_reject_all_nl_policy[2] = {
	[0] = { .type = NLA_REJECT, },
	[1] = { .type = NLA_REJECT, },
};

/* Ops table for ipsec_ha */
const struct genl_split_ops ipsec_ha_nl_ops[18] = {
	{
		.cmd		= IPSEC_HA_CMD_CONFIG_GET,
		.doit		= ipsec_ha_nl_config_get_doit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_NODE_SET,
		.doit		= ipsec_ha_nl_node_set_doit,
		.policy		= ipsec_ha_node_set_nl_policy,
		.maxattr	= IPSEC_HA_A_CONFIG_ACTIVATE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_LINK_SET,
		.doit		= ipsec_ha_nl_link_set_doit,
		.policy		= ipsec_ha_link_set_nl_policy,
		.maxattr	= IPSEC_HA_A_CONFIG_PORT,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_LINK_DEL,
		.doit		= ipsec_ha_nl_link_del_doit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_KEY_SET,
		.doit		= ipsec_ha_nl_key_set_doit,
		.policy		= ipsec_ha_key_set_nl_policy,
		.maxattr	= IPSEC_HA_A_CONFIG_NO_GRACE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_KEY_CLEAR,
		.doit		= ipsec_ha_nl_key_clear_doit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_STATS_GET,
		.doit		= ipsec_ha_nl_stats_get_doit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_SA_GET,
		.dumpit		= ipsec_ha_nl_sa_get_dumpit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= IPSEC_HA_CMD_POLICY_GET,
		.dumpit		= ipsec_ha_nl_policy_get_dumpit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= IPSEC_HA_CMD_PEER_GET,
		.dumpit		= ipsec_ha_nl_peer_get_dumpit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= IPSEC_HA_CMD_PROMOTE,
		.doit		= ipsec_ha_nl_promote_doit,
		.policy		= ipsec_ha_promote_nl_policy,
		.maxattr	= IPSEC_HA_A_TAKEOVER_SHARE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_DEMOTE,
		.doit		= ipsec_ha_nl_demote_doit,
		.policy		= ipsec_ha_demote_nl_policy,
		.maxattr	= IPSEC_HA_A_TAKEOVER_NODE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_IKE_ADD,
		.doit		= ipsec_ha_nl_ike_add_doit,
		.policy		= ipsec_ha_ike_add_nl_policy,
		.maxattr	= IPSEC_HA_A_IKE_DAEMON_STATE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_IKE_SET,
		.doit		= ipsec_ha_nl_ike_set_doit,
		.policy		= ipsec_ha_ike_set_nl_policy,
		.maxattr	= IPSEC_HA_A_IKE_DAEMON_STATE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_IKE_DEL,
		.doit		= ipsec_ha_nl_ike_del_doit,
		.policy		= ipsec_ha_ike_del_nl_policy,
		.maxattr	= IPSEC_HA_A_IKE_SPI_R,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= IPSEC_HA_CMD_IKE_GET,
		.dumpit		= ipsec_ha_nl_ike_get_dumpit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= IPSEC_HA_CMD_IKE_EXPORT,
		.dumpit		= ipsec_ha_nl_ike_export_dumpit,
		.policy		= ipsec_ha_reject_all_nl_policy,
		.maxattr	= 1,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= IPSEC_HA_CMD_MOVE,
		.doit		= ipsec_ha_nl_move_doit,
		.policy		= ipsec_ha_move_nl_policy,
		.maxattr	= IPSEC_HA_A_TAKEOVER_SHARE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

const struct genl_multicast_group ipsec_ha_nl_mcgrps[1] = {
	[IPSEC_HA_NLGRP_EVENTS] = {
		.name	= "events",
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};
