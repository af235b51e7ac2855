/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_PEER_H
#define _IPSEC_HA_PEER_H

#include <linux/bitmap.h>
#include <linux/xarray.h>

#include "ipsec_ha.h"
#include "sync.h"
#include "wire.h"

#define HA_PEER_WINDOW	1024	/* datagrams of reordering tolerated */
#define HA_PEERS_MAX	256

enum ha_bulk_state {
	HA_BULK_NONE,
	HA_BULK_WAITING,
	HA_BULK_DONE,
};

/* What this node knows of another member; under store.lock. */
struct ha_peer {
	u16 node;
	u8 bulk;		/* enum ha_bulk_state */
	u8 mismatches;		/* consecutive ALIVEs whose summary differed */
	u64 epoch;
	u64 max_seq;
	u64 first_seq;		/* first datagram heard in this epoch */
	/*
	 * Its datagram whose ALIVE last matched this node's mirror: holes at
	 * or before it need no repair, so renack asks only for later ones.
	 */
	u64 synced_seq;
	DECLARE_BITMAP(window, HA_PEER_WINDOW);
	unsigned long last_heard;
	u64 datagrams, gaps, resends;
	u64 gaps_at_bulk;	/* gaps when the bulk was asked for */
	unsigned long bulk_at;	/* jiffies when this node asked it for a bulk */
	/*
	 * This node's datagram that carried that request (U64_MAX until it
	 * is sent): only a BULK_END that answers it or a later one ends it.
	 */
	u64 bulk_req_seq;
	/* Its datagram that carried its last BULK_REQ served: BULK_END names it. */
	u64 bulk_req_rx;
	bool bulk_deferred;	/* its BULK_REQ waits for the per-peer limit */
	unsigned long last_gap;	/* jiffies of the last gap asked to be resent */
	/* jiffies when its NACKs, BULK_REQ and ALIVE last cost a walk (rx.c) */
	unsigned long resend_at, bulk_served_at, alive_at;
	/* Its NACKed ranges that wait for the per-peer limit (rx.c). */
	unsigned int nr_nack_wait;
	struct ha_sync_range nack_wait[HA_SYNC_RESEND_RANGES];
	u32 spi_min, spi_max;	/* its SPI range (NODE_INFO); 0: none */
	u32 sync_packets;	/* its counter threshold (NODE_INFO); 0: unknown */
	bool lost;		/* silent for HA_PEER_LOST_AFTER (watch.c) */
	bool in_sync;		/* its last summary matched what this node holds */
	bool differs;		/* its summaries differ since differs_at (jiffies) */
	unsigned long differs_at;
	bool forget;		/* scratch of ha_peers_forget() */
};

/* What this node keeps of a forgotten peer: enough to refuse its replays. */
struct ha_peer_gone {
	u64 epoch, max_seq;
};

struct ha_peers {
	struct xarray by_node;
	struct xarray gone;		/* forgotten peers: node -> struct ha_peer_gone */
	unsigned int count;
	bool bulk_all;			/* this node asked every node for a bulk */
	unsigned long bulk_all_at;	/* jiffies of the last such request */
	u64 bulk_all_seq;		/* its datagram (U64_MAX until sent) */
};

struct ha_peers *ha_peers(struct ha_net *hn);
struct ha_peer *ha_peer_get(struct ha_net *hn, u16 node);
bool ha_peer_accept(struct ha_net *hn, struct ha_peer *p, const struct ha_wire_hdr *h);
void ha_peers_bulk_begin(struct ha_net *hn, u16 node);
void ha_peers_bulk_sent(struct ha_net *hn, u16 node, u64 seq);
u64 ha_peer_bulk_req(struct ha_net *hn, u16 node);
void ha_peer_bulk_end(struct ha_net *hn, struct ha_peer *p, const struct ha_wire_bulk *bk);
void ha_peer_resync(struct ha_net *hn, struct ha_peer *p);
void ha_peer_alive(struct ha_net *hn, struct ha_peer *p, const struct ha_wire_alive *a);
u32 ha_peer_sync_packets(struct ha_net *hn, u16 node);
void ha_peers_forget(struct ha_net *hn);
void ha_peers_destroy(struct ha_net *hn);
bool ha_peer_may_change(struct ha_net *hn, struct ha_obj *old, u16 sender, u16 owner, u16 epoch);

#endif /* _IPSEC_HA_PEER_H */
