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

/* ... owns 12 sa 2 policy 4 ike */
static void owns_words(struct dump_line *l, const uint64_t n[SHARE_KINDS])
{
	dump_word(l, "owns %" PRIu64 " sa %" PRIu64 " policy %" PRIu64 " ike",
		  n[SHARE_SA], n[SHARE_POLICY], n[SHARE_IKE]);
}

/*
 * node 2 epoch 0123456789abcdef last-seq 1234 last-heard 1.2s ago
 * datagrams 1240 gaps 3 resends 1 objects 512 [owns 500 sa 12 policy
 * 250 ike] bulk complete   (one line; the share after the objects it
 * owns here, when owns is not NULL)
 */
static void peer_words(struct dump_line *l, const struct attr_vals *v,
		       const uint64_t *owns)
{
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
	if (owns)
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
	peer_words(&l, v, NULL);
	dump_line_end(&l);
}

/* The epoch is a string of 16 hex digits, as in show. */
static void peer_fields(struct json *j, const struct attr_vals *v)
{
	char buf[FMT_BUF];

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
}

static void peer_json(struct json *j, const struct attr_vals *v)
{
	json_obj_begin(j, NULL);
	peer_fields(j, v);
	json_obj_end(j);
}

const struct dump_kind dump_peer = {
	.cmd = IPSEC_HA_CMD_PEER_GET,
	.set = &attrs_peer,
	.text = peer_text,
	.json = peer_json,
};

/* "owns": {"sa": N, "policy": N, "ike": N} */
static void owns_json(struct json *j, const uint64_t n[SHARE_KINDS])
{
	json_obj_begin(j, "owns");
	json_u64(j, "sa", n[SHARE_SA]);
	json_u64(j, "policy", n[SHARE_POLICY]);
	json_u64(j, "ike", n[SHARE_IKE]);
	json_obj_end(j);
}

int peers_msg(const struct nlmsghdr *nlh, void *data)
{
	static const uint64_t none[SHARE_KINDS];
	struct peers_out *p = data;
	struct dump_out *o = &p->o;
	const struct share *s = NULL;
	const uint64_t *n = none;
	struct dump_line l;

	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return MNL_CB_OK;
	attr_vals_parse(nlh, &attrs_peer, &o->v);
	if (attr_has(&o->v, IPSEC_HA_A_PEER_NODE_ID))
		s = share_of(p->shares, (uint32_t)o->v.num[IPSEC_HA_A_PEER_NODE_ID]);
	if (s)
		n = s->n;
	if (o->json) {
		if (!o->started) {
			json_arr_begin(&o->j, NULL);
			o->started = true;
		}
		json_obj_begin(&o->j, NULL);
		peer_fields(&o->j, &o->v);
		owns_json(&o->j, n);
		json_obj_end(&o->j);
	} else {
		dump_line_begin(&l, o->f);
		peer_words(&l, &o->v, n);
		dump_line_end(&l);
	}
	o->count++;
	return MNL_CB_OK;
}

void peers_self(struct peers_out *p, bool has_id, uint32_t id)
{
	struct dump_out *o = &p->o;
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
		owns_json(&o->j, p->shares->self);
		json_obj_end(&o->j);
	} else {
		dump_line_begin(&l, o->f);
		if (has_id)
			dump_word(&l, "node %" PRIu32, id);
		dump_word(&l, "self");
		owns_words(&l, p->shares->self);
		dump_line_end(&l);
	}
}

/* Counting the objects of one table by owner. */
struct share_dump {
	struct share_table *t;
	int kind;
	const struct dump_kind *k;
	struct attr_vals v;
};

static int share_msg(const struct nlmsghdr *nlh, void *data)
{
	struct share_dump *d = data;

	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return MNL_CB_OK;
	attr_vals_parse(nlh, d->k->set, &d->v);
	if (share_add(d->t, d->kind, d->k->filter_attrs, &d->v)) {
		fprintf(stderr, "ipsec-ha: out of memory\n");
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	config_parse(nlh, data);
	return MNL_CB_OK;
}

/*
 * The shares, from a dump of each table (the IKE table's filter_attrs
 * with the IKE dump's attribute set: ike-get never sends a secret).
 */
static int count_shares(struct genl *g, struct share_table *t)
{
	static const struct dump_kind ike_kind = {
		.cmd = IPSEC_HA_CMD_IKE_GET,
		.set = &attrs_ike,
		.filter_attrs = &filter_attrs_ike,
	};
	static const struct dump_kind *const kinds[SHARE_KINDS] = {
		[SHARE_SA] = &dump_sa,
		[SHARE_POLICY] = &dump_policy,
		[SHARE_IKE] = &ike_kind,
	};
	struct share_dump *d = calloc(1, sizeof(*d));
	int ret = 0;

	if (!d)
		return fail("out of memory");
	d->t = t;
	for (int i = 0; i < SHARE_KINDS && !ret; i++) {
		struct nlmsghdr *nlh = genl_msg(g, kinds[i]->cmd, NLM_F_DUMP);

		d->kind = i;
		d->k = kinds[i];
		ret = genl_do(g, nlh, kinds[i]->set, share_msg, d);
	}
	free(d);
	return ret;
}

static int peers_run(struct ctx *ctx, int argc, char **argv)
{
	struct share_table shares = { 0 };
	struct ha_config cfg = { 0 };
	struct peers_out p;
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
	ret = count_shares(&g, &shares);
	if (!ret) {
		dump_begin(&p.o, &dump_peer, ctx, stdout);
		p.shares = &shares;
		nlh = genl_msg(&g, IPSEC_HA_CMD_PEER_GET, NLM_F_DUMP);
		ret = genl_do(&g, nlh, &attrs_peer, peers_msg, &p);
		if (!ret)
			peers_self(&p, cfg.has[IPSEC_HA_A_CONFIG_NODE_ID] &&
				   cfg.num[IPSEC_HA_A_CONFIG_NODE_ID],
				   (uint32_t)cfg.num[IPSEC_HA_A_CONFIG_NODE_ID]);
		dump_end(&p.o, !ret);
	}
	genl_close(&g);
	share_free(&shares);
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
