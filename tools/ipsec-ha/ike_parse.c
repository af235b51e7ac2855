// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha ike: parsing the words and the secrets of an IKE context. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ipsec_ha.h>

#include "ike_parse.h"
#include "parse.h"

const char *const ike_secret_names[IKE_SECRETS] = {
	"nonce_i", "nonce_r", "sk_d", "sk_ai", "sk_ar", "sk_ei", "sk_er",
	"sk_pi", "sk_pr", "daemon_state",
};

_Static_assert(IPSEC_HA_A_IKE_DAEMON_STATE - IPSEC_HA_A_IKE_NONCE_I == IKE_DAEMON_STATE,
	       "secrets are not in the order of their attributes");

const struct fmt_name ike_encr_names[] = {
	{ 3, "3des" },
	{ 11, "null" },
	{ 12, "aes-cbc" },
	{ 13, "aes-ctr" },
	{ 14, "aes-ccm-8" },
	{ 15, "aes-ccm-12" },
	{ 16, "aes-ccm-16" },
	{ 18, "aes-gcm-8" },
	{ 19, "aes-gcm-12" },
	{ 20, "aes-gcm-16" },
	{ 23, "camellia-cbc" },
	{ 28, "chacha20-poly1305" },
	{ 0, NULL },
};

const struct fmt_name ike_integ_names[] = {
	{ 0, "none" },
	{ 1, "hmac-md5-96" },
	{ 2, "hmac-sha1-96" },
	{ 5, "aes-xcbc-96" },
	{ 8, "aes-cmac-96" },
	{ 12, "hmac-sha2-256-128" },
	{ 13, "hmac-sha2-384-192" },
	{ 14, "hmac-sha2-512-256" },
	{ 0, NULL },
};

const struct fmt_name ike_prf_names[] = {
	{ 1, "hmac-md5" },
	{ 2, "hmac-sha1" },
	{ 4, "aes128-xcbc" },
	{ 5, "hmac-sha2-256" },
	{ 6, "hmac-sha2-384" },
	{ 7, "hmac-sha2-512" },
	{ 8, "aes128-cmac" },
	{ 0, NULL },
};

const struct fmt_name ike_dh_names[] = {
	{ 0, "none" },
	{ 1, "modp768" },
	{ 2, "modp1024" },
	{ 5, "modp1536" },
	{ 14, "modp2048" },
	{ 15, "modp3072" },
	{ 16, "modp4096" },
	{ 17, "modp6144" },
	{ 18, "modp8192" },
	{ 19, "ecp256" },
	{ 20, "ecp384" },
	{ 21, "ecp521" },
	{ 31, "curve25519" },
	{ 32, "curve448" },
	{ 0, NULL },
};

#define ID_IPV4_ADDR	1
#define ID_FQDN		2
#define ID_RFC822_ADDR	3
#define ID_IPV6_ADDR	5

const struct fmt_name ike_id_type_names[] = {
	{ ID_IPV4_ADDR, "ipv4-addr" },
	{ ID_FQDN, "fqdn" },
	{ ID_RFC822_ADDR, "rfc822-addr" },
	{ ID_IPV6_ADDR, "ipv6-addr" },
	{ 9, "der-asn1-dn" },
	{ 10, "der-asn1-gn" },
	{ 11, "key-id" },
	{ 0, NULL },
};

static const struct fmt_name ike_ext_names[] = {
	{ IPSEC_HA_IKE_EXT_NAT_T, "nat-t" },
	{ IPSEC_HA_IKE_EXT_MOBIKE, "mobike" },
	{ IPSEC_HA_IKE_EXT_EAP, "eap" },
	{ 0, NULL },
};

static const char *const kw_names[KW_COUNT] = {
	[KW_SPI_I] = "spi-i", [KW_SPI_R] = "spi-r", [KW_LOCAL] = "local",
	[KW_REMOTE] = "remote", [KW_LOCAL_PORT] = "local-port",
	[KW_REMOTE_PORT] = "remote-port", [KW_VERSION] = "version",
	[KW_ROLE] = "role", [KW_ENCR] = "encr", [KW_KEYLEN] = "keylen",
	[KW_INTEG] = "integ", [KW_PRF] = "prf", [KW_DH_GROUP] = "dh-group",
	[KW_EXT] = "ext", [KW_ID_I] = "id-i", [KW_ID_R] = "id-r",
	[KW_MID_SEND] = "mid-send", [KW_MID_RECV] = "mid-recv",
	[KW_CHILD] = "child", [KW_SECRETS] = "secrets",
};

static int say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits (an optional 0x first) into out; its length, or -1. */
static int hex_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
	size_t i;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (!n || n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

/* A name of names, or a number up to max. */
static int parse_named(const char *s, const struct fmt_name *names,
		       uint64_t max, uint64_t *out)
{
	for (const struct fmt_name *n = names; n->name; n++)
		if (!strcmp(s, n->name)) {
			*out = n->val;
			return 0;
		}
	if (parse_u64(s, out) || *out > max)
		return -1;
	return 0;
}

static int secret_index(const char *word, size_t len)
{
	for (int i = 0; i < IKE_SECRETS; i++) {
		const char *n = ike_secret_names[i];
		size_t k;

		if (strlen(n) != len)
			continue;
		for (k = 0; k < len; k++)	/* sk-d spells sk_d too */
			if (word[k] != n[k] && !(word[k] == '-' && n[k] == '_'))
				break;
		if (k == len)
			return i;
	}
	return -1;
}

bool ike_is_secret_word(const char *word)
{
	return secret_index(word, strcspn(word, "=")) >= 0;
}

/* One NAME=HEX word of n bytes. */
static int parse_secret_word(struct ike_req *r, const char *w, size_t n,
			     char *err, size_t errlen)
{
	const char *eq = memchr(w, '=', n);
	int i = secret_index(w, eq ? (size_t)(eq - w) : n);
	int len;

	if (i < 0 || !eq)
		return say(err, errlen, "secrets: expected NAME=HEX, NAME one of nonce_i, nonce_r, sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr, daemon_state; got '%.*s'",
			   (int)(eq ? eq - w : (n > 32 ? 32 : (int)n)), w);
	if (r->secret_len[i])
		return say(err, errlen, "secrets: %s given twice", ike_secret_names[i]);
	len = hex_decode(eq + 1, n - (size_t)(eq + 1 - w), r->secret[i],
			 sizeof(r->secret[i]));
	if (len < 0)
		return say(err, errlen, "secrets: %s: expected an even number of hex digits (at most %d bytes)",
			   ike_secret_names[i], IKE_SECRET_BUF);
	r->secret_len[i] = (uint16_t)len;
	return 0;
}

int ike_parse_secrets(struct ike_req *r, const char *buf, size_t len,
		      char *err, size_t errlen)
{
	size_t i = 0;

	while (i < len) {
		size_t n;

		if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
		    buf[i] == '\r') {
			i++;
			continue;
		}
		if (buf[i] == '#') {
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		}
		if (!buf[i])
			return say(err, errlen, "secrets: a NUL byte in the text");
		for (n = 0; i + n < len && buf[i + n] && !strchr(" \t\r\n#", buf[i + n]); n++)
			;
		if (parse_secret_word(r, buf + i, n, err, errlen))
			return -1;
		i += n;
	}
	return 0;
}

void ike_req_wipe(struct ike_req *r)
{
	explicit_bzero(r->secret, sizeof(r->secret));
	explicit_bzero(r->secret_len, sizeof(r->secret_len));
}

static int parse_addr(const char *s, int *family, uint8_t *a)
{
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static int parse_id(const char *type, const char *val, struct ike_id *id,
		    const char *kw, char *err, size_t errlen)
{
	uint64_t t;
	int fam, len;

	if (parse_named(type, ike_id_type_names, 255, &t))
		return say(err, errlen, "invalid %s type '%s' (expected ipv4-addr, fqdn, rfc822-addr, ipv6-addr, der-asn1-dn, der-asn1-gn, key-id or a number)",
			   kw, type);
	id->type = (uint8_t)t;
	switch (id->type) {
	case ID_IPV4_ADDR:
	case ID_IPV6_ADDR:
		if (parse_addr(val, &fam, id->val) ||
		    fam != (id->type == ID_IPV4_ADDR ? AF_INET : AF_INET6))
			return say(err, errlen, "invalid %s '%s' (expected an %s address)",
				   kw, val, id->type == ID_IPV4_ADDR ? "IPv4" : "IPv6");
		id->len = fam == AF_INET ? 4 : 16;
		return 0;
	case ID_FQDN:
	case ID_RFC822_ADDR:
		if (strlen(val) > sizeof(id->val))
			return say(err, errlen, "%s: value too long", kw);
		id->len = (uint16_t)strlen(val);
		memcpy(id->val, val, id->len);
		return 0;
	default:
		len = hex_decode(val, strlen(val), id->val, sizeof(id->val));
		if (len < 0)
			return say(err, errlen, "invalid %s '%s' (expected hex digits for this type)",
				   kw, val);
		id->len = (uint16_t)len;
		return 0;
	}
}

static int parse_ext(const char *s, uint32_t *ext)
{
	char buf[128], *tok, *save;

	*ext = 0;
	if (!strcmp(s, "none"))
		return 0;
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct fmt_name *n;

		for (n = ike_ext_names; n->name; n++)
			if (!strcmp(tok, n->name))
				break;
		if (!n->name)
			return -1;
		*ext |= (uint32_t)n->val;
	}
	return *ext ? 0 : -1;
}

static int parse_children(struct ike_req *r, const char *s, char *err,
			  size_t errlen)
{
	char buf[1024], *tok, *save;

	if (strlen(s) >= sizeof(buf))
		return say(err, errlen, "child: list too long");
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (r->nr_child == IKE_CHILD_BUF)
			return say(err, errlen, "child: more than %d CHILD SAs",
				   IKE_CHILD_BUF);
		if (parse_u32(tok, &r->child[r->nr_child]))
			return say(err, errlen, "invalid child '%s' (expected a 32-bit SPI)",
				   tok);
		r->nr_child++;
	}
	return 0;
}

/* The value(s) of keyword k at argv[0..]; how many words they took. */
static int parse_kw(struct ike_req *r, int k, int argc, char **argv,
		    char *err, size_t errlen)
{
	const char *kw = kw_names[k], *v = argv[0];
	uint64_t n;

	switch (k) {
	case KW_SPI_I:
	case KW_SPI_R:
		if (parse_u64(v, k == KW_SPI_I ? &r->spi_i : &r->spi_r))
			return say(err, errlen, "invalid %s '%s' (expected a 64-bit SPI, e.g. 0x0123456789abcdef)",
				   kw, v);
		return 1;
	case KW_LOCAL:
	case KW_REMOTE:
		if (parse_addr(v, k == KW_LOCAL ? &r->family : &r->remote_family,
			       k == KW_LOCAL ? r->local : r->remote))
			return say(err, errlen, "invalid %s '%s' (expected an IPv4 or IPv6 address)",
				   kw, v);
		return 1;
	case KW_LOCAL_PORT:
	case KW_REMOTE_PORT:
		if (parse_u16(v, k == KW_LOCAL_PORT ? &r->local_port : &r->remote_port))
			return say(err, errlen, "invalid %s '%s' (expected a UDP port)", kw, v);
		return 1;
	case KW_VERSION:
		if (parse_u64(v, &n) || n > 255)
			return say(err, errlen, "invalid version '%s' (expected 2 or 1)", v);
		r->version = (uint8_t)n;
		return 1;
	case KW_ROLE:
		if (strcmp(v, "initiator") && strcmp(v, "responder"))
			return say(err, errlen, "invalid role '%s' (expected initiator or responder)",
				   v);
		r->initiator = !strcmp(v, "initiator");
		return 1;
	case KW_ENCR:
	case KW_INTEG:
	case KW_PRF:
	case KW_DH_GROUP: {
		static const struct fmt_name *const tables[] = {
			[KW_ENCR] = ike_encr_names, [KW_INTEG] = ike_integ_names,
			[KW_PRF] = ike_prf_names, [KW_DH_GROUP] = ike_dh_names,
		};
		uint16_t *dst = k == KW_ENCR ? &r->encr : k == KW_INTEG ? &r->integ :
				k == KW_PRF ? &r->prf : &r->dh_group;

		if (parse_named(v, tables[k], UINT16_MAX, &n))
			return say(err, errlen, "invalid %s '%s' (expected a name 'ipsec-ha help ike' lists, or an IANA transform id)",
				   kw, v);
		*dst = (uint16_t)n;
		return 1;
	}
	case KW_KEYLEN:
		if (parse_u16(v, &r->keylen))
			return say(err, errlen, "invalid keylen '%s' (expected bits)", v);
		return 1;
	case KW_EXT:
		if (parse_ext(v, &r->ext))
			return say(err, errlen, "invalid ext '%s' (expected nat-t, mobike, eap, comma separated, or none)",
				   v);
		return 1;
	case KW_ID_I:
	case KW_ID_R:
		if (argc < 2)
			return say(err, errlen, "missing value after '%s %s' (%s TYPE VALUE)",
				   kw, v, kw);
		if (parse_id(v, argv[1], k == KW_ID_I ? &r->id_i : &r->id_r, kw,
			     err, errlen))
			return -1;
		return 2;
	case KW_MID_SEND:
	case KW_MID_RECV:
		if (parse_u32(v, k == KW_MID_SEND ? &r->mid_send : &r->mid_recv))
			return say(err, errlen, "invalid %s '%s' (expected a 32-bit message ID)",
				   kw, v);
		return 1;
	case KW_CHILD:
		return parse_children(r, v, err, errlen) ? -1 : 1;
	case KW_SECRETS:
		if (!strcmp(v, "-")) {
			r->secrets_path = "-";
			return 1;
		}
		if (strcmp(v, "file") || argc < 2)
			return say(err, errlen, "secrets: expected 'secrets file PATH' or 'secrets -' (standard input)");
		r->secrets_path = argv[1];
		return 2;
	}
	return say(err, errlen, "internal error: keyword %d", k);
}

int ike_parse_args(struct ike_req *r, int argc, char **argv, uint32_t allowed,
		   bool in_file, char *err, size_t errlen)
{
	int i = 0;

	while (i < argc) {
		const char *w = argv[i];
		int k, used;

		if (ike_is_secret_word(w)) {
			if (!in_file || !strchr(w, '='))
				return say(err, errlen, "secrets are never taken from the command line: give 'secrets file PATH' or 'secrets -'");
			if (parse_secret_word(r, w, strlen(w), err, errlen))
				return -1;
			i++;
			continue;
		}
		for (k = 0; k < KW_COUNT; k++)
			if (!strcmp(w, kw_names[k]))
				break;
		if (k == KW_COUNT || !(allowed & IKE_KW(k)))
			return say(err, errlen, "unknown keyword '%s'", w);
		if (k != KW_CHILD && (r->seen & IKE_KW(k)))
			return say(err, errlen, "'%s' given twice", w);
		if (i + 1 >= argc)
			return say(err, errlen, "missing value after '%s'", w);
		used = parse_kw(r, k, argc - i - 1, argv + i + 1, err, errlen);
		if (used < 0)
			return -1;
		r->seen |= IKE_KW(k);
		i += 1 + used;
	}
	if ((r->seen & IKE_KW(KW_SECRETS)) && in_file && !strcmp(r->secrets_path, "-"))
		return say(err, errlen, "secrets -: standard input is the batch itself (put the secrets on the line, or use secrets file PATH)");
	return 0;
}

int ike_split_line(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == max)
			return -1;
		words[n++] = p;
		while (*p && !strchr(" \t\r\n#", *p))
			p++;
		if (*p == '#') {
			*p = '\0';
			return n;
		}
		if (*p)
			*p++ = '\0';
	}
}

const char *ike_ext_format(uint32_t ext, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (const struct fmt_name *n = ike_ext_names; n->name; n++) {
		if (!(ext & n->val))
			continue;
		ext &= ~(uint32_t)n->val;
		pos += (size_t)snprintf(buf + pos, pos < len ? len - pos : 0, "%s%s",
					pos ? "," : "", n->name);
	}
	if (ext)	/* bits of a newer module */
		snprintf(buf + pos, pos < len ? len - pos : 0, "%s0x%x",
			 pos ? "," : "", ext);
	return buf;
}

const char *ike_id_format(uint8_t type, const uint8_t *val, size_t len,
			  char *buf, size_t buflen)
{
	bool printable = len > 0;

	if ((type == ID_IPV4_ADDR && len == 4) || (type == ID_IPV6_ADDR && len == 16)) {
		inet_ntop(len == 4 ? AF_INET : AF_INET6, val, buf, (socklen_t)buflen);
		return buf;
	}
	for (size_t i = 0; i < len; i++)
		if (val[i] <= 0x20 || val[i] >= 0x7f)
			printable = false;
	if ((type == ID_FQDN || type == ID_RFC822_ADDR) && printable &&
	    len < buflen) {
		memcpy(buf, val, len);
		buf[len] = '\0';
		return buf;
	}
	if (2 * len + 3 > buflen)
		len = (buflen - 3) / 2;
	buf[0] = '0';
	buf[1] = 'x';
	hex_encode(val, len, buf + 2);
	return buf;
}
