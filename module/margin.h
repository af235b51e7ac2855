/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a takeover starts an SA's counters (Documentation/takeover.md).
 * Shared by the module and the userspace tests: pure arithmetic on
 * wire_types.h, no kernel state.
 *
 * The old owner synced an SA's counter when it had moved sync_packets
 * past the last synced value, or sync_interval after the last sync. What
 * it may have used since the last value this node received is at most
 * the threshold plus what the SA's observed rate allows over the time
 * since that value arrived; twice the rate covers bursts above the
 * average. margin_min is the floor.
 */
#ifndef _IPSEC_HA_MARGIN_H
#define _IPSEC_HA_MARGIN_H

#include "wire_types.h"

#define HA_MARGIN_RATE_FACTOR	2
/* Beyond this many seconds of silence the rate term stops growing. */
#define HA_MARGIN_SINCE_MAX_MS	(3600ULL * 1000)

struct ha_margin_in {
	u64 last;		/* last synced counter */
	u32 rate;		/* observed packets per second */
	u64 since_ms;		/* since the last synced value arrived */
	u32 sync_packets;	/* the owner's packet threshold */
	u32 margin_min;		/* floor */
};

static inline u64 ha_margin(const struct ha_margin_in *in)
{
	u64 since = in->since_ms < HA_MARGIN_SINCE_MAX_MS ? in->since_ms :
		    HA_MARGIN_SINCE_MAX_MS;
	/* rate < 2^32, since < 2^32: the product cannot overflow */
	u64 m = (u64)in->sync_packets +
		(u64)in->rate * HA_MARGIN_RATE_FACTOR * since / 1000 + 1;

	return m > in->margin_min ? m : in->margin_min;
}

/*
 * The first counter the new owner may use (its oseq starts here and the
 * next packet takes start + 1), or 0 when the margin would carry a
 * non-ESN SA past 2^32 - 1 (it must be rekeyed, not taken over).
 */
static inline u64 ha_margin_start(const struct ha_margin_in *in, bool esn)
{
	u64 m = ha_margin(in);
	u64 limit = esn ? ~0ULL : 0xffffffffULL;

	if (in->last >= limit || limit - in->last <= m)
		return 0;
	return in->last + m;
}

/*
 * Split brain: two nodes that both take an SA over while they cannot hear
 * each other start from about the same counter. Each adds an offset of
 * its own, (node id mod 16) times a stride, so that their outbound
 * sequence numbers stay apart:
 *   - ESN SAs: a stride of 2^27. Only the low 32 bits of the sequence
 *     number travel; the receiver infers the high bits from its replay
 *     window, which works for a jump of up to 2^32 minus the window. The
 *     offset stays below 2^31 (15 x 2^27), and ranges of nodes whose ids
 *     differ modulo 16 are 134 million packets apart;
 *   - other SAs, whose whole space is 2^32: a stride of 2^22, at most 63
 *     million; ranges 4 million packets apart.
 * The tie is resolved when the nodes hear each other again (rx.c).
 */
#define HA_SPLIT_STRIDE_ESN	0x8000000ULL	/* 2^27 */
#define HA_SPLIT_STRIDE		0x400000ULL	/* 2^22 */
#define HA_SPLIT_SLOTS		16

/* start moved to node's own range; 0 when that passes the SA's space. */
static inline u64 ha_margin_node_start(u64 start, bool esn, u16 node)
{
	u64 off = (u64)(node % HA_SPLIT_SLOTS) * (esn ? HA_SPLIT_STRIDE_ESN : HA_SPLIT_STRIDE);
	u64 limit = esn ? ~0ULL : 0xffffffffULL;

	if (!start || start >= limit || limit - start <= off)
		return 0;
	return start + off;
}

/*
 * Observed rate after a counter moved by delta packets in ms milliseconds:
 * the new measurement if higher (bursts count at once), else a slow decay
 * towards it.
 */
static inline u32 ha_margin_rate(u32 rate, u64 delta, u64 ms)
{
	u64 r;

	if (!ms)
		ms = 1;
	r = delta * 1000 / ms;
	if (delta > ~0ULL / 1000 || r > 0xffffffffULL)
		r = 0xffffffffULL;
	if (r >= rate)
		return (u32)r;
	return (u32)(((u64)rate * 3 + r) / 4);
}

#endif /* _IPSEC_HA_MARGIN_H */
