// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha link set / link del: the dedicated HA link. */
#include <arpa/inet.h>
#include <string.h>

#include <linux/ipsec_ha.h>

#include "genl.h"
#include "ipsec-ha.h"
#include "parse.h"

static int link_set(struct ctx *ctx, int argc, char **argv)
{
	const char *dev = NULL, *group_arg = NULL, *port_arg = NULL;
	struct ha_group group;
	struct nlmsghdr *nlh;
	uint16_t port;
	struct genl g;
	int ret;

	(void)ctx;
	for (int i = 1; i < argc; i += 2) {
		const char **slot;

		if (!strcmp(argv[i], "dev"))
			slot = &dev;
		else if (!strcmp(argv[i], "group"))
			slot = &group_arg;
		else if (!strcmp(argv[i], "port"))
			slot = &port_arg;
		else
			return usage_error("link", "link set: unknown keyword '%s'",
					   argv[i]);
		if (*slot)
			return usage_error("link", "link set: '%s' given twice",
					   argv[i]);
		*slot = kw_value("link", "link set", argc - i, argv + i);
		if (!*slot)
			return EXIT_USAGE;
	}
	if (!dev)
		return usage_error("link", "link set: missing 'dev IFNAME'");
	if (!group_arg)
		return usage_error("link", "link set: missing 'group GROUP'");
	if (!port_arg)
		return usage_error("link", "link set: missing 'port PORT'");
	/* Any address: whether it is a multicast group is the kernel's say. */
	if (parse_group(group_arg, &group))
		return usage_error("link",
				   "link set: invalid group '%s' (expected an IPv4 or IPv6 address)",
				   group_arg);
	if (parse_u16(port_arg, &port))
		return usage_error("link",
				   "link set: invalid port '%s' (expected a number up to 65535)",
				   port_arg);

	ret = genl_open(&g);
	if (ret)
		return ret;
	nlh = genl_msg(&g, IPSEC_HA_CMD_LINK_SET, 0);
	/* The kernel checks the name's length and that it exists. */
	mnl_attr_put_strz(nlh, IPSEC_HA_A_CONFIG_IFNAME, dev);
	if (group.family == AF_INET)
		mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_GROUP4, sizeof(group.v4),
			     &group.v4);
	else
		mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_GROUP6, sizeof(group.v6),
			     group.v6);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_CONFIG_PORT, port);
	ret = genl_do(&g, nlh, &attrs_config, NULL, NULL);
	genl_close(&g);
	return ret;
}

static int link_del(struct ctx *ctx, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct genl g;
	int ret;

	(void)ctx;
	if (argc > 1)
		return usage_error("link", "link del: unexpected argument '%s'",
				   argv[1]);
	ret = genl_open(&g);
	if (ret)
		return ret;
	nlh = genl_msg(&g, IPSEC_HA_CMD_LINK_DEL, 0);
	ret = genl_do(&g, nlh, &attrs_config, NULL, NULL);
	genl_close(&g);
	return ret;
}

static const struct subcmd link_subcmds[] = {
	{ "set", link_set },
	{ "del", link_del },
	{ NULL, NULL },
};

static int link_run(struct ctx *ctx, int argc, char **argv)
{
	return run_subcmd(ctx, &cmd_link, link_subcmds, argc, argv);
}

const struct cmd cmd_link = {
	.name = "link",
	.run = link_run,
	.synopsis = "ipsec-ha link set dev IFNAME group GROUP port PORT\n"
		"ipsec-ha link del\n",
	.help = "set: send and receive sync datagrams on interface IFNAME (it must\n"
		"exist and be up), to and from multicast group GROUP (IPv4, e.g.\n"
		"239.192.0.1, or IPv6, e.g. ff15::7731) and UDP port PORT. Replaces\n"
		"the link configured before.\n"
		"del: close the HA link and forget its configuration.\n",
	.summary = "configure or remove the HA link (interface, group, port)",
};
