/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny streaming JSON writer: compact ({"a":1,"b":[2]}) or pretty
 * (4-space indent). Values take a key inside objects and NULL inside
 * arrays or at the top level.
 */
#ifndef IPSEC_HA_JSON_H
#define IPSEC_HA_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool has_items[JSON_MAX_DEPTH];	/* a comma is due at this depth */
};

void json_init(struct json *j, FILE *f, bool pretty);

void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);

void json_str(struct json *j, const char *key, const char *val); /* NULL: null */
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);

/* End a top-level value: a newline. */
void json_end(struct json *j);

/*
 * Write s as a JSON string, quotes included: '"', '\\' and control
 * characters escaped, bytes that are not UTF-8 replaced by U+FFFD.
 */
void json_escape(FILE *f, const char *s);

#endif
