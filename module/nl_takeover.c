// SPDX-License-Identifier: GPL-2.0
/* The promote and demote operations of the ipsec_ha family. */
#include <linux/slab.h>
#include <net/genetlink.h>

#include "netns.h"
#include "nl.h"
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
 * Promote and demote; inbound is promote's (demote takes no inbound).
 * Each op reads only the attributes its generated policy lists: info->attrs
 * has one entry per attribute up to that policy's maxattr and no more
 * (demote's ends at node), so inbound is read by the promote handler alone.
 */
static int ha_nl_takeover(struct genl_info *info, u8 cmd, u8 inbound)
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

	mutex_lock(&hn->lock);
	mutex_lock(&hn->store.lock);
	err = cmd == IPSEC_HA_CMD_PROMOTE ? ha_promote(hn, t) : ha_demote(hn, t);
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
			      inbound ? nla_get_u8(inbound) : IPSEC_HA_INBOUND_POLICY_ACCEPT);
}

int ipsec_ha_nl_demote_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ha_nl_takeover(info, IPSEC_HA_CMD_DEMOTE, IPSEC_HA_INBOUND_POLICY_ACCEPT);
}
