// SPDX-License-Identifier: GPL-2.0
/*
 * NODE_INFO: each node's SPI range, announced with every ALIVE (so a
 * lost one is repaired a second later, and a peer that joins learns it),
 * kept per peer, compared with this node's and the other peers'.
 */
#include "nl_event.h"
#include "nodeinfo.h"
#include "stats.h"

static bool ha_spi_overlap(u32 a_min, u32 a_max, u32 b_min, u32 b_max)
{
	return a_max && b_max && a_min <= b_max && b_min <= a_max;
}

int ha_node_spi_parse(struct genl_info *info, u64 *range)
{
	struct nlattr *min = info->attrs[IPSEC_HA_A_CONFIG_SPI_MIN];
	struct nlattr *max = info->attrs[IPSEC_HA_A_CONFIG_SPI_MAX];
	u32 lo, hi;

	if (!min && !max)
		return -ENOENT;
	if (!min || !max) {
		NL_SET_ERR_MSG_ATTR(info->extack, min ?: max, "spi-min and spi-max go together");
		return -EINVAL;
	}
	lo = nla_get_u32(min);
	hi = nla_get_u32(max);
	if ((lo || hi) && (lo < HA_SPI_RANGE_MIN || lo > hi)) {
		NL_SET_ERR_MSG_ATTR(info->extack, lo < HA_SPI_RANGE_MIN ? min : max,
				    "an SPI range needs 256 <= spi-min <= spi-max (0 and 0: none)");
		return -EINVAL;
	}
	*range = ha_spi_range(lo, hi);
	return 0;
}

int ha_node_info_put(struct ha_net *hn, struct ha_wire_buf *b)
{
	u64 r = READ_ONCE(hn->spi_range);
	struct ha_wire_node_info ni = {
		.spi_min = r >> 32,
		.spi_max = (u32)r,
		.sync_packets = READ_ONCE(hn->sync_packets),
	};
	int err;

	err = ha_wire_put_node_info(b, &ni);
	if (!err)
		hn->tx_info_sync_packets = ni.sync_packets;
	return err;
}

/* Report that p's range overlaps other's (a peer, or this node: NULL). */
static void ha_node_overlap_event(struct ha_net *hn, const struct ha_peer *p,
				  u16 other, u32 o_min, u32 o_max)
{
	struct ha_event ev = {
		.type = IPSEC_HA_EVENT_TYPE_SPI_OVERLAP,
		.node = p->node,
		.spi_min = p->spi_min,
		.spi_max = p->spi_max,
		.other_node = other,
		.other_spi_min = o_min,
		.other_spi_max = o_max,
	};

	ha_nl_event(hn, &ev);
}

void ha_node_info_rx(struct ha_net *hn, struct ha_peer *p, const struct ha_wire_rec *rec)
{
	struct ha_wire_node_info ni;
	struct ha_peer *q;
	unsigned long i;
	u64 mine;

	if (ha_wire_get_node_info(rec, &ni)) {
		ha_stat_inc(hn, IPSEC_HA_A_STATS_DROP_MALFORMED);
		return;
	}
	p->sync_packets = ni.sync_packets;
	if (ni.spi_min == p->spi_min && ni.spi_max == p->spi_max)
		return;
	p->spi_min = ni.spi_min;
	p->spi_max = ni.spi_max;
	if (!p->spi_max)
		return;
	mine = READ_ONCE(hn->spi_range);
	if (ha_spi_overlap(p->spi_min, p->spi_max, mine >> 32, (u32)mine))
		ha_node_overlap_event(hn, p, hn->node_id, mine >> 32, (u32)mine);
	xa_for_each(&hn->peers->by_node, i, q)
		if (q != p && ha_spi_overlap(p->spi_min, p->spi_max, q->spi_min, q->spi_max))
			ha_node_overlap_event(hn, p, q->node, q->spi_min, q->spi_max);
}

void ha_node_spi_check(struct ha_net *hn)
{
	u64 mine = READ_ONCE(hn->spi_range);
	struct ha_peer *p;
	unsigned long i;

	lockdep_assert_held(&hn->lock);
	mutex_lock(&hn->store.lock);
	if (hn->peers)
		xa_for_each(&hn->peers->by_node, i, p)
			if (ha_spi_overlap(p->spi_min, p->spi_max, mine >> 32, (u32)mine))
				ha_node_overlap_event(hn, p, hn->node_id, mine >> 32, (u32)mine);
	mutex_unlock(&hn->store.lock);
}

/* Does p's range overlap this node's or another peer's? */
static bool ha_node_overlaps(struct ha_net *hn, const struct ha_peer *p)
{
	u64 mine = READ_ONCE(hn->spi_range);
	struct ha_peer *q;
	unsigned long i;

	if (ha_spi_overlap(p->spi_min, p->spi_max, mine >> 32, (u32)mine))
		return true;
	xa_for_each(&hn->peers->by_node, i, q)
		if (q != p && ha_spi_overlap(p->spi_min, p->spi_max, q->spi_min, q->spi_max))
			return true;
	return false;
}

int ha_node_fill_peer(struct sk_buff *skb, struct ha_net *hn, const struct ha_peer *p)
{
	if (p->spi_max &&
	    (nla_put_u32(skb, IPSEC_HA_A_PEER_SPI_MIN, p->spi_min) ||
	     nla_put_u32(skb, IPSEC_HA_A_PEER_SPI_MAX, p->spi_max)))
		return -EMSGSIZE;
	return nla_put_u8(skb, IPSEC_HA_A_PEER_SPI_OVERLAP, ha_node_overlaps(hn, p));
}
