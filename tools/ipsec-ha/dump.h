/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table commands (sa list, policy list, peers): a dump request, and each
 * reply message printed as it arrives, one text line or one JSON object
 * (in one JSON array) per message. Nothing is accumulated, so a table of
 * any size takes time linear in its size, and constant memory.
 */
#ifndef IPSEC_HA_DUMP_H
#define IPSEC_HA_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>

#include "attrs.h"
#include "filter.h"
#include "fmt.h"
#include "ipsec-ha.h"
#include "json.h"

/* One table: its dump command, its attribute set, its printers. */
struct dump_kind {
	uint8_t cmd;
	const struct attr_set *set;
	/* One line, newline included. */
	void (*text)(FILE *f, const struct attr_vals *v);
	/* One object (in the array). */
	void (*json)(struct json *j, const struct attr_vals *v);
	/* What the list filters look at (NULL: the table has no filters). */
	const struct filter_attrs *filter_attrs;
};

extern const struct dump_kind dump_sa, dump_policy, dump_peer;

/* Printing a table. */
struct dump_out {
	const struct dump_kind *kind;
	FILE *f;
	bool json;
	bool started;			/* the JSON array is open */
	struct json j;
	struct attr_vals v;		/* of the message being printed */
	unsigned long count;		/* messages printed */
	const struct list_filter *filter; /* print only what matches (or NULL) */
};

void dump_begin(struct dump_out *o, const struct dump_kind *k,
		const struct ctx *ctx, FILE *f);

/* Print one reply message (a genl_reply_cb; data is the dump_out). */
int dump_msg(const struct nlmsghdr *nlh, void *data);

/*
 * End the table: close the JSON array; "[]" for an empty table, unless
 * the dump failed before any object was printed (then nothing).
 */
void dump_end(struct dump_out *o, bool ok);

/* Dump k's table from the kernel and print it on stdout. */
int dump_run(const struct ctx *ctx, const struct dump_kind *k);

/* The same, printing only the objects that match filter (NULL: all). */
int dump_run_filtered(const struct ctx *ctx, const struct dump_kind *k,
		      const struct list_filter *filter);

/*
 * The filters of "sa list" and "policy list" (and "ike list"): parse the
 * words after "list" (argv[0] is "list" or "show") as filter_parse does.
 * Returns 0, or EXIT_USAGE after "ipsec-ha: CMD SUB: reason" and the hint
 * to help CMD.
 */
int dump_filter_args(const char *cmd, unsigned int allowed, int argc,
		     char **argv, struct list_filter *f);

/*
 * peers: the dump_peer table (a peer's line or object carries its share
 * when the module sends it), then this node's share from its config-get
 * reply cfg: node ID (when it has one) self owns ...
 */
struct ha_config;
void peers_self(struct dump_out *o, const struct ha_config *cfg);

/* Helpers for the printers. */

/* A text line: words separated by single spaces, then a newline. */
struct dump_line {
	FILE *f;
	bool any;			/* a word was printed */
};

void dump_line_begin(struct dump_line *l, FILE *f);
void dump_word(struct dump_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dump_line_end(struct dump_line *l);

/* "KW N" when the integer attribute is present. */
void dump_word_num(struct dump_line *l, const char *kw,
		   const struct attr_vals *v, unsigned int type);

/* "KW NAME" when the attribute is present (its name in names). */
void dump_word_name(struct dump_line *l, const char *kw,
		    const struct attr_vals *v, unsigned int type,
		    const struct fmt_name *names);

/* "WORD" when the u8 flag attribute is present and not 0. */
void dump_word_flag(struct dump_line *l, const char *word,
		    const struct attr_vals *v, unsigned int type);

/* The address attribute type as text ("?" when missing or malformed). */
const char *dump_addr(const struct attr_vals *v, unsigned int family_type,
		      unsigned int type, char *buf, size_t len);

/* "0x%08x" of a u32 into buf (11 bytes). */
const char *dump_hex32(uint64_t v, char *buf);

/* A string attribute (present, NUL-terminated) or NULL. */
const char *dump_str(const struct attr_vals *v, unsigned int type);

/* In JSON: the attribute as a number when present (else omitted). */
void dump_json_num(struct json *j, const struct attr_vals *v,
		   unsigned int type);

/* In JSON: a u8 flag as true/false when present. */
void dump_json_bool(struct json *j, const struct attr_vals *v,
		    unsigned int type);

/* In JSON: the attribute's name in names (or its number, as a string). */
void dump_json_name(struct json *j, const struct attr_vals *v,
		    unsigned int type, const struct fmt_name *names);

/* In JSON: a string attribute when present. */
void dump_json_str(struct json *j, const struct attr_vals *v,
		   unsigned int type);

/* In JSON: an address attribute, given the family attribute (null when
 * it does not fit the family). */
void dump_json_addr(struct json *j, const struct attr_vals *v,
		    unsigned int family_type, unsigned int type);

#endif
