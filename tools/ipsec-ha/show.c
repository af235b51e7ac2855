// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha show: the configuration of this namespace's cluster member. */
#include <string.h>

#include <linux/ipsec_ha.h>

#include "config.h"
#include "genl.h"
#include "ipsec-ha.h"

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	config_parse(nlh, data);
	return MNL_CB_OK;
}

static int show_run(struct ctx *ctx, int argc, char **argv)
{
	struct ha_config cfg = { 0 };
	int ret;

	if (cmd_wants_help(&cmd_show, argc, argv))
		return EXIT_OK;
	if (argc > 1)
		return usage_error("show", "show: unexpected argument '%s'",
				   argv[1]);
	ret = genl_query(IPSEC_HA_CMD_CONFIG_GET, &attrs_config, config_cb, &cfg);
	if (ret)
		return ret;

	if (ctx->json) {
		struct json j;

		json_init(&j, stdout, ctx->pretty);
		config_print_json(&j, NULL, &cfg);
		json_end(&j);
	} else {
		config_print_text(stdout, &cfg, "\n");
	}
	return EXIT_OK;
}

const struct cmd cmd_show = {
	.name = "show",
	.run = show_run,
	.synopsis = "ipsec-ha [-j [-p]] show\n",
	.help = "Show the node id and sync thresholds, the HA link (interface,\n"
		"multicast group, UDP port, whether it is up), the cluster key's id\n"
		"and fingerprint (never the key) and the node's boot epoch.\n",
	.summary = "show the configuration",
};
