// SPDX-License-Identifier: GPL-2.0
/* The promote, demote and move operations of the ipsec_ha family. */
#include <linux/slab.h>
#include <net/genetlink.h>

#include "move.h"
#include "netns.h"
#include "nl.h"
#include "nl_event.h"
#include "takeover.h"

static int ha_nl_put_failure(struct sk_buff *msg, const struct ha_takeover_failure *f)
{
	struct nlattr *nest = nla_nest_start(msg, IPSEC_HA_A_TAKEOVER_FAILURE);
	struct ha_ref ref;

	if (!nest)
		return -EMSGSIZE;
	ha_ref_of(f->refkey, &ref);
	if (nla_put_u16(msg, IPSEC_HA_A_TAKEOVER_FAILURE_ORIGIN, ref.origin) ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_FAILURE_ID, ref.id) ||
	    (f->policy && nla_put_flag(msg, IPSEC_HA_A_TAKEOVER_FAILURE_POLICY)) ||
	    (!f->policy && nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_FAILURE_SPI, f->spi)) ||
	    (!f->policy && nla_put(msg, IPSEC_HA_A_TAKEOVER_FAILURE_DADDR,
				   f->family == AF_INET ? 4 : 16, f->daddr)) ||
	    nla_put_s32(msg, IPSEC_HA_A_TAKEOVER_FAILURE_ERROR, f->err) ||
	    nla_put_string(msg, IPSEC_HA_A_TAKEOVER_FAILURE_REASON, f->why)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ha_nl_takeover_reply(struct genl_info *info, u8 cmd, const struct ha_takeover *t)
{
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE * 4, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ha_genl_family, 0, cmd);
	if (!hdr ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_SAS, t->sas) ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_POLICIES, t->policies) ||
	    nla_put_u64_64bit(msg, IPSEC_HA_A_TAKEOVER_USECS, t->usecs, IPSEC_HA_A_TAKEOVER_PAD) ||
	    (cmd == IPSEC_HA_CMD_PROMOTE &&
	     (nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_FAILED, t->failed) ||
	      nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_PREPARED, t->prepared) ||
	      nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_IKES, t->ikes))))
		goto nospace;
	/* Failures that do not fit are counted in failed all the same. */
	for (i = 0; i < t->nr_failures; i++)
		if (ha_nl_put_failure(msg, &t->failures[i]))
			break;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * Promote and demote; inbound and share are promote's (demote takes neither).
 * Each op reads only the attributes its generated policy lists: info->attrs
 * has one entry per attribute up to that policy's maxattr and no more
 * (demote's ends at node), so inbound is read by the promote handler alone.
 */
static int ha_nl_takeover(struct genl_info *info, u8 cmd, u8 inbound, bool share)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct ha_takeover *t;
	int err;

	err = ha_nl_reject_duplicates(info);
	if (err)
		return err;
	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	if (info->attrs[IPSEC_HA_A_TAKEOVER_NODE])
		t->node = nla_get_u16(info->attrs[IPSEC_HA_A_TAKEOVER_NODE]);
	t->inbound = inbound;
	if (share && !t->node) {
		NL_SET_ERR_MSG(info->extack, "share needs node: the node whose sessions to share");
		kvfree(t);
		return -EINVAL;
	}

	mutex_lock(&hn->lock);
	mutex_lock(&hn->store.lock);
	if (share) {
		u64 *refs = NULL;

		err = ha_share_select(hn, t->node, &refs, &t->nr_refs);
		if (!err) {
			t->refs = refs;
			err = ha_promote(hn, t);
		}
		kvfree(refs);
	} else {
		err = cmd == IPSEC_HA_CMD_PROMOTE ? ha_promote(hn, t) : ha_demote(hn, t);
	}
	mutex_unlock(&hn->store.lock);
	mutex_unlock(&hn->lock);
	if (err == -ENOTCONN)
		NL_SET_ERR_MSG(info->extack,
			       "node not syncing: set its id, link and key first");
	/* The IKE daemon rebuilds the IKE SAs of the contexts taken over. */
	if (!err && t->ikes) {
		struct ha_event ev = {
			.type = IPSEC_HA_EVENT_TYPE_IKE_TAKEN,
			.count = t->ikes,
		};

		ha_nl_event(hn, &ev);
	}
	if (!err)
		err = ha_nl_takeover_reply(info, cmd, t);
	kvfree(t);
	return err;
}

int ipsec_ha_nl_promote_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *inbound = info->attrs[IPSEC_HA_A_TAKEOVER_INBOUND];

	return ha_nl_takeover(info, IPSEC_HA_CMD_PROMOTE,
			      inbound ? nla_get_u8(inbound) : IPSEC_HA_INBOUND_POLICY_ACCEPT,
			      nla_get_flag(info->attrs[IPSEC_HA_A_TAKEOVER_SHARE]));
}

int ipsec_ha_nl_demote_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ha_nl_takeover(info, IPSEC_HA_CMD_DEMOTE, IPSEC_HA_INBOUND_POLICY_ACCEPT, false);
}

/* The sessions a move request names; an error with extack otherwise. */
static int ha_nl_move_sel(struct genl_info *info, struct ha_move_sel *sel)
{
	struct nlattr *spi_i = info->attrs[IPSEC_HA_A_TAKEOVER_IKE_SPI_I];
	struct nlattr *spi_r = info->attrs[IPSEC_HA_A_TAKEOVER_IKE_SPI_R];
	struct nlattr *peer = info->attrs[IPSEC_HA_A_TAKEOVER_PEER];
	struct nlattr *spis = info->attrs[IPSEC_HA_A_TAKEOVER_SPIS];
	struct nlattr *node = info->attrs[IPSEC_HA_A_TAKEOVER_NODE];
	struct nlattr *share = info->attrs[IPSEC_HA_A_TAKEOVER_SHARE];
	unsigned int i;

	if (!!spi_i != !!spi_r) {
		NL_SET_ERR_MSG_ATTR(info->extack, spi_i ?: spi_r,
				    "an IKE session needs both SPIs");
		return -EINVAL;
	}
	if (share && !node) {
		NL_SET_ERR_MSG_ATTR(info->extack, share,
				    "share needs node: the node whose sessions to share");
		return -EINVAL;
	}
	if (!spi_i && !peer && !spis && !node) {
		NL_SET_ERR_MSG(info->extack,
			       "name the sessions: IKE SPIs, a peer, SPIs or a node");
		return -EINVAL;
	}
	if (node) {
		/* A node's sessions, or its share: no other selector adds to them. */
		if (spi_i || peer || spis) {
			NL_SET_ERR_MSG_ATTR(info->extack, node,
					    "node names the sessions alone: no IKE SPIs, peer or SPIs with it");
			return -EINVAL;
		}
		sel->node = nla_get_u16(node);
		sel->share = !!share;
		if (sel->node == nla_get_u16(info->attrs[IPSEC_HA_A_TAKEOVER_TO])) {
			NL_SET_ERR_MSG_ATTR(info->extack, node, "node and to are the same node");
			return -EINVAL;
		}
		return 0;
	}
	if (spi_i) {
		sel->has_ike = true;
		sel->ike_spi_i = nla_get_u64(spi_i);
		sel->ike_spi_r = nla_get_u64(spi_r);
	}
	if (peer) {
		if (nla_len(peer) != 4 && nla_len(peer) != 16) {
			NL_SET_ERR_MSG_ATTR(info->extack, peer, "an address is 4 or 16 bytes");
			return -EINVAL;
		}
		sel->peer_len = nla_len(peer);
		memcpy(sel->peer, nla_data(peer), sel->peer_len);
	}
	if (spis) {
		if (nla_len(spis) % sizeof(u32) ||
		    nla_len(spis) / sizeof(u32) > ARRAY_SIZE(sel->spis)) {
			NL_SET_ERR_MSG_ATTR(info->extack, spis, "1 to 64 SPIs of 4 bytes each");
			return -EINVAL;
		}
		sel->nr_spis = nla_len(spis) / sizeof(u32);
		for (i = 0; i < sel->nr_spis; i++)
			memcpy(&sel->spis[i], (u8 *)nla_data(spis) + i * sizeof(u32), sizeof(u32));
	}
	return 0;
}

int ipsec_ha_nl_move_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct ha_move_result res = { };
	struct ha_move_sel *sel;
	ktime_t start = ktime_get();
	struct sk_buff *msg;
	u16 to;
	void *hdr;
	int err;

	err = ha_nl_reject_duplicates(info);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, IPSEC_HA_A_TAKEOVER_TO))
		return -EINVAL;
	to = nla_get_u16(info->attrs[IPSEC_HA_A_TAKEOVER_TO]);
	sel = kzalloc(sizeof(*sel), GFP_KERNEL);
	if (!sel)
		return -ENOMEM;
	err = ha_nl_move_sel(info, sel);
	if (err)
		goto out;
	mutex_lock(&hn->lock);
	mutex_lock(&hn->store.lock);
	err = ha_move(hn, sel, to, &res);
	mutex_unlock(&hn->store.lock);
	mutex_unlock(&hn->lock);
	if (err) {
		/* res.why is a string literal, as NL_SET_ERR_MSG() wants. */
		if (res.why && info->extack)
			info->extack->_msg = res.why;
		goto out;
	}
	if (res.ikes) {
		struct ha_event ev = {
			.type = IPSEC_HA_EVENT_TYPE_IKE_TAKEN,
			.count = res.ikes,
		};

		ha_nl_event(hn, &ev);
	}
	err = -ENOMEM;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &ha_genl_family, 0, IPSEC_HA_CMD_MOVE);
	if (!hdr ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_SAS, res.sas) ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_POLICIES, res.policies) ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_GIVEN, res.given) ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_ASKED, res.asked) ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_TAKEN, res.taken) ||
	    nla_put_u32(msg, IPSEC_HA_A_TAKEOVER_IKES, res.ikes) ||
	    nla_put_u16(msg, IPSEC_HA_A_TAKEOVER_OWNER, res.owner) ||
	    nla_put_u64_64bit(msg, IPSEC_HA_A_TAKEOVER_USECS,
			      ktime_us_delta(ktime_get(), start), IPSEC_HA_A_TAKEOVER_PAD)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	kfree(sel);
	return err;
}
