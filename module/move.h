/* SPDX-License-Identifier: GPL-2.0 */
/* Planned moves of sessions between live nodes (move.c). */
#ifndef _IPSEC_HA_MOVE_H
#define _IPSEC_HA_MOVE_H

#include <linux/types.h>

#include "ipsec_ha.h"
#include "wire_ctl.h"

#define HA_MOVE_MAX		2048	/* SAs and policies in one move */
#define HA_MOVE_SPIS_MAX	64	/* SPIs one request names */

/* What ipsec-ha move names: every session that matches one of them. */
struct ha_move_sel {
	bool has_ike;
	u64 ike_spi_i, ike_spi_r;	/* one IKE session */
	u8 peer_len;			/* 4 or 16: the sessions of that peer */
	u8 peer[16];
	unsigned int nr_spis;		/* the sessions of these SAs */
	u32 spis[HA_MOVE_SPIS_MAX];
	/*
	 * The sessions node owns, alone: all of them, or with share those
	 * that the share rule over the nodes alive now gives the new owner.
	 */
	u16 node;
	bool share;
};

struct ha_move_result {
	u32 sas, policies;		/* selected */
	u32 given;			/* handed over by this node */
	u32 asked;			/* asked of their owners */
	u32 taken;			/* taken over at once (their owner is gone) */
	u32 ikes;			/* IKE contexts taken over with those */
	u16 owner;			/* the owner of the first one selected */
	const char *why;		/* an error's reason, for extack */
};

int ha_move(struct ha_net *hn, const struct ha_move_sel *sel, u16 to,
	    struct ha_move_result *res);
void ha_move_rx_given(struct ha_net *hn, u16 sender, const struct ha_wire_given *g);
void ha_move_rx_ask(struct ha_net *hn, u16 sender, const struct ha_wire_move *m);
void ha_move_rx_taken(struct ha_net *hn, u16 sender, u64 refkey);
bool ha_move_heard(struct ha_net *hn, u16 node);
int ha_share_select(struct ha_net *hn, u16 node, u64 **refs, unsigned int *nr);
void ha_move_net_init(struct ha_net *hn);
void ha_move_net_exit(struct ha_net *hn);

#endif /* _IPSEC_HA_MOVE_H */
