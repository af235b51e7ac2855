// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the pure parts of ipsec-ha (no kernel needed): numbers,
 * addresses, key files, JSON, extended acks, the attribute tables against
 * the spec. Prints TAP; exits 1 when a test fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ipsec_ha.h>

#include "attrs.h"
#include "cmdline.h"
#include "config.h"
#include "dump.h"
#include "extack.h"
#include "filter.h"
#include "fmt.h"
#include "ike.h"
#include "ike_parse.h"
#include "json.h"
#include "keyfile.h"
#include "monitor.h"
#include "parse.h"
#include "stats.h"

#ifndef SPEC_PATH
#define SPEC_PATH "../../Documentation/netlink/specs/ipsec_ha.yaml"
#endif

static bool ok_so_far;

/* Record a failed check of the current test, with a TAP diagnostic. */
#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)

static bool check(bool cond, const char *what, const char *file, int line)
{
	if (!cond) {
		printf("# %s:%d: check failed: %s\n", file, line, what);
		ok_so_far = false;
	}
	return cond;
}

#define CHECK_STR(got, want) check_str((got), (want), __FILE__, __LINE__)

static void check_str(const char *got, const char *want, const char *file,
		      int line)
{
	if (!got || strcmp(got, want)) {
		printf("# %s:%d: got \"%s\"\n#   expected \"%s\"\n", file, line,
		       got ? got : "(null)", want);
		ok_so_far = false;
	}
}

/* ---- numbers ---------------------------------------------------------- */

static void test_parse_u32(void)
{
	uint32_t v = 7;

	CHECK(!parse_u32("0", &v) && v == 0);
	CHECK(!parse_u32("1", &v) && v == 1);
	CHECK(!parse_u32("65536", &v) && v == 65536);	/* kernel's to refuse */
	CHECK(!parse_u32("4294967295", &v) && v == UINT32_MAX);
	CHECK(!parse_u32("0x10", &v) && v == 16);
	CHECK(!parse_u32("0XfF", &v) && v == 255);
	CHECK(!parse_u32("010", &v) && v == 10);	/* not octal */
	CHECK(parse_u32("4294967296", &v));
	CHECK(parse_u32("99999999999999999999999", &v));
	CHECK(parse_u32("-1", &v));
	CHECK(parse_u32("+1", &v));
	CHECK(parse_u32(" 1", &v));
	CHECK(parse_u32("1 ", &v));
	CHECK(parse_u32("", &v));
	CHECK(parse_u32("abc", &v));
	CHECK(parse_u32("12abc", &v));
	CHECK(parse_u32("0x", &v));
	CHECK(parse_u32("0x0x1", &v));
	CHECK(parse_u32("0x-1", &v));
	CHECK(parse_u32("1.5", &v));
	CHECK(parse_u32(NULL, &v));
}

static void test_parse_u16_u64(void)
{
	uint16_t p = 7;
	uint64_t v;

	CHECK(!parse_u16("7731", &p) && p == 7731);
	CHECK(!parse_u16("0", &p) && p == 0);		/* kernel's to refuse */
	CHECK(!parse_u16("65535", &p) && p == 65535);
	CHECK(parse_u16("65536", &p));
	CHECK(parse_u16("-1", &p));
	CHECK(!parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(parse_u64("18446744073709551616", &v));
}

/* ---- addresses -------------------------------------------------------- */

static void test_parse_group(void)
{
	static const uint8_t ff15[16] = { 0xff, 0x15, [14] = 0x77, [15] = 0x31 };
	struct ha_group g;
	char buf[INET6_ADDRSTRLEN];

	CHECK(!parse_group("239.192.0.1", &g) && g.family == AF_INET);
	CHECK(!memcmp(&g.v4, "\xef\xc0\x00\x01", 4));	/* network order */
	CHECK(g.v4 == htonl(0xefc00001));
	CHECK_STR(format_group(&g, buf, sizeof(buf)), "239.192.0.1");

	CHECK(!parse_group("ff15::7731", &g) && g.family == AF_INET6);
	CHECK(!memcmp(g.v6, ff15, 16));
	CHECK_STR(format_group(&g, buf, sizeof(buf)), "ff15::7731");

	/* not multicast: still an address, the kernel refuses it */
	CHECK(!parse_group("10.0.0.1", &g) && g.family == AF_INET);
	CHECK(!parse_group("2001:db8::1", &g) && g.family == AF_INET6);

	CHECK(parse_group("239.192.0", &g));
	CHECK(parse_group("239.192.0.256", &g));
	CHECK(parse_group("ha0", &g));
	CHECK(parse_group("", &g));
	CHECK(parse_group("ff15::7731%eth0", &g));
	CHECK(parse_group(" 239.192.0.1", &g));
	CHECK(parse_group(NULL, &g));
}

/* ---- words ------------------------------------------------------------ */

static void test_parse_spi_range(void)
{
	uint32_t lo = 7, hi = 7;

	CHECK(!parse_spi_range("256-511", &lo, &hi) && lo == 256 && hi == 511);
	CHECK(!parse_spi_range("0x10000-0x1ffff", &lo, &hi) && lo == 0x10000 && hi == 0x1ffff);
	CHECK(!parse_spi_range("none", &lo, &hi) && !lo && !hi);
	CHECK(!parse_spi_range("9-1", &lo, &hi) && lo == 9 && hi == 1);	/* kernel's to refuse */
	CHECK(parse_spi_range("256", &lo, &hi));
	CHECK(parse_spi_range("-5", &lo, &hi));
	CHECK(parse_spi_range("5-", &lo, &hi));
	CHECK(parse_spi_range("1-2-3", &lo, &hi));
	CHECK(parse_spi_range("0x1-0x100000000", &lo, &hi));
	CHECK(parse_spi_range("", &lo, &hi));
}

static void test_lookup(void)
{
	static const char *const names[] = { "node", "link", "key", "show",
					     "stats", "monitor", "help" };
	size_t n = sizeof(names) / sizeof(names[0]);
	char hex[9];

	CHECK(lookup_name("node", names, n) == 0);
	CHECK(lookup_name("mon", names, n) == 5);
	CHECK(lookup_name("sh", names, n) == 3);
	CHECK(lookup_name("s", names, n) == LOOKUP_AMBIGUOUS);
	CHECK(lookup_name("nodes", names, n) == LOOKUP_NONE);
	CHECK(lookup_name("", names, n) == LOOKUP_NONE);
	CHECK(lookup_name("x", names, n) == LOOKUP_NONE);
	CHECK(matches("sync", "sync-packets", true));
	CHECK(!matches("sync", "sync-packets", false));

	hex_encode((const uint8_t *)"\x00\x11\xab\xff", 4, hex);
	CHECK_STR(hex, "0011abff");
}

/* ---- key files -------------------------------------------------------- */

#define KEY_HEX "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978"

static const uint8_t key_bytes[IPSEC_HA_KEY_LEN] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
};

static int parse_str(const char *s, uint8_t *key)
{
	return keyfile_parse(s, strlen(s), key);
}

static bool is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_keyfile_parse(void)
{
	uint8_t key[IPSEC_HA_KEY_LEN];
	char upper[] = KEY_HEX;

	CHECK(!parse_str(KEY_HEX, key) && !memcmp(key, key_bytes, sizeof(key)));
	CHECK(!parse_str(KEY_HEX "\n", key) && !memcmp(key, key_bytes, sizeof(key)));
	CHECK(!parse_str("  \t\n" KEY_HEX " \r\n\n", key) &&
	      !memcmp(key, key_bytes, sizeof(key)));
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c -= 'a' - 'A';
	CHECK(!parse_str(upper, key) && !memcmp(key, key_bytes, sizeof(key)));

	CHECK(parse_str("", key));
	CHECK(parse_str("\n", key));
	CHECK(parse_str(KEY_HEX "0", key));		/* 65 digits */
	CHECK(parse_str(KEY_HEX "00", key));		/* 33 bytes */
	CHECK(parse_str(&KEY_HEX[1], key));		/* 63 digits */
	CHECK(parse_str(&KEY_HEX[2], key));		/* 31 bytes */
	CHECK(parse_str("0x" KEY_HEX, key));
	CHECK(parse_str(KEY_HEX " x", key));
	CHECK(parse_str("0011223344556677 8899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978", key));
	CHECK(parse_str("g0112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978", key));
	CHECK(keyfile_parse(KEY_HEX "\0", sizeof(KEY_HEX), key));	/* NUL */

	/* a refused key leaves nothing behind */
	memset(key, 0xaa, sizeof(key));
	CHECK(parse_str("00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a69zz", key));
	CHECK(is_zero(key, sizeof(key)));
}

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void write_file(const char *path, const char *content, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content)) {
		printf("# cannot write %s: %s\n", path, strerror(errno));
		ok_so_far = false;
	}
	if (fd >= 0)
		close(fd);
	chmod(path, mode);
}

static void test_keyfile_load(void)
{
	uint8_t key[IPSEC_HA_KEY_LEN];
	char err[512], want[512], big[KEYFILE_MAX_SIZE + 200];
	const char *p;

	p = tmp_path("good.key");
	write_file(p, KEY_HEX "\n", 0600);
	CHECK(!keyfile_load(p, key, err, sizeof(err)));
	CHECK(!memcmp(key, key_bytes, sizeof(key)));
	write_file(p, KEY_HEX "\n", 0400);
	CHECK(!keyfile_load(p, key, err, sizeof(err)));

	/* group or others may access it */
	write_file(p, KEY_HEX "\n", 0640);
	memset(key, 0xaa, sizeof(key));
	CHECK(keyfile_load(p, key, err, sizeof(err)));
	CHECK(is_zero(key, sizeof(key)));
	snprintf(want, sizeof(want),
		 "key file %s: mode 0640 gives group or others access to the key (chmod 600 %s)",
		 p, p);
	CHECK_STR(err, want);
	write_file(p, KEY_HEX "\n", 0604);
	CHECK(keyfile_load(p, key, err, sizeof(err)) && strstr(err, "mode 0604"));
	write_file(p, KEY_HEX "\n", 0610);
	CHECK(keyfile_load(p, key, err, sizeof(err)) && strstr(err, "mode 0610"));

	/* cannot be read: why */
	p = tmp_path("missing.key");
	CHECK(keyfile_load(p, key, err, sizeof(err)));
	snprintf(want, sizeof(want), "key file %s: cannot read: %s", p,
		 strerror(ENOENT));
	CHECK_STR(err, want);

	/* not a regular file (and a FIFO does not hang) */
	CHECK(keyfile_load(tmpdir, key, err, sizeof(err)) &&
	      strstr(err, "not a regular file"));
	p = tmp_path("fifo");
	CHECK(!mkfifo(p, 0600));
	CHECK(keyfile_load(p, key, err, sizeof(err)) &&
	      strstr(err, "not a regular file"));

	/* bad content */
	p = tmp_path("bad.key");
	snprintf(want, sizeof(want),
		 "key file %s: expected 64 hex digits (a 32-byte key)", p);
	write_file(p, "secret\n", 0600);
	CHECK(keyfile_load(p, key, err, sizeof(err)));
	CHECK_STR(err, want);
	write_file(p, "", 0600);
	CHECK(keyfile_load(p, key, err, sizeof(err)));
	CHECK_STR(err, want);
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, KEY_HEX, 64);
	write_file(p, big, 0600);		/* too large, even if valid */
	CHECK(keyfile_load(p, key, err, sizeof(err)));
	CHECK_STR(err, want);
}

static void test_keyfile_generate(void)
{
	uint8_t key1[IPSEC_HA_KEY_LEN], key2[IPSEC_HA_KEY_LEN];
	char err[512], buf[256], path[128], target[128];
	const char *p = path;
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s", tmp_path("gen.key"));
	umask(022);
	unlink(p);
	CHECK(!keyfile_generate(p, err, sizeof(err)));
	CHECK(!stat(p, &st) && (st.st_mode & 07777) == 0600);
	fd = open(p, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	CHECK(n == 65);
	if (n == 65) {
		CHECK(buf[64] == '\n');
		for (int i = 0; i < 64; i++)
			CHECK((buf[i] >= '0' && buf[i] <= '9') ||
			      (buf[i] >= 'a' && buf[i] <= 'f'));
	}
	CHECK(!keyfile_load(p, key1, err, sizeof(err)));

	/* never overwrites */
	CHECK(keyfile_generate(p, err, sizeof(err)));
	CHECK(strstr(err, "refusing to overwrite") && strstr(err, p));
	CHECK(!keyfile_load(p, key2, err, sizeof(err)) &&
	      !memcmp(key1, key2, sizeof(key1)));

	/* nor follows a symlink */
	snprintf(target, sizeof(target), "%s", tmp_path("elsewhere"));
	CHECK(!symlink(target, tmp_path("link.key")));
	CHECK(keyfile_generate(tmp_path("link.key"), err, sizeof(err)));
	CHECK(access(target, F_OK) < 0);

	/* fresh keys differ */
	unlink(p);
	CHECK(!keyfile_generate(p, err, sizeof(err)));
	CHECK(!keyfile_load(p, key2, err, sizeof(err)) &&
	      memcmp(key1, key2, sizeof(key1)));

	CHECK(keyfile_generate(tmp_path("no/such/dir"), err, sizeof(err)) &&
	      strstr(err, "cannot create"));
}

/* ---- JSON ------------------------------------------------------------- */

static char *mem;
static size_t memlen;

static FILE *mem_open(void)
{
	free(mem);
	mem = NULL;
	return open_memstream(&mem, &memlen);
}

static const char *escaped(const char *s)
{
	FILE *f = mem_open();

	json_escape(f, s);
	fclose(f);
	return mem;
}

static void test_json_escape(void)
{
	CHECK_STR(escaped("ha0"), "\"ha0\"");
	CHECK_STR(escaped(""), "\"\"");
	CHECK_STR(escaped("a\"b\\c"), "\"a\\\"b\\\\c\"");
	CHECK_STR(escaped("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
	CHECK_STR(escaped("\x01\x1f"), "\"\\u0001\\u001f\"");
	CHECK_STR(escaped("/\x7f"), "\"/\x7f\"");
	CHECK_STR(escaped("\xc3\xa9t\xc3\xa9"), "\"\xc3\xa9t\xc3\xa9\"");	/* été */
	CHECK_STR(escaped("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");	/* emoji */
	CHECK_STR(escaped("a\xff" "b"), "\"a\\ufffdb\"");
	CHECK_STR(escaped("\xc0\xaf"), "\"\\ufffd\\ufffd\"");		/* overlong */
	CHECK_STR(escaped("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	CHECK_STR(escaped("\xf0\x80\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(escaped("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* > U+10FFFF */
	CHECK_STR(escaped("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	CHECK_STR(escaped("\xc3"), "\"\\ufffd\"");			/* truncated */
}

static void write_sample(struct json *j)
{
	json_obj_begin(j, NULL);
	json_u64(j, "node_id", 1);
	json_null(j, "key");
	json_obj_begin(j, "link");
	json_str(j, "dev", "ha0");
	json_bool(j, "up", true);
	json_obj_end(j);
	json_obj_begin(j, "empty");
	json_obj_end(j);
	json_arr_begin(j, "list");
	json_u64(j, NULL, UINT64_MAX);
	json_str(j, NULL, NULL);
	json_arr_end(j);
	json_obj_end(j);
	json_end(j);
}

static void test_json_writer(void)
{
	struct json j;
	FILE *f;

	f = mem_open();
	json_init(&j, f, false);
	write_sample(&j);
	write_sample(&j);	/* one object per line */
	fclose(f);
	CHECK_STR(mem,
		  "{\"node_id\":1,\"key\":null,\"link\":{\"dev\":\"ha0\",\"up\":true},"
		  "\"empty\":{},\"list\":[18446744073709551615,null]}\n"
		  "{\"node_id\":1,\"key\":null,\"link\":{\"dev\":\"ha0\",\"up\":true},"
		  "\"empty\":{},\"list\":[18446744073709551615,null]}\n");

	f = mem_open();
	json_init(&j, f, true);
	write_sample(&j);
	fclose(f);
	CHECK_STR(mem,
		  "{\n"
		  "    \"node_id\": 1,\n"
		  "    \"key\": null,\n"
		  "    \"link\": {\n"
		  "        \"dev\": \"ha0\",\n"
		  "        \"up\": true\n"
		  "    },\n"
		  "    \"empty\": {},\n"
		  "    \"list\": [\n"
		  "        18446744073709551615,\n"
		  "        null\n"
		  "    ]\n"
		  "}\n");
}

/* ---- attribute tables ------------------------------------------------- */

static void test_attrs(void)
{
	char key[64];

	CHECK_STR(attr_name(&attrs_config, IPSEC_HA_A_CONFIG_NODE_ID), "node-id");
	CHECK_STR(attr_name(&attrs_config, IPSEC_HA_A_CONFIG_GROUP6), "group6");
	CHECK_STR(attr_name(&attrs_stats, IPSEC_HA_A_STATS_DROP_NOMEM), "drop-nomem");
	CHECK_STR(attr_name(&attrs_stats, IPSEC_HA_A_STATS_DROP_FULL), "drop-full");
	CHECK_STR(attr_name(&attrs_stats, IPSEC_HA_A_STATS_TX_NACKS), "tx-nacks");
	CHECK_STR(attr_name(&attrs_stats, IPSEC_HA_A_STATS_RX_NACKS), "rx-nacks");
	CHECK_STR(attr_name(&attrs_sa, IPSEC_HA_A_SA_REPLAY_WINDOW), "replay-window");
	CHECK_STR(attr_name(&attrs_sa, IPSEC_HA_A_SA_AGE), "age");
	CHECK_STR(attr_name(&attrs_policy, IPSEC_HA_A_POLICY_PREFIXLEN_D), "prefixlen-d");
	CHECK_STR(attr_name(&attrs_peer, IPSEC_HA_A_PEER_BULK), "bulk");
	CHECK(attr_name(&attrs_sa, IPSEC_HA_A_SA_MAX + 1) == NULL);
	CHECK(attr_len_ok(&attrs_sa, IPSEC_HA_A_SA_DADDR, 4));
	CHECK(attr_len_ok(&attrs_sa, IPSEC_HA_A_SA_DADDR, 16));
	CHECK(attr_len_ok(&attrs_sa, IPSEC_HA_A_SA_ENCAP_SPORT, 2));
	CHECK(!attr_len_ok(&attrs_sa, IPSEC_HA_A_SA_ENCAP_SPORT, 4));
	CHECK(attr_len_ok(&attrs_peer, IPSEC_HA_A_PEER_EPOCH, 8));
	CHECK(attr_name(&attrs_config, 0) == NULL);
	CHECK(attr_name(&attrs_config, IPSEC_HA_A_CONFIG_MAX + 1) == NULL);
	CHECK(attr_name(NULL, 1) == NULL);

	CHECK(attr_len_ok(&attrs_stats, IPSEC_HA_A_STATS_TX_BYTES, 8));
	CHECK(attr_len_ok(&attrs_stats, IPSEC_HA_A_STATS_TX_BYTES, 4));
	CHECK(!attr_len_ok(&attrs_stats, IPSEC_HA_A_STATS_TX_BYTES, 2));
	CHECK(attr_len_ok(&attrs_config, IPSEC_HA_A_CONFIG_GROUP6, 16));
	CHECK(!attr_len_ok(&attrs_config, IPSEC_HA_A_CONFIG_GROUP6, 4));
	CHECK(attr_len_ok(&attrs_config, IPSEC_HA_A_CONFIG_PORT, 2));
	CHECK(!attr_len_ok(&attrs_config, IPSEC_HA_A_CONFIG_PORT, 4));
	CHECK(!attr_len_ok(&attrs_config, IPSEC_HA_A_CONFIG_MAX + 1, 4));

	attr_json_key("drop-no-key", key, sizeof(key));
	CHECK_STR(key, "drop_no_key");
	attr_json_key("tx-datagrams", key, 5);
	CHECK_STR(key, "tx_d");
}

/* Indentation of a line, and its "name: X" value if that is what it is. */
static const char *yaml_name(const char *line, int *indent)
{
	const char *p = line;

	while (*p == ' ')
		p++;
	*indent = p - line;
	if (strncmp(p, "name: ", 6))
		return NULL;
	return p + 6;
}

/* The spec's type word of an attribute kind. */
static const char *kind_word(enum attr_kind k)
{
	switch (k) {
	case AK_U8:	return "u8";
	case AK_U16:	return "u16";
	case AK_U32:	return "u32";
	case AK_U64:	return "u64";
	case AK_STRING:	return "string";
	case AK_BINARY:	return "binary";
	case AK_PAD:	return "pad";
	case AK_NEST:	return "nest";
	case AK_FLAG:	return "flag";
	case AK_S32:	return "s32";
	case AK_UNSPEC:	break;
	}
	return "(none)";
}

/*
 * Walk attribute-sets: every set is in attr_sets[], every attribute has
 * the id, name and type the tool gives it, and the tool knows no more.
 */
static void test_attrs_match_spec(void)
{
	const struct attr_set *set = NULL;
	unsigned int next = 0;
	char line[512];
	bool in_sets = false;
	int sets_seen = 0, types_seen = 0;
	FILE *f = fopen(SPEC_PATH, "r");

	if (!CHECK(f != NULL)) {
		printf("# cannot open %s\n", SPEC_PATH);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *name;
		int indent;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && line[0] != ' ' && line[0] != '#') {
			if (in_sets && set && !CHECK(next == set->max + 1))
				printf("# set %s: the tool knows %u attributes, the spec %u\n",
				       set->name, set->max, next - 1);
			in_sets = !strcmp(line, "attribute-sets:");
			set = NULL;
			continue;
		}
		if (!in_sets)
			continue;
		name = yaml_name(line, &indent);
		if (!name) {
			const char *p = line + strspn(line, " ");

			/* "type: X" of the attribute just named */
			if (set && next > 1 && p - line == 8 &&
			    !strncmp(p, "type: ", 6)) {
				const char *ours = next - 1 <= set->max ?
					kind_word(set->attrs[next - 1].kind) : "(none)";

				if (strcmp(ours, p + 6)) {
					printf("# set %s attribute %u: spec type %s, tool %s\n",
					       set->name, next - 1, p + 6, ours);
					ok_so_far = false;
				}
				types_seen++;
			}
			continue;
		}
		if (indent == 4) {		/* a set */
			if (set && !CHECK(next == set->max + 1))
				printf("# set %s: the tool knows %u attributes, the spec %u\n",
				       set->name, set->max, next - 1);
			set = NULL;
			for (int i = 0; attr_sets[i]; i++)
				if (!strcmp(attr_sets[i]->name, name))
					set = attr_sets[i];
			if (!CHECK(set != NULL))
				printf("# spec attribute set %s unknown to the tool\n", name);
			sets_seen++;
			next = 1;
		} else if (indent == 8 && set) {	/* an attribute */
			const char *ours = attr_name(set, next);

			if (!ours || strcmp(ours, name)) {
				printf("# set %s attribute %u: spec %s, tool %s\n",
				       set->name, next, name, ours ? ours : "(none)");
				ok_so_far = false;
			}
			next++;
		}
	}
	fclose(f);
	for (int i = 0; attr_sets[i]; i++) {
		types_seen -= attr_sets[i]->max;
		sets_seen--;
	}
	CHECK(sets_seen == 0);		/* the spec's sets are the tool's */
	CHECK(types_seen == 0);		/* every attribute's type was compared */
}

/* ---- extended acks ---------------------------------------------------- */

static char reqbuf[1024], ackbuf[2048];
static uint32_t off_node_id, off_interval;

/* A node-set request: node-id 0, sync-interval 5, attribute type 99. */
static struct nlmsghdr *make_request(void)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(reqbuf, 0, sizeof(reqbuf));
	nlh = mnl_nlmsg_put_header(reqbuf);
	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 42;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = IPSEC_HA_CMD_NODE_SET;
	off_node_id = nlh->nlmsg_len;
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 0);
	off_interval = nlh->nlmsg_len;
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SYNC_INTERVAL, 5);
	mnl_attr_put_u32(nlh, 99, 1);
	return nlh;
}

struct ack_spec {
	int error;
	bool capped;
	const char *msg;
	int64_t offs;		/* -1: none */
	int64_t miss_type;	/* -1: none */
};

/* The kernel's NLMSG_ERROR answer to req. */
static struct nlmsghdr *make_ack(const struct nlmsghdr *req,
				 const struct ack_spec *a)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;
	size_t copy = a->capped ? sizeof(*req) : req->nlmsg_len;

	memset(ackbuf, 0, sizeof(ackbuf));
	nlh = mnl_nlmsg_put_header(ackbuf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = req->nlmsg_seq;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err) - sizeof(*req) + copy);
	err->error = a->error;
	memcpy(&err->msg, req, copy);
	if (a->capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (a->msg || a->offs >= 0 || a->miss_type >= 0)
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	if (a->msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, a->msg);
	if (a->offs >= 0)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, a->offs);
	if (a->miss_type >= 0)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, a->miss_type);
	return nlh;
}

static const char *ack_text(const struct ack_spec *a)
{
	static char out[512];
	struct nlmsghdr *req = make_request();
	struct extack ext;

	if (extack_decode(make_ack(req, a), &ext))
		return "(decode failed)";
	extack_format(out, sizeof(out), &ext, req, GENL_HDRLEN, &attrs_config);
	return out;
}

static void test_extack_decode(void)
{
	struct nlmsghdr *req = make_request();
	struct extack ext;
	struct ack_spec a = { -ERANGE, true, "integer out of range", 0, -1 };

	a.offs = off_node_id;
	CHECK(!extack_decode(make_ack(req, &a), &ext));
	CHECK(ext.error == -ERANGE);
	CHECK_STR(ext.msg, "integer out of range");
	CHECK(ext.has_offs && ext.offs == off_node_id);
	CHECK(!ext.has_miss_type);

	/* without NETLINK_CAP_ACK the request is echoed before the TLVs */
	a.capped = false;
	CHECK(!extack_decode(make_ack(req, &a), &ext));
	CHECK_STR(ext.msg, "integer out of range");
	CHECK(ext.has_offs && ext.offs == off_node_id);

	a = (struct ack_spec){ -EINVAL, true, NULL, -1, IPSEC_HA_A_CONFIG_PORT };
	CHECK(!extack_decode(make_ack(req, &a), &ext));
	CHECK(ext.msg == NULL && !ext.has_offs);
	CHECK(ext.has_miss_type && ext.miss_type == IPSEC_HA_A_CONFIG_PORT);

	/* too short to be an ack */
	{
		struct nlmsghdr *nlh = make_ack(req, &a);

		nlh->nlmsg_len = mnl_nlmsg_size(2);
		CHECK(extack_decode(nlh, &ext) == -1);
	}

	/* the end of a dump carries an error too */
	{
		struct nlmsghdr *nlh;
		int e = -ENOENT;

		memset(ackbuf, 0, sizeof(ackbuf));
		nlh = mnl_nlmsg_put_header(ackbuf);
		nlh->nlmsg_type = NLMSG_DONE;
		nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
		memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(e)), &e, sizeof(e));
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "no such SA");
		CHECK(!extack_decode(nlh, &ext));
		CHECK(ext.error == -ENOENT);
		CHECK_STR(ext.msg, "no such SA");
	}
}

static void test_extack_format(void)
{
	struct ack_spec a;

	a = (struct ack_spec){ -ERANGE, true, "integer out of range", off_node_id, -1 };
	CHECK_STR(ack_text(&a), "Error: integer out of range (attribute node-id).");
	a.capped = false;
	CHECK_STR(ack_text(&a), "Error: integer out of range (attribute node-id).");

	a = (struct ack_spec){ -ERANGE, true, "integer out of range", off_interval, -1 };
	CHECK_STR(ack_text(&a), "Error: integer out of range (attribute sync-interval).");
	/* an offset into the payload still names the attribute */
	a.offs = off_interval + 4;
	CHECK_STR(ack_text(&a), "Error: integer out of range (attribute sync-interval).");
	/* an attribute the tool has no name for */
	a.offs = off_interval + 8;
	CHECK_STR(ack_text(&a), "Error: integer out of range (attribute type 99).");
	/* an offset into the headers, or beyond the request: no name */
	a.offs = 4;
	CHECK_STR(ack_text(&a), "Error: integer out of range.");
	a.offs = 4000;
	CHECK_STR(ack_text(&a), "Error: integer out of range.");

	/* the final '.' is added only when missing */
	a = (struct ack_spec){ -ENETDOWN, true, "HA link interface is down.", -1, -1 };
	CHECK_STR(ack_text(&a), "Error: HA link interface is down.");
	a.offs = off_node_id;
	CHECK_STR(ack_text(&a), "Error: HA link interface is down (attribute node-id).");
	a = (struct ack_spec){ -EINVAL, true, "group is not multicast", -1, -1 };
	CHECK_STR(ack_text(&a), "Error: group is not multicast.");

	/* no message: strerror */
	a = (struct ack_spec){ -EINVAL, true, NULL, -1, -1 };
	CHECK_STR(ack_text(&a), "Error: Invalid argument.");
	a = (struct ack_spec){ -ENODEV, true, NULL, off_node_id, -1 };
	CHECK_STR(ack_text(&a), "Error: No such device (attribute node-id).");
	a = (struct ack_spec){ -EPERM, true, NULL, -1, -1 };
	CHECK_STR(ack_text(&a), "Error: Operation not permitted (CAP_NET_ADMIN is required).");
	a = (struct ack_spec){ -EPERM, true, "not in this namespace", -1, -1 };
	CHECK_STR(ack_text(&a), "Error: not in this namespace.");

	/* a missing attribute */
	a = (struct ack_spec){ -EINVAL, true, NULL, -1, IPSEC_HA_A_CONFIG_PORT };
	CHECK_STR(ack_text(&a), "Error: Invalid argument (missing attribute port).");
	a = (struct ack_spec){ -EINVAL, true, "link needs a group", -1, IPSEC_HA_A_CONFIG_GROUP4 };
	CHECK_STR(ack_text(&a), "Error: link needs a group (missing attribute group4).");
	a = (struct ack_spec){ -EINVAL, true, NULL, -1, 77 };
	CHECK_STR(ack_text(&a), "Error: Invalid argument (missing attribute type 77).");

	/* success: nothing, or a warning */
	a = (struct ack_spec){ 0, true, NULL, -1, -1 };
	CHECK_STR(ack_text(&a), "");
	a = (struct ack_spec){ 0, true, "link replaced", -1, -1 };
	CHECK_STR(ack_text(&a), "Warning: link replaced.");
}

/* ---- replies and events: the output formats ------------------------ */

static char msgbuf[4096];

static struct nlmsghdr *genl_message(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(msgbuf, 0, sizeof(msgbuf));
	nlh = mnl_nlmsg_put_header(msgbuf);
	nlh->nlmsg_type = 0x20;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = IPSEC_HA_FAMILY_VERSION;
	return nlh;
}

/* A configured node, as config-get answers (plus what must be ignored). */
static struct nlmsghdr *full_config(uint8_t cmd)
{
	struct nlmsghdr *nlh = genl_message(cmd);
	uint32_t group = htonl(0xefc00001);

	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_IFINDEX, 3);
	mnl_attr_put_strz(nlh, IPSEC_HA_A_CONFIG_IFNAME, "ha0");
	mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_GROUP4, 4, &group);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_CONFIG_PORT, 7731);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SYNC_PACKETS, 256);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SYNC_INTERVAL, 100);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_MAX_SAS, 131072);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_MARGIN_MIN, 4096);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_PREPARE_MAX, 16384);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_PREPARED, 0);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_KEY_ID, 0x1234abcd);
	mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_KEY_FINGERPRINT, 8,
		     "\x00\x11\x22\x33\x44\x55\x66\x77");
	mnl_attr_put_u8(nlh, IPSEC_HA_A_CONFIG_LINK_UP, 1);
	mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_CONFIG_EPOCH, 0x0123456789abcdefULL);
	mnl_attr_put_u32(nlh, 200, 5);			/* from a newer module */
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_GROUP6, 1);	/* wrong size */
	return nlh;
}

/* A fresh namespace: defaults, no node id (0), no link, no key. */
static struct nlmsghdr *fresh_config(void)
{
	struct nlmsghdr *nlh = genl_message(IPSEC_HA_CMD_CONFIG_GET);

	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 0);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SYNC_PACKETS, 256);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SYNC_INTERVAL, 100);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_MAX_SAS, 131072);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_MARGIN_MIN, 4096);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_PREPARE_MAX, 16384);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_PREPARED, 0);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_CONFIG_LINK_UP, 0);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_CONFIG_EPOCH, 0xfedcba9876543210ULL);
	return nlh;
}

#define FULL_TEXT_NODE "node id 1 sync-packets 256 sync-interval 100 max-sas 131072 margin-min 4096 prepare-max 16384 prepared 0"
#define FULL_TEXT_LINK "link dev ha0 ifindex 3 group 239.192.0.1 port 7731 state up"
#define FULL_TEXT_KEY "key id 0x1234abcd fingerprint 0011223344556677"
#define FULL_TEXT_EPOCH "epoch 0123456789abcdef"
#define FULL_JSON \
	"{\"node_id\":1,\"link\":{\"dev\":\"ha0\",\"ifindex\":3," \
	"\"group\":\"239.192.0.1\",\"port\":7731,\"up\":true}," \
	"\"key\":{\"id\":\"0x1234abcd\",\"fingerprint\":\"0011223344556677\"}," \
	"\"sync_packets\":256,\"sync_interval_ms\":100,\"max_sas\":131072," \
	"\"margin_min\":4096,\"prepare_max\":16384,\"prepared\":0,\"spi_range\":null,\"epoch\":\"0123456789abcdef\"}"

static const char *config_text(const struct nlmsghdr *nlh, const char *sep)
{
	struct ha_config cfg;
	FILE *f = mem_open();

	config_parse(nlh, &cfg);
	config_print_text(f, &cfg, sep);
	fclose(f);
	return mem;
}

static const char *config_json(const struct nlmsghdr *nlh, bool pretty)
{
	struct ha_config cfg;
	struct json j;
	FILE *f = mem_open();

	config_parse(nlh, &cfg);
	json_init(&j, f, pretty);
	config_print_json(&j, NULL, &cfg);
	json_end(&j);
	fclose(f);
	return mem;
}

static void test_show_format(void)
{
	struct nlmsghdr *nlh;
	uint8_t g6[16] = { 0xff, 0x15, [14] = 0x77, [15] = 0x31 };

	CHECK_STR(config_text(full_config(IPSEC_HA_CMD_CONFIG_GET), "\n"),
		  FULL_TEXT_NODE "\n" FULL_TEXT_LINK "\n" FULL_TEXT_KEY "\n"
		  FULL_TEXT_EPOCH "\n");
	CHECK_STR(config_json(full_config(IPSEC_HA_CMD_CONFIG_GET), false),
		  FULL_JSON "\n");
	CHECK_STR(config_json(full_config(IPSEC_HA_CMD_CONFIG_GET), true),
		  "{\n"
		  "    \"node_id\": 1,\n"
		  "    \"link\": {\n"
		  "        \"dev\": \"ha0\",\n"
		  "        \"ifindex\": 3,\n"
		  "        \"group\": \"239.192.0.1\",\n"
		  "        \"port\": 7731,\n"
		  "        \"up\": true\n"
		  "    },\n"
		  "    \"key\": {\n"
		  "        \"id\": \"0x1234abcd\",\n"
		  "        \"fingerprint\": \"0011223344556677\"\n"
		  "    },\n"
		  "    \"sync_packets\": 256,\n"
		  "    \"sync_interval_ms\": 100,\n"
		  "    \"max_sas\": 131072,\n"
		  "    \"margin_min\": 4096,\n"
		  "    \"prepare_max\": 16384,\n"
		  "    \"prepared\": 0,\n"
		  "    \"spi_range\": null,\n"
		  "    \"epoch\": \"0123456789abcdef\"\n"
		  "}\n");

	CHECK_STR(config_text(fresh_config(), "\n"),
		  "node id none sync-packets 256 sync-interval 100 max-sas 131072 margin-min 4096 prepare-max 16384 prepared 0\n"
		  "link none\n"
		  "key none\n"
		  "epoch fedcba9876543210\n");
	CHECK_STR(config_json(fresh_config(), false),
		  "{\"node_id\":null,\"link\":null,\"key\":null,"
		  "\"sync_packets\":256,\"sync_interval_ms\":100,\"max_sas\":131072,"
		  "\"margin_min\":4096,\"prepare_max\":16384,\"prepared\":0,\"spi_range\":null,\"epoch\":\"fedcba9876543210\"}\n");

	/* an IPv6 link that is down; the key id keeps its leading zeros */
	nlh = genl_message(IPSEC_HA_CMD_CONFIG_GET);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 65535);
	mnl_attr_put_strz(nlh, IPSEC_HA_A_CONFIG_IFNAME, "ha\"1");
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_IFINDEX, 12);
	mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_GROUP6, 16, g6);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_CONFIG_PORT, 1);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_CONFIG_LINK_UP, 0);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_KEY_ID, 0xab);
	mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_KEY_FINGERPRINT, 8,
		     "\xff\xee\xdd\xcc\xbb\xaa\x99\x88");
	CHECK_STR(config_text(nlh, "; "),
		  "node id 65535; link dev ha\"1 ifindex 12 group ff15::7731 port 1 state down; "
		  "key id 0x000000ab fingerprint ffeeddccbbaa9988; epoch none\n");
	CHECK_STR(config_json(nlh, false),
		  "{\"node_id\":65535,\"link\":{\"dev\":\"ha\\\"1\",\"ifindex\":12,"
		  "\"group\":\"ff15::7731\",\"port\":1,\"up\":false},"
		  "\"key\":{\"id\":\"0x000000ab\",\"fingerprint\":\"ffeeddccbbaa9988\"},"
		  "\"sync_packets\":null,\"sync_interval_ms\":null,\"max_sas\":null,"
		  "\"margin_min\":null,\"prepare_max\":null,\"prepared\":null,\"spi_range\":null,\"epoch\":null}\n");

	/* an SPI range */
	nlh = genl_message(IPSEC_HA_CMD_CONFIG_GET);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 2);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SPI_MIN, 0x10000);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SPI_MAX, 0x1ffff);
	CHECK_STR(config_text(nlh, "; "),
		  "node id 2 spi-range 0x00010000-0x0001ffff; link none; key none; epoch none\n");
	CHECK(strstr(config_json(nlh, false), "\"spi_range\":{\"min\":65536,\"max\":131071}"));
}

static const char *event_out(const struct ctx *ctx, const struct nlmsghdr *nlh,
			     bool *printed)
{
	FILE *f = mem_open();

	*printed = monitor_print_event(ctx, f, nlh);
	fclose(f);
	return mem;
}

static void test_monitor_format(void)
{
	struct ctx text = { 0 }, json = { .json = true };
	bool printed;

	CHECK_STR(event_out(&text, full_config(IPSEC_HA_CMD_CONFIG_NTF), &printed),
		  "config: " FULL_TEXT_NODE "; " FULL_TEXT_LINK "; " FULL_TEXT_KEY
		  "; " FULL_TEXT_EPOCH "\n");
	CHECK(printed);
	CHECK_STR(event_out(&json, full_config(IPSEC_HA_CMD_CONFIG_NTF), &printed),
		  "{\"event\":\"config\",\"config\":" FULL_JSON "}\n");
	CHECK(printed);
	/* events of a newer module are skipped */
	CHECK_STR(event_out(&json, genl_message(IPSEC_HA_CMD_MAX + 1), &printed), "");
	CHECK(!printed);

	/* an EVENT_NTF: every attribute sent, SPIs in hex; unknown types as numbers */
	{
		struct nlmsghdr *nlh = genl_message(IPSEC_HA_CMD_EVENT_NTF);

		mnl_attr_put_u8(nlh, IPSEC_HA_A_EVENT_TYPE, IPSEC_HA_EVENT_TYPE_SPI_OVERLAP);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_NODE, 3);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_SPI_MIN, 0x1000);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_SPI_MAX, 0x1fff);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_OTHER_NODE, 1);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_OTHER_SPI_MIN, 0x1800);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_OTHER_SPI_MAX, 0x27ff);
		CHECK_STR(event_out(&text, nlh, &printed),
			  "spi-overlap: node 3 spi-min 0x00001000 spi-max 0x00001fff other-node 1 "
			  "other-spi-min 0x00001800 other-spi-max 0x000027ff\n");
		CHECK(printed);
		CHECK_STR(event_out(&json, nlh, &printed),
			  "{\"event\":\"spi-overlap\",\"node\":3,\"spi_min\":\"0x00001000\","
			  "\"spi_max\":\"0x00001fff\",\"other_node\":1,"
			  "\"other_spi_min\":\"0x00001800\",\"other_spi_max\":\"0x000027ff\"}\n");
		nlh = genl_message(IPSEC_HA_CMD_EVENT_NTF);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_EVENT_TYPE, 200);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_NODE, 4);
		CHECK_STR(event_out(&text, nlh, &printed), "200: node 4\n");

		nlh = genl_message(IPSEC_HA_CMD_EVENT_NTF);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_EVENT_TYPE, IPSEC_HA_EVENT_TYPE_SPI_COLLISION);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_NODE, 1);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_OTHER_NODE, 2);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_SPI, 0xc0de);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_EVENT_PROTO, 50);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_EVENT_FAMILY, AF_INET);
		mnl_attr_put(nlh, IPSEC_HA_A_EVENT_DADDR, 4, "\xc6\x33\x64\x02");
		CHECK_STR(event_out(&text, nlh, &printed),
			  "spi-collision: node 1 other-node 2 spi 0x0000c0de proto esp family inet "
			  "daddr 198.51.100.2\n");
		CHECK_STR(event_out(&json, nlh, &printed),
			  "{\"event\":\"spi-collision\",\"node\":1,\"other_node\":2,"
			  "\"spi\":\"0x0000c0de\",\"proto\":\"esp\",\"family\":\"inet\","
			  "\"daddr\":\"198.51.100.2\"}\n");

		nlh = genl_message(IPSEC_HA_CMD_EVENT_NTF);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_EVENT_TYPE, IPSEC_HA_EVENT_TYPE_PEER_LOST);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_NODE, 2);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_LAST_HEARD, 3012);
		CHECK_STR(event_out(&text, nlh, &printed), "peer-lost: node 2 last-heard 3012\n");
		nlh = genl_message(IPSEC_HA_CMD_EVENT_NTF);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_EVENT_TYPE, IPSEC_HA_EVENT_TYPE_BULK_DONE);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_NODE, 2);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_EVENT_COUNT, 1100);
		CHECK_STR(event_out(&json, nlh, &printed),
			  "{\"event\":\"bulk-done\",\"node\":2,\"count\":1100}\n");
	}
}

static void test_stats_format(void)
{
	struct ctx text = { 0 }, json = { .json = true };
	struct nlmsghdr *nlh = genl_message(IPSEC_HA_CMD_STATS_GET);
	struct ha_stats st;
	char want_text[2048] = "", want_json[2048] = "{", key[64];
	FILE *f;

	mnl_attr_put(nlh, IPSEC_HA_A_STATS_PAD, 0, NULL);
	for (unsigned int t = IPSEC_HA_A_STATS_TX_DATAGRAMS; t <= IPSEC_HA_A_STATS_MAX; t++) {
		char line[128];
		uint64_t v = t == IPSEC_HA_A_STATS_RX_BYTES ? UINT64_MAX : t * 1000;

		if (t == IPSEC_HA_A_STATS_DROP_TTL)	/* 4-byte encoding */
			mnl_attr_put_u32(nlh, t, v);
		else
			mnl_attr_put_u64(nlh, t, v);
		snprintf(line, sizeof(line), "%s %" PRIu64 "\n",
			 attrs_stats.attrs[t].name, v);
		strcat(want_text, line);
		attr_json_key(attrs_stats.attrs[t].name, key, sizeof(key));
		snprintf(line, sizeof(line), "%s\"%s\":%" PRIu64,
			 t == IPSEC_HA_A_STATS_TX_DATAGRAMS ? "" : ",", key, v);
		strcat(want_json, line);
	}
	strcat(want_json, "}\n");
	mnl_attr_put_u64(nlh, IPSEC_HA_A_STATS_MAX + 1, 9);	/* newer module */

	stats_parse(nlh, &st);
	f = mem_open();
	stats_print(&text, f, &st);
	fclose(f);
	CHECK_STR(mem, want_text);
	CHECK(strstr(mem, "tx-datagrams 2000\n") == mem);
	CHECK(strstr(mem, "drop-nomem 19000\n") != NULL);
	CHECK(strstr(mem, "drop-full 20000\ntx-nacks 21000\nrx-nacks 22000\n") != NULL);

	f = mem_open();
	stats_print(&json, f, &st);
	fclose(f);
	CHECK_STR(mem, want_json);
	CHECK(strstr(mem, "{\"tx_datagrams\":2000,") == mem);
	CHECK(strstr(mem, ",\"drop_nomem\":19000,") != NULL);
	CHECK(strstr(mem, ",\"drop_full\":20000,\"tx_nacks\":21000,\"rx_nacks\":22000,") != NULL);
}

/* ---- tables: sa list, policy list, peers ------------------------------ */

static void test_fmt(void)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 0, 1 };
	char buf[FMT_BUF];

	CHECK_STR(fmt_addr(2, v4, 4, buf, sizeof(buf)), "192.0.2.1");
	CHECK_STR(fmt_addr(10, v6, 16, buf, sizeof(buf)), "2001:db8::1");
	CHECK_STR(fmt_addr(10, mapped, 16, buf, sizeof(buf)), "::ffff:10.0.0.1");
	CHECK(fmt_addr(2, v6, 16, buf, sizeof(buf)) == NULL);	/* 16 for inet */
	CHECK(fmt_addr(10, v4, 4, buf, sizeof(buf)) == NULL);	/* 4 for inet6 */
	CHECK(fmt_addr(0, v4, 4, buf, sizeof(buf)) == NULL);
	CHECK(fmt_addr(2, NULL, 4, buf, sizeof(buf)) == NULL);

	CHECK_STR(fmt_ms(0, buf, sizeof(buf)), "0ms");
	CHECK_STR(fmt_ms(999, buf, sizeof(buf)), "999ms");
	CHECK_STR(fmt_ms(1000, buf, sizeof(buf)), "1.0s");
	CHECK_STR(fmt_ms(1234, buf, sizeof(buf)), "1.2s");
	CHECK_STR(fmt_ms(59999, buf, sizeof(buf)), "59.9s");
	CHECK_STR(fmt_ms(125000, buf, sizeof(buf)), "2m05s");
	CHECK_STR(fmt_ms(3600000 + 12 * 60000, buf, sizeof(buf)), "1h12m");
	CHECK_STR(fmt_ms(UINT32_MAX, buf, sizeof(buf)), "49d17h");

	CHECK_STR(fmt_name(fmt_sa_proto, 50, buf, sizeof(buf)), "esp");
	CHECK_STR(fmt_name(fmt_sa_proto, 51, buf, sizeof(buf)), "ah");
	CHECK_STR(fmt_name(fmt_sa_proto, 108, buf, sizeof(buf)), "comp");
	CHECK_STR(fmt_name(fmt_sa_mode, 4, buf, sizeof(buf)), "beet");
	CHECK_STR(fmt_name(fmt_sa_mode, 9, buf, sizeof(buf)), "9");
	CHECK_STR(fmt_name(fmt_policy_dir, 2, buf, sizeof(buf)), "fwd");
	CHECK_STR(fmt_name(fmt_bulk, 1, buf, sizeof(buf)), "waiting");
}

/* Print msgs (each a genetlink message) as a table, text or JSON. */
static const char *table_out(const struct dump_kind *k, const struct ctx *ctx,
			     struct nlmsghdr **msgs, int n)
{
	struct dump_out o;
	FILE *f = mem_open();

	dump_begin(&o, k, ctx, f);
	for (int i = 0; i < n; i++)
		CHECK(dump_msg(msgs[i], &o) == MNL_CB_OK);
	dump_end(&o, true);
	fclose(f);
	return mem;
}

static char msgbuf2[4096];

/* An outbound IPv4 ESP SA in tunnel mode with AEAD, owned here. */
static struct nlmsghdr *sa_v4(void *buf)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_MULTI;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = IPSEC_HA_CMD_SA_GET;
	genl->version = IPSEC_HA_FAMILY_VERSION;
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_ORIGIN, 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_ID, 17);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_OWNER, 2);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_OWNER_EPOCH, 0x89abcdef);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_LOCAL, 1);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_COLLIDES, 0);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_PROTO, 50);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_SPI, 0xc0de);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_MODE, 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_REQID, 1);
	mnl_attr_put(nlh, IPSEC_HA_A_SA_DADDR, 4, "\xc6\x33\x64\x02");
	mnl_attr_put(nlh, IPSEC_HA_A_SA_SADDR, 4, "\xc0\x00\x02\x01");
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_DIR, 2);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_ESN, 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_REPLAY_WINDOW, 128);
	mnl_attr_put(nlh, IPSEC_HA_A_SA_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_SA_OSEQ, 5000000000ULL);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_SA_SEQ, 0);
	mnl_attr_put_strz(nlh, IPSEC_HA_A_SA_AEAD, "rfc4106(gcm(aes))");
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_ICV_LEN, 128);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_MARK, 0);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_MARK_MASK, 0);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_IF_ID, 0);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_AGE, 1234);
	mnl_attr_put_u32(nlh, 200, 5);			/* from a newer module */
	return nlh;
}

#define SA_V4_TEXT \
	"owner 2 id 1/17 dir out 192.0.2.1 -> 198.51.100.2 spi 0x0000c0de " \
	"proto esp mode tunnel reqid 1 aead rfc4106(gcm(aes)) icv 128 esn " \
	"replay-window 128 oseq 5000000000 seq 0 local age 1.2s\n"
#define SA_V4_JSON \
	"{\"origin\":1,\"id\":17,\"owner\":2,\"owner_epoch\":2309737967," \
	"\"local\":true,\"collides\":false,\"family\":\"inet\",\"proto\":\"esp\"," \
	"\"spi\":\"0x0000c0de\",\"mode\":\"tunnel\",\"reqid\":1," \
	"\"daddr\":\"198.51.100.2\",\"saddr\":\"192.0.2.1\",\"dir\":\"out\"," \
	"\"esn\":true,\"replay_window\":128,\"oseq\":5000000000,\"seq\":0," \
	"\"aead\":\"rfc4106(gcm(aes))\",\"icv_len\":128,\"mark\":0," \
	"\"mark_mask\":0,\"if_id\":0,\"age\":1234}"

/* An inbound IPv6 ESP SA of another node: enc + auth, mark, if-id, NAT-T. */
static struct nlmsghdr *sa_v6(void *buf)
{
	static const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t sa[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = IPSEC_HA_CMD_SA_GET;
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_ORIGIN, 3);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_ID, 4000000000U);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_OWNER, 3);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_LOCAL, 0);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_COLLIDES, 1);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_PROTO, 50);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_SPI, 0xfedcba98);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_MODE, 4);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_REQID, 0);
	mnl_attr_put(nlh, IPSEC_HA_A_SA_DADDR, 16, d);
	mnl_attr_put(nlh, IPSEC_HA_A_SA_SADDR, 16, sa);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_DIR, 1);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_ESN, 0);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_REPLAY_WINDOW, 0);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_SA_OSEQ, 0);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_SA_SEQ, UINT64_MAX);
	mnl_attr_put_strz(nlh, IPSEC_HA_A_SA_ENC, "cbc(aes)");
	mnl_attr_put_strz(nlh, IPSEC_HA_A_SA_AUTH, "hmac(sha256)");
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_ICV_LEN, 128);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_MARK, 0x10);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_MARK_MASK, 0xff);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_IF_ID, 5);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_SA_ENCAP_TYPE, 2);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_SA_ENCAP_SPORT, 4500);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_SA_ENCAP_DPORT, 4501);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_AGE, 125000);
	return nlh;
}

#define SA_V6_TEXT \
	"owner 3 id 3/4000000000 dir in 2001:db8:1::1 -> 2001:db8::2 " \
	"spi 0xfedcba98 proto esp mode beet reqid 0 enc cbc(aes) " \
	"auth hmac(sha256) trunc 128 replay-window 0 oseq 0 " \
	"seq 18446744073709551615 mark 0x10/0xff if-id 0x5 " \
	"encap espinudp sport 4500 dport 4501 COLLISION age 2m05s\n"

static void test_sa_format(void)
{
	struct ctx text = { 0 }, json = { .json = true }, pretty = { .json = true, .pretty = true };
	struct nlmsghdr *msgs[2], *nlh;
	const char *keyish[] = { "key", "secret", "\"enc_key\"" };

	msgs[0] = sa_v4(msgbuf);
	msgs[1] = sa_v6(msgbuf2);
	CHECK_STR(table_out(&dump_sa, &text, msgs, 2), SA_V4_TEXT SA_V6_TEXT);
	CHECK_STR(table_out(&dump_sa, &json, msgs, 1), "[" SA_V4_JSON "]\n");
	CHECK_STR(table_out(&dump_sa, &json, msgs, 2),
		  "[" SA_V4_JSON ","
		  "{\"origin\":3,\"id\":4000000000,\"owner\":3,\"local\":false,"
		  "\"collides\":true,\"family\":\"inet6\",\"proto\":\"esp\","
		  "\"spi\":\"0xfedcba98\",\"mode\":\"beet\",\"reqid\":0,"
		  "\"daddr\":\"2001:db8::2\",\"saddr\":\"2001:db8:1::1\","
		  "\"dir\":\"in\",\"esn\":false,\"replay_window\":0,\"oseq\":0,"
		  "\"seq\":18446744073709551615,\"enc\":\"cbc(aes)\","
		  "\"auth\":\"hmac(sha256)\",\"icv_len\":128,\"mark\":16,"
		  "\"mark_mask\":255,\"if_id\":5,\"encap_type\":\"espinudp\","
		  "\"encap_sport\":4500,\"encap_dport\":4501,\"age\":125000}]\n");
	for (size_t i = 0; i < sizeof(keyish) / sizeof(keyish[0]); i++)
		CHECK(!strstr(mem, keyish[i]));

	/* pretty: one key per line, objects in an array */
	table_out(&dump_sa, &pretty, msgs, 2);
	CHECK(!strncmp(mem, "[\n    {\n        \"origin\": 1,\n        \"id\": 17,\n", 45));
	CHECK(strstr(mem, "        \"age\": 1234\n    },\n    {\n        \"origin\": 3,\n"));
	CHECK(strstr(mem, "        \"age\": 125000\n    }\n]\n"));

	/* addresses that do not fit the family: "?" and null */
	nlh = sa_v4(msgbuf);
	nlh->nlmsg_len = mnl_nlmsg_size(GENL_HDRLEN);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_FAMILY, AF_INET);
	mnl_attr_put(nlh, IPSEC_HA_A_SA_DADDR, 16, "0123456789abcdef");
	mnl_attr_put(nlh, IPSEC_HA_A_SA_SADDR, 4, "\x0a\x00\x00\x01");
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_PROTO, 51);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_MODE, 9);
	mnl_attr_put_strz(nlh, IPSEC_HA_A_SA_AUTH, "hmac(sha1)");
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_ICV_LEN, 96);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_SPI, 1);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_SA_ENCAP_TYPE, 0);	/* none */
	mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_MARK, 7);		/* no mask */
	mnl_attr_put_strz(nlh, IPSEC_HA_A_SA_COMP, "");		/* empty: ignored */
	mnl_attr_put(nlh, IPSEC_HA_A_SA_ENC, 3, "abc");		/* no NUL: ignored */
	msgs[0] = nlh;
	CHECK_STR(table_out(&dump_sa, &text, msgs, 1),
		  "10.0.0.1 -> ? spi 0x00000001 proto ah mode 9 auth hmac(sha1) trunc 96 mark 0x7\n");
	CHECK_STR(table_out(&dump_sa, &json, msgs, 1),
		  "[{\"family\":\"inet\",\"proto\":\"ah\",\"spi\":\"0x00000001\","
		  "\"mode\":\"9\",\"daddr\":null,\"saddr\":\"10.0.0.1\","
		  "\"auth\":\"hmac(sha1)\",\"icv_len\":96,\"mark\":7,"
		  "\"encap_type\":\"0\"}]\n");

	/* IPComp */
	nlh = sa_v4(msgbuf);
	nlh->nlmsg_len = mnl_nlmsg_size(GENL_HDRLEN);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_SA_PROTO, 108);
	mnl_attr_put_strz(nlh, IPSEC_HA_A_SA_COMP, "deflate");
	msgs[0] = nlh;
	CHECK_STR(table_out(&dump_sa, &text, msgs, 1), "? -> ? proto comp comp deflate\n");
}

static struct nlmsghdr *policy_msg(void *buf, bool v6)
{
	static const uint8_t s6[16] = { 0xfd, [15] = 0 }, d6[16] = { 0xfd, 1 };
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(buf);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = IPSEC_HA_CMD_POLICY_GET;
	mnl_attr_put_u32(nlh, IPSEC_HA_A_POLICY_ORIGIN, 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_POLICY_ID, 3);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_POLICY_OWNER, v6 ? 2 : 1);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_POLICY_LOCAL, !v6);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_POLICY_DIR, v6 ? 2 : 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_POLICY_INDEX, 4033);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_POLICY_PRIORITY, 100);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_POLICY_ACTION, v6);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_POLICY_FAMILY, v6 ? AF_INET6 : AF_INET);
	if (v6) {
		mnl_attr_put(nlh, IPSEC_HA_A_POLICY_SRC, 16, s6);
		mnl_attr_put(nlh, IPSEC_HA_A_POLICY_DST, 16, d6);
	} else {
		mnl_attr_put(nlh, IPSEC_HA_A_POLICY_SRC, 4, "\x0a\x00\x00\x00");
		mnl_attr_put(nlh, IPSEC_HA_A_POLICY_DST, 4, "\x0a\x01\x00\x00");
	}
	mnl_attr_put_u8(nlh, IPSEC_HA_A_POLICY_PREFIXLEN_S, v6 ? 8 : 24);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_POLICY_PREFIXLEN_D, v6 ? 16 : 24);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_POLICY_SEL_PROTO, v6 ? 6 : 0);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_POLICY_TMPLS, !v6);
	return nlh;
}

static void test_policy_format(void)
{
	struct ctx text = { 0 }, json = { .json = true };
	struct nlmsghdr *msgs[2] = { policy_msg(msgbuf, false), policy_msg(msgbuf2, true) };

	CHECK_STR(table_out(&dump_policy, &text, msgs, 2),
		  "owner 1 id 1/3 dir out 10.0.0.0/24 -> 10.1.0.0/24 proto any "
		  "action allow priority 100 index 4033 tmpls 1 local\n"
		  "owner 2 id 1/3 dir fwd fd00::/8 -> fd01::/16 proto tcp "
		  "action block priority 100 index 4033 tmpls 0\n");
	CHECK_STR(table_out(&dump_policy, &json, msgs, 1),
		  "[{\"origin\":1,\"id\":3,\"owner\":1,\"local\":true,\"dir\":\"out\","
		  "\"index\":4033,\"priority\":100,\"action\":\"allow\","
		  "\"family\":\"inet\",\"src\":\"10.0.0.0\",\"dst\":\"10.1.0.0\","
		  "\"prefixlen_s\":24,\"prefixlen_d\":24,\"sel_proto\":0,\"tmpls\":1}]\n");
}

static struct nlmsghdr *peer_msg(void *buf, uint32_t node)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(buf);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = IPSEC_HA_CMD_PEER_GET;
	mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_NODE_ID, node);
	mnl_attr_put(nlh, IPSEC_HA_A_PEER_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_PEER_EPOCH, 0x0123456789abcdefULL);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_PEER_LAST_SEQ, 1234);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_LAST_HEARD, 1234);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_PEER_DATAGRAMS, 1240);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_PEER_GAPS, 3);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_PEER_RESENDS, 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_OBJECTS, 512);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_PEER_BULK, 2);
	return nlh;
}

static void test_peer_format(void)
{
	struct ctx text = { 0 }, json = { .json = true }, pretty = { .json = true, .pretty = true };
	struct nlmsghdr *msgs[1] = { peer_msg(msgbuf, 2) };

	CHECK_STR(table_out(&dump_peer, &text, msgs, 1),
		  "node 2 epoch 0123456789abcdef last-seq 1234 last-heard 1.2s ago "
		  "datagrams 1240 gaps 3 resends 1 objects 512 bulk complete\n");
	{
		struct nlmsghdr *nlh = peer_msg(msgbuf2, 3);
		struct nlmsghdr *two[1] = { nlh };

		mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_SPI_MIN, 0x10000);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_SPI_MAX, 0x1ffff);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_PEER_SPI_OVERLAP, 1);
		CHECK(strstr(table_out(&dump_peer, &text, two, 1),
			     " bulk complete spi-range 0x00010000-0x0001ffff OVERLAP\n"));
		CHECK(strstr(table_out(&dump_peer, &json, two, 1),
			     "\"bulk\":\"complete\",\"spi_min\":65536,\"spi_max\":131071,"
			     "\"spi_overlap\":true}]\n"));
	}
	CHECK_STR(table_out(&dump_peer, &json, msgs, 1),
		  "[{\"node_id\":2,\"epoch\":\"0123456789abcdef\",\"last_seq\":1234,"
		  "\"last_heard\":1234,\"datagrams\":1240,\"gaps\":3,\"resends\":1,"
		  "\"objects\":512,\"bulk\":\"complete\"}]\n");
	CHECK_STR(table_out(&dump_peer, &pretty, msgs, 1),
		  "[\n"
		  "    {\n"
		  "        \"node_id\": 2,\n"
		  "        \"epoch\": \"0123456789abcdef\",\n"
		  "        \"last_seq\": 1234,\n"
		  "        \"last_heard\": 1234,\n"
		  "        \"datagrams\": 1240,\n"
		  "        \"gaps\": 3,\n"
		  "        \"resends\": 1,\n"
		  "        \"objects\": 512,\n"
		  "        \"bulk\": \"complete\"\n"
		  "    }\n"
		  "]\n");
}

static void test_table_empty(void)
{
	struct ctx text = { 0 }, json = { .json = true }, pretty = { .json = true, .pretty = true };
	struct dump_out o;
	FILE *f;

	CHECK_STR(table_out(&dump_sa, &text, NULL, 0), "");
	CHECK_STR(table_out(&dump_sa, &json, NULL, 0), "[]\n");
	CHECK_STR(table_out(&dump_policy, &pretty, NULL, 0), "[]\n");
	CHECK_STR(table_out(&dump_peer, &json, NULL, 0), "[]\n");

	/* refused before any object: nothing; after some: a closed array */
	f = mem_open();
	dump_begin(&o, &dump_peer, &json, f);
	dump_end(&o, false);
	fclose(f);
	CHECK_STR(mem, "");
	f = mem_open();
	dump_begin(&o, &dump_peer, &json, f);
	dump_msg(peer_msg(msgbuf, 7), &o);
	dump_end(&o, false);
	fclose(f);
	CHECK(mem[0] == '[' && !strcmp(mem + strlen(mem) - 3, "}]\n"));
}

/*
 * A dump of n SAs as the kernel sends it: datagrams of up to 32 KiB of
 * NLM_F_MULTI messages, then NLMSG_DONE, run through libmnl as genl.c
 * does, into the table printer. Returns the seconds it took, or -1.
 */
static double dump_n(unsigned long n, const struct ctx *ctx, unsigned long *count)
{
	static char dgram[32768];
	struct timespec t0, t1;
	struct dump_out o;
	size_t used = 0;
	FILE *f = fopen("/dev/null", "w");
	int ret = MNL_CB_OK;

	if (!f)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dump_begin(&o, &dump_sa, ctx, f);
	for (unsigned long i = 0; i <= n && ret == MNL_CB_OK; i++) {
		struct nlmsghdr *nlh;

		if (i < n) {
			nlh = sa_v4(msgbuf);
			mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_SPI, (uint32_t)i);
		} else {
			nlh = mnl_nlmsg_put_header(msgbuf);
			nlh->nlmsg_type = NLMSG_DONE;
			nlh->nlmsg_flags = NLM_F_MULTI;
			*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
		}
		nlh->nlmsg_seq = 42;
		if (used + nlh->nlmsg_len > sizeof(dgram)) {
			ret = mnl_cb_run(dgram, used, 42, 0, dump_msg, &o);
			used = 0;
			if (ret != MNL_CB_OK)
				break;
		}
		memcpy(dgram + used, nlh, nlh->nlmsg_len);
		used += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (ret == MNL_CB_OK)
		ret = mnl_cb_run(dgram, used, 42, 0, dump_msg, &o);
	dump_end(&o, ret == MNL_CB_STOP);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fclose(f);
	*count = o.count;
	if (ret != MNL_CB_STOP)
		return -1;
	return (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void test_table_large(void)
{
	struct ctx text = { 0 }, json = { .json = true };
	unsigned long count;
	double small, large;

	/* 100,000 SAs: all printed, in time linear in their number */
	small = dump_n(10000, &text, &count);
	CHECK(small >= 0 && count == 10000);
	large = dump_n(100000, &text, &count);
	CHECK(large >= 0 && count == 100000);
	printf("# text: 10,000 SAs %.3fs, 100,000 SAs %.3fs\n", small, large);
	CHECK(large < 30 * small + 0.5);	/* quadratic would be 100 times */
	large = dump_n(100000, &json, &count);
	CHECK(large >= 0 && count == 100000);
	printf("# json: 100,000 SAs %.3fs\n", large);
}

/* ---- ike ---------------------------------------------------------------- */

static int ike_args(struct ike_req *r, const char *line, uint32_t allowed,
		    bool in_file, char *err, size_t errlen)
{
	static char buf[2048];
	char *words[64];
	int n;

	memset(r, 0, sizeof(*r));
	snprintf(buf, sizeof(buf), "%s", line);
	n = ike_split_line(buf, words, 64);
	if (n < 0)
		return -2;
	return ike_parse_args(r, n, words, allowed, in_file, err, errlen);
}

static void test_ike_parse_args(void)
{
	static struct ike_req r;
	char err[512];

	CHECK(!ike_args(&r, "spi-i 0x0123456789abcdef spi-r 42 local 192.0.2.1 "
			"remote 198.51.100.2 local-port 4500 remote-port 4501 version 2 "
			"role initiator encr aes-gcm-16 keylen 256 integ none prf hmac-sha2-256 "
			"dh-group ecp256 ext nat-t,mobike id-i fqdn gw1.example.com "
			"id-r ipv4-addr 198.51.100.2 mid-send 5 mid-recv 7 child 0xc001,0xc002 "
			"child 3 secrets file /x", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(r.spi_i == 0x0123456789abcdefULL && r.spi_r == 42);
	CHECK(r.family == AF_INET && r.remote_family == AF_INET);
	CHECK(!memcmp(r.local, "\xc0\x00\x02\x01", 4));
	CHECK(r.local_port == 4500 && r.remote_port == 4501 && r.version == 2);
	CHECK(r.initiator == 1 && r.encr == 20 && r.keylen == 256 && r.integ == 0);
	CHECK(r.prf == 5 && r.dh_group == 19);
	CHECK(r.ext == (IPSEC_HA_IKE_EXT_NAT_T | IPSEC_HA_IKE_EXT_MOBIKE));
	CHECK(r.id_i.type == 2 && r.id_i.len == 15 && !memcmp(r.id_i.val, "gw1.example.com", 15));
	CHECK(r.id_r.type == 1 && r.id_r.len == 4);
	CHECK(r.mid_send == 5 && r.mid_recv == 7);
	CHECK(r.nr_child == 3 && r.child[0] == 0xc001 && r.child[2] == 3);
	CHECK_STR(r.secrets_path, "/x");

	/* numbers for algorithms, IPv6, hex IDs, role responder */
	CHECK(!ike_args(&r, "spi-i 1 spi-r 2 local 2001:db8::1 remote 2001:db8::2 encr 12 "
			"role responder id-i key-id 0x0102 id-r 99 abcd ext none secrets -",
			IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(r.family == AF_INET6 && r.encr == 12 && r.initiator == 0 && r.ext == 0);
	CHECK(r.id_i.type == 11 && r.id_i.len == 2 && r.id_r.type == 99 && r.id_r.len == 2);
	CHECK_STR(r.secrets_path, "-");

	/* secrets never on the command line, in any spelling */
	CHECK(ike_args(&r, "spi-i 1 sk_d=0011", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(strstr(err, "never taken from the command line"));
	CHECK(ike_args(&r, "spi-i 1 nonce-i 0011", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(strstr(err, "never taken from the command line"));
	CHECK(ike_args(&r, "spi-i 1 sk_pr", IKE_KW_ADD, false, err, sizeof(err)));
	/* ... but on a batch line, yes */
	CHECK(!ike_args(&r, "spi-i 1 sk_d=0011 nonce_i=0xabcd", IKE_KW_ADD, true, err, sizeof(err)));
	CHECK(r.secret_len[IKE_SK_D] == 2 && r.secret[IKE_SK_D][1] == 0x11);
	CHECK(r.secret_len[IKE_NONCE_I] == 2 && r.secret[IKE_NONCE_I][0] == 0xab);
	CHECK(ike_args(&r, "spi-i 1 secrets -", IKE_KW_ADD, true, err, sizeof(err)));
	CHECK(strstr(err, "standard input is the batch itself"));

	/* forms of values; the kernel checks ranges */
	CHECK(!ike_args(&r, "version 9 child 0 spi-i 0", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(ike_args(&r, "spi-i 0x10000000000000000", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(strstr(err, "invalid spi-i"));
	CHECK(ike_args(&r, "local gw1", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(ike_args(&r, "role boss", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(ike_args(&r, "encr rot13", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(ike_args(&r, "ext nat-t,bogus", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(ike_args(&r, "id-i fqdn", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(strstr(err, "missing value"));
	CHECK(ike_args(&r, "id-i ipv4-addr 2001:db8::1", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(ike_args(&r, "id-i key-id xyz", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(ike_args(&r, "child 1,x", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(ike_args(&r, "spi-i 1 spi-i 2", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(strstr(err, "given twice"));
	CHECK(ike_args(&r, "spi-i", IKE_KW_ADD, false, err, sizeof(err)));
	CHECK(strstr(err, "missing value after 'spi-i'"));
	CHECK(ike_args(&r, "secrets file", IKE_KW_ADD, false, err, sizeof(err)));

	/* what set and del take */
	CHECK(!ike_args(&r, "spi-i 1 spi-r 2 mid-send 3 mid-recv 4 child 5",
			IKE_KW_SET, false, err, sizeof(err)));
	CHECK(ike_args(&r, "spi-i 1 spi-r 2 local 192.0.2.1", IKE_KW_SET, false, err, sizeof(err)));
	CHECK(strstr(err, "unknown keyword 'local'"));
	CHECK(ike_args(&r, "spi-i 1 spi-r 2 mid-send 3", IKE_KW_DEL, false, err, sizeof(err)));
	CHECK(ike_args(&r, "spi-i 1 secrets -", IKE_KW_SET, false, err, sizeof(err)));
}

static void test_ike_parse_secrets(void)
{
	static struct ike_req r;
	static const char good[] =
		"# IKE SA 1\nnonce_i=000102 nonce_r=0xA0a1\r\n sk_d=ff\tsk_ai=01 # tail\n"
		"sk_ar=02\nsk_ei=03\nsk_er=04\nsk_pi=05\nsk_pr=0607\n";
	char err[512];
	char big[2 * IKE_SECRET_BUF + 16];

	memset(&r, 0, sizeof(r));
	CHECK(!ike_parse_secrets(&r, good, sizeof(good) - 1, err, sizeof(err)));
	CHECK(r.secret_len[IKE_NONCE_I] == 3 && r.secret[IKE_NONCE_I][2] == 2);
	CHECK(r.secret_len[IKE_NONCE_R] == 2 && r.secret[IKE_NONCE_R][0] == 0xa0);
	CHECK(r.secret_len[IKE_SK_D] == 1 && r.secret[IKE_SK_D][0] == 0xff);
	CHECK(r.secret_len[IKE_SK_PR] == 2 && r.secret[IKE_SK_PR][1] == 7);
	ike_req_wipe(&r);
	CHECK(!r.secret_len[IKE_SK_PR] && !r.secret[IKE_SK_PR][1]);

	memset(&r, 0, sizeof(r));
	CHECK(!ike_parse_secrets(&r, "", 0, err, sizeof(err)));
	CHECK(ike_parse_secrets(&r, "sk_d=00 sk_d=01", 15, err, sizeof(err)));
	CHECK(strstr(err, "sk_d given twice"));
	memset(&r, 0, sizeof(r));
	CHECK(ike_parse_secrets(&r, "sk_d=abc", 8, err, sizeof(err)));
	CHECK(strstr(err, "sk_d") && !strstr(err, "abc"));	/* never the bytes */
	CHECK(ike_parse_secrets(&r, "sk_q=00", 7, err, sizeof(err)));
	CHECK(ike_parse_secrets(&r, "sk_d", 4, err, sizeof(err)));
	CHECK(ike_parse_secrets(&r, "sk_d=", 5, err, sizeof(err)));
	CHECK(ike_parse_secrets(&r, "sk_d=00\0", 8, err, sizeof(err)));
	CHECK(strstr(err, "NUL"));
	/* the tool's buffer bounds what it reads; the kernel bounds the rest */
	memset(&r, 0, sizeof(r));
	strcpy(big, "nonce_i=");
	memset(big + 8, 'a', 2 * 257);
	CHECK(!ike_parse_secrets(&r, big, 8 + 2 * 257, err, sizeof(err)));
	CHECK(r.secret_len[IKE_NONCE_I] == 257);
	memset(&r, 0, sizeof(r));
	memset(big + 8, 'a', 2 * IKE_SECRET_BUF + 2);
	CHECK(ike_parse_secrets(&r, big, 8 + 2 * IKE_SECRET_BUF + 2, err, sizeof(err)));
	CHECK(ike_is_secret_word("sk-ai=00") && ike_is_secret_word("nonce_r") &&
	      !ike_is_secret_word("spi-i") && !ike_is_secret_word("sk"));
}

static void test_ike_split_line(void)
{
	char line[] = "  spi-i 1\tspi-r 2 # comment sk_d=00\n";
	char line2[] = "# only a comment\n", line3[] = "a b c";
	char *w[4];

	CHECK(ike_split_line(line, w, 4) == 4);
	CHECK_STR(w[0], "spi-i");
	CHECK_STR(w[3], "2");
	CHECK(ike_split_line(line2, w, 4) == 0);
	CHECK(ike_split_line(line3, w, 2) == -1);
}

static struct nlmsghdr *ike_msg_build(void *buf, bool export)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(buf);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = export ? IPSEC_HA_CMD_IKE_EXPORT : IPSEC_HA_CMD_IKE_GET;
	mnl_attr_put_u64(nlh, IPSEC_HA_A_IKE_SPI_I, 0x0123456789abcdefULL);
	mnl_attr_put_u64(nlh, IPSEC_HA_A_IKE_SPI_R, 0xfedcba9876543210ULL);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_OWNER, 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_OWNER_EPOCH, 0);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_LOCAL, 1);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_VERSION, 2);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_INITIATOR, 1);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_FAMILY, AF_INET);
	mnl_attr_put(nlh, IPSEC_HA_A_IKE_LOCAL_ADDR, 4, "\xc0\x00\x02\x01");
	mnl_attr_put(nlh, IPSEC_HA_A_IKE_REMOTE_ADDR, 4, "\xc6\x33\x64\x02");
	mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_LOCAL_PORT, 500);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_REMOTE_PORT, 4500);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_ENCR, 20);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_ENCR_KEYLEN, 256);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_INTEG, 0);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_PRF, 5);
	mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_DH_GROUP, 19);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_EXTENSIONS, IPSEC_HA_IKE_EXT_NAT_T);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_MID_SEND, 5);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_MID_RECV, 7);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_TAKEOVERS, 1);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_AGE, 1234);
	mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_ID_I_TYPE, 2);
	mnl_attr_put(nlh, IPSEC_HA_A_IKE_ID_I, 7, "gw1.net");
	mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_ID_R_TYPE, 11);
	mnl_attr_put(nlh, IPSEC_HA_A_IKE_ID_R, 2, "\x01\xff");
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_CHILD_SPI, 0xc001);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_CHILD_SPI, 0xc002);
	if (export) {
		mnl_attr_put(nlh, IPSEC_HA_A_IKE_NONCE_I, 3, "\xaa\xbb\xcc");
		mnl_attr_put(nlh, IPSEC_HA_A_IKE_SK_D, 2, "\x5e\xc4");
		mnl_attr_put(nlh, IPSEC_HA_A_IKE_SK_PR, 1, "\x99");
	}
	return nlh;
}

static const char *ike_out_of(struct nlmsghdr *nlh, bool json, bool export)
{
	static struct ike_out o;
	FILE *f = mem_open();

	ike_out_begin(&o, f, json, false, export);
	CHECK(ike_out_msg(nlh, &o) == MNL_CB_OK);
	ike_out_end(&o, true);
	fclose(f);
	return mem;
}

#define IKE_JSON_COMMON \
	"{\"spi_i\":\"0x0123456789abcdef\",\"spi_r\":\"0xfedcba9876543210\"," \
	"\"owner\":1,\"owner_epoch\":0,\"local\":true,\"version\":2,\"initiator\":true," \
	"\"family\":\"inet\",\"local_addr\":\"192.0.2.1\",\"local_port\":500," \
	"\"remote_addr\":\"198.51.100.2\",\"remote_port\":4500,\"encr\":\"aes-gcm-16\"," \
	"\"encr_keylen\":256,\"integ\":\"none\",\"prf\":\"hmac-sha2-256\"," \
	"\"dh_group\":\"ecp256\",\"extensions\":[\"nat-t\"],\"id_i_type\":\"fqdn\"," \
	"\"id_i\":\"gw1.net\""

static void test_ike_format(void)
{
	struct nlmsghdr *nlh;
	char buf[128];

	nlh = ike_msg_build(msgbuf, false);
	CHECK_STR(ike_out_of(nlh, false, false),
		  "owner 1 spi-i 0x0123456789abcdef spi-r 0xfedcba9876543210 version 2 "
		  "role initiator 192.0.2.1[500] -> 198.51.100.2[4500] encr aes-gcm-16 "
		  "keylen 256 prf hmac-sha2-256 dh-group ecp256 ext nat-t id-i fqdn gw1.net "
		  "id-r key-id 0x01ff mid-send 5 mid-recv 7 child 0x0000c001,0x0000c002 "
		  "takeovers 1 local age 1.2s\n");
	CHECK_STR(ike_out_of(nlh, true, false),
		  "[" IKE_JSON_COMMON ",\"id_r_type\":\"key-id\",\"id_r\":\"0x01ff\","
		  "\"mid_send\":5,\"mid_recv\":7,\"child_spi\":[\"0x0000c001\",\"0x0000c002\"],"
		  "\"takeovers\":1,\"age\":1234}]\n");

	nlh = ike_msg_build(msgbuf, true);
	ike_out_of(nlh, false, true);	/* export is JSON, whatever -j says */
	CHECK(!strncmp(mem, "[" IKE_JSON_COMMON ",\"id_i_hex\":\"6777312e6e6574\",", 30));
	CHECK(strstr(mem, IKE_JSON_COMMON ",\"id_i_hex\":\"6777312e6e6574\","));
	CHECK(strstr(mem, "\"id_r_hex\":\"01ff\""));
	CHECK(strstr(mem, "\"encr_id\":20,\"integ_id\":0,\"prf_id\":5,\"dh_group_id\":19,"
			  "\"id_i_type_id\":2,\"id_r_type_id\":11,"));
	CHECK(strstr(mem, "\"message_id_sync\":{\"expected_send_req_message_id\":5,"
			  "\"expected_recv_req_message_id\":7}"));
	CHECK(strstr(mem, "\"nonce_i\":\"aabbcc\",\"sk_d\":\"5ec4\",\"sk_pr\":\"99\"}]\n"));
	/* list never prints secrets, even if the kernel sent some */
	ike_out_of(nlh, true, false);
	CHECK(!strstr(mem, "aabbcc") && !strstr(mem, "5ec4") && !strstr(mem, "nonce"));
	ike_out_of(nlh, false, false);
	CHECK(!strstr(mem, "aabbcc") && !strstr(mem, "5ec4") && !strstr(mem, "nonce"));

	CHECK_STR(ike_ext_format(7, buf, sizeof(buf)), "nat-t,mobike,eap");
	CHECK_STR(ike_ext_format(0x12, buf, sizeof(buf)), "mobike,0x10");
	CHECK_STR(ike_id_format(5, (const uint8_t *)"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1",
				16, buf, sizeof(buf)), "2001:db8::1");
	CHECK_STR(ike_id_format(2, (const uint8_t *)"a b", 3, buf, sizeof(buf)), "0x612062");
	CHECK_STR(ike_id_format(3, (const uint8_t *)"me@x", 4, buf, sizeof(buf)), "me@x");
	CHECK_STR(ike_id_format(1, (const uint8_t *)"\1\2", 2, buf, sizeof(buf)), "0x0102");
}

/* ---- filters and shares ------------------------------------------------ */

/* filter_parse of a line of words; its error (or "") in err. */
static int filt(struct list_filter *f, unsigned int allowed, const char *line,
		char *err, size_t errlen)
{
	static char buf[256];
	char *words[16], *save = NULL, *w;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " ", &save); w && n < 16; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	err[0] = '\0';
	return filter_parse(f, allowed, n, words, err, errlen);
}

static void test_filter_parse(void)
{
	struct list_filter f;
	char err[128];

	CHECK(!filt(&f, FILTER_ALL, "", err, sizeof(err)) && f.have == 0);
	CHECK(!filt(&f, FILTER_ALL, "spi 0xc0de", err, sizeof(err)) &&
	      f.have == FILTER_SPI && f.spi == 0xc0de);
	CHECK(!filt(&f, FILTER_ALL, "spi 4294967295", err, sizeof(err)) && f.spi == UINT32_MAX);
	CHECK(!filt(&f, FILTER_ALL, "peer 198.51.100.2", err, sizeof(err)) &&
	      f.have == FILTER_PEER && f.peer.family == AF_INET &&
	      f.peer.v4 == htonl(0xc6336402));
	CHECK(!filt(&f, FILTER_ALL, "peer 2001:db8::2", err, sizeof(err)) &&
	      f.peer.family == AF_INET6 && f.peer.v6[0] == 0x20 && f.peer.v6[15] == 2);
	CHECK(!filt(&f, FILTER_ALL, "owner 3", err, sizeof(err)) &&
	      f.have == FILTER_OWNER && f.owner == 3 && !f.owner_local);
	CHECK(!filt(&f, FILTER_ALL, "owner local", err, sizeof(err)) && f.owner_local);
	/* combined, in any order, keywords abbreviated */
	CHECK(!filt(&f, FILTER_ALL, "o 2 p 10.0.0.1 s 17", err, sizeof(err)) &&
	      f.have == FILTER_ALL && f.owner == 2 && f.spi == 17 &&
	      f.peer.v4 == htonl(0x0a000001));

	CHECK(filt(&f, FILTER_ALL, "bogus 1", err, sizeof(err)));
	CHECK_STR(err, "unknown filter 'bogus'");
	CHECK(filt(&f, FILTER_ALL, "spi", err, sizeof(err)));
	CHECK_STR(err, "missing value after 'spi'");
	CHECK(filt(&f, FILTER_ALL, "spi 1 spi 2", err, sizeof(err)));
	CHECK_STR(err, "spi given twice");
	CHECK(filt(&f, FILTER_ALL, "spi -1", err, sizeof(err)));
	CHECK_STR(err, "spi '-1': not a 32-bit number (decimal or 0x hex)");
	CHECK(filt(&f, FILTER_ALL, "spi 0x100000000", err, sizeof(err)));
	CHECK(filt(&f, FILTER_ALL, "peer 10.0.0", err, sizeof(err)));
	CHECK_STR(err, "peer '10.0.0': not an IPv4 or IPv6 address");
	CHECK(filt(&f, FILTER_ALL, "peer 10.0.0.0/24", err, sizeof(err)));
	CHECK(filt(&f, FILTER_ALL, "owner me", err, sizeof(err)));
	CHECK_STR(err, "owner 'me': not a node id or 'local'");
	CHECK(filt(&f, FILTER_ALL, "owner -1", err, sizeof(err)));
	CHECK(filt(&f, FILTER_PEER | FILTER_OWNER, "spi 1", err, sizeof(err)));
	CHECK_STR(err, "no spi filter here (it has no spi)");
	CHECK(filt(&f, FILTER_ALL, "peer 10.0.0.1 x", err, sizeof(err)));
	CHECK_STR(err, "unknown filter 'x'");
}

/* Print msgs as a table, only those matching the filter line. */
static const char *filtered(const struct dump_kind *k, const struct ctx *ctx,
			    const char *line, struct nlmsghdr **msgs, int n)
{
	struct list_filter f;
	struct dump_out o;
	char err[128];
	FILE *f_out;

	CHECK(!filt(&f, FILTER_ALL, line, err, sizeof(err)));
	f_out = mem_open();
	dump_begin(&o, k, ctx, f_out);
	o.filter = &f;
	for (int i = 0; i < n; i++)
		CHECK(dump_msg(msgs[i], &o) == MNL_CB_OK);
	dump_end(&o, true);
	fclose(f_out);
	return mem;
}

static void test_filter_match(void)
{
	struct ctx text = { 0 }, json = { .json = true };
	struct nlmsghdr *msgs[2];
	struct list_filter f;
	struct ike_out *io;
	char err[128];
	FILE *out;

	/* SAs: sa_v4 is node 2's (local), sa_v6 node 3's */
	msgs[0] = sa_v4(msgbuf);
	msgs[1] = sa_v6(msgbuf2);
	CHECK_STR(filtered(&dump_sa, &text, "", msgs, 2), SA_V4_TEXT SA_V6_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "spi 0xc0de", msgs, 2), SA_V4_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "spi 4275878552", msgs, 2), SA_V6_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "spi 0xc0df", msgs, 2), "");
	CHECK_STR(filtered(&dump_sa, &json, "spi 0xc0df", msgs, 2), "[]\n");
	CHECK_STR(filtered(&dump_sa, &json, "spi 0xc0de", msgs, 2), "[" SA_V4_JSON "]\n");
	CHECK_STR(filtered(&dump_sa, &text, "peer 192.0.2.1", msgs, 2), SA_V4_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "peer 198.51.100.2", msgs, 2), SA_V4_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "peer 2001:db8::2", msgs, 2), SA_V6_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "peer 2001:db8:1::1", msgs, 2), SA_V6_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "peer 2001:db8::3", msgs, 2), "");
	CHECK_STR(filtered(&dump_sa, &text, "peer 192.0.2.2", msgs, 2), "");
	/* an IPv4 address never matches an IPv6 SA (nor the reverse) */
	CHECK_STR(filtered(&dump_sa, &text, "peer ::ffff:192.0.2.1", msgs, 2), "");
	CHECK_STR(filtered(&dump_sa, &text, "owner 3", msgs, 2), SA_V6_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "owner 2", msgs, 2), SA_V4_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "owner local", msgs, 2), SA_V4_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "owner 1", msgs, 2), "");
	CHECK_STR(filtered(&dump_sa, &text, "owner 3 spi 0xfedcba98 peer 2001:db8::2",
			   msgs, 2), SA_V6_TEXT);
	CHECK_STR(filtered(&dump_sa, &text, "owner 3 spi 0xc0de", msgs, 2), "");

	/* policies: the selector covers the peer (10.0.0.0/24 -> 10.1.0.0/24) */
	msgs[0] = policy_msg(msgbuf, false);
	msgs[1] = policy_msg(msgbuf2, true);
	CHECK(!strncmp(filtered(&dump_policy, &text, "peer 10.1.0.200", msgs, 2),
		       "owner 1 ", 8) && !strchr(mem, '\n')[1]);
	CHECK(!strncmp(filtered(&dump_policy, &text, "peer 10.0.0.0", msgs, 2),
		       "owner 1 ", 8));
	CHECK_STR(filtered(&dump_policy, &text, "peer 10.0.1.1", msgs, 2), "");
	CHECK(!strncmp(filtered(&dump_policy, &text, "peer fd01:0:ff::1", msgs, 2),
		       "owner 2 ", 8));	/* fd01::/16 */
	CHECK(!strncmp(filtered(&dump_policy, &text, "peer fd55::1", msgs, 2),
		       "owner 2 ", 8));	/* fd00::/8 */
	CHECK_STR(filtered(&dump_policy, &text, "peer fe00::1", msgs, 2), "");
	CHECK_STR(filtered(&dump_policy, &json, "owner 2 peer 10.1.0.1", msgs, 2), "[]\n");
	filtered(&dump_policy, &json, "owner local", msgs, 2);
	CHECK(!strncmp(mem, "[{\"origin\":1,\"id\":3,\"owner\":1,", 30) &&
	      !strstr(mem, "\"owner\":2"));

	/* IKE contexts: remote 198.51.100.2, CHILD SPIs 0xc001 and 0xc002, owner 1 */
	io = calloc(1, sizeof(*io));
	CHECK(io != NULL);
	if (!io)
		return;
	{
		static const struct { const char *line; bool match; } cases[] = {
			{ "", true },
			{ "peer 198.51.100.2", true },
			{ "peer 192.0.2.1", false },	/* the local address */
			{ "spi 0xc002", true },
			{ "spi 49153", true },
			{ "spi 0xc003", false },
			{ "owner 1", true },
			{ "owner local", true },
			{ "owner 2", false },
			{ "spi 0xc001 peer 198.51.100.2 owner 1", true },
			{ "spi 0xc001 peer 198.51.100.3", false },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			CHECK(!filt(&f, FILTER_ALL, cases[i].line, err, sizeof(err)));
			out = mem_open();
			ike_out_begin(io, out, true, false, false);
			io->filter = &f;
			CHECK(ike_out_msg(ike_msg_build(msgbuf, false), io) == MNL_CB_OK);
			ike_out_end(io, true);
			fclose(out);
			if (!check(cases[i].match ? strlen(mem) > 3 : !strcmp(mem, "[]\n"),
				   cases[i].line, __FILE__, __LINE__))
				printf("# got %s", mem);
		}
	}
	free(io);
}

/* A peer with its share (owns-sa, owns-policy, owns-ike). */
static struct nlmsghdr *peer_owns_msg(void *buf, uint32_t node, uint32_t sa,
				      uint32_t policy, uint32_t ike)
{
	struct nlmsghdr *nlh = peer_msg(buf, node);

	mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_OWNS_SA, sa);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_OWNS_POLICY, policy);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_OWNS_IKE, ike);
	return nlh;
}

/* A config-get reply: node id (0: none) and, with owns, its share. */
static void self_config(struct ha_config *cfg, uint32_t node, bool owns,
			uint32_t sa, uint32_t policy, uint32_t ike)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(msgbuf, 0, 4096);
	nlh = mnl_nlmsg_put_header(msgbuf);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = IPSEC_HA_CMD_CONFIG_GET;
	if (node)
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, node);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_SYNC_PACKETS, 64);
	if (owns) {
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_OWNS_SA, sa);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_OWNS_POLICY, policy);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_OWNS_IKE, ike);
	}
	config_parse(nlh, cfg);
}

static void test_peers_share(void)
{
	struct ctx text = { 0 }, json = { .json = true };
	struct ha_config cfg;
	struct dump_out o;
	FILE *f;

	/* text: each peer's share after its objects, this node's last */
	f = mem_open();
	dump_begin(&o, &dump_peer, &text, f);
	CHECK(dump_msg(peer_owns_msg(msgbuf, 2, 1, 1, 0), &o) == MNL_CB_OK);
	CHECK(dump_msg(peer_owns_msg(msgbuf, 4, 0, 0, 0), &o) == MNL_CB_OK);
	self_config(&cfg, 1, true, 1, 1, 1);
	peers_self(&o, &cfg);
	dump_end(&o, true);
	fclose(f);
	CHECK_STR(mem,
		  "node 2 epoch 0123456789abcdef last-seq 1234 last-heard 1.2s ago "
		  "datagrams 1240 gaps 3 resends 1 objects 512 "
		  "owns 1 sa 1 policy 0 ike bulk complete\n"
		  "node 4 epoch 0123456789abcdef last-seq 1234 last-heard 1.2s ago "
		  "datagrams 1240 gaps 3 resends 1 objects 512 "
		  "owns 0 sa 0 policy 0 ike bulk complete\n"
		  "node 1 self owns 1 sa 1 policy 1 ike\n");

	/* JSON: "owns" last in each object; no node id yet */
	f = mem_open();
	dump_begin(&o, &dump_peer, &json, f);
	CHECK(dump_msg(peer_owns_msg(msgbuf, 3, 1, 0, 0), &o) == MNL_CB_OK);
	self_config(&cfg, 0, true, 1, 1, 1);
	peers_self(&o, &cfg);
	dump_end(&o, true);
	fclose(f);
	CHECK_STR(mem,
		  "[{\"node_id\":3,\"epoch\":\"0123456789abcdef\",\"last_seq\":1234,"
		  "\"last_heard\":1234,\"datagrams\":1240,\"gaps\":3,\"resends\":1,"
		  "\"objects\":512,\"bulk\":\"complete\","
		  "\"owns\":{\"sa\":1,\"policy\":0,\"ike\":0}},"
		  "{\"self\":true,\"owns\":{\"sa\":1,\"policy\":1,\"ike\":1}}]\n");

	/* no peers: this node's share alone; counts past 32 bits of int */
	f = mem_open();
	dump_begin(&o, &dump_peer, &json, f);
	self_config(&cfg, 7, true, 4000000000u, 0, 2);
	peers_self(&o, &cfg);
	dump_end(&o, true);
	fclose(f);
	CHECK_STR(mem, "[{\"node_id\":7,\"self\":true,"
		  "\"owns\":{\"sa\":4000000000,\"policy\":0,\"ike\":2}}]\n");

	/* a module without the owns attributes: no share printed, not zeros */
	f = mem_open();
	dump_begin(&o, &dump_peer, &text, f);
	CHECK(dump_msg(peer_msg(msgbuf, 2), &o) == MNL_CB_OK);
	self_config(&cfg, 1, false, 0, 0, 0);
	peers_self(&o, &cfg);
	dump_end(&o, true);
	fclose(f);
	CHECK_STR(mem,
		  "node 2 epoch 0123456789abcdef last-seq 1234 last-heard 1.2s ago "
		  "datagrams 1240 gaps 3 resends 1 objects 512 bulk complete\n"
		  "node 1 self\n");
	f = mem_open();
	dump_begin(&o, &dump_peer, &json, f);
	CHECK(dump_msg(peer_msg(msgbuf, 2), &o) == MNL_CB_OK);
	self_config(&cfg, 1, false, 0, 0, 0);
	peers_self(&o, &cfg);
	dump_end(&o, true);
	fclose(f);
	CHECK(!strstr(mem, "owns") && strstr(mem, ",{\"node_id\":1,\"self\":true}]\n"));

	/* a partial share (one attribute missing) is no share */
	f = mem_open();
	dump_begin(&o, &dump_peer, &text, f);
	{
		struct nlmsghdr *nlh = peer_msg(msgbuf, 5);

		mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_OWNS_SA, 9);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_PEER_OWNS_IKE, 9);
		CHECK(dump_msg(nlh, &o) == MNL_CB_OK);
	}
	dump_end(&o, true);
	fclose(f);
	CHECK(!strstr(mem, "owns"));
}

/* ---------------------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "parse_u32: decimal and 0x hex, no sign, no overflow", test_parse_u32 },
	{ "parse_u16 and parse_u64 bounds", test_parse_u16_u64 },
	{ "parse_group: IPv4 to network-order group4, IPv6 to group6", test_parse_group },
	{ "parse_spi_range: MIN-MAX, hex, none", test_parse_spi_range },
	{ "lookup_name: exact, unique abbreviation, ambiguity", test_lookup },
	{ "keyfile_parse: 64 hex digits with optional whitespace only", test_keyfile_parse },
	{ "keyfile_load: mode, readability and content checks", test_keyfile_load },
	{ "keyfile_generate: 0600, O_EXCL, 64 lowercase hex + newline", test_keyfile_generate },
	{ "json_escape: quotes, controls, UTF-8", test_json_escape },
	{ "json writer: compact and pretty", test_json_writer },
	{ "attribute tables: names, sizes, JSON keys", test_attrs },
	{ "attribute tables match the YNL spec", test_attrs_match_spec },
	{ "extack_decode: capped, uncapped, missing type, dump end", test_extack_decode },
	{ "extack_format: iproute2-style messages with attribute names", test_extack_format },
	{ "show output: text and JSON", test_show_format },
	{ "monitor output: one line per event, text and JSON", test_monitor_format },
	{ "stats output: every counter, text and JSON", test_stats_format },
	{ "fmt: addresses by family and length, durations, names", test_fmt },
	{ "sa list output: text and JSON of synthetic SAs, never keys", test_sa_format },
	{ "policy list output: text and JSON", test_policy_format },
	{ "peers output: text, JSON and pretty JSON", test_peer_format },
	{ "tables: empty, and refused part-way", test_table_empty },
	{ "tables: 100,000 SAs in multi-part datagrams, linear time", test_table_large },
	{ "ike_parse_args: every keyword, forms, secrets refused on the command line", test_ike_parse_args },
	{ "ike_parse_secrets: NAME=HEX words, comments, duplicates, bounds", test_ike_parse_secrets },
	{ "ike_split_line: words and comments of a batch line", test_ike_split_line },
	{ "ike list and export output: text, JSON, secrets only in export", test_ike_format },
	{ "filter_parse: spi, peer, owner, abbreviations, errors", test_filter_parse },
	{ "list filters: sa, policy (selector covers) and ike (CHILD SPIs), text and JSON", test_filter_match },
	{ "peers shares: from the peer dump and config-get, with each peer and for this node", test_peers_share },
};

int main(void)
{
	size_t n = sizeof(tests) / sizeof(tests[0]);
	unsigned int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ipsec-ha-unit.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	printf("TAP version 13\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		ok_so_far = true;
		tests[i].fn();
		printf("%sok %zu - %s\n", ok_so_far ? "" : "not ", i + 1,
		       tests[i].name);
		if (!ok_so_far)
			failed++;
	}
	printf("unit: %zu passed, %u failed\n", n - failed, failed);

	free(mem);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			printf("# could not remove %s\n", tmpdir);
	}
	return failed ? 1 : 0;
}
