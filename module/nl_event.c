// SPDX-License-Identifier: GPL-2.0
/*
 * event-ntf: what happened in the cluster, to the events group of the
 * namespace. Nothing is built when nobody listens. Attributes that are 0
 * are left out, except the count of a bulk-done and the mtu of a link
 * event.
 */
#include <net/genetlink.h>

#include "nl.h"
#include "nl_event.h"

static int ha_nl_event_u32(struct sk_buff *skb, int attr, u32 v)
{
	return v ? nla_put_u32(skb, attr, v) : 0;
}

void ha_nl_event(struct ha_net *hn, const struct ha_event *ev)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&ha_genl_family, hn->net, IPSEC_HA_NLGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &ha_genl_family, 0, IPSEC_HA_CMD_EVENT_NTF);
	if (!hdr ||
	    nla_put_u8(skb, IPSEC_HA_A_EVENT_TYPE, ev->type) ||
	    ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_NODE, ev->node) ||
	    ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_SPI_MIN, ev->spi_min) ||
	    ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_SPI_MAX, ev->spi_max) ||
	    ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_OTHER_NODE, ev->other_node) ||
	    ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_OTHER_SPI_MIN, ev->other_spi_min) ||
	    ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_OTHER_SPI_MAX, ev->other_spi_max) ||
	    ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_LAST_HEARD, ev->last_heard) ||
	    (ev->type == IPSEC_HA_EVENT_TYPE_BULK_DONE ?
	     nla_put_u32(skb, IPSEC_HA_A_EVENT_COUNT, ev->count) :
	     ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_COUNT, ev->count)) ||
	    ha_nl_event_u32(skb, IPSEC_HA_A_EVENT_SPI, ev->spi) ||
	    (ev->proto && nla_put_u8(skb, IPSEC_HA_A_EVENT_PROTO, ev->proto)) ||
	    (ev->family &&
	     (nla_put_u8(skb, IPSEC_HA_A_EVENT_FAMILY, ev->family) ||
	      nla_put(skb, IPSEC_HA_A_EVENT_DADDR, ev->family == AF_INET ? 4 : 16,
		      ev->daddr))) ||
	    (ev->reason && nla_put_u8(skb, IPSEC_HA_A_EVENT_REASON, ev->reason)) ||
	    (ev->has_mtu && nla_put_u32(skb, IPSEC_HA_A_EVENT_MTU, ev->mtu)) ||
	    (ev->ike_spi_i &&
	     (nla_put_u64_64bit(skb, IPSEC_HA_A_EVENT_IKE_SPI_I, ev->ike_spi_i,
				IPSEC_HA_A_EVENT_PAD) ||
	      nla_put_u64_64bit(skb, IPSEC_HA_A_EVENT_IKE_SPI_R, ev->ike_spi_r,
				IPSEC_HA_A_EVENT_PAD)))) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&ha_genl_family, hn->net, skb, 0, IPSEC_HA_NLGRP_EVENTS,
				GFP_KERNEL);
}
