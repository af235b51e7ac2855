// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha peers: the peers this node has heard on the HA link. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ipsec_ha.h>

#include "config.h"
#include "dump.h"
#include "fmt.h"
#include "genl.h"
#include "ipsec-ha.h"

/* The three counts of a share (owns-sa, owns-policy, owns-ike). */
enum { OWNS_SA, OWNS_POLICY, OWNS_IKE, OWNS_KINDS };

/*
 * The peer's share from its owns-* attributes: true with n filled when
 * the module sent all three (a module older than them sends none).
 */
static bool peer_owns(const struct attr_vals *v, uint64_t n[OWNS_KINDS])
{
	if (!attr_has(v, IPSEC_HA_A_PEER_OWNS_SA) ||
	    !attr_has(v, IPSEC_HA_A_PEER_OWNS_POLICY) ||
	    !attr_has(v, IPSEC_HA_A_PEER_OWNS_IKE))
		return false;
	n[OWNS_SA] = v->num[IPSEC_HA_A_PEER_OWNS_SA];
	n[OWNS_POLICY] = v->num[IPSEC_HA_A_PEER_OWNS_POLICY];
	n[OWNS_IKE] = v->num[IPSEC_HA_A_PEER_OWNS_IKE];
	return true;
}

/* This node's share from its config-get reply, as peer_owns. */
static bool self_owns(const struct ha_config *cfg, uint64_t n[OWNS_KINDS])
{
	if (!cfg->has[IPSEC_HA_A_CONFIG_OWNS_SA] ||
	    !cfg->has[IPSEC_HA_A_CONFIG_OWNS_POLICY] ||
	    !cfg->has[IPSEC_HA_A_CONFIG_OWNS_IKE])
		return false;
	n[OWNS_SA] = cfg->num[IPSEC_HA_A_CONFIG_OWNS_SA];
	n[OWNS_POLICY] = cfg->num[IPSEC_HA_A_CONFIG_OWNS_POLICY];
	n[OWNS_IKE] = cfg->num[IPSEC_HA_A_CONFIG_OWNS_IKE];
	return true;
}

/* ... owns 12 sa 2 policy 4 ike */
static void owns_words(struct dump_line *l, const uint64_t n[OWNS_KINDS])
{
	dump_word(l, "owns %" PRIu64 " sa %" PRIu64 " policy %" PRIu64 " ike",
		  n[OWNS_SA], n[OWNS_POLICY], n[OWNS_IKE]);
}

/* "owns": {"sa": N, "policy": N, "ike": N} */
static void owns_json(struct json *j, const uint64_t n[OWNS_KINDS])
{
	json_obj_begin(j, "owns");
	json_u64(j, "sa", n[OWNS_SA]);
	json_u64(j, "policy", n[OWNS_POLICY]);
	json_u64(j, "ike", n[OWNS_IKE]);
	json_obj_end(j);
}

/*
 * node 2 epoch 0123456789abcdef last-seq 1234 last-heard 1.2s ago
 * datagrams 1240 gaps 3 resends 1 objects 512 [owns 500 sa 12 policy
 * 250 ike] bulk complete   (one line; the share after the objects it
 * owns here, when the module sent it)
 */
static void peer_words(struct dump_line *l, const struct attr_vals *v)
{
	uint64_t owns[OWNS_KINDS];
	char buf[FMT_BUF];

	dump_word_num(l, "node", v, IPSEC_HA_A_PEER_NODE_ID);
	if (attr_has(v, IPSEC_HA_A_PEER_EPOCH))
		dump_word(l, "epoch %016" PRIx64, v->num[IPSEC_HA_A_PEER_EPOCH]);
	dump_word_num(l, "last-seq", v, IPSEC_HA_A_PEER_LAST_SEQ);
	if (attr_has(v, IPSEC_HA_A_PEER_LAST_HEARD))
		dump_word(l, "last-heard %s ago",
			  fmt_ms(v->num[IPSEC_HA_A_PEER_LAST_HEARD], buf, sizeof(buf)));
	dump_word_num(l, "datagrams", v, IPSEC_HA_A_PEER_DATAGRAMS);
	dump_word_num(l, "gaps", v, IPSEC_HA_A_PEER_GAPS);
	dump_word_num(l, "resends", v, IPSEC_HA_A_PEER_RESENDS);
	dump_word_num(l, "objects", v, IPSEC_HA_A_PEER_OBJECTS);
	if (peer_owns(v, owns))
		owns_words(l, owns);
	dump_word_name(l, "bulk", v, IPSEC_HA_A_PEER_BULK, fmt_bulk);
	if (attr_has(v, IPSEC_HA_A_PEER_IN_SYNC))
		dump_word(l, "%s", v->num[IPSEC_HA_A_PEER_IN_SYNC] ? "in-sync" : "NOT-IN-SYNC");
	if (attr_has(v, IPSEC_HA_A_PEER_SPI_MIN) && attr_has(v, IPSEC_HA_A_PEER_SPI_MAX))
		dump_word(l, "spi-range 0x%08" PRIx64 "-0x%08" PRIx64,
			  v->num[IPSEC_HA_A_PEER_SPI_MIN], v->num[IPSEC_HA_A_PEER_SPI_MAX]);
	dump_word_flag(l, "OVERLAP", v, IPSEC_HA_A_PEER_SPI_OVERLAP);
}

static void peer_text(FILE *f, const struct attr_vals *v)
{
	struct dump_line l;

	dump_line_begin(&l, f);
	peer_words(&l, v);
	dump_line_end(&l);
}

/*
 * The epoch is a string of 16 hex digits, as in show; the share, when
 * the module sent it, comes last, under "owns".
 */
static void peer_json(struct json *j, const struct attr_vals *v)
{
	uint64_t owns[OWNS_KINDS];
	char buf[FMT_BUF];

	json_obj_begin(j, NULL);

	dump_json_num(j, v, IPSEC_HA_A_PEER_NODE_ID);
	if (attr_has(v, IPSEC_HA_A_PEER_EPOCH)) {
		snprintf(buf, sizeof(buf), "%016" PRIx64,
			 v->num[IPSEC_HA_A_PEER_EPOCH]);
		json_str(j, "epoch", buf);
	}
	dump_json_num(j, v, IPSEC_HA_A_PEER_LAST_SEQ);
	dump_json_num(j, v, IPSEC_HA_A_PEER_LAST_HEARD);
	dump_json_num(j, v, IPSEC_HA_A_PEER_DATAGRAMS);
	dump_json_num(j, v, IPSEC_HA_A_PEER_GAPS);
	dump_json_num(j, v, IPSEC_HA_A_PEER_RESENDS);
	dump_json_num(j, v, IPSEC_HA_A_PEER_OBJECTS);
	dump_json_name(j, v, IPSEC_HA_A_PEER_BULK, fmt_bulk);
	dump_json_num(j, v, IPSEC_HA_A_PEER_SPI_MIN);
	dump_json_num(j, v, IPSEC_HA_A_PEER_SPI_MAX);
	dump_json_bool(j, v, IPSEC_HA_A_PEER_SPI_OVERLAP);
	dump_json_bool(j, v, IPSEC_HA_A_PEER_IN_SYNC);
	if (peer_owns(v, owns))
		owns_json(j, owns);
	json_obj_end(j);
}

const struct dump_kind dump_peer = {
	.cmd = IPSEC_HA_CMD_PEER_GET,
	.set = &attrs_peer,
	.text = peer_text,
	.json = peer_json,
};

void peers_self(struct dump_out *o, const struct ha_config *cfg)
{
	bool has_id = cfg->has[IPSEC_HA_A_CONFIG_NODE_ID] &&
		      cfg->num[IPSEC_HA_A_CONFIG_NODE_ID];
	uint64_t id = cfg->num[IPSEC_HA_A_CONFIG_NODE_ID];
	uint64_t owns[OWNS_KINDS];
	bool has_owns = self_owns(cfg, owns);
	struct dump_line l;

	if (o->json) {
		if (!o->started) {
			json_arr_begin(&o->j, NULL);
			o->started = true;
		}
		json_obj_begin(&o->j, NULL);
		if (has_id)
			json_u64(&o->j, "node_id", id);
		json_bool(&o->j, "self", true);
		if (has_owns)
			owns_json(&o->j, owns);
		json_obj_end(&o->j);
	} else {
		dump_line_begin(&l, o->f);
		if (has_id)
			dump_word(&l, "node %" PRIu64, id);
		dump_word(&l, "self");
		if (has_owns)
			owns_words(&l, owns);
		dump_line_end(&l);
	}
}

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	config_parse(nlh, data);
	return MNL_CB_OK;
}

/*
 * The peers dump carries each peer's share, config-get this node's: two
 * requests, however many objects the store holds.
 */
static int peers_run(struct ctx *ctx, int argc, char **argv)
{
	struct ha_config cfg = { 0 };
	struct dump_out o;
	struct nlmsghdr *nlh;
	struct genl g;
	int ret;

	if (cmd_wants_help(&cmd_peers, argc, argv))
		return EXIT_OK;
	if (argc > 1)
		return usage_error("peers", "peers: unexpected argument '%s'",
				   argv[1]);
	ret = genl_query(IPSEC_HA_CMD_CONFIG_GET, &attrs_config, config_cb, &cfg);
	if (ret)
		return ret;
	ret = genl_open(&g);
	if (ret)
		return ret;
	dump_begin(&o, &dump_peer, ctx, stdout);
	nlh = genl_msg(&g, IPSEC_HA_CMD_PEER_GET, NLM_F_DUMP);
	ret = genl_do(&g, nlh, &attrs_peer, dump_msg, &o);
	if (!ret)
		peers_self(&o, &cfg);
	dump_end(&o, !ret);
	genl_close(&g);
	return ret;
}

const struct cmd cmd_peers = {
	.name = "peers",
	.run = peers_run,
	.synopsis = "ipsec-ha [-j [-p]] peers\n",
	.help = "Show the peers this node has heard on the HA link, one line each:\n"
		"node id, boot epoch (hex), last datagram number, time since the last\n"
		"datagram, datagrams received, gaps this node asked to be resent,\n"
		"resends the peer asked of this node, objects the peer owns here,\n"
		"its share (owns N sa N policy N ike: the SAs, policies and IKE\n"
		"contexts it owns as this node sees them), the bulk sync state\n"
		"(none, waiting, complete), the SPI range it announced (spi-range\n"
		"MIN-MAX), and OVERLAP when that range overlaps this node's or\n"
		"another peer's. A last line, \"node ID self owns ...\", is this\n"
		"node's own share.\n"
		"With -j, a JSON array of objects, the share under \"owns\" (sa,\n"
		"policy, ike); the last object is this node's: node_id, \"self\": true\n"
		"and owns.\n",
	.summary = "list the peers heard on the HA link",
};
