/* SPDX-License-Identifier: GPL-2.0 */
/* Promote and demote (takeover.c). */
#ifndef _IPSEC_HA_TAKEOVER_H
#define _IPSEC_HA_TAKEOVER_H

#include <net/xfrm.h>

#include "ipsec_ha.h"
#include "store.h"
#include "wire.h"
#include "wire_ctl.h"

#define HA_TAKEOVER_FAILURES_MAX 64	/* reported one by one; all are counted */

struct ha_takeover_failure {
	u64 refkey;
	bool policy;
	u8 family;
	u32 spi;
	u8 daddr[16];
	int err;
	const char *why;
};

/* An SA or policy promote announced and will install. */
struct ha_promote_item {
	struct xfrm_state *x;		/* an SA, built */
	bool policy;
	bool prepared;			/* x came from standby.c */
	u64 refkey;
};

struct ha_takeover {
	u16 node;			/* 0: all */
	u8 inbound;			/* enum ipsec_ha_inbound_policy */
	/*
	 * A move (move.c): promote takes only the objects of refs that node
	 * owns; with exact, their counters start where the owner's final
	 * counters stopped (it handed them over), not past the margin.
	 */
	bool exact;
	const u64 *refs;
	unsigned int nr_refs;
	u32 sas, policies, failed;
	u32 prepared;			/* SAs that came prepared (standby.c) */
	u32 ikes;			/* IKE contexts taken over with them */
	u64 usecs;
	unsigned int nr_failures;
	struct ha_takeover_failure failures[HA_TAKEOVER_FAILURES_MAX];
	struct ha_wire_sa sa;		/* promote: the SA being built */
	struct ha_wire_policy pol;	/* promote, demote: the policy being installed or removed */
};

int ha_promote(struct ha_net *hn, struct ha_takeover *t);
unsigned int ha_give(struct ha_net *hn, const u64 *refs, unsigned int n, u16 to,
		     struct ha_wire_given *out);
int ha_demote(struct ha_net *hn, struct ha_takeover *t);
void ha_takeover_lost(struct ha_net *hn, const struct ha_obj *old);

#endif /* _IPSEC_HA_TAKEOVER_H */
