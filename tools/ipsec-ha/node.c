// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha node set: the node id and the sync thresholds. */
#include <string.h>

#include <linux/ipsec_ha.h>

#include "genl.h"
#include "ipsec-ha.h"
#include "parse.h"

/*
 * The parameters of `node set`. A new one is a line here: parse() checks
 * that the value can be encoded (what the kernel checks, ranges above all,
 * is left to the kernel so that its message is shown), put() encodes it.
 */
union param_val {
	uint32_t u32;
	struct {
		uint32_t min, max;
	} range;
};

struct node_param {
	const char *kw;
	uint16_t attr;
	const char *expect;	/* what a valid value looks like */
	int (*parse)(const char *s, union param_val *v);
	void (*put)(struct nlmsghdr *nlh, uint16_t attr, const union param_val *v);
};

static int parse_val_u32(const char *s, union param_val *v)
{
	return parse_u32(s, &v->u32);
}

static void put_u32(struct nlmsghdr *nlh, uint16_t attr,
		    const union param_val *v)
{
	mnl_attr_put_u32(nlh, attr, v->u32);
}

static int parse_val_range(const char *s, union param_val *v)
{
	return parse_spi_range(s, &v->range.min, &v->range.max);
}

/* The range is two attributes: spi-min (attr) and spi-max. */
static void put_range(struct nlmsghdr *nlh, uint16_t attr,
		      const union param_val *v)
{
	mnl_attr_put_u32(nlh, attr, v->range.min);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SPI_MAX, v->range.max);
}

static int parse_val_activate(const char *s, union param_val *v)
{
	if (!strcmp(s, "off"))
		v->u32 = IPSEC_HA_ACTIVATE_POLICY_OFF;
	else if (!strcmp(s, "gone"))
		v->u32 = IPSEC_HA_ACTIVATE_POLICY_GONE;
	else if (!strcmp(s, "any"))
		v->u32 = IPSEC_HA_ACTIVATE_POLICY_ANY;
	else
		return -1;
	return 0;
}

static void put_u8(struct nlmsghdr *nlh, uint16_t attr, const union param_val *v)
{
	mnl_attr_put_u8(nlh, attr, (uint8_t)v->u32);
}

#define U32_PARAM(kw, attr, expect) { kw, attr, expect, parse_val_u32, put_u32 }

static const struct node_param node_params[] = {
	U32_PARAM("id", IPSEC_HA_A_CONFIG_NODE_ID, "an unsigned 32-bit number"),
	U32_PARAM("sync-packets", IPSEC_HA_A_CONFIG_SYNC_PACKETS, "an unsigned 32-bit number"),
	U32_PARAM("sync-interval", IPSEC_HA_A_CONFIG_SYNC_INTERVAL,
		  "an unsigned 32-bit number of milliseconds"),
	U32_PARAM("max-sas", IPSEC_HA_A_CONFIG_MAX_SAS, "an unsigned 32-bit number"),
	U32_PARAM("margin-min", IPSEC_HA_A_CONFIG_MARGIN_MIN, "an unsigned 32-bit number"),
	U32_PARAM("prepare-max", IPSEC_HA_A_CONFIG_PREPARE_MAX, "an unsigned 32-bit number"),
	{ "spi-range", IPSEC_HA_A_CONFIG_SPI_MIN, "MIN-MAX, e.g. 0x10000-0x1ffff, or none",
	  parse_val_range, put_range },
	{ "activate", IPSEC_HA_A_CONFIG_ACTIVATE, "off, gone or any", parse_val_activate, put_u8 },
};

#define N_PARAMS (sizeof(node_params) / sizeof(node_params[0]))

static int node_set(struct ctx *ctx, int argc, char **argv)
{
	union param_val vals[N_PARAMS];
	bool seen[N_PARAMS] = { false };
	struct nlmsghdr *nlh;
	struct genl g;
	int ret, given = 0;

	(void)ctx;
	/* Check the whole command line before talking to the kernel. */
	for (int i = 1; i < argc; i += 2) {
		const struct node_param *np;
		size_t p;

		for (p = 0; p < N_PARAMS; p++)
			if (!strcmp(argv[i], node_params[p].kw))
				break;
		if (p == N_PARAMS)
			return usage_error("node", "node set: unknown keyword '%s'",
					   argv[i]);
		np = &node_params[p];
		if (seen[p])
			return usage_error("node", "node set: '%s' given twice",
					   argv[i]);
		if (!kw_value("node", "node set", argc - i, argv + i))
			return EXIT_USAGE;
		if (np->parse(argv[i + 1], &vals[p]))
			return usage_error("node",
					   "node set: invalid %s '%s' (expected %s)",
					   np->kw, argv[i + 1], np->expect);
		seen[p] = true;
		given++;
	}
	if (!given)
		return usage_error("node", "node set: nothing to set (give id, sync-packets, sync-interval, max-sas, margin-min, spi-range, prepare-max or activate)");

	ret = genl_open(&g);
	if (ret)
		return ret;
	nlh = genl_msg(&g, IPSEC_HA_CMD_NODE_SET, 0);
	for (size_t p = 0; p < N_PARAMS; p++)
		if (seen[p])
			node_params[p].put(nlh, node_params[p].attr, &vals[p]);
	ret = genl_do(&g, nlh, &attrs_config, NULL, NULL);
	genl_close(&g);
	return ret;
}

static const struct subcmd node_subcmds[] = {
	{ "set", node_set },
	{ NULL, NULL },
};

static int node_run(struct ctx *ctx, int argc, char **argv)
{
	return run_subcmd(ctx, &cmd_node, node_subcmds, argc, argv);
}

const struct cmd cmd_node = {
	.name = "node",
	.run = node_run,
	.synopsis = "ipsec-ha node set [id ID] [sync-packets N] [sync-interval MS]\n"
		"                  [max-sas N] [margin-min N] [spi-range MIN-MAX|none]\n"
		"                  [prepare-max N] [activate off|gone|any]\n",
	.help = "Set this node's id (1..65535, unique in the cluster) and the sync\n"
		"thresholds; give at least one. An SA is synced once it advanced by\n"
		"sync-packets packets, and at the latest sync-interval ms (10..60000)\n"
		"after its last sync. max-sas caps the mirrored SAs; margin-min is the\n"
		"floor, in packets, of the margin added to outbound counters on\n"
		"takeover. spi-range is this node's share of the SPI space (256 <= MIN\n"
		"<= MAX), for its IKE daemon's own SPI settings; it is announced to the\n"
		"peers, and ranges that overlap show in peers and as events. none\n"
		"clears it. prepare-max is how many mirrored SAs of other nodes are\n"
		"kept prepared for takeover (crypto state allocated and keyed in\n"
		"advance, about 6.5 KiB each), so that promote only inserts them; 0: none.\n"
		"activate: whether an inbound ESP packet for a mirrored SA this node\n"
		"does not run makes it take that SA's whole session over (for a cluster\n"
		"address spread over the nodes by a router): off (the default), gone\n"
		"(when the SA's owner is not heard on the HA link: past the margin, as\n"
		"promote) or any (also from a live owner, which hands it over).\n",
	.summary = "set the node id and the sync thresholds",
};
