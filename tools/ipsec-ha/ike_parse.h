/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipsec-ha ike: the words of an IKE context (command line or batch line)
 * and its secrets, parsed into a request. Pure: no I/O, unit tested.
 *
 * Secrets (nonces and SK_* keys) are NAME=HEX words: one or more per
 * line of a secrets file, or on a line of a batch file. They are never
 * taken from the command line.
 */
#ifndef IPSEC_HA_IKE_PARSE_H
#define IPSEC_HA_IKE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"

/*
 * Secrets in the order of their netlink attributes (nonce-i .. sk-pr,
 * daemon-state: the IKE daemon's own state, which may hold secrets).
 */
enum ike_secret {
	IKE_NONCE_I, IKE_NONCE_R, IKE_SK_D, IKE_SK_AI, IKE_SK_AR, IKE_SK_EI,
	IKE_SK_ER, IKE_SK_PI, IKE_SK_PR, IKE_DAEMON_STATE, IKE_SECRETS,
};

/* Their names in files and in export's JSON: nonce_i, ..., daemon_state. */
extern const char *const ike_secret_names[IKE_SECRETS];

/*
 * Bounds of the tool's buffers only; the kernel checks the real ones
 * (and says so): a 257-byte nonce or 33 CHILD SAs reach it.
 */
#define IKE_SECRET_BUF	1024
#define IKE_ID_BUF	512
#define IKE_CHILD_BUF	64

/* Keywords of ike add / set / del, as bits of ike_req.seen. */
enum ike_kw {
	KW_SPI_I, KW_SPI_R, KW_LOCAL, KW_REMOTE, KW_LOCAL_PORT,
	KW_REMOTE_PORT, KW_VERSION, KW_ROLE, KW_ENCR, KW_KEYLEN, KW_INTEG,
	KW_PRF, KW_DH_GROUP, KW_EXT, KW_ID_I, KW_ID_R, KW_MID_SEND,
	KW_MID_RECV, KW_CHILD, KW_SECRETS, KW_COUNT,
};

#define IKE_KW(k)	(1u << (k))
#define IKE_KW_ADD	((1u << KW_COUNT) - 1)
#define IKE_KW_SET	(IKE_KW(KW_SPI_I) | IKE_KW(KW_SPI_R) | IKE_KW(KW_MID_SEND) | \
			 IKE_KW(KW_MID_RECV) | IKE_KW(KW_CHILD))
#define IKE_KW_DEL	(IKE_KW(KW_SPI_I) | IKE_KW(KW_SPI_R))

struct ike_id {
	uint8_t type;
	uint16_t len;
	uint8_t val[IKE_ID_BUF];
};

struct ike_req {
	uint32_t seen;			/* IKE_KW() of the keywords given */
	uint64_t spi_i, spi_r;
	int family;			/* AF_INET / AF_INET6 of local */
	int remote_family;
	uint8_t local[16], remote[16];
	uint16_t local_port, remote_port;
	uint8_t version, initiator;
	uint16_t encr, keylen, integ, prf, dh_group;
	uint32_t ext;			/* IPSEC_HA_IKE_EXT_* */
	struct ike_id id_i, id_r;
	uint32_t mid_send, mid_recv;
	unsigned int nr_child;
	uint32_t child[IKE_CHILD_BUF];
	const char *secrets_path;	/* secrets file PATH ("-": stdin) */
	uint16_t secret_len[IKE_SECRETS];	/* 0: not given */
	uint8_t secret[IKE_SECRETS][IKE_SECRET_BUF];
};

/*
 * Parse argv (the words after add/set/del) into r, which the caller
 * zeroed. allowed: the IKE_KW() bits the subcommand takes. in_file: the
 * words come from a batch file, so NAME=HEX secrets may be among them
 * (on the command line they are refused). Returns 0, or -1 with a message
 * in err. Checks only what the kernel cannot: the form of each value.
 */
int ike_parse_args(struct ike_req *r, int argc, char **argv, uint32_t allowed,
		   bool in_file, char *err, size_t errlen);

/*
 * Parse secrets text (NAME=HEX words separated by blanks or newlines;
 * '#' starts a comment to the end of the line) into r. Each secret at
 * most once, also counting those already in r. Returns 0, or -1 with a
 * message in err (which never shows secret bytes).
 */
int ike_parse_secrets(struct ike_req *r, const char *buf, size_t len,
		      char *err, size_t errlen);

/* Is word a NAME=HEX secret (or the start of one)? */
bool ike_is_secret_word(const char *word);

/* Wipe the secrets of r. */
void ike_req_wipe(struct ike_req *r);

/*
 * Split a batch line into words in place (blanks separate, '#' starts a
 * comment). Returns the number of words, or -1 when more than max.
 */
int ike_split_line(char *line, char **words, int max);

/* IANA IKEv2 transform ids (RFC 7296 section 3.3.2) and ID types (3.5). */
extern const struct fmt_name ike_encr_names[], ike_integ_names[],
	ike_prf_names[], ike_dh_names[], ike_id_type_names[];

/* The names of the extension bits in ext, comma separated, into buf. */
const char *ike_ext_format(uint32_t ext, char *buf, size_t len);

/*
 * An ID value as text: the address for ipv4-addr/ipv6-addr, the string
 * for fqdn/rfc822-addr when printable, else 0x and hex. buf: at least
 * 2 * len + 3 bytes.
 */
const char *ike_id_format(uint8_t type, const uint8_t *val, size_t len,
			  char *buf, size_t buflen);

#endif
