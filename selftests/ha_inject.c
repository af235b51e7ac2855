// SPDX-License-Identifier: GPL-2.0
/*
 * ha_inject: a fake cluster node for tests. It holds the cluster key, so
 * what it sends is authentic: the records are built through the shared
 * wire codec (module/wire.c), the header and nonce by its
 * ha_wire_hdr_put() and ha_wire_nonce(), and the datagram is sealed as
 * module/seal.c seals it (XChaCha20-Poly1305 under SHA-256("ipsec-ha v1
 * sync key" || secret), the header as associated data, a 16-byte tag
 * after the records). It is for hostile-but-authentic input: records
 * that decode, but that no honest node would send.
 *
 *   ha_inject -k KEYFILE -i IFACE -g GROUP -p PORT -n NODE [-e EPOCH]
 *             [-s SEQ] [--count N] [--flood] [--interval MS] [-v] RECORD...
 *
 * All RECORDs go into one datagram, sent --count times (1), each with the
 * next sequence number, --interval ms apart (10), or back to back with
 * --flood. EPOCH defaults to the real time in nanoseconds, so that every
 * run is a newer epoch of NODE than the last; SEQ to 1. TTL and hop limit
 * are 255, as the HA link requires.
 *
 * RECORD is TYPE:FIELD=VALUE,FIELD=VALUE...:
 *   sa:      ref=O/ID owner=N epoch=E family=4|6|N proto=esp|ah|comp|N
 *            mode=transport|tunnel|beet|N flags=N dir=in|out|N esn=0|1
 *            src=ADDR dst=ADDR spi=N reqid=N replay=N bmp=WORDS oseq=N
 *            seq=N aead=NAME/KEYBYTES/ICVBITS enc=NAME/KEYBYTES
 *            auth=NAME/KEYBYTES/TRUNCBITS comp=NAME sel=SRC/PLEN-DST/PLEN
 *            selfamily=N tfcpad=N encap=TYPE/SPORT/DPORT offload=N
 *            mark=V/M if_id=N pcpu=CPU dir_inferred=in|out|N
 *            natka=SECONDS mapage=SECONDS secctx=DOI/ALG/LEN
 *   policy:  ref=O/ID owner=N epoch=E dir=in|out|fwd|N action=allow|block|N
 *            family=4|6|N index=N priority=N type=N flags=N
 *            sel=SRC/PLEN-DST/PLEN selfamily=N
 *            tmpl=SRC-DST/PROTO/MODE/REQID[/FAMILY[/OPTIONAL[/SHARE]]] (repeatable)
 *   sa-del:O/ID   policy-del:O/ID
 *   taken:   ref=O/ID epoch=E check=N oseq=N seq=N
 *   nack:    node=N from=F to=T          bulk-req:node=N
 *   bulk-end:node=N count=C req=R        alive:last=S count=N digest=D
 *   raw:HEX  record bytes as they are (type, length, value)
 * A RECORD ending in *N is appended N times (1..1000).
 * Numbers are C literals (0x.. hex). Defaults make a valid IPv4 ESP
 * tunnel SA with rfc4106(gcm(aes)) 256 and a valid outbound policy, of
 * ref NODE/1 and owner NODE. Family 4 and 6 stand for AF_INET, AF_INET6.
 * Exit 0 when every datagram was sent, 1 on a send error, 2 on usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "wire.h"

#define KEY_LEN		32
#define COUNT_MAX	1000000		/* bound of --count, also with --flood */
#define SPEC_MAX	1024

static u8 secret[KEY_LEN], aead_key[KEY_LEN];
static u32 key_id;
static u16 node;
static u8 payload[HA_WIRE_MAX_LEN];
static struct ha_wire_buf pb;
static u8 dgram[HA_WIRE_MAX_LEN];
static struct ha_wire_sa sa;
static struct ha_wire_policy pol;

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ha_inject: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(aead_key, sizeof(aead_key));
	exit(code);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits into out; their byte count, or -1. */
static long hex_bytes(const char *s, u8 *out, size_t cap)
{
	size_t n = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	while (hexval(s[0]) >= 0 && hexval(s[1]) >= 0) {
		if (n >= cap)
			return -1;
		out[n++] = hexval(s[0]) << 4 | hexval(s[1]);
		s += 2;
	}
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return *s ? -1 : (long)n;
}

/* The key file of ipsec-ha key generate: 64 hex digits. */
static void load_key(const char *path)
{
	char buf[256];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		die(2, "key file %s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (hex_bytes(buf, secret, sizeof(secret)) != KEY_LEN)
		die(2, "key file %s: not 64 hex digits", path);
	sodium_memzero(buf, sizeof(buf));
}

/* As module/key.c: SHA-256(label || secret). */
static void kdf(const char *label, u8 out[crypto_hash_sha256_BYTES])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const u8 *)label, strlen(label));
	crypto_hash_sha256_update(&st, secret, sizeof(secret));
	crypto_hash_sha256_final(&st, out);
}

static void derive(void)
{
	u8 d[crypto_hash_sha256_BYTES];

	kdf("ipsec-ha v1 sync key", aead_key);
	kdf("ipsec-ha v1 key id", d);
	/* The fingerprint is bytes 0-7; the id the big-endian u32 after it. */
	key_id = ha_get_be32(d + 8);
	sodium_memzero(d, sizeof(d));
}

static unsigned long long num(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die(2, "%s: not a number: '%s'", what, s);
	return v;
}

struct name_val {
	const char *name;
	unsigned int val;
};

static unsigned int name_or_num(const char *s, const struct name_val *t, const char *what)
{
	for (; t->name; t++)
		if (!strcmp(s, t->name))
			return t->val;
	return num(s, what);
}

static const struct name_val families[] = { { "4", HA_AF_INET }, { "6", HA_AF_INET6 }, { NULL } };
static const struct name_val protos[] = {
	{ "esp", 50 }, { "ah", 51 }, { "comp", 108 }, { NULL }
};
static const struct name_val modes[] = {
	{ "transport", 0 }, { "tunnel", 1 }, { "beet", 4 }, { NULL }
};
static const struct name_val sa_dirs[] = { { "in", HA_DIR_IN }, { "out", HA_DIR_OUT }, { NULL } };
static const struct name_val pol_dirs[] = { { "in", 0 }, { "out", 1 }, { "fwd", 2 }, { NULL } };
static const struct name_val actions[] = { { "allow", 0 }, { "block", 1 }, { NULL } };

/* An address of either family into a (IPv4 in the first four bytes). */
static void addr(const char *s, struct ha_wire_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) != 1 && inet_pton(AF_INET6, s, a->a) != 1)
		die(2, "not an address: '%s'", s);
}

static void ref(const char *s, struct ha_ref *r)
{
	char buf[64], *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		die(2, "ref: ORIGIN/ID expected: '%s'", s);
	*slash = '\0';
	r->origin = num(buf, "ref origin");
	r->id = num(slash + 1, "ref id");
}

/* Split s at sep into at most n parts; their count. */
static int split(char *s, char sep, char **parts, int n)
{
	int i = 0;

	parts[i++] = s;
	while (i < n && (s = strchr(s, sep))) {
		*s++ = '\0';
		parts[i++] = s;
	}
	return i;
}

/* NAME/KEYBYTES[/ICVBITS]: key bytes 0x01, 0x02... (a test key). */
static void alg(char *v, struct ha_wire_alg *a, enum ha_alg_kind kind)
{
	char *p[3];
	int n = split(v, '/', p, 3);
	unsigned int i;

	memset(a, 0, sizeof(*a));
	a->id = ha_alg_id(kind, p[0]);
	if (a->id == HA_ALG_OTHER)
		snprintf(a->name, sizeof(a->name), "%s", p[0]);
	a->key_len = n > 1 ? num(p[1], "key length") : 0;
	if (a->key_len > HA_WIRE_KEY_MAX)
		die(2, "key length %u above %u", a->key_len, HA_WIRE_KEY_MAX);
	a->icv_len = n > 2 ? num(p[2], "icv length") : 0;
	for (i = 0; i < a->key_len; i++)
		a->key[i] = i + 1;
}

/* SRC/PLEN-DST/PLEN */
static void sel(char *v, struct ha_wire_sel *s)
{
	char *sd[2], *a[2];

	if (split(v, '-', sd, 2) != 2 || split(sd[0], '/', a, 2) != 2)
		die(2, "sel: SRC/PLEN-DST/PLEN expected");
	addr(a[0], &s->saddr);
	s->prefixlen_s = num(a[1], "prefix");
	if (split(sd[1], '/', a, 2) != 2)
		die(2, "sel: SRC/PLEN-DST/PLEN expected");
	addr(a[0], &s->daddr);
	s->prefixlen_d = num(a[1], "prefix");
}

/* As ip xfrm leaves them: no byte or packet limit, no expiry time (0). */
static void lft_inf(struct ha_wire_lft_cfg *l)
{
	memset(l, 0, sizeof(*l));
	l->soft_byte = ~0ULL;
	l->hard_byte = ~0ULL;
	l->soft_packet = ~0ULL;
	l->hard_packet = ~0ULL;
}

static void sa_defaults(void)
{
	char gcm[32];

	memset(&sa, 0, sizeof(sa));
	lft_inf(&sa.lft);
	sa.ref.origin = node;
	sa.ref.id = 1;
	sa.owner = node;
	sa.family = HA_AF_INET;
	sa.proto = 50;
	sa.mode = 1;
	sa.dir = HA_DIR_OUT;
	addr("192.0.2.9", &sa.saddr);
	addr("192.0.2.100", &sa.daddr);
	sa.spi = 0x9000;
	sa.reqid = 9;
	sa.replay_window = 32;
	sa.add_time = time(NULL);
	strcpy(gcm, "rfc4106(gcm(aes))/36/128");
	alg(gcm, &sa.aead, HA_ALG_AEAD);
	sa.sel.family = HA_AF_INET;
	addr("10.9.0.0", &sa.sel.saddr);
	addr("10.100.0.0", &sa.sel.daddr);
	sa.sel.prefixlen_s = 24;
	sa.sel.prefixlen_d = 24;
}

static void sa_field(char *k, char *v)
{
	char *p[3];

	if (!strcmp(k, "ref")) {
		ref(v, &sa.ref);
	} else if (!strcmp(k, "owner")) {
		sa.owner = num(v, k);
	} else if (!strcmp(k, "epoch")) {
		sa.owner_epoch = num(v, k);
	} else if (!strcmp(k, "family")) {
		sa.family = name_or_num(v, families, k);
	} else if (!strcmp(k, "proto")) {
		sa.proto = name_or_num(v, protos, k);
	} else if (!strcmp(k, "mode")) {
		sa.mode = name_or_num(v, modes, k);
	} else if (!strcmp(k, "flags")) {
		sa.flags = num(v, k);
	} else if (!strcmp(k, "dir")) {
		sa.dir = name_or_num(v, sa_dirs, k);
	} else if (!strcmp(k, "esn")) {
		sa.esn = num(v, k);
	} else if (!strcmp(k, "src")) {
		addr(v, &sa.saddr);
	} else if (!strcmp(k, "dst")) {
		addr(v, &sa.daddr);
	} else if (!strcmp(k, "spi")) {
		sa.spi = num(v, k);
	} else if (!strcmp(k, "reqid")) {
		sa.reqid = num(v, k);
	} else if (!strcmp(k, "replay")) {
		sa.replay_window = num(v, k);
	} else if (!strcmp(k, "bmp")) {
		sa.bmp_len = num(v, k);
		if (sa.bmp_len > HA_WIRE_BMP_MAX)
			die(2, "bmp: at most %u words", HA_WIRE_BMP_MAX);
		memset(sa.bmp, 0xff, sa.bmp_len * sizeof(u32));
	} else if (!strcmp(k, "oseq")) {
		sa.oseq = num(v, k);
	} else if (!strcmp(k, "seq")) {
		sa.seq = num(v, k);
	} else if (!strcmp(k, "aead")) {
		alg(v, &sa.aead, HA_ALG_AEAD);
	} else if (!strcmp(k, "enc")) {
		memset(&sa.aead, 0, sizeof(sa.aead));
		alg(v, &sa.ealg, HA_ALG_ENCR);
	} else if (!strcmp(k, "auth")) {
		memset(&sa.aead, 0, sizeof(sa.aead));
		alg(v, &sa.aalg, HA_ALG_AUTH);
	} else if (!strcmp(k, "comp")) {
		alg(v, &sa.calg, HA_ALG_COMP);
	} else if (!strcmp(k, "noaead")) {
		memset(&sa.aead, 0, sizeof(sa.aead));
	} else if (!strcmp(k, "sel")) {
		sel(v, &sa.sel);
	} else if (!strcmp(k, "selfamily")) {
		sa.sel.family = name_or_num(v, families, k);
	} else if (!strcmp(k, "tfcpad")) {
		sa.tfcpad = num(v, k);
	} else if (!strcmp(k, "encap")) {
		if (split(v, '/', p, 3) != 3)
			die(2, "encap: TYPE/SPORT/DPORT expected");
		sa.has_encap = 1;
		sa.encap_type = num(p[0], k);
		sa.encap_sport = num(p[1], k);
		sa.encap_dport = num(p[2], k);
	} else if (!strcmp(k, "offload")) {
		sa.offload = num(v, k);
	} else if (!strcmp(k, "mark")) {
		if (split(v, '/', p, 2) != 2)
			die(2, "mark: V/M expected");
		sa.mark_v = num(p[0], k);
		sa.mark_m = num(p[1], k);
	} else if (!strcmp(k, "if_id")) {
		sa.if_id = num(v, k);
	} else if (!strcmp(k, "pcpu")) {
		sa.has_pcpu = 1;
		sa.pcpu = num(v, k);
	} else if (!strcmp(k, "natka")) {
		sa.natka_interval = num(v, k);
	} else if (!strcmp(k, "mapage")) {
		sa.mapping_maxage = num(v, k);
	} else if (!strcmp(k, "secctx")) {
		if (split(v, '/', p, 3) != 3)
			die(2, "secctx: DOI/ALG/LEN expected");
		sa.has_sec_ctx = 1;
		sa.sec_ctx_doi = num(p[0], k);
		sa.sec_ctx_alg = num(p[1], k);
		sa.sec_ctx_len = num(p[2], k);
	} else if (!strcmp(k, "dir_inferred")) {
		sa.dir_inferred = !strcmp(v, "in") ? 1 : !strcmp(v, "out") ? 2 : num(v, k);
	} else {
		die(2, "sa: unknown field '%s'", k);
	}
}

static void pol_defaults(void)
{
	memset(&pol, 0, sizeof(pol));
	lft_inf(&pol.lft);
	pol.ref.origin = node;
	pol.ref.id = 2;
	pol.owner = node;
	pol.dir = 1;
	pol.family = HA_AF_INET;
	pol.priority = 1000;
	pol.sel.family = HA_AF_INET;
	addr("10.9.0.0", &pol.sel.saddr);
	addr("10.100.0.0", &pol.sel.daddr);
	pol.sel.prefixlen_s = 24;
	pol.sel.prefixlen_d = 24;
}

static void tmpl(char *v)
{
	struct ha_wire_tmpl *t;
	char *p[7], *sd[2];
	int n = split(v, '/', p, 7);

	if (pol.nr_tmpl >= HA_WIRE_TMPL_MAX)
		die(2, "tmpl: at most %u", HA_WIRE_TMPL_MAX);
	if (n < 4 || split(p[0], '-', sd, 2) != 2)
		die(2, "tmpl: SRC-DST/PROTO/MODE/REQID[/FAMILY[/OPTIONAL[/SHARE]]] expected");
	t = &pol.tmpl[pol.nr_tmpl++];
	memset(t, 0, sizeof(*t));
	addr(sd[0], &t->saddr);
	addr(sd[1], &t->daddr);
	t->proto = name_or_num(p[1], protos, "tmpl proto");
	t->mode = name_or_num(p[2], modes, "tmpl mode");
	t->reqid = num(p[3], "tmpl reqid");
	t->family = n > 4 ? name_or_num(p[4], families, "tmpl family") :
		    (strchr(sd[1], ':') ? HA_AF_INET6 : HA_AF_INET);
	t->optional = n > 5 ? num(p[5], "tmpl optional") : 0;
	t->share = n > 6 ? num(p[6], "tmpl share") : 0;
	t->aalgos = ~0U;
	t->ealgos = ~0U;
	t->calgos = ~0U;
}

static void pol_field(char *k, char *v)
{
	if (!strcmp(k, "ref"))
		ref(v, &pol.ref);
	else if (!strcmp(k, "owner"))
		pol.owner = num(v, k);
	else if (!strcmp(k, "epoch"))
		pol.owner_epoch = num(v, k);
	else if (!strcmp(k, "dir"))
		pol.dir = name_or_num(v, pol_dirs, k);
	else if (!strcmp(k, "action"))
		pol.action = name_or_num(v, actions, k);
	else if (!strcmp(k, "family"))
		pol.family = name_or_num(v, families, k);
	else if (!strcmp(k, "index"))
		pol.index = num(v, k);
	else if (!strcmp(k, "priority"))
		pol.priority = num(v, k);
	else if (!strcmp(k, "type"))
		pol.type = num(v, k);
	else if (!strcmp(k, "flags"))
		pol.flags = num(v, k);
	else if (!strcmp(k, "sel"))
		sel(v, &pol.sel);
	else if (!strcmp(k, "selfamily"))
		pol.sel.family = name_or_num(v, families, k);
	else if (!strcmp(k, "tmpl"))
		tmpl(v);
	else
		die(2, "policy: unknown field '%s'", k);
}

/* FIELD=VALUE,... each handed to fn. */
static void fields(char *s, void (*fn)(char *k, char *v))
{
	char *f, *save = NULL, *eq;

	for (f = strtok_r(s, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		eq = strchr(f, '=');
		if (eq)
			*eq++ = '\0';
		fn(f, eq ? eq : "1");
	}
}

static struct ha_wire_taken tk;

static void taken_field(char *k, char *v)
{
	if (!strcmp(k, "ref"))
		ref(v, &tk.ref);
	else if (!strcmp(k, "epoch"))
		tk.owner_epoch = num(v, k);
	else if (!strcmp(k, "check"))
		tk.check = num(v, k);
	else if (!strcmp(k, "oseq"))
		tk.oseq = num(v, k);
	else if (!strcmp(k, "seq"))
		tk.seq = num(v, k);
	else
		die(2, "taken: unknown field '%s'", k);
}

static struct ha_wire_nack nk;
static struct ha_wire_bulk bk;
static struct ha_wire_alive al;

/* The fields of nack, bulk-req, bulk-end and alive records. */
static void ctl_field(char *k, char *v)
{
	if (!strcmp(k, "node")) {
		nk.node = num(v, k);
		bk.node = nk.node;
	} else if (!strcmp(k, "from")) {
		nk.from = num(v, k);
	} else if (!strcmp(k, "to")) {
		nk.to = num(v, k);
	} else if (!strcmp(k, "count")) {
		bk.count = num(v, k);
		al.count = bk.count;
	} else if (!strcmp(k, "req")) {
		bk.req = num(v, k);
	} else if (!strcmp(k, "last")) {
		al.last_seq = num(v, k);
	} else if (!strcmp(k, "digest")) {
		al.digest = num(v, k);
	} else {
		die(2, "unknown field '%s' of a control record", k);
	}
}

static void put_or_die(int err, const char *what)
{
	if (err == -ENOSPC)
		die(2, "%s: the records do not fit in one datagram", what);
	if (err)
		die(2, "%s: the codec refuses it (%d)", what, err);
}

/* One RECORD argument appended to the payload. */
static void record(const char *arg)
{
	char spec[SPEC_MAX], *colon, *body;
	struct ha_ref r;
	long n;

	if (strlen(arg) >= sizeof(spec))
		die(2, "record too long: '%.40s...'", arg);
	strcpy(spec, arg);
	colon = strchr(spec, ':');
	body = colon ? colon + 1 : spec + strlen(spec);
	if (colon)
		*colon = '\0';
	if (!strcmp(spec, "sa")) {
		sa_defaults();
		fields(body, sa_field);
		put_or_die(ha_wire_put_sa(&pb, &sa), arg);
	} else if (!strcmp(spec, "policy")) {
		pol_defaults();
		fields(body, pol_field);
		put_or_die(ha_wire_put_policy(&pb, &pol), arg);
	} else if (!strcmp(spec, "sa-del") || !strcmp(spec, "policy-del")) {
		ref(body, &r);
		put_or_die(ha_wire_put_del(&pb, spec[0] == 's' ? HA_REC_SA_DEL : HA_REC_POLICY_DEL,
					   &r), arg);
	} else if (!strcmp(spec, "taken")) {
		memset(&tk, 0, sizeof(tk));
		fields(body, taken_field);
		put_or_die(ha_wire_put_taken(&pb, &tk, 1), arg);
	} else if (!strcmp(spec, "nack") || !strcmp(spec, "bulk-req") ||
		   !strcmp(spec, "bulk-end") || !strcmp(spec, "alive")) {
		memset(&nk, 0, sizeof(nk));
		memset(&bk, 0, sizeof(bk));
		memset(&al, 0, sizeof(al));
		fields(body, ctl_field);
		if (spec[0] == 'n')
			put_or_die(ha_wire_put_nack(&pb, &nk), arg);
		else if (spec[0] == 'a')
			put_or_die(ha_wire_put_alive(&pb, &al), arg);
		else
			put_or_die(ha_wire_put_bulk(&pb, spec[5] == 'r' ? HA_REC_BULK_REQ :
							 HA_REC_BULK_END, &bk), arg);
	} else if (!strcmp(spec, "raw")) {
		n = hex_bytes(body, pb.p + pb.len, pb.cap - pb.len);
		if (n < 0)
			die(2, "raw: hex digits that fit expected: '%s'", body);
		pb.len += n;
	} else {
		die(2, "unknown record type '%s'", spec);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ha_inject -k KEYFILE -i IFACE -g GROUP -p PORT -n NODE [-e EPOCH] [-s SEQ]\n"
		"                 [--count N] [--flood] [--interval MS] [-v] RECORD...\n"
		"RECORD: sa:F=V,... policy:F=V,... sa-del:O/ID policy-del:O/ID taken:F=V,...\n"
		"        nack:F=V,... bulk-req:F=V bulk-end:F=V,... alive:F=V,... raw:HEX [*N]\n"
		"(fields: see the comment at the top of selftests/ha_inject.c)\n");
	exit(2);
}

/* The sealed datagram of this payload with sequence number seq; its length. */
static size_t seal(u64 epoch, u64 seq)
{
	u8 nonce[HA_WIRE_NONCE_LEN];
	unsigned long long clen;
	struct ha_wire_hdr h;

	/* Only the fields set here: whatever the header gains stays zero. */
	memset(&h, 0, sizeof(h));
	h.version = HA_WIRE_VERSION;
	h.node_id = node;
	h.key_id = key_id;
	h.epoch = epoch;
	h.seq = seq;
#ifdef HA_WIRE_SALT_LEN
	randombytes_buf(h.salt, sizeof(h.salt));
#endif
	ha_wire_hdr_put(dgram, &h);
	ha_wire_nonce(&h, nonce);
	crypto_aead_xchacha20poly1305_ietf_encrypt(dgram + HA_WIRE_HDR_LEN, &clen, payload, pb.len,
						   dgram, HA_WIRE_HDR_LEN, NULL, nonce, aead_key);
	return HA_WIRE_HDR_LEN + clen;
}

static int open_socket(const char *ifname, const char *group, unsigned int port,
		       struct sockaddr_storage *to, socklen_t *tolen)
{
	unsigned int ifindex = if_nametoindex(ifname);
	int hops = 255, fd;

	if (!ifindex)
		die(2, "interface %s: %s", ifname, strerror(errno));
	memset(to, 0, sizeof(*to));
	if (strchr(group, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)to;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_scope_id = ifindex;
		if (inet_pton(AF_INET6, group, &s6->sin6_addr) != 1)
			die(2, "group: not an address: '%s'", group);
		*tolen = sizeof(*s6);
		fd = socket(AF_INET6, SOCK_DGRAM, 0);
		if (fd < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)))
			die(1, "socket: %s", strerror(errno));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)to;
		struct ip_mreqn mr = { .imr_ifindex = ifindex };

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (inet_pton(AF_INET, group, &s4->sin_addr) != 1)
			die(2, "group: not an address: '%s'", group);
		*tolen = sizeof(*s4);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &hops, sizeof(hops)) ||
		    setsockopt(fd, IPPROTO_IP, IP_TTL, &hops, sizeof(hops)))
			die(1, "socket: %s", strerror(errno));
	}
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname)))
		die(1, "SO_BINDTODEVICE %s: %s", ifname, strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "flood", no_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keyfile = NULL, *ifname = NULL, *group = NULL;
	unsigned long long count = 1, interval_ms = 10, i;
	unsigned int port = 0;
	struct sockaddr_storage to;
	bool flood = false, verbose = false;
	u64 epoch = 0, seq = 1;
	struct timespec ts;
	socklen_t tolen;
	int c, fd, a;

	while ((c = getopt_long(argc, argv, "k:i:g:p:n:e:s:v", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'i': ifname = optarg; break;
		case 'g': group = optarg; break;
		case 'p': port = num(optarg, "port"); break;
		case 'n': node = num(optarg, "node"); break;
		case 'e': epoch = num(optarg, "epoch"); break;
		case 's': seq = num(optarg, "seq"); break;
		case 'c': count = num(optarg, "count"); break;
		case 'f': flood = true; break;
		case 'I': interval_ms = num(optarg, "interval"); break;
		case 'v': verbose = true; break;
		default: usage();
		}
	}
	if (!keyfile || !ifname || !group || !port || port > 65535 || !node || optind >= argc)
		usage();
	if (!count || count > COUNT_MAX)
		die(2, "count: 1..%u", COUNT_MAX);
	if (sodium_init() < 0)
		die(1, "libsodium does not initialise");
	if (!epoch) {
		clock_gettime(CLOCK_REALTIME, &ts);
		epoch = (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	}
	load_key(keyfile);
	derive();

	ha_wire_buf_init(&pb, payload, sizeof(payload) - HA_WIRE_MIN_LEN);
	for (a = optind; a < argc; a++) {
		char *star = strrchr(argv[a], '*');
		unsigned long long times = 1, t;

		if (star && star[1] && !strpbrk(star + 1, ",:=")) {
			times = num(star + 1, "repeat");
			if (!times || times > 1000)
				die(2, "repeat: 1..1000");
			*star = '\0';
		}
		for (t = 0; t < times; t++)
			record(argv[a]);
	}

	fd = open_socket(ifname, group, port, &to, &tolen);
	for (i = 0; i < count; i++) {
		size_t len = seal(epoch, seq + i);

		if (sendto(fd, dgram, len, 0, (struct sockaddr *)&to, tolen) != (ssize_t)len)
			die(1, "send: %s", strerror(errno));
		if (!flood && i + 1 < count)
			usleep(interval_ms * 1000);
	}
	close(fd);
	printf("sent %llu datagram%s of %zu bytes as node %u, epoch %llu, seq %llu..%llu\n",
	       count, count == 1 ? "" : "s", HA_WIRE_MIN_LEN + pb.len, node,
	       (unsigned long long)epoch, (unsigned long long)seq,
	       (unsigned long long)(seq + count - 1));
	if (verbose)
		printf("key id 0x%08x, %zu bytes of records\n", key_id, pb.len);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(aead_key, sizeof(aead_key));
	return 0;
}
