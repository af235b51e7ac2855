// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec-ha move: hand sessions to another live node, with their exact
 * counters (a planned move; Documentation/takeover.md).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ipsec_ha.h>

#include "attrs.h"
#include "genl.h"
#include "ipsec-ha.h"
#include "json.h"
#include "parse.h"

#define MOVE_SPIS_MAX 64	/* the kernel's limit */

struct move_req {
	bool have_ike, have_peer, have_to, have_node, share;
	uint64_t spi_i, spi_r;
	struct ha_group peer;
	unsigned int nr_spis;
	uint32_t spis[MOVE_SPIS_MAX];
	uint16_t to;
	uint16_t node;
};

/* "SPI[,SPI...]": 1 to MOVE_SPIS_MAX numbers. */
static int parse_spis(const char *s, struct move_req *r)
{
	char *copy = strdup(s), *tok, *save = NULL;
	int ret = 0;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (r->nr_spis >= MOVE_SPIS_MAX || parse_u32(tok, &r->spis[r->nr_spis++])) {
			ret = -1;
			break;
		}
	}
	free(copy);
	return ret || !r->nr_spis ? -1 : 0;
}

static int move_parse(const struct cmd *c, int argc, char **argv, struct move_req *r)
{
	int i = 1;

	while (i < argc) {
		static const char *const kws[] = { "ike", "peer", "spi", "to", "node", "share" };
		const char *v;
		bool known = false;

		for (size_t k = 0; k < sizeof(kws) / sizeof(kws[0]); k++)
			known |= !strcmp(argv[i], kws[k]);
		if (!known)
			return usage_error(c->name, "%s: unexpected argument '%s'", c->name, argv[i]);
		if (!strcmp(argv[i], "share")) {
			/* A flag: it takes no value. */
			if (r->share)
				return usage_error(c->name, "%s: unexpected argument '%s'",
						   c->name, argv[i]);
			r->share = true;
			i++;
			continue;
		}
		v = kw_value(c->name, c->name, argc - i, argv + i);
		if (!v)
			return EXIT_USAGE;
		if (!strcmp(argv[i], "ike") && !r->have_ike) {
			if (i + 2 >= argc || parse_u64(argv[i + 1], &r->spi_i) ||
			    parse_u64(argv[i + 2], &r->spi_r))
				return usage_error(c->name, "%s: ike takes the SPIs SPI_I SPI_R",
						   c->name);
			r->have_ike = true;
			i += 3;
			continue;
		}
		if (!strcmp(argv[i], "peer") && !r->have_peer) {
			if (parse_group(v, &r->peer))
				return usage_error(c->name, "%s: invalid peer address '%s'",
						   c->name, v);
			r->have_peer = true;
		} else if (!strcmp(argv[i], "spi") && !r->nr_spis) {
			if (parse_spis(v, r))
				return usage_error(c->name,
						   "%s: invalid spi '%s' (expected SPI[,SPI...], at most %d)",
						   c->name, v, MOVE_SPIS_MAX);
		} else if (!strcmp(argv[i], "node") && !r->have_node) {
			if (parse_u16(v, &r->node) || !r->node)
				return usage_error(c->name, "%s: invalid node '%s' (expected 1..65535)",
						   c->name, v);
			r->have_node = true;
		} else if (!strcmp(argv[i], "to") && !r->have_to) {
			if (parse_u16(v, &r->to) || !r->to)
				return usage_error(c->name, "%s: invalid node '%s' (expected 1..65535)",
						   c->name, v);
			r->have_to = true;
		} else {
			return usage_error(c->name, "%s: unexpected argument '%s'", c->name, argv[i]);
		}
		i += 2;
	}
	if (r->share && !r->have_node)
		return usage_error(c->name, "%s: share needs node N", c->name);
	if (!r->have_ike && !r->have_peer && !r->nr_spis && !r->have_node)
		return usage_error(c->name,
				   "%s: name the sessions: ike SPI_I SPI_R, peer ADDR, spi SPI or node N",
				   c->name);
	if (r->have_node && (r->have_ike || r->have_peer || r->nr_spis))
		return usage_error(c->name, "%s: node N names the sessions alone", c->name);
	if (!r->have_to)
		return usage_error(c->name, "%s: to NODE is required", c->name);
	if (r->have_node && r->node == r->to)
		return usage_error(c->name, "%s: node and to are the same node", c->name);
	return 0;
}

static int move_cb(const struct nlmsghdr *nlh, void *data)
{
	attr_vals_parse(nlh, &attrs_takeover, data);
	return MNL_CB_OK;
}

static uint64_t num(const struct attr_vals *v, unsigned int type)
{
	return attr_has(v, type) ? v->num[type] : 0;
}

static void move_print(const struct ctx *ctx, const struct attr_vals *v, uint16_t to)
{
	uint64_t given = num(v, IPSEC_HA_A_TAKEOVER_GIVEN);
	uint64_t asked = num(v, IPSEC_HA_A_TAKEOVER_ASKED);
	uint64_t taken = num(v, IPSEC_HA_A_TAKEOVER_TAKEN);
	struct json j;

	if (ctx->json) {
		json_init(&j, stdout, ctx->pretty);
		json_obj_begin(&j, NULL);
		json_u64(&j, "sas", num(v, IPSEC_HA_A_TAKEOVER_SAS));
		json_u64(&j, "policies", num(v, IPSEC_HA_A_TAKEOVER_POLICIES));
		json_u64(&j, "owner", num(v, IPSEC_HA_A_TAKEOVER_OWNER));
		json_u64(&j, "to", to);
		json_u64(&j, "given", given);
		json_u64(&j, "asked", asked);
		json_u64(&j, "taken", taken);
		json_u64(&j, "ikes", num(v, IPSEC_HA_A_TAKEOVER_IKES));
		json_u64(&j, "usecs", num(v, IPSEC_HA_A_TAKEOVER_USECS));
		json_obj_end(&j);
		json_end(&j);
		return;
	}
	printf("%" PRIu64 " SAs and %" PRIu64 " policies of node %" PRIu64 " to node %u:",
	       num(v, IPSEC_HA_A_TAKEOVER_SAS), num(v, IPSEC_HA_A_TAKEOVER_POLICIES),
	       num(v, IPSEC_HA_A_TAKEOVER_OWNER), to);
	if (given)
		printf(" %" PRIu64 " handed over", given);
	if (asked)
		printf(" %" PRIu64 " asked of their owner", asked);
	if (taken)
		printf(" %" PRIu64 " taken over (their owner is gone)", taken);
	if (!given && !asked && !taken)
		printf(" nothing to do");
	printf("\n");
}

static int move_run(struct ctx *ctx, int argc, char **argv)
{
	static struct attr_vals v;
	struct move_req r = { 0 };
	struct nlmsghdr *nlh;
	struct genl g;
	int ret;

	if (cmd_wants_help(&cmd_move, argc, argv))
		return EXIT_OK;
	ret = move_parse(&cmd_move, argc, argv, &r);
	if (ret)
		return ret;
	ret = genl_open(&g);
	if (ret)
		return ret;
	nlh = genl_msg(&g, IPSEC_HA_CMD_MOVE, 0);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_TAKEOVER_TO, r.to);
	if (r.have_ike) {
		mnl_attr_put_u64(nlh, IPSEC_HA_A_TAKEOVER_IKE_SPI_I, r.spi_i);
		mnl_attr_put_u64(nlh, IPSEC_HA_A_TAKEOVER_IKE_SPI_R, r.spi_r);
	}
	if (r.have_peer) {
		if (r.peer.family == AF_INET)
			mnl_attr_put(nlh, IPSEC_HA_A_TAKEOVER_PEER, 4, &r.peer.v4);
		else
			mnl_attr_put(nlh, IPSEC_HA_A_TAKEOVER_PEER, 16, r.peer.v6);
	}
	if (r.nr_spis)
		mnl_attr_put(nlh, IPSEC_HA_A_TAKEOVER_SPIS, r.nr_spis * sizeof(uint32_t), r.spis);
	if (r.have_node)
		mnl_attr_put_u16(nlh, IPSEC_HA_A_TAKEOVER_NODE, r.node);
	if (r.share)
		mnl_attr_put(nlh, IPSEC_HA_A_TAKEOVER_SHARE, 0, NULL);
	memset(&v, 0, sizeof(v));
	ret = genl_do(&g, nlh, &attrs_takeover, move_cb, &v);
	genl_close(&g);
	if (ret)
		return ret;
	move_print(ctx, &v, r.to);
	return EXIT_OK;
}

const struct cmd cmd_move = {
	.name = "move",
	.run = move_run,
	.synopsis = "ipsec-ha [-j [-p]] move { ike SPI_I SPI_R | peer ADDR | spi SPI[,SPI...] |\n"
		    "                         node N [share] } to NODE\n",
	.help = "Hand sessions to node NODE, a live node, without renegotiation: one IKE\n"
		"session (ike SPI_I SPI_R), the sessions of a peer address, or those of\n"
		"CHILD SAs (spi: up to 64), or every session node N owns (node N: a\n"
		"maintenance drain). With share, only those of N's sessions that the\n"
		"share rule of promote, computed over the nodes alive now, gives to NODE:\n"
		"rebalancing when NODE joins or comes back. A session is always a whole\n"
		"IKE session with all its CHILD SAs and their policies; ike, peer and spi\n"
		"add up, node stands alone; at most 2048 SAs and policies. Their owner\n"
		"removes them from its SAD and SPD and hands them over with their final\n"
		"counters; NODE installs them starting right after those (no margin) and\n"
		"its IKE daemon rebuilds the IKE SA. Runs on any node: a node that does\n"
		"not own them asks their owner; when NODE asked and the owner does not\n"
		"answer within a second, NODE takes them over past the margin, as after\n"
		"a failure. Prints what was selected and done; the handover completes\n"
		"within about a second after (sa list shows the new owner).\n",
	.summary = "move sessions to another node",
};
