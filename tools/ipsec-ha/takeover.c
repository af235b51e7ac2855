// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec-ha promote / demote: take mirrored SAs and policies over into the
 * local SAD/SPD, or give them back up.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <linux/ipsec_ha.h>

#include "attrs.h"
#include "fmt.h"
#include "genl.h"
#include "ipsec-ha.h"
#include "json.h"
#include "parse.h"
#include "takeover.h"

#define FAILURES_MAX 64

#define KEPT_MAX 128	/* bytes of a failure's reason or address kept */

struct takeover_reply {
	struct attr_vals top;
	unsigned int nr;
	struct attr_vals failures[FAILURES_MAX];
	char kept[FAILURES_MAX][2][KEPT_MAX];
};

/*
 * Copy an attribute's bytes out of the receive buffer, which the ACK that
 * follows the reply overwrites; drop it if it does not fit.
 */
static void keep(struct attr_vals *f, unsigned int type, char *buf)
{
	if (!attr_has(f, type))
		return;
	if (f->len[type] >= KEPT_MAX) {
		f->has[type] = false;
		return;
	}
	memcpy(buf, f->ptr[type], f->len[type]);
	buf[f->len[type]] = '\0';
	f->ptr[type] = buf;
}

static int takeover_attr_cb(const struct nlattr *attr, void *data)
{
	struct takeover_reply *r = data;
	struct attr_vals *f;

	if (mnl_attr_get_type(attr) != IPSEC_HA_A_TAKEOVER_FAILURE || r->nr >= FAILURES_MAX)
		return MNL_CB_OK;
	f = &r->failures[r->nr];
	attr_vals_parse_nested(attr, &attrs_takeover_failure, f);
	keep(f, IPSEC_HA_A_TAKEOVER_FAILURE_REASON, r->kept[r->nr][0]);
	keep(f, IPSEC_HA_A_TAKEOVER_FAILURE_DADDR, r->kept[r->nr][1]);
	r->nr++;
	return MNL_CB_OK;
}

static int takeover_cb(const struct nlmsghdr *nlh, void *data)
{
	struct takeover_reply *r = data;

	attr_vals_parse(nlh, &attrs_takeover, &r->top);
	r->nr = 0;
	mnl_attr_parse(nlh, GENL_HDRLEN, takeover_attr_cb, r);
	return MNL_CB_OK;
}

static uint64_t top_num(const struct takeover_reply *r, unsigned int type)
{
	return attr_has(&r->top, type) ? r->top.num[type] : 0;
}

/* "SA 10.0.0.1 spi 0x00000101" or "policy 1/7", into buf. */
static const char *failure_what(const struct attr_vals *f, char *buf, size_t len)
{
	char addr[FMT_BUF];
	const char *a = NULL;

	if (attr_has(f, IPSEC_HA_A_TAKEOVER_FAILURE_POLICY)) {
		snprintf(buf, len, "policy %" PRIu64 "/%" PRIu64,
			 f->num[IPSEC_HA_A_TAKEOVER_FAILURE_ORIGIN],
			 f->num[IPSEC_HA_A_TAKEOVER_FAILURE_ID]);
		return buf;
	}
	if (attr_has(f, IPSEC_HA_A_TAKEOVER_FAILURE_DADDR)) {
		uint16_t l = f->len[IPSEC_HA_A_TAKEOVER_FAILURE_DADDR];

		a = fmt_addr(l == 4 ? 2 : 10, f->ptr[IPSEC_HA_A_TAKEOVER_FAILURE_DADDR], l,
			     addr, sizeof(addr));
	}
	snprintf(buf, len, "SA %s spi 0x%08" PRIx64, a ? a : "?",
		 f->num[IPSEC_HA_A_TAKEOVER_FAILURE_SPI]);
	return buf;
}

static const char *failure_reason(const struct attr_vals *f)
{
	return attr_has(f, IPSEC_HA_A_TAKEOVER_FAILURE_REASON) ?
	       f->ptr[IPSEC_HA_A_TAKEOVER_FAILURE_REASON] : "failed";
}

static void takeover_print_json(const struct ctx *ctx, const struct takeover_reply *r,
				bool promote)
{
	struct json j;
	char buf[128];

	json_init(&j, stdout, ctx->pretty);
	json_obj_begin(&j, NULL);
	json_u64(&j, "sas", top_num(r, IPSEC_HA_A_TAKEOVER_SAS));
	json_u64(&j, "policies", top_num(r, IPSEC_HA_A_TAKEOVER_POLICIES));
	if (promote) {
		json_u64(&j, "failed", top_num(r, IPSEC_HA_A_TAKEOVER_FAILED));
		json_u64(&j, "prepared", top_num(r, IPSEC_HA_A_TAKEOVER_PREPARED));
		json_u64(&j, "ikes", top_num(r, IPSEC_HA_A_TAKEOVER_IKES));
	}
	json_u64(&j, "usecs", top_num(r, IPSEC_HA_A_TAKEOVER_USECS));
	if (promote) {
		json_arr_begin(&j, "failures");
		for (unsigned int i = 0; i < r->nr; i++) {
			const struct attr_vals *f = &r->failures[i];

			json_obj_begin(&j, NULL);
			json_str(&j, "what", failure_what(f, buf, sizeof(buf)));
			json_u64(&j, "origin", f->num[IPSEC_HA_A_TAKEOVER_FAILURE_ORIGIN]);
			json_u64(&j, "id", f->num[IPSEC_HA_A_TAKEOVER_FAILURE_ID]);
			json_str(&j, "reason", failure_reason(f));
			json_str(&j, "error",
				 strerror(-(int)f->num[IPSEC_HA_A_TAKEOVER_FAILURE_ERROR]));
			json_obj_end(&j);
		}
		json_arr_end(&j);
	}
	json_obj_end(&j);
	json_end(&j);
}

static void takeover_print(FILE *out, const struct takeover_reply *r, bool promote)
{
	uint64_t failed = top_num(r, IPSEC_HA_A_TAKEOVER_FAILED);
	char buf[128];

	fprintf(out, "%s %" PRIu64 " SAs and %" PRIu64 " policies in %" PRIu64 ".%03" PRIu64 " ms",
	       promote ? "promoted" : "demoted",
	       top_num(r, IPSEC_HA_A_TAKEOVER_SAS), top_num(r, IPSEC_HA_A_TAKEOVER_POLICIES),
	       top_num(r, IPSEC_HA_A_TAKEOVER_USECS) / 1000,
	       top_num(r, IPSEC_HA_A_TAKEOVER_USECS) % 1000);
	if (promote)
		fprintf(out, " (%" PRIu64 " SAs prepared in advance), %" PRIu64 " IKE SAs",
		       top_num(r, IPSEC_HA_A_TAKEOVER_PREPARED),
		       top_num(r, IPSEC_HA_A_TAKEOVER_IKES));
	fprintf(out, "\n");
	for (unsigned int i = 0; i < r->nr; i++)
		fprintf(out, "failed: %s: %s (%s)\n", failure_what(&r->failures[i], buf, sizeof(buf)),
		       failure_reason(&r->failures[i]),
		       strerror(-(int)r->failures[i].num[IPSEC_HA_A_TAKEOVER_FAILURE_ERROR]));
	if (failed > r->nr)
		fprintf(out, "failed: %" PRIu64 " more not listed\n", failed - r->nr);
}

int takeover_parse_inbound(const char *cmd, const char *v, uint8_t *inbound)
{
	if (!strcmp(v, "accept"))
		*inbound = IPSEC_HA_INBOUND_POLICY_ACCEPT;
	else if (!strcmp(v, "strict"))
		*inbound = IPSEC_HA_INBOUND_POLICY_STRICT;
	else
		return usage_error(cmd, "%s: invalid inbound '%s' (expected accept or strict)",
				   cmd, v);
	return 0;
}

static int takeover_run(struct ctx *ctx, int argc, char **argv, const struct cmd *c)
{
	bool promote = c == &cmd_promote;
	bool have_node = false, have_inbound = false, share = false;
	struct takeover_req q = { };
	uint16_t node = 0;
	uint8_t inbound = 0;

	if (cmd_wants_help(c, argc, argv))
		return EXIT_OK;
	for (int i = 1; i < argc; i += 2) {
		const char *v;

		if (promote && !strcmp(argv[i], "share") && !share) {
			share = true;
			i--;	/* a flag: no value */
			continue;
		}
		v = kw_value(c->name, c->name, argc - i, argv + i);
		if (!strcmp(argv[i], "node") && !have_node) {
			if (!v)
				return EXIT_USAGE;
			if (parse_u16(v, &node))
				return usage_error(c->name, "%s: invalid node '%s' (expected 1..65535)",
						   c->name, v);
			have_node = true;
		} else if (promote && !strcmp(argv[i], "inbound") && !have_inbound) {
			if (!v)
				return EXIT_USAGE;
			if (takeover_parse_inbound(c->name, v, &inbound))
				return EXIT_USAGE;
			have_inbound = true;
		} else {
			return usage_error(c->name, "%s: unexpected argument '%s'", c->name, argv[i]);
		}
	}

	if (share && !have_node)
		return usage_error(c->name, "%s: share needs node N", c->name);
	q.promote = promote;
	q.share = share;
	q.have_node = have_node;
	q.node = node;
	q.have_inbound = have_inbound;
	q.inbound = inbound;
	return takeover_do(ctx, &q, stdout);
}

int takeover_do(const struct ctx *ctx, const struct takeover_req *q, FILE *out)
{
	static struct takeover_reply r;
	struct nlmsghdr *nlh;
	struct genl g;
	int ret;

	ret = genl_open(&g);
	if (ret)
		return ret;
	nlh = genl_msg(&g, q->promote ? IPSEC_HA_CMD_PROMOTE : IPSEC_HA_CMD_DEMOTE, 0);
	if (q->have_node)
		mnl_attr_put_u16(nlh, IPSEC_HA_A_TAKEOVER_NODE, q->node);
	if (q->have_inbound)
		mnl_attr_put_u8(nlh, IPSEC_HA_A_TAKEOVER_INBOUND, q->inbound);
	if (q->share)
		mnl_attr_put(nlh, IPSEC_HA_A_TAKEOVER_SHARE, 0, NULL);
	memset(&r, 0, sizeof(r));
	ret = genl_do(&g, nlh, &attrs_takeover, takeover_cb, &r);
	genl_close(&g);
	if (ret)
		return ret;
	if (ctx->json)
		takeover_print_json(ctx, &r, q->promote);
	else
		takeover_print(out, &r, q->promote);
	return top_num(&r, IPSEC_HA_A_TAKEOVER_FAILED) ? EXIT_FAIL : EXIT_OK;
}

static int promote_run(struct ctx *ctx, int argc, char **argv)
{
	return takeover_run(ctx, argc, argv, &cmd_promote);
}

static int demote_run(struct ctx *ctx, int argc, char **argv)
{
	return takeover_run(ctx, argc, argv, &cmd_demote);
}

const struct cmd cmd_promote = {
	.name = "promote",
	.run = promote_run,
	.synopsis = "ipsec-ha [-j [-p]] promote [node N [share]] [inbound accept|strict]\n",
	.help = "Take over the mirrored SAs and policies that other nodes own (node N:\n"
		"those node N owns) by installing them into this namespace's SAD and\n"
		"SPD. Outbound counters start past the last synced value by a margin\n"
		"(sync-packets plus the SA's observed rate over the time since its last\n"
		"sync, at least margin-min). Inbound SAs accept packets above their last\n"
		"synced counter (inbound accept, the default) or only above it plus the\n"
		"margin (inbound strict: no replay of packets the old owner accepted).\n"
		"With node N share, only this node's share of node N's sessions: each\n"
		"session (an IKE session with its CHILD SAs and policies) goes to one of\n"
		"the nodes that remain, by a rule they all compute the same way, so that\n"
		"all of them running it take every session once.\n"
		"Prints what was installed and how long it took; SAs that could not be\n"
		"installed are listed with the reason, and the exit status is then 1.\n",
	.summary = "take SAs and policies over",
};

const struct cmd cmd_demote = {
	.name = "demote",
	.run = demote_run,
	.synopsis = "ipsec-ha [-j [-p]] demote [node N]\n",
	.help = "Remove the SAs and policies this node took over (node N: those node\n"
		"N first announced, this node's own id included) from the local SAD\n"
		"and SPD, announcing their final counters. They stay mirrored; this\n"
		"node keeps their ownership until another node promotes them.\n",
	.summary = "give taken-over SAs and policies back up",
};
