// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha policy list: the mirrored policies. */
#include <inttypes.h>
#include <string.h>

#include <linux/ipsec_ha.h>

#include "dump.h"
#include "fmt.h"
#include "ipsec-ha.h"

/* "ADDR/PLEN" of a selector side ("?" for what is missing). */
static void selector(struct dump_line *l, const struct attr_vals *v,
		     unsigned int addr, unsigned int plen, const char *after)
{
	char buf[FMT_BUF];

	if (attr_has(v, plen))
		dump_word(l, "%s/%" PRIu64 "%s",
			  dump_addr(v, IPSEC_HA_A_POLICY_FAMILY, addr, buf, sizeof(buf)),
			  v->num[plen], after);
	else
		dump_word(l, "%s%s",
			  dump_addr(v, IPSEC_HA_A_POLICY_FAMILY, addr, buf, sizeof(buf)),
			  after);
}

/*
 * owner 1 id 1/3 dir out 10.0.0.0/24 -> 10.1.0.0/24 proto any
 * action allow priority 100 index 4033 tmpls 1 local   (one line)
 */
static void policy_text(FILE *f, const struct attr_vals *v)
{
	struct dump_line l;

	dump_line_begin(&l, f);
	dump_word_num(&l, "owner", v, IPSEC_HA_A_POLICY_OWNER);
	if (attr_has(v, IPSEC_HA_A_POLICY_ORIGIN) && attr_has(v, IPSEC_HA_A_POLICY_ID))
		dump_word(&l, "id %" PRIu64 "/%" PRIu64,
			  v->num[IPSEC_HA_A_POLICY_ORIGIN],
			  v->num[IPSEC_HA_A_POLICY_ID]);
	dump_word_name(&l, "dir", v, IPSEC_HA_A_POLICY_DIR, fmt_policy_dir);
	selector(&l, v, IPSEC_HA_A_POLICY_SRC, IPSEC_HA_A_POLICY_PREFIXLEN_S, " ->");
	selector(&l, v, IPSEC_HA_A_POLICY_DST, IPSEC_HA_A_POLICY_PREFIXLEN_D, "");
	dump_word_name(&l, "proto", v, IPSEC_HA_A_POLICY_SEL_PROTO, fmt_ip_proto);
	dump_word_name(&l, "action", v, IPSEC_HA_A_POLICY_ACTION, fmt_policy_action);
	dump_word_num(&l, "priority", v, IPSEC_HA_A_POLICY_PRIORITY);
	dump_word_num(&l, "index", v, IPSEC_HA_A_POLICY_INDEX);
	dump_word_num(&l, "tmpls", v, IPSEC_HA_A_POLICY_TMPLS);
	dump_word_flag(&l, "local", v, IPSEC_HA_A_POLICY_LOCAL);
	dump_line_end(&l);
}

static void policy_json(struct json *j, const struct attr_vals *v)
{
	json_obj_begin(j, NULL);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_ORIGIN);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_ID);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_OWNER);
	dump_json_bool(j, v, IPSEC_HA_A_POLICY_LOCAL);
	dump_json_name(j, v, IPSEC_HA_A_POLICY_DIR, fmt_policy_dir);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_INDEX);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_PRIORITY);
	dump_json_name(j, v, IPSEC_HA_A_POLICY_ACTION, fmt_policy_action);
	dump_json_name(j, v, IPSEC_HA_A_POLICY_FAMILY, fmt_family);
	dump_json_addr(j, v, IPSEC_HA_A_POLICY_FAMILY, IPSEC_HA_A_POLICY_SRC);
	dump_json_addr(j, v, IPSEC_HA_A_POLICY_FAMILY, IPSEC_HA_A_POLICY_DST);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_PREFIXLEN_S);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_PREFIXLEN_D);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_SEL_PROTO);
	dump_json_num(j, v, IPSEC_HA_A_POLICY_TMPLS);
	json_obj_end(j);
}

const struct dump_kind dump_policy = {
	.cmd = IPSEC_HA_CMD_POLICY_GET,
	.set = &attrs_policy,
	.text = policy_text,
	.json = policy_json,
	.filter_attrs = &filter_attrs_policy,
};

static int policy_list(struct ctx *ctx, int argc, char **argv)
{
	struct list_filter f;
	int ret;

	/* A policy has no SPI: spi is no filter of it. */
	ret = dump_filter_args("policy", FILTER_PEER | FILTER_OWNER, argc, argv, &f);
	if (ret)
		return ret;
	return dump_run_filtered(ctx, &dump_policy, &f);
}

static const struct subcmd policy_subcmds[] = {
	{ "list", policy_list },
	{ "show", policy_list },
	{ NULL, NULL },
};

static int policy_run(struct ctx *ctx, int argc, char **argv)
{
	return run_subcmd(ctx, &cmd_policy, policy_subcmds, argc, argv);
}

const struct cmd cmd_policy = {
	.name = "policy",
	.run = policy_run,
	.synopsis = "ipsec-ha [-j [-p]] policy { list | show } [peer ADDR]\n"
		"                               [owner { NODE | local }]\n",
	.help = "list (or show): the mirrored policies, one line each: owner node,\n"
		"origin/id, direction (in, out, fwd), src/plen -> dst/plen, selector\n"
		"protocol, action (allow, block), priority, index, number of\n"
		"templates, and \"local\" when this node owns the policy.\n"
		"Filters, all of which must match: peer ADDR (the source or\n"
		"destination selector covers ADDR), owner NODE (the owning node's id;\n"
		"local: this node).\n"
		"With -j, a JSON array of objects.\n",
	.summary = "list the mirrored policies",
};
