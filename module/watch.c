// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster events: what happens to peers, bulk syncs and SPIs, told to
 * the events group. "Lost" is a flag that the next authentic datagram
 * clears; a peer lost for long that owns nothing is forgotten (peer.c).
 */
#include "nl.h"
#include "nl_event.h"
#include "stats.h"
#include "watch.h"

static void ha_watch_peer_event(struct ha_net *hn, const struct ha_peer *p, u8 type,
				u32 count)
{
	struct ha_event ev = {
		.type = type,
		.node = p->node,
		.count = count,
	};

	if (type == IPSEC_HA_EVENT_TYPE_PEER_LOST)
		ev.last_heard = jiffies_to_msecs(jiffies - p->last_heard);
	ha_nl_event(hn, &ev);
}

bool ha_watch_up_due(const struct ha_peer *p, const struct ha_wire_hdr *h)
{
	return !p->datagrams || p->lost || h->epoch > p->epoch;
}

void ha_watch_up(struct ha_net *hn, struct ha_peer *p)
{
	p->lost = false;
	ha_watch_peer_event(hn, p, IPSEC_HA_EVENT_TYPE_PEER_UP, 0);
}

void ha_watch_peers(struct ha_net *hn)
{
	struct ha_peer *p;
	unsigned long i;

	lockdep_assert_held(&hn->store.lock);
	if (!hn->peers)
		return;
	xa_for_each(&hn->peers->by_node, i, p) {
		if (p->lost || !p->datagrams ||
		    time_before(jiffies, p->last_heard + HA_PEER_LOST_AFTER))
			continue;
		p->lost = true;
		ha_watch_peer_event(hn, p, IPSEC_HA_EVENT_TYPE_PEER_LOST, 0);
	}
}

void ha_watch_bulk_done(struct ha_net *hn, const struct ha_peer *p)
{
	struct ha_obj *obj;
	u32 n = 0;

	if (!genl_has_listeners(&ha_genl_family, hn->net, 0))
		return;
	list_for_each_entry(obj, &hn->store.objs, all)
		if (obj->owner == p->node && !(obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED)))
			n++;
	ha_watch_peer_event(hn, p, IPSEC_HA_EVENT_TYPE_BULK_DONE, n);
}

void ha_watch_split_brain(struct ha_net *hn, const struct ha_obj *obj, u16 keeps, u16 gives_up)
{
	struct ha_event ev = {
		.type = IPSEC_HA_EVENT_TYPE_SPLIT_BRAIN,
		.node = keeps,
		.other_node = gives_up,
		.spi = obj->kind == HA_OBJ_SA ? obj->nkey.spi : 0,
		.proto = obj->kind == HA_OBJ_SA ? obj->nkey.proto : 0,
		.family = obj->kind == HA_OBJ_SA ? obj->nkey.family : 0,
	};

	ha_stat_inc(hn, IPSEC_HA_A_STATS_SPLIT_BRAINS);
	if (obj->kind == HA_OBJ_SA)
		memcpy(ev.daddr, obj->nkey.addr, sizeof(ev.daddr));
	ha_nl_event(hn, &ev);
}

void ha_watch_collision(struct ha_net *hn, const struct ha_obj *obj, const struct ha_obj *other)
{
	struct ha_event ev = {
		.type = IPSEC_HA_EVENT_TYPE_SPI_COLLISION,
		.node = obj->owner,
		.other_node = other->owner,
		.spi = obj->nkey.spi,
		.proto = obj->nkey.proto,
		.family = obj->nkey.family,
	};

	ha_stat_inc(hn, IPSEC_HA_A_STATS_SPI_COLLISIONS);
	memcpy(ev.daddr, obj->nkey.addr, sizeof(ev.daddr));
	ha_nl_event(hn, &ev);
}
