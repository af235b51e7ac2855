// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha peers: the peers this node has heard on the HA link. */
#include <inttypes.h>
#include <string.h>

#include <linux/ipsec_ha.h>

#include "dump.h"
#include "fmt.h"
#include "ipsec-ha.h"

/*
 * node 2 epoch 0123456789abcdef last-seq 1234 last-heard 1.2s ago
 * datagrams 1240 gaps 3 resends 1 objects 512 bulk complete   (one line)
 */
static void peer_text(FILE *f, const struct attr_vals *v)
{
	char buf[FMT_BUF];
	struct dump_line l;

	dump_line_begin(&l, f);
	dump_word_num(&l, "node", v, IPSEC_HA_A_PEER_NODE_ID);
	if (attr_has(v, IPSEC_HA_A_PEER_EPOCH))
		dump_word(&l, "epoch %016" PRIx64, v->num[IPSEC_HA_A_PEER_EPOCH]);
	dump_word_num(&l, "last-seq", v, IPSEC_HA_A_PEER_LAST_SEQ);
	if (attr_has(v, IPSEC_HA_A_PEER_LAST_HEARD))
		dump_word(&l, "last-heard %s ago",
			  fmt_ms(v->num[IPSEC_HA_A_PEER_LAST_HEARD], buf, sizeof(buf)));
	dump_word_num(&l, "datagrams", v, IPSEC_HA_A_PEER_DATAGRAMS);
	dump_word_num(&l, "gaps", v, IPSEC_HA_A_PEER_GAPS);
	dump_word_num(&l, "resends", v, IPSEC_HA_A_PEER_RESENDS);
	dump_word_num(&l, "objects", v, IPSEC_HA_A_PEER_OBJECTS);
	dump_word_name(&l, "bulk", v, IPSEC_HA_A_PEER_BULK, fmt_bulk);
	if (attr_has(v, IPSEC_HA_A_PEER_IN_SYNC))
		dump_word(&l, "%s", v->num[IPSEC_HA_A_PEER_IN_SYNC] ? "in-sync" : "NOT-IN-SYNC");
	if (attr_has(v, IPSEC_HA_A_PEER_SPI_MIN) && attr_has(v, IPSEC_HA_A_PEER_SPI_MAX))
		dump_word(&l, "spi-range 0x%08" PRIx64 "-0x%08" PRIx64,
			  v->num[IPSEC_HA_A_PEER_SPI_MIN], v->num[IPSEC_HA_A_PEER_SPI_MAX]);
	dump_word_flag(&l, "OVERLAP", v, IPSEC_HA_A_PEER_SPI_OVERLAP);
	dump_line_end(&l);
}

/* The epoch is a string of 16 hex digits, as in show. */
static void peer_json(struct json *j, const struct attr_vals *v)
{
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
	json_obj_end(j);
}

const struct dump_kind dump_peer = {
	.cmd = IPSEC_HA_CMD_PEER_GET,
	.set = &attrs_peer,
	.text = peer_text,
	.json = peer_json,
};

static int peers_run(struct ctx *ctx, int argc, char **argv)
{
	if (cmd_wants_help(&cmd_peers, argc, argv))
		return EXIT_OK;
	if (argc > 1)
		return usage_error("peers", "peers: unexpected argument '%s'",
				   argv[1]);
	return dump_run(ctx, &dump_peer);
}

const struct cmd cmd_peers = {
	.name = "peers",
	.run = peers_run,
	.synopsis = "ipsec-ha [-j [-p]] peers\n",
	.help = "Show the peers this node has heard on the HA link, one line each:\n"
		"node id, boot epoch (hex), last datagram number, time since the last\n"
		"datagram, datagrams received, gaps this node asked to be resent,\n"
		"resends the peer asked of this node, objects the peer owns here,\n"
		"the bulk sync state (none, waiting, complete), the SPI range it\n"
		"announced (spi-range MIN-MAX), and OVERLAP when that range overlaps\n"
		"this node's or another peer's.\n"
		"With -j, a JSON array of objects.\n",
	.summary = "list the peers heard on the HA link",
};
