/* SPDX-License-Identifier: GPL-2.0 */
/*
 * promote and demote as a function, for the commands that run them
 * (promote, demote, notify-fifo).
 */
#ifndef IPSEC_HA_TAKEOVER_H
#define IPSEC_HA_TAKEOVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipsec-ha.h"

struct takeover_req {
	bool promote;		/* promote, else demote */
	bool share;		/* promote node N share */
	bool have_node;
	uint16_t node;
	bool have_inbound;
	uint8_t inbound;	/* IPSEC_HA_INBOUND_POLICY_* */
};

/*
 * The value of inbound (accept or strict) into *inbound; after a usage
 * error for cmd, non-zero.
 */
int takeover_parse_inbound(const char *cmd, const char *v, uint8_t *inbound);

/*
 * Send one promote or demote request and print the reply: as JSON on
 * stdout with ctx->json, else as text on out. Returns an EXIT_ code:
 * EXIT_FAIL also when some SAs could not be installed.
 */
int takeover_do(const struct ctx *ctx, const struct takeover_req *q, FILE *out);

#endif
