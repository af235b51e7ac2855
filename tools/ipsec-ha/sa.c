// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha sa list: the mirrored SAs (never their keys). */
#include <inttypes.h>
#include <string.h>

#include <linux/ipsec_ha.h>

#include "dump.h"
#include "fmt.h"
#include "ipsec-ha.h"

/*
 * owner 2 id 1/17 dir out [inferred] [cpu 1] 192.0.2.1 -> 198.51.100.2
 * spi 0x0000c0de proto esp mode tunnel reqid 1 aead rfc4106(gcm(aes)) icv 128
 * esn replay-window 128 oseq 1000 seq 0 mark 0x1/0xff if-id 0x5
 * encap espinudp sport 4500 dport 4500 local COLLISION PACKET-OFFLOAD
 * NO-TAKEOVER age 1.2s
 * (one line)
 */
static void sa_text(FILE *f, const struct attr_vals *v)
{
	char src[FMT_BUF], dst[FMT_BUF], buf[FMT_BUF];
	const char *s;
	struct dump_line l;

	dump_line_begin(&l, f);
	dump_word_num(&l, "owner", v, IPSEC_HA_A_SA_OWNER);
	if (attr_has(v, IPSEC_HA_A_SA_ORIGIN) && attr_has(v, IPSEC_HA_A_SA_ID))
		dump_word(&l, "id %" PRIu64 "/%" PRIu64,
			  v->num[IPSEC_HA_A_SA_ORIGIN], v->num[IPSEC_HA_A_SA_ID]);
	dump_word_name(&l, "dir", v, IPSEC_HA_A_SA_DIR, fmt_sa_dir);
	dump_word_flag(&l, "inferred", v, IPSEC_HA_A_SA_DIR_INFERRED);
	dump_word_num(&l, "cpu", v, IPSEC_HA_A_SA_PCPU);
	dump_word(&l, "%s -> %s",
		  dump_addr(v, IPSEC_HA_A_SA_FAMILY, IPSEC_HA_A_SA_SADDR, src, sizeof(src)),
		  dump_addr(v, IPSEC_HA_A_SA_FAMILY, IPSEC_HA_A_SA_DADDR, dst, sizeof(dst)));
	if (attr_has(v, IPSEC_HA_A_SA_SPI))
		dump_word(&l, "spi %s", dump_hex32(v->num[IPSEC_HA_A_SA_SPI], buf));
	dump_word_name(&l, "proto", v, IPSEC_HA_A_SA_PROTO, fmt_sa_proto);
	dump_word_name(&l, "mode", v, IPSEC_HA_A_SA_MODE, fmt_sa_mode);
	dump_word_num(&l, "reqid", v, IPSEC_HA_A_SA_REQID);

	/* algorithms: aead NAME icv BITS | enc NAME auth NAME trunc BITS */
	if ((s = dump_str(v, IPSEC_HA_A_SA_AEAD))) {
		dump_word(&l, "aead %s", s);
		dump_word_num(&l, "icv", v, IPSEC_HA_A_SA_ICV_LEN);
	}
	if ((s = dump_str(v, IPSEC_HA_A_SA_ENC)))
		dump_word(&l, "enc %s", s);
	if ((s = dump_str(v, IPSEC_HA_A_SA_AUTH))) {
		dump_word(&l, "auth %s", s);
		dump_word_num(&l, "trunc", v, IPSEC_HA_A_SA_ICV_LEN);
	}
	if ((s = dump_str(v, IPSEC_HA_A_SA_COMP)))
		dump_word(&l, "comp %s", s);

	dump_word_flag(&l, "esn", v, IPSEC_HA_A_SA_ESN);
	dump_word_num(&l, "replay-window", v, IPSEC_HA_A_SA_REPLAY_WINDOW);
	dump_word_num(&l, "oseq", v, IPSEC_HA_A_SA_OSEQ);
	dump_word_num(&l, "seq", v, IPSEC_HA_A_SA_SEQ);

	/* mark, if-id and encapsulation only when set */
	if (attr_has(v, IPSEC_HA_A_SA_MARK) &&
	    (v->num[IPSEC_HA_A_SA_MARK] || v->num[IPSEC_HA_A_SA_MARK_MASK])) {
		if (attr_has(v, IPSEC_HA_A_SA_MARK_MASK))
			dump_word(&l, "mark 0x%" PRIx64 "/0x%" PRIx64,
				  v->num[IPSEC_HA_A_SA_MARK],
				  v->num[IPSEC_HA_A_SA_MARK_MASK]);
		else
			dump_word(&l, "mark 0x%" PRIx64, v->num[IPSEC_HA_A_SA_MARK]);
	}
	if (attr_has(v, IPSEC_HA_A_SA_IF_ID) && v->num[IPSEC_HA_A_SA_IF_ID])
		dump_word(&l, "if-id 0x%" PRIx64, v->num[IPSEC_HA_A_SA_IF_ID]);
	if (attr_has(v, IPSEC_HA_A_SA_ENCAP_TYPE) && v->num[IPSEC_HA_A_SA_ENCAP_TYPE]) {
		dump_word_name(&l, "encap", v, IPSEC_HA_A_SA_ENCAP_TYPE, fmt_encap);
		dump_word_num(&l, "sport", v, IPSEC_HA_A_SA_ENCAP_SPORT);
		dump_word_num(&l, "dport", v, IPSEC_HA_A_SA_ENCAP_DPORT);
	}

	dump_word_flag(&l, "local", v, IPSEC_HA_A_SA_LOCAL);
	dump_word_flag(&l, "COLLISION", v, IPSEC_HA_A_SA_COLLIDES);
	dump_word_flag(&l, "PACKET-OFFLOAD", v, IPSEC_HA_A_SA_PACKET_OFFLOAD);
	if (dump_str(v, IPSEC_HA_A_SA_NO_TAKEOVER))
		dump_word(&l, "NO-TAKEOVER");
	if (attr_has(v, IPSEC_HA_A_SA_AGE))
		dump_word(&l, "age %s", fmt_ms(v->num[IPSEC_HA_A_SA_AGE], buf, sizeof(buf)));
	dump_line_end(&l);
}

/* Every attribute the kernel sent, under its spec name in snake_case. */
static void sa_json(struct json *j, const struct attr_vals *v)
{
	char buf[FMT_BUF];

	json_obj_begin(j, NULL);
	dump_json_num(j, v, IPSEC_HA_A_SA_ORIGIN);
	dump_json_num(j, v, IPSEC_HA_A_SA_ID);
	dump_json_num(j, v, IPSEC_HA_A_SA_OWNER);
	dump_json_num(j, v, IPSEC_HA_A_SA_OWNER_EPOCH);
	dump_json_bool(j, v, IPSEC_HA_A_SA_LOCAL);
	dump_json_bool(j, v, IPSEC_HA_A_SA_COLLIDES);
	dump_json_name(j, v, IPSEC_HA_A_SA_FAMILY, fmt_family);
	dump_json_name(j, v, IPSEC_HA_A_SA_PROTO, fmt_sa_proto);
	if (attr_has(v, IPSEC_HA_A_SA_SPI))
		json_str(j, "spi", dump_hex32(v->num[IPSEC_HA_A_SA_SPI], buf));
	dump_json_name(j, v, IPSEC_HA_A_SA_MODE, fmt_sa_mode);
	dump_json_num(j, v, IPSEC_HA_A_SA_REQID);
	dump_json_addr(j, v, IPSEC_HA_A_SA_FAMILY, IPSEC_HA_A_SA_DADDR);
	dump_json_addr(j, v, IPSEC_HA_A_SA_FAMILY, IPSEC_HA_A_SA_SADDR);
	dump_json_name(j, v, IPSEC_HA_A_SA_DIR, fmt_sa_dir);
	dump_json_bool(j, v, IPSEC_HA_A_SA_DIR_INFERRED);
	dump_json_num(j, v, IPSEC_HA_A_SA_PCPU);
	dump_json_bool(j, v, IPSEC_HA_A_SA_ESN);
	dump_json_num(j, v, IPSEC_HA_A_SA_REPLAY_WINDOW);
	dump_json_num(j, v, IPSEC_HA_A_SA_OSEQ);
	dump_json_num(j, v, IPSEC_HA_A_SA_SEQ);
	dump_json_str(j, v, IPSEC_HA_A_SA_AEAD);
	dump_json_str(j, v, IPSEC_HA_A_SA_ENC);
	dump_json_str(j, v, IPSEC_HA_A_SA_AUTH);
	dump_json_str(j, v, IPSEC_HA_A_SA_COMP);
	dump_json_num(j, v, IPSEC_HA_A_SA_ICV_LEN);
	dump_json_num(j, v, IPSEC_HA_A_SA_MARK);
	dump_json_num(j, v, IPSEC_HA_A_SA_MARK_MASK);
	dump_json_num(j, v, IPSEC_HA_A_SA_IF_ID);
	dump_json_name(j, v, IPSEC_HA_A_SA_ENCAP_TYPE, fmt_encap);
	dump_json_num(j, v, IPSEC_HA_A_SA_ENCAP_SPORT);
	dump_json_num(j, v, IPSEC_HA_A_SA_ENCAP_DPORT);
	dump_json_num(j, v, IPSEC_HA_A_SA_AGE);
	dump_json_bool(j, v, IPSEC_HA_A_SA_PACKET_OFFLOAD);
	dump_json_str(j, v, IPSEC_HA_A_SA_NO_TAKEOVER);
	json_obj_end(j);
}

const struct dump_kind dump_sa = {
	.cmd = IPSEC_HA_CMD_SA_GET,
	.set = &attrs_sa,
	.text = sa_text,
	.json = sa_json,
	.filter_attrs = &filter_attrs_sa,
};

static int sa_list(struct ctx *ctx, int argc, char **argv)
{
	struct list_filter f;
	int ret;

	ret = dump_filter_args("sa", FILTER_ALL, argc, argv, &f);
	if (ret)
		return ret;
	return dump_run_filtered(ctx, &dump_sa, &f);
}

static const struct subcmd sa_subcmds[] = {
	{ "list", sa_list },
	{ "show", sa_list },
	{ NULL, NULL },
};

static int sa_run(struct ctx *ctx, int argc, char **argv)
{
	return run_subcmd(ctx, &cmd_sa, sa_subcmds, argc, argv);
}

const struct cmd cmd_sa = {
	.name = "sa",
	.run = sa_run,
	.synopsis = "ipsec-ha [-j [-p]] sa { list | show } [spi SPI] [peer ADDR]\n"
		"                           [owner { NODE | local }]\n",
	.help = "list (or show): the mirrored SAs, one line each: owner node,\n"
		"origin/id, direction (\"inferred\" when the owner's kernel gave\n"
		"none and the owner infers it from its addresses), \"cpu N\" for a\n"
		"per-CPU SA, src -> dst, spi, proto, mode, reqid,\n"
		"algorithms (aead NAME icv BITS, or enc NAME auth NAME trunc BITS,\n"
		"comp NAME), esn, replay-window, oseq, seq, mark, if-id and\n"
		"encapsulation when set, \"local\" when this node owns the SA,\n"
		"\"COLLISION\" when another SA has its destination, SPI and protocol,\n"
		"\"PACKET-OFFLOAD\" when its owner runs it in packet offload (its\n"
		"counters are in the NIC: promote refuses it), \"NO-TAKEOVER\" when\n"
		"this node cannot take it over (JSON no_takeover says why: packet\n"
		"offload, IP-TFS mode, a per-CPU outbound SA this kernel cannot\n"
		"run), and its age (since it last changed here). Keys are never\n"
		"shown.\n"
		"Filters, all of which must match: spi SPI (decimal or 0x hex),\n"
		"peer ADDR (the source or destination address is ADDR), owner NODE\n"
		"(the owning node's id; local: this node).\n"
		"With -j, a JSON array of objects.\n",
	.summary = "list the mirrored SAs",
};
