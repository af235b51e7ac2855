// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec-ha ike add / set / del / list / export: the IKE side of sessions.
 * Secrets come from a file or standard input (ike_parse.h), go to the
 * kernel in one request and are wiped; only export prints them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ipsec_ha.h>

#include "dump.h"
#include "genl.h"
#include "ike.h"
#include "ipsec-ha.h"
#include "parse.h"

#define IKE_SECRETS_FILE_MAX	65536
#define IKE_LINE_MAX		65536
#define IKE_LINE_WORDS		256

/*
 * Open a file that holds secrets: a regular file that group and others
 * cannot access. Returns the descriptor, or -1 with a message in err.
 */
static int open_secret_file(const char *what, const char *path, char *err,
			    size_t errlen)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang us before the S_ISREG check. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s %s: cannot read: %s", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s %s: cannot read: %s", what, path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s %s: not a regular file", what, path);
	} else if (st.st_mode & 077) {
		snprintf(err, errlen,
			 "%s %s: mode %04o gives group or others access to secrets (chmod 600 %s)",
			 what, path, (unsigned int)(st.st_mode & 07777), path);
	} else {
		fcntl(fd, F_SETFL, 0);
		return fd;
	}
	close(fd);
	return -1;
}

/* Read all of fd into buf (at most cap bytes); its length, or -1. */
static ssize_t read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
		if (len == cap) {
			errno = EFBIG;
			return -1;
		}
	}
}

/* The secrets of r->secrets_path ("-": standard input) into r. */
static int load_secrets(struct ike_req *r, char *err, size_t errlen)
{
	const char *path = r->secrets_path;
	bool in = !strcmp(path, "-");
	char *buf;
	ssize_t len;
	int fd, ret = -1;

	fd = in ? STDIN_FILENO : open_secret_file("secrets file", path, err, errlen);
	if (fd < 0)
		return -1;
	buf = malloc(IKE_SECRETS_FILE_MAX);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	len = read_all(fd, buf, IKE_SECRETS_FILE_MAX);
	if (len < 0)
		snprintf(err, errlen, "secrets %s: cannot read: %s",
			 in ? "from standard input" : path, strerror(errno));
	else
		ret = ike_parse_secrets(r, buf, (size_t)len, err, errlen);
	explicit_bzero(buf, IKE_SECRETS_FILE_MAX);
	free(buf);
out:
	if (!in)
		close(fd);
	return ret;
}

static void put_id(struct nlmsghdr *nlh, uint16_t type_attr, uint16_t attr,
		   const struct ike_id *id)
{
	mnl_attr_put_u8(nlh, type_attr, id->type);
	mnl_attr_put(nlh, attr, id->len, id->val);
}

/* The attributes of r: each keyword given, then the secrets. */
static void put_req(struct nlmsghdr *nlh, const struct ike_req *r)
{
	uint32_t s = r->seen;

#define HAS(k) (s & IKE_KW(k))
	if (HAS(KW_SPI_I))
		mnl_attr_put_u64(nlh, IPSEC_HA_A_IKE_SPI_I, r->spi_i);
	if (HAS(KW_SPI_R))
		mnl_attr_put_u64(nlh, IPSEC_HA_A_IKE_SPI_R, r->spi_r);
	if (HAS(KW_VERSION))
		mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_VERSION, r->version);
	if (HAS(KW_ROLE))
		mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_INITIATOR, r->initiator);
	if (HAS(KW_LOCAL))
		mnl_attr_put(nlh, IPSEC_HA_A_IKE_LOCAL_ADDR,
			     r->family == AF_INET ? 4 : 16, r->local);
	if (HAS(KW_REMOTE))
		mnl_attr_put(nlh, IPSEC_HA_A_IKE_REMOTE_ADDR,
			     r->remote_family == AF_INET ? 4 : 16, r->remote);
	if (HAS(KW_LOCAL_PORT))
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_LOCAL_PORT, r->local_port);
	if (HAS(KW_REMOTE_PORT))
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_REMOTE_PORT, r->remote_port);
	if (HAS(KW_ENCR))
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_ENCR, r->encr);
	if (HAS(KW_KEYLEN))
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_ENCR_KEYLEN, r->keylen);
	if (HAS(KW_INTEG))
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_INTEG, r->integ);
	if (HAS(KW_PRF))
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_PRF, r->prf);
	if (HAS(KW_DH_GROUP))
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_DH_GROUP, r->dh_group);
	if (HAS(KW_EXT))
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_EXTENSIONS, r->ext);
	if (HAS(KW_MID_SEND))
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_MID_SEND, r->mid_send);
	if (HAS(KW_MID_RECV))
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_MID_RECV, r->mid_recv);
	if (HAS(KW_ID_I))
		put_id(nlh, IPSEC_HA_A_IKE_ID_I_TYPE, IPSEC_HA_A_IKE_ID_I, &r->id_i);
	if (HAS(KW_ID_R))
		put_id(nlh, IPSEC_HA_A_IKE_ID_R_TYPE, IPSEC_HA_A_IKE_ID_R, &r->id_r);
#undef HAS
	for (unsigned int i = 0; i < r->nr_child; i++)
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_CHILD_SPI, r->child[i]);
	for (int i = 0; i < IKE_SECRETS; i++)
		if (r->secret_len[i])
			mnl_attr_put(nlh, IPSEC_HA_A_IKE_NONCE_I + i, r->secret_len[i],
				     r->secret[i]);
}

/* Send one request of cmd for r on g; the request is wiped after. */
static int send_req(struct genl *g, uint8_t cmd, const struct ike_req *r)
{
	struct nlmsghdr *nlh = genl_msg(g, cmd, 0);
	int ret;

	put_req(nlh, r);
	ret = genl_do(g, nlh, &attrs_ike, NULL, NULL);
	genl_wipe_req(g);
	return ret;
}

/* add, set or del with the words of the command line. */
static int ike_do(uint8_t cmd, const char *sub, uint32_t allowed, int argc,
		  char **argv)
{
	struct ike_req *r = calloc(1, sizeof(*r));
	char err[512];
	struct genl g;
	int ret;

	if (!r)
		return fail("out of memory");
	ret = EXIT_USAGE;
	if (ike_parse_args(r, argc - 1, argv + 1, allowed, false, err, sizeof(err))) {
		usage_error("ike", "ike %s: %s", sub, err);
		goto out;
	}
	ret = EXIT_FAIL;
	if (r->secrets_path && load_secrets(r, err, sizeof(err))) {
		fail("ike %s: %s", sub, err);
		goto out;
	}
	ret = genl_open(&g);
	if (!ret) {
		ret = send_req(&g, cmd, r);
		genl_close(&g);
	}
out:
	ike_req_wipe(r);
	free(r);
	return ret;
}

/* ike add batch FILE|-: one context per line, sent on one socket. */
static int ike_batch(const char *path)
{
	bool in = !strcmp(path, "-");
	char *line = NULL, *iobuf = NULL, *words[IKE_LINE_WORDS];
	struct ike_req *r = NULL;
	unsigned long lineno = 0;
	bool connected = false;
	char err[512];
	struct genl g;
	FILE *f = NULL;
	int fd, n, ret = EXIT_FAIL;

	fd = in ? STDIN_FILENO : open_secret_file("batch file", path, err, sizeof(err));
	if (fd < 0)
		return fail("ike add batch: %s", err);
	f = fdopen(in ? dup(fd) : fd, "r");
	line = malloc(IKE_LINE_MAX);
	iobuf = malloc(BUFSIZ);
	r = malloc(sizeof(*r));
	if (!f || !line || !iobuf || !r) {
		fail("ike add batch: %s", strerror(errno ? errno : ENOMEM));
		goto done;
	}
	if (!in)
		fd = -1;	/* f owns it */
	/* Our buffer, so that what stdio read can be wiped. */
	setvbuf(f, iobuf, _IOFBF, BUFSIZ);
	ret = EXIT_OK;
	while (fgets(line, IKE_LINE_MAX, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			ret = fail("ike add batch: line %lu: longer than %d bytes",
				   lineno, IKE_LINE_MAX - 1);
			break;
		}
		n = ike_split_line(line, words, IKE_LINE_WORDS);
		if (!n)
			continue;
		memset(r, 0, sizeof(*r));
		if (n < 0 || ike_parse_args(r, n, words, IKE_KW_ADD, true, err, sizeof(err))) {
			ret = usage_error("ike", "ike add batch: line %lu: %s", lineno,
					  n < 0 ? "too many words" : err);
			break;
		}
		if (r->secrets_path && load_secrets(r, err, sizeof(err))) {
			ret = fail("ike add batch: line %lu: %s", lineno, err);
			break;
		}
		if (!connected) {	/* at the first good line: usage errors need no module */
			ret = genl_open(&g);
			if (ret)
				break;
			connected = true;
		}
		if (send_req(&g, IPSEC_HA_CMD_IKE_ADD, r)) {
			ret = fail("ike add batch: line %lu was refused (the lines before it were added)",
				   lineno);
			break;
		}
		ike_req_wipe(r);
	}
	if (!ret && ferror(f))
		ret = fail("ike add batch: cannot read %s: %s",
			   in ? "standard input" : path, strerror(errno));
done:
	if (f)
		fclose(f);
	if (r) {
		ike_req_wipe(r);
		free(r);
	}
	if (line) {
		explicit_bzero(line, IKE_LINE_MAX);
		free(line);
	}
	if (iobuf) {
		explicit_bzero(iobuf, BUFSIZ);
		free(iobuf);
	}
	if (connected)
		genl_close(&g);
	if (!in && fd >= 0)
		close(fd);
	return ret;
}

static int ike_add(struct ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc > 1 && !strcmp(argv[1], "batch")) {
		if (argc != 3)
			return usage_error("ike", argc < 3 ?
					   "ike add batch: missing FILE (or - for standard input)" :
					   "ike add batch: unexpected argument '%s'", argv[argc - 1]);
		return ike_batch(argv[2]);
	}
	return ike_do(IPSEC_HA_CMD_IKE_ADD, "add", IKE_KW_ADD, argc, argv);
}

static int ike_set(struct ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return ike_do(IPSEC_HA_CMD_IKE_SET, "set", IKE_KW_SET, argc, argv);
}

static int ike_del(struct ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return ike_do(IPSEC_HA_CMD_IKE_DEL, "del", IKE_KW_DEL, argc, argv);
}

/* ---- list and export -------------------------------------------------- */

static void ike_msg_parse(const struct nlmsghdr *nlh, struct ike_msg *m)
{
	const struct nlattr *a;

	attr_vals_parse(nlh, &attrs_ike, &m->v);
	m->nr_child = 0;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == IPSEC_HA_A_IKE_CHILD_SPI &&
		    mnl_attr_get_payload_len(a) == 4 && m->nr_child < IKE_CHILD_BUF)
			m->child[m->nr_child++] = mnl_attr_get_u32(a);
}

static const char *spi64(const struct attr_vals *v, unsigned int type, char *buf)
{
	snprintf(buf, 19, "0x%016" PRIx64, v->num[type]);
	return buf;
}

static const char *ike_addr(const struct attr_vals *v, unsigned int type,
			    char *buf, size_t len)
{
	return dump_addr(v, IPSEC_HA_A_IKE_FAMILY, type, buf, len);
}

static const char *ike_id(const struct attr_vals *v, unsigned int type_attr,
			  unsigned int attr, char *buf, size_t len)
{
	if (!attr_has(v, attr))
		return "";
	return ike_id_format((uint8_t)v->num[type_attr], v->ptr[attr], v->len[attr],
			     buf, len);
}

/*
 * owner 1 spi-i 0x... spi-r 0x... version 2 role initiator
 * 192.0.2.1[500] -> 198.51.100.2[4500] encr aes-gcm-16 keylen 256
 * prf hmac-sha2-256 dh-group ecp256 ext nat-t id-i fqdn gw.example.com
 * id-r ipv4-addr 198.51.100.2 mid-send 3 mid-recv 2 child 0x...,0x...
 * takeovers 0 local age 1.2s (one line)
 */
static void ike_text(FILE *f, const struct ike_msg *m)
{
	const struct attr_vals *v = &m->v;
	char a[FMT_BUF], b[FMT_BUF], id[2 * IKE_ID_BUF + 3];
	struct dump_line l;

	dump_line_begin(&l, f);
	dump_word_num(&l, "owner", v, IPSEC_HA_A_IKE_OWNER);
	if (attr_has(v, IPSEC_HA_A_IKE_SPI_I))
		dump_word(&l, "spi-i %s", spi64(v, IPSEC_HA_A_IKE_SPI_I, a));
	if (attr_has(v, IPSEC_HA_A_IKE_SPI_R))
		dump_word(&l, "spi-r %s", spi64(v, IPSEC_HA_A_IKE_SPI_R, a));
	dump_word_num(&l, "version", v, IPSEC_HA_A_IKE_VERSION);
	if (attr_has(v, IPSEC_HA_A_IKE_INITIATOR))
		dump_word(&l, "role %s", v->num[IPSEC_HA_A_IKE_INITIATOR] ?
			  "initiator" : "responder");
	dump_word(&l, "%s[%" PRIu64 "] -> %s[%" PRIu64 "]",
		  ike_addr(v, IPSEC_HA_A_IKE_LOCAL_ADDR, a, sizeof(a)),
		  v->num[IPSEC_HA_A_IKE_LOCAL_PORT],
		  ike_addr(v, IPSEC_HA_A_IKE_REMOTE_ADDR, b, sizeof(b)),
		  v->num[IPSEC_HA_A_IKE_REMOTE_PORT]);
	dump_word_name(&l, "encr", v, IPSEC_HA_A_IKE_ENCR, ike_encr_names);
	if (v->num[IPSEC_HA_A_IKE_ENCR_KEYLEN])
		dump_word_num(&l, "keylen", v, IPSEC_HA_A_IKE_ENCR_KEYLEN);
	if (v->num[IPSEC_HA_A_IKE_INTEG])
		dump_word_name(&l, "integ", v, IPSEC_HA_A_IKE_INTEG, ike_integ_names);
	dump_word_name(&l, "prf", v, IPSEC_HA_A_IKE_PRF, ike_prf_names);
	if (v->num[IPSEC_HA_A_IKE_DH_GROUP])
		dump_word_name(&l, "dh-group", v, IPSEC_HA_A_IKE_DH_GROUP, ike_dh_names);
	if (v->num[IPSEC_HA_A_IKE_EXTENSIONS])
		dump_word(&l, "ext %s", ike_ext_format((uint32_t)v->num[IPSEC_HA_A_IKE_EXTENSIONS],
						       a, sizeof(a)));
	if (attr_has(v, IPSEC_HA_A_IKE_ID_I_TYPE)) {
		dump_word_name(&l, "id-i", v, IPSEC_HA_A_IKE_ID_I_TYPE, ike_id_type_names);
		dump_word(&l, "%s", ike_id(v, IPSEC_HA_A_IKE_ID_I_TYPE, IPSEC_HA_A_IKE_ID_I,
					   id, sizeof(id)));
	}
	if (attr_has(v, IPSEC_HA_A_IKE_ID_R_TYPE)) {
		dump_word_name(&l, "id-r", v, IPSEC_HA_A_IKE_ID_R_TYPE, ike_id_type_names);
		dump_word(&l, "%s", ike_id(v, IPSEC_HA_A_IKE_ID_R_TYPE, IPSEC_HA_A_IKE_ID_R,
					   id, sizeof(id)));
	}
	dump_word_num(&l, "mid-send", v, IPSEC_HA_A_IKE_MID_SEND);
	dump_word_num(&l, "mid-recv", v, IPSEC_HA_A_IKE_MID_RECV);
	if (m->nr_child) {
		char kids[IKE_CHILD_BUF * 11 + 1];
		size_t pos = 0;

		for (unsigned int i = 0; i < m->nr_child; i++)
			pos += (size_t)snprintf(kids + pos, sizeof(kids) - pos, "%s0x%08" PRIx32,
						i ? "," : "", m->child[i]);
		dump_word(&l, "child %s", kids);
	}
	dump_word_num(&l, "takeovers", v, IPSEC_HA_A_IKE_TAKEOVERS);
	dump_word_flag(&l, "local", v, IPSEC_HA_A_IKE_LOCAL);
	if (attr_has(v, IPSEC_HA_A_IKE_AGE))
		dump_word(&l, "age %s", fmt_ms(v->num[IPSEC_HA_A_IKE_AGE], a, sizeof(a)));
	dump_line_end(&l);
}

static void hex_field(struct json *j, const char *key, const struct attr_vals *v,
		      unsigned int type)
{
	char buf[2 * IKE_SECRET_BUF + 1];

	if (!attr_has(v, type) || v->len[type] > IKE_SECRET_BUF)
		return;
	hex_encode(v->ptr[type], v->len[type], buf);
	json_str(j, key, buf);
	explicit_bzero(buf, sizeof(buf));
}

static void ike_json_id(struct json *j, const struct attr_vals *v, unsigned int type_attr,
			unsigned int attr, bool export)
{
	char id[2 * IKE_ID_BUF + 3], key[16];

	if (!attr_has(v, type_attr))
		return;
	dump_json_name(j, v, type_attr, ike_id_type_names);
	attr_json_key(attrs_ike.attrs[attr].name, key, sizeof(key));
	json_str(j, key, ike_id(v, type_attr, attr, id, sizeof(id)));
	if (export) {
		snprintf(key + strlen(key), sizeof(key) - strlen(key), "_hex");
		if (attr_has(v, attr) && v->len[attr])
			hex_field(j, key, v, attr);
		else
			json_str(j, key, "");
	}
}

/* Every attribute under its spec name in snake_case; export adds more. */
static void ike_json(struct json *j, const struct ike_msg *m, bool export)
{
	const struct attr_vals *v = &m->v;
	char buf[FMT_BUF];

	json_obj_begin(j, NULL);
	if (attr_has(v, IPSEC_HA_A_IKE_SPI_I))
		json_str(j, "spi_i", spi64(v, IPSEC_HA_A_IKE_SPI_I, buf));
	if (attr_has(v, IPSEC_HA_A_IKE_SPI_R))
		json_str(j, "spi_r", spi64(v, IPSEC_HA_A_IKE_SPI_R, buf));
	dump_json_num(j, v, IPSEC_HA_A_IKE_OWNER);
	dump_json_num(j, v, IPSEC_HA_A_IKE_OWNER_EPOCH);
	dump_json_bool(j, v, IPSEC_HA_A_IKE_LOCAL);
	dump_json_num(j, v, IPSEC_HA_A_IKE_VERSION);
	dump_json_bool(j, v, IPSEC_HA_A_IKE_INITIATOR);
	dump_json_name(j, v, IPSEC_HA_A_IKE_FAMILY, fmt_family);
	dump_json_addr(j, v, IPSEC_HA_A_IKE_FAMILY, IPSEC_HA_A_IKE_LOCAL_ADDR);
	dump_json_num(j, v, IPSEC_HA_A_IKE_LOCAL_PORT);
	dump_json_addr(j, v, IPSEC_HA_A_IKE_FAMILY, IPSEC_HA_A_IKE_REMOTE_ADDR);
	dump_json_num(j, v, IPSEC_HA_A_IKE_REMOTE_PORT);
	dump_json_name(j, v, IPSEC_HA_A_IKE_ENCR, ike_encr_names);
	dump_json_num(j, v, IPSEC_HA_A_IKE_ENCR_KEYLEN);
	dump_json_name(j, v, IPSEC_HA_A_IKE_INTEG, ike_integ_names);
	dump_json_name(j, v, IPSEC_HA_A_IKE_PRF, ike_prf_names);
	dump_json_name(j, v, IPSEC_HA_A_IKE_DH_GROUP, ike_dh_names);
	if (attr_has(v, IPSEC_HA_A_IKE_EXTENSIONS)) {
		uint32_t ext = (uint32_t)v->num[IPSEC_HA_A_IKE_EXTENSIONS];
		char *p, *save;

		json_arr_begin(j, "extensions");
		ike_ext_format(ext, buf, sizeof(buf));
		for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
			json_str(j, NULL, p);
		json_arr_end(j);
	}
	ike_json_id(j, v, IPSEC_HA_A_IKE_ID_I_TYPE, IPSEC_HA_A_IKE_ID_I, export);
	ike_json_id(j, v, IPSEC_HA_A_IKE_ID_R_TYPE, IPSEC_HA_A_IKE_ID_R, export);
	dump_json_num(j, v, IPSEC_HA_A_IKE_MID_SEND);
	dump_json_num(j, v, IPSEC_HA_A_IKE_MID_RECV);
	json_arr_begin(j, "child_spi");
	for (unsigned int i = 0; i < m->nr_child; i++) {
		snprintf(buf, sizeof(buf), "0x%08" PRIx32, m->child[i]);
		json_str(j, NULL, buf);
	}
	json_arr_end(j);
	dump_json_num(j, v, IPSEC_HA_A_IKE_TAKEOVERS);
	dump_json_num(j, v, IPSEC_HA_A_IKE_AGE);
	if (export) {
		/* IANA numbers beside the names, for the IKE daemon */
		static const struct { unsigned int type; const char *key; } ids[] = {
			{ IPSEC_HA_A_IKE_ENCR, "encr_id" },
			{ IPSEC_HA_A_IKE_INTEG, "integ_id" },
			{ IPSEC_HA_A_IKE_PRF, "prf_id" },
			{ IPSEC_HA_A_IKE_DH_GROUP, "dh_group_id" },
			{ IPSEC_HA_A_IKE_ID_I_TYPE, "id_i_type_id" },
			{ IPSEC_HA_A_IKE_ID_R_TYPE, "id_r_type_id" },
		};

		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			if (attr_has(v, ids[i].type))
				json_u64(j, ids[i].key, v->num[ids[i].type]);
		/* RFC 6311 IKEV2_MESSAGE_ID_SYNC, as the new owner sends it */
		json_obj_begin(j, "message_id_sync");
		json_u64(j, "expected_send_req_message_id", v->num[IPSEC_HA_A_IKE_MID_SEND]);
		json_u64(j, "expected_recv_req_message_id", v->num[IPSEC_HA_A_IKE_MID_RECV]);
		json_obj_end(j);
		for (int i = 0; i < IKE_SECRETS; i++)
			hex_field(j, ike_secret_names[i], v, IPSEC_HA_A_IKE_NONCE_I + i);
	}
	json_obj_end(j);
}

void ike_out_begin(struct ike_out *o, FILE *f, bool json, bool pretty,
		   bool export)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->json = json || export;
	o->export = export;
	json_init(&o->j, f, pretty);
}

int ike_out_msg(const struct nlmsghdr *nlh, void *data)
{
	struct ike_out *o = data;

	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return MNL_CB_OK;
	ike_msg_parse(nlh, &o->m);
	if (!filter_match(o->filter, &filter_attrs_ike, &o->m.v, o->m.child,
			  o->m.nr_child))
		return MNL_CB_OK;
	if (!o->json) {
		ike_text(o->f, &o->m);
		return MNL_CB_OK;
	}
	if (!o->started) {
		json_arr_begin(&o->j, NULL);
		o->started = true;
	}
	ike_json(&o->j, &o->m, o->export);
	return MNL_CB_OK;
}

void ike_out_end(struct ike_out *o, bool ok)
{
	if (o->json && (o->started || ok)) {
		if (!o->started)
			json_arr_begin(&o->j, NULL);
		json_arr_end(&o->j);
		json_end(&o->j);
	}
	o->started = false;
	explicit_bzero(&o->m, sizeof(o->m));
}

static int ike_dump(const struct ctx *ctx, uint8_t cmd, bool export,
		    const struct list_filter *filter)
{
	struct ike_out *o = malloc(sizeof(*o));
	struct nlmsghdr *nlh;
	struct genl g;
	int ret;

	if (!o)
		return fail("out of memory");
	ike_out_begin(o, stdout, ctx->json, ctx->pretty, export);
	o->filter = filter;
	ret = genl_open(&g);
	if (!ret) {
		nlh = genl_msg(&g, cmd, NLM_F_DUMP);
		ret = genl_do(&g, nlh, &attrs_ike, ike_out_msg, o);
		genl_close(&g);	/* wipes what the kernel sent */
		ike_out_end(o, !ret);
	}
	free(o);
	return ret;
}

static int ike_list(struct ctx *ctx, int argc, char **argv)
{
	struct list_filter f;
	int ret;

	ret = dump_filter_args("ike", FILTER_ALL, argc, argv, &f);
	if (ret)
		return ret;
	return ike_dump(ctx, IPSEC_HA_CMD_IKE_GET, false, &f);
}

static int ike_export(struct ctx *ctx, int argc, char **argv)
{
	if (argc > 1)
		return usage_error("ike", "ike export: unexpected argument '%s'", argv[1]);
	return ike_dump(ctx, IPSEC_HA_CMD_IKE_EXPORT, true, NULL);
}

static const struct subcmd ike_subcmds[] = {
	{ "add", ike_add },
	{ "set", ike_set },
	{ "del", ike_del },
	{ "list", ike_list },
	{ "show", ike_list },
	{ "export", ike_export },
	{ NULL, NULL },
};

static int ike_run(struct ctx *ctx, int argc, char **argv)
{
	return run_subcmd(ctx, &cmd_ike, ike_subcmds, argc, argv);
}

const struct cmd cmd_ike = {
	.name = "ike",
	.run = ike_run,
	.synopsis = "ipsec-ha ike add spi-i SPI spi-r SPI local ADDR remote ADDR\n"
		"                 [local-port PORT] [remote-port PORT] [version 2|1]\n"
		"                 [role initiator|responder] [encr ALG] [keylen BITS]\n"
		"                 [integ ALG] [prf ALG] [dh-group GROUP] [ext EXT[,EXT...]]\n"
		"                 [id-i TYPE VALUE] [id-r TYPE VALUE] [mid-send N] [mid-recv N]\n"
		"                 [child SPI[,SPI...]]... [secrets { file PATH | - }]\n"
		"ipsec-ha ike add batch { FILE | - }\n"
		"ipsec-ha ike set spi-i SPI spi-r SPI [mid-send N] [mid-recv N]\n"
		"                 [child SPI[,SPI...]]...\n"
		"ipsec-ha ike del spi-i SPI spi-r SPI\n"
		"ipsec-ha [-j [-p]] ike { list | show } [spi SPI] [peer ADDR]\n"
		"                           [owner { NODE | local }]\n"
		"ipsec-ha [-p] ike export\n",
	.help = "The IKE side of the sessions this node runs, for the node that takes\n"
		"them over (draft-palomares section 4).\n"
		"add: push an IKE SA's context: SPIs (64-bit, e.g. 0x0123456789abcdef),\n"
		"addresses and ports (default 500), version (default 2), role, proposal,\n"
		"extensions (nat-t, mobike, eap), IDs, message IDs (next to send, next\n"
		"expected) and the SPIs of its CHILD SAs (at most 32). Algorithms are\n"
		"IANA transform ids or names: encr aes-cbc, aes-ctr, aes-gcm-8/12/16,\n"
		"aes-ccm-8/12/16, chacha20-poly1305, 3des, camellia-cbc, null; integ\n"
		"hmac-sha1-96, aes-xcbc-96, aes-cmac-96, hmac-sha2-256-128,\n"
		"hmac-sha2-384-192, hmac-sha2-512-256, none; prf hmac-sha1, aes128-xcbc,\n"
		"aes128-cmac, hmac-sha2-256/384/512; dh-group modp1024..modp8192,\n"
		"ecp256, ecp384, ecp521, curve25519, curve448. ID types: ipv4-addr,\n"
		"ipv6-addr (an address), fqdn, rfc822-addr (text), der-asn1-dn,\n"
		"der-asn1-gn, key-id or a number (hex digits).\n"
		"Secrets are never taken from the command line: 'secrets file PATH'\n"
		"(mode 0600 or stricter) or 'secrets -' (standard input) holds NAME=HEX\n"
		"words, NAME one of nonce_i, nonce_r, sk_d, sk_ai, sk_ar, sk_ei, sk_er,\n"
		"sk_pi, sk_pr, daemon_state; '#' starts a comment.\n"
		"add batch: one context per line of FILE (mode 0600 or stricter) or of\n"
		"standard input: the words of 'ike add', and its secrets as NAME=HEX\n"
		"words on the line (or 'secrets file PATH'). Stops at the first line\n"
		"that fails.\n"
		"set: update the message IDs, or replace the CHILD SA list, of an IKE SA\n"
		"this node owns. del: delete it, on every node.\n"
		"list (or show): the mirrored contexts, local and learnt, one line each,\n"
		"never their secrets; with -j, a JSON array. Filters, all of which\n"
		"must match: spi SPI (one of its CHILD SPIs, decimal or 0x hex), peer\n"
		"ADDR (its remote address is ADDR), owner NODE (the owning node's id;\n"
		"local: this node).\n"
		"export: as JSON, everything an IKE daemon needs to take the sessions\n"
		"over: the fields of list -j, IANA numbers (encr_id, ...), IDs in hex,\n"
		"message_id_sync (RFC 6311) and the secrets in hex. Needs CAP_NET_ADMIN\n"
		"in the initial user namespace.\n",
	.summary = "push, list and export IKE SA contexts",
};
