/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The spec's attribute sets as tables indexed by attribute id: names for
 * error messages and for printing, types for validating what the kernel
 * sends. The tables (attrs_gen.c, attrs_gen.h) are generated from
 * Documentation/netlink/specs/ipsec_ha.yaml by tools/gen-attrs.py (make
 * gen); tests/unit checks them against the spec as well.
 */
#ifndef IPSEC_HA_ATTRS_H
#define IPSEC_HA_ATTRS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

enum attr_kind {
	AK_UNSPEC,	/* hole in the table */
	AK_U8,
	AK_U16,
	AK_U32,
	AK_U64,
	AK_STRING,
	AK_BINARY,
	AK_PAD,
	AK_NEST,
	AK_FLAG,
	AK_S32,		/* num[] holds it sign-extended */
};

struct attr_desc {
	const char *name;		/* spec name, e.g. "node-id" */
	enum attr_kind kind;
	uint16_t len;			/* AK_BINARY: exact length, 0 any */
};

struct attr_set {
	const char *name;		/* spec name, e.g. "config" */
	const struct attr_desc *attrs;	/* indexed by attribute id */
	unsigned int max;		/* highest id in attrs */
};

/* attrs_config, attrs_stats, ... and attr_sets[], from the spec. */
#include "attrs_gen.h"

/* Spec name of attribute type in set, or NULL when unknown. */
const char *attr_name(const struct attr_set *set, unsigned int type);

/* Does a payload of len bytes fit the type? (Unknown types: no.) */
bool attr_len_ok(const struct attr_set *set, unsigned int type, size_t len);

/*
 * The attributes of one message of a set, decoded without copying:
 * integers in num[], strings (NUL-terminated, not empty) and binaries
 * as pointers into the message, valid as long as the message is.
 * Attributes unknown to the set, or of the wrong size, are left out.
 */
#define ATTR_VALS_MAX 48

struct nlmsghdr;

struct attr_vals {
	const struct attr_set *set;
	bool has[ATTR_VALS_MAX];
	uint64_t num[ATTR_VALS_MAX];
	const void *ptr[ATTR_VALS_MAX];
	uint16_t len[ATTR_VALS_MAX];
};

/* Decode a genetlink message (genetlink header included) of set into v. */
void attr_vals_parse(const struct nlmsghdr *nlh, const struct attr_set *set,
		     struct attr_vals *v);

/* The same for the attributes nested in nest. */
struct nlattr;
void attr_vals_parse_nested(const struct nlattr *nest, const struct attr_set *set,
			    struct attr_vals *v);

/* Is attribute type present (and well formed) in v? */
static inline bool attr_has(const struct attr_vals *v, unsigned int type)
{
	return type < ATTR_VALS_MAX && v->has[type];
}

/* JSON key of a spec name: '-' becomes '_' (out: at least strlen + 1). */
void attr_json_key(const char *name, char *out, size_t outlen);

#endif
