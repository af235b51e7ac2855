// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha stats: the counters of this namespace. */
#include <inttypes.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/ipsec_ha.h>

#include "attrs.h"
#include "genl.h"
#include "ipsec-ha.h"
#include "json.h"
#include "stats.h"

static int stats_attr_cb(const struct nlattr *attr, void *data)
{
	struct ha_stats *st = data;
	unsigned int type = mnl_attr_get_type(attr);
	size_t len = mnl_attr_get_payload_len(attr);

	/* Only counters this tool knows (forward compatibility). */
	if (!attr_len_ok(&attrs_stats, type, len) ||
	    attrs_stats.attrs[type].kind != AK_U64)
		return MNL_CB_OK;
	st->val[type] = len == 8 ? mnl_attr_get_u64(attr) : mnl_attr_get_u32(attr);
	st->has[type] = true;
	return MNL_CB_OK;
}

void stats_parse(const struct nlmsghdr *nlh, struct ha_stats *st)
{
	memset(st, 0, sizeof(*st));
	mnl_attr_parse(nlh, GENL_HDRLEN, stats_attr_cb, st);
}

void stats_print(const struct ctx *ctx, FILE *f, const struct ha_stats *st)
{
	if (ctx->json) {
		struct json j;
		char key[64];

		json_init(&j, f, ctx->pretty);
		json_obj_begin(&j, NULL);
		for (unsigned int t = 1; t <= attrs_stats.max; t++) {
			if (!st->has[t])
				continue;
			attr_json_key(attrs_stats.attrs[t].name, key, sizeof(key));
			json_u64(&j, key, st->val[t]);
		}
		json_obj_end(&j);
		json_end(&j);
	} else {
		for (unsigned int t = 1; t <= attrs_stats.max; t++)
			if (st->has[t])
				fprintf(f, "%s %" PRIu64 "\n",
					attrs_stats.attrs[t].name, st->val[t]);
	}
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	stats_parse(nlh, data);
	return MNL_CB_OK;
}

static int stats_run(struct ctx *ctx, int argc, char **argv)
{
	struct ha_stats st = { 0 };
	int ret;

	if (cmd_wants_help(&cmd_stats, argc, argv))
		return EXIT_OK;
	if (argc > 1)
		return usage_error("stats", "stats: unexpected argument '%s'",
				   argv[1]);
	ret = genl_query(IPSEC_HA_CMD_STATS_GET, &attrs_stats, stats_cb, &st);
	if (ret)
		return ret;

	stats_print(ctx, stdout, &st);
	return EXIT_OK;
}

const struct cmd cmd_stats = {
	.name = "stats",
	.run = stats_run,
	.synopsis = "ipsec-ha [-j [-p]] stats\n",
	.help = "Show the counters of this namespace, one \"name value\" per line\n"
		"(tx-*, rx-* and drop-* counters, tx-nacks and rx-nacks, since the module\n"
		"was loaded or the namespace created).\n",
	.summary = "show the counters",
};
