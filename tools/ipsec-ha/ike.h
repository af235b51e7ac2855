/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipsec-ha ike list / export: printing the replies of ike-get (never a
 * secret) and ike-export (secrets in hex), one text line or one JSON
 * object per IKE context, as each message arrives.
 */
#ifndef IPSEC_HA_IKE_H
#define IPSEC_HA_IKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>

#include "attrs.h"
#include "filter.h"
#include "ike_parse.h"
#include "json.h"

/* One dumped context: its attributes and its CHILD SPIs. */
struct ike_msg {
	struct attr_vals v;
	unsigned int nr_child;
	uint32_t child[IKE_CHILD_BUF];
};

struct ike_out {
	FILE *f;
	bool json, export, started;
	struct json j;
	struct ike_msg m;
	const struct list_filter *filter; /* print only what matches (or NULL) */
};

/*
 * export: JSON with the secrets, whatever json says. Without a filter
 * (o->filter, which may be set after this) every context is printed.
 */
void ike_out_begin(struct ike_out *o, FILE *f, bool json, bool pretty,
		   bool export);

/* Print one reply message (a genl_reply_cb; data is the ike_out). */
int ike_out_msg(const struct nlmsghdr *nlh, void *data);

/* Close the JSON array ("[]" when empty, nothing after a failed dump). */
void ike_out_end(struct ike_out *o, bool ok);

#endif
