// SPDX-License-Identifier: GPL-2.0
/* Attribute tables of Documentation/netlink/specs/ipsec_ha.yaml. */
#include <string.h>

#include <linux/ipsec_ha.h>

#include "attrs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ATTR(n, k)		{ .name = (n), .kind = (k) }
#define ATTR_BIN(n, l)		{ .name = (n), .kind = AK_BINARY, .len = (l) }

static const struct attr_desc config_attrs[] = {
	[IPSEC_HA_A_CONFIG_NODE_ID]		= ATTR("node-id", AK_U32),
	[IPSEC_HA_A_CONFIG_IFINDEX]		= ATTR("ifindex", AK_U32),
	[IPSEC_HA_A_CONFIG_IFNAME]		= ATTR("ifname", AK_STRING),
	[IPSEC_HA_A_CONFIG_GROUP4]		= ATTR("group4", AK_U32),
	[IPSEC_HA_A_CONFIG_GROUP6]		= ATTR_BIN("group6", 16),
	[IPSEC_HA_A_CONFIG_PORT]		= ATTR("port", AK_U16),
	[IPSEC_HA_A_CONFIG_SYNC_PACKETS]	= ATTR("sync-packets", AK_U32),
	[IPSEC_HA_A_CONFIG_SYNC_INTERVAL]	= ATTR("sync-interval", AK_U32),
	[IPSEC_HA_A_CONFIG_MAX_SAS]		= ATTR("max-sas", AK_U32),
	[IPSEC_HA_A_CONFIG_MARGIN_MIN]		= ATTR("margin-min", AK_U32),
	[IPSEC_HA_A_CONFIG_KEY]			= ATTR_BIN("key", IPSEC_HA_KEY_LEN),
	[IPSEC_HA_A_CONFIG_KEY_ID]		= ATTR("key-id", AK_U32),
	[IPSEC_HA_A_CONFIG_KEY_FINGERPRINT]	= ATTR("key-fingerprint", AK_BINARY),
	[IPSEC_HA_A_CONFIG_LINK_UP]		= ATTR("link-up", AK_U8),
	[IPSEC_HA_A_CONFIG_EPOCH]		= ATTR("epoch", AK_U64),
	[IPSEC_HA_A_CONFIG_PAD]			= ATTR("pad", AK_PAD),
};

static const struct attr_desc stats_attrs[] = {
	[IPSEC_HA_A_STATS_PAD]			= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_STATS_TX_DATAGRAMS]		= ATTR("tx-datagrams", AK_U64),
	[IPSEC_HA_A_STATS_TX_BYTES]		= ATTR("tx-bytes", AK_U64),
	[IPSEC_HA_A_STATS_TX_RECORDS]		= ATTR("tx-records", AK_U64),
	[IPSEC_HA_A_STATS_TX_ERRORS]		= ATTR("tx-errors", AK_U64),
	[IPSEC_HA_A_STATS_RX_DATAGRAMS]		= ATTR("rx-datagrams", AK_U64),
	[IPSEC_HA_A_STATS_RX_BYTES]		= ATTR("rx-bytes", AK_U64),
	[IPSEC_HA_A_STATS_RX_RECORDS]		= ATTR("rx-records", AK_U64),
	[IPSEC_HA_A_STATS_DROP_NO_KEY]		= ATTR("drop-no-key", AK_U64),
	[IPSEC_HA_A_STATS_DROP_AUTH]		= ATTR("drop-auth", AK_U64),
	[IPSEC_HA_A_STATS_DROP_REPLAY]		= ATTR("drop-replay", AK_U64),
	[IPSEC_HA_A_STATS_DROP_OWN_NODE]	= ATTR("drop-own-node", AK_U64),
	[IPSEC_HA_A_STATS_DROP_VERSION]		= ATTR("drop-version", AK_U64),
	[IPSEC_HA_A_STATS_DROP_TRUNCATED]	= ATTR("drop-truncated", AK_U64),
	[IPSEC_HA_A_STATS_DROP_OVERSIZED]	= ATTR("drop-oversized", AK_U64),
	[IPSEC_HA_A_STATS_DROP_MALFORMED]	= ATTR("drop-malformed", AK_U64),
	[IPSEC_HA_A_STATS_DROP_TTL]		= ATTR("drop-ttl", AK_U64),
	[IPSEC_HA_A_STATS_DROP_UNKNOWN_KEY]	= ATTR("drop-unknown-key", AK_U64),
	[IPSEC_HA_A_STATS_DROP_NOMEM]		= ATTR("drop-nomem", AK_U64),
};

_Static_assert(ARRAY_SIZE(config_attrs) == IPSEC_HA_A_CONFIG_MAX + 1,
	       "config attribute table out of date");
_Static_assert(ARRAY_SIZE(stats_attrs) == IPSEC_HA_A_STATS_MAX + 1,
	       "stats attribute table out of date");

const struct attr_set attrs_config = {
	"config", config_attrs, ARRAY_SIZE(config_attrs) - 1,
};

const struct attr_set attrs_stats = {
	"stats", stats_attrs, ARRAY_SIZE(stats_attrs) - 1,
};

const struct attr_set *const attr_sets[] = {
	&attrs_config,
	&attrs_stats,
	NULL,
};

const char *attr_name(const struct attr_set *set, unsigned int type)
{
	if (!set || type > set->max)
		return NULL;
	return set->attrs[type].name;
}

bool attr_len_ok(const struct attr_set *set, unsigned int type, size_t len)
{
	const struct attr_desc *d;

	if (!set || type > set->max)
		return false;
	d = &set->attrs[type];
	switch (d->kind) {
	case AK_U8:
		return len == 1;
	case AK_U16:
		return len == 2;
	case AK_U32:
		return len == 4;
	case AK_U64:
		/* nla_put_uint() style senders may use 4 bytes */
		return len == 8 || len == 4;
	case AK_STRING:
		return len > 0;
	case AK_BINARY:
		return d->len ? len == d->len : true;
	case AK_PAD:
	case AK_NEST:
		return true;
	case AK_UNSPEC:
		break;
	}
	return false;
}

void attr_json_key(const char *name, char *out, size_t outlen)
{
	size_t i;

	if (!outlen)
		return;
	for (i = 0; name[i] && i + 1 < outlen; i++)
		out[i] = name[i] == '-' ? '_' : name[i];
	out[i] = '\0';
}
