// SPDX-License-Identifier: GPL-2.0
/*
 * The ipsec_ha generic netlink family, as described by
 * Documentation/netlink/specs/ipsec_ha.yaml, and its config, link, key and
 * stats handlers. The per-op policies and the split ops are generated from
 * the spec (nl_gen.c): an op accepts only the attributes its request lists
 * in the spec, and info->attrs ends at the highest of them. The handlers
 * also refuse an attribute given twice (ha_nl_reject_duplicates()).
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "activate.h"
#include "ipsec_ha.h"
#include "key.h"
#include "link.h"
#include "netns.h"
#include "nl.h"
#include "nodeinfo.h"
#include "stats.h"
#include "sync.h"

/*
 * Netlink keeps the last of duplicated attributes; refuse them instead. A
 * request naming two node ids, keys or groups is ambiguous, and the spec
 * says so for the family.
 */
int ha_nl_reject_duplicates(const struct genl_info *info)
{
	DECLARE_BITMAP(seen, HA_NL_ATTR_TYPES) = {};
	const struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, nlmsg_attrdata(info->nlhdr, GENL_HDRLEN),
			  nlmsg_attrlen(info->nlhdr, GENL_HDRLEN), rem) {
		int type = nla_type(nla);

		/* Strict validation already refused unknown types. */
		if (type >= HA_NL_ATTR_TYPES)
			continue;
		if (__test_and_set_bit(type, seen)) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "duplicate attribute");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * This node's share: the store's per-kind counts of its live objects,
 * demoted ones included (it still owns them). They are read without
 * store.lock, so that config-get does not wait out a long change of the
 * store (a takeover, a bulk sync): each count is one the store had, the
 * three possibly a change apart.
 */
static int ha_nl_fill_owns(struct sk_buff *skb, struct ha_net *hn)
{
	const unsigned int *n = hn->store.local_kind;

	if (nla_put_u32(skb, IPSEC_HA_A_CONFIG_OWNS_SA, READ_ONCE(n[HA_OBJ_SA])) ||
	    nla_put_u32(skb, IPSEC_HA_A_CONFIG_OWNS_POLICY, READ_ONCE(n[HA_OBJ_POLICY])) ||
	    nla_put_u32(skb, IPSEC_HA_A_CONFIG_OWNS_IKE, READ_ONCE(n[HA_OBJ_IKE])))
		return -EMSGSIZE;
	return 0;
}

static int ha_nl_fill_config(struct sk_buff *skb, struct ha_net *hn)
{
	const struct ha_link_cfg *lc = &hn->link_cfg;
	const struct ha_key *key;

	lockdep_assert_held(&hn->lock);

	if (hn->node_id && nla_put_u32(skb, IPSEC_HA_A_CONFIG_NODE_ID, hn->node_id))
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPSEC_HA_A_CONFIG_SYNC_PACKETS, hn->sync_packets) ||
	    nla_put_u32(skb, IPSEC_HA_A_CONFIG_SYNC_INTERVAL, hn->sync_interval_ms) ||
	    nla_put_u32(skb, IPSEC_HA_A_CONFIG_MAX_SAS, hn->max_sas) ||
	    nla_put_u32(skb, IPSEC_HA_A_CONFIG_MARGIN_MIN, hn->margin_min) ||
	    nla_put_u32(skb, IPSEC_HA_A_CONFIG_PREPARE_MAX, hn->prepare_max) ||
	    nla_put_u32(skb, IPSEC_HA_A_CONFIG_PREPARED, READ_ONCE(hn->standby.count)) ||
	    nla_put_u8(skb, IPSEC_HA_A_CONFIG_ACTIVATE, READ_ONCE(hn->activate)) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_CONFIG_EPOCH, hn->epoch, IPSEC_HA_A_CONFIG_PAD) ||
	    ha_nl_fill_owns(skb, hn))
		return -EMSGSIZE;
	if (hn->spi_range &&
	    (nla_put_u32(skb, IPSEC_HA_A_CONFIG_SPI_MIN, hn->spi_range >> 32) ||
	     nla_put_u32(skb, IPSEC_HA_A_CONFIG_SPI_MAX, (u32)hn->spi_range)))
		return -EMSGSIZE;

	if (lc->family) {
		char ifname[IFNAMSIZ];
		u8 reason;
		int mtu;

		/* The interface under its current name; the state as it is now. */
		reason = ha_link_dev_state(hn, lc, ifname, &mtu);
		if (nla_put_u32(skb, IPSEC_HA_A_CONFIG_IFINDEX, lc->ifindex) ||
		    nla_put_string(skb, IPSEC_HA_A_CONFIG_IFNAME, ifname) ||
		    nla_put_u16(skb, IPSEC_HA_A_CONFIG_PORT, lc->port) ||
		    nla_put_u8(skb, IPSEC_HA_A_CONFIG_LINK_UP, !reason) ||
		    (reason && nla_put_u8(skb, IPSEC_HA_A_CONFIG_LINK_DOWN_REASON, reason)) ||
		    (mtu >= 0 && nla_put_u32(skb, IPSEC_HA_A_CONFIG_LINK_MTU, mtu)))
			return -EMSGSIZE;
		if (lc->family == AF_INET ?
		    nla_put_in_addr(skb, IPSEC_HA_A_CONFIG_GROUP4, lc->group.v4) :
		    nla_put_in6_addr(skb, IPSEC_HA_A_CONFIG_GROUP6, &lc->group.v6))
			return -EMSGSIZE;
	}

	key = rcu_dereference_protected(hn->key, lockdep_is_held(&hn->lock));
	if (key &&
	    (nla_put_u32(skb, IPSEC_HA_A_CONFIG_KEY_ID, key->id) ||
	     nla_put(skb, IPSEC_HA_A_CONFIG_KEY_FINGERPRINT, sizeof(key->fingerprint),
		     key->fingerprint)))
		return -EMSGSIZE;
	return 0;
}

static struct sk_buff *ha_nl_config_msg(struct ha_net *hn, u32 portid, u32 seq, u8 cmd)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	hdr = genlmsg_put(skb, portid, seq, &ha_genl_family, 0, cmd);
	if (!hdr || ha_nl_fill_config(skb, hn)) {
		nlmsg_free(skb);
		return ERR_PTR(-EMSGSIZE);
	}
	genlmsg_end(skb, hdr);
	return skb;
}

/* Tell the events group; called with hn->lock held after a change. */
void ha_nl_notify_config(struct ha_net *hn)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&ha_genl_family, hn->net, IPSEC_HA_NLGRP_EVENTS))
		return;
	skb = ha_nl_config_msg(hn, 0, 0, IPSEC_HA_CMD_CONFIG_NTF);
	if (IS_ERR(skb))
		return;
	genlmsg_multicast_netns(&ha_genl_family, hn->net, skb, 0, IPSEC_HA_NLGRP_EVENTS,
				GFP_KERNEL);
}

int ipsec_ha_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct sk_buff *msg;

	mutex_lock(&hn->lock);
	msg = ha_nl_config_msg(hn, info->snd_portid, info->snd_seq, IPSEC_HA_CMD_CONFIG_GET);
	mutex_unlock(&hn->lock);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return genlmsg_reply(msg, info);
}

int ipsec_ha_nl_node_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	bool restart = false;
	u64 spi_range;
	int err, spi;

	err = ha_nl_reject_duplicates(info);
	if (err)
		return err;
	spi = ha_node_spi_parse(info, &spi_range);
	if (spi && spi != -ENOENT)
		return spi;
	if (!attrs[IPSEC_HA_A_CONFIG_NODE_ID] && !attrs[IPSEC_HA_A_CONFIG_SYNC_PACKETS] &&
	    !attrs[IPSEC_HA_A_CONFIG_SYNC_INTERVAL] && !attrs[IPSEC_HA_A_CONFIG_MAX_SAS] &&
	    !attrs[IPSEC_HA_A_CONFIG_MARGIN_MIN] && !attrs[IPSEC_HA_A_CONFIG_PREPARE_MAX] &&
	    !attrs[IPSEC_HA_A_CONFIG_ACTIVATE] && spi) {
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		return -EINVAL;
	}

	mutex_lock(&hn->lock);
	/* First: the one setting that can fail leaves the others unchanged. */
	if (attrs[IPSEC_HA_A_CONFIG_ACTIVATE]) {
		err = ha_act_set(hn, nla_get_u8(attrs[IPSEC_HA_A_CONFIG_ACTIVATE]));
		if (err) {
			mutex_unlock(&hn->lock);
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[IPSEC_HA_A_CONFIG_ACTIVATE],
					    "cannot register the activation hooks");
			return err;
		}
	}
	if (attrs[IPSEC_HA_A_CONFIG_NODE_ID]) {
		u16 id = nla_get_u32(attrs[IPSEC_HA_A_CONFIG_NODE_ID]);

		restart = id != hn->node_id;
		if (restart)
			ha_sync_renumber(hn, id);
	}
	if (attrs[IPSEC_HA_A_CONFIG_SYNC_PACKETS])
		WRITE_ONCE(hn->sync_packets, nla_get_u32(attrs[IPSEC_HA_A_CONFIG_SYNC_PACKETS]));
	if (attrs[IPSEC_HA_A_CONFIG_SYNC_INTERVAL])
		hn->sync_interval_ms = nla_get_u32(attrs[IPSEC_HA_A_CONFIG_SYNC_INTERVAL]);
	if (attrs[IPSEC_HA_A_CONFIG_MAX_SAS])
		hn->max_sas = nla_get_u32(attrs[IPSEC_HA_A_CONFIG_MAX_SAS]);
	if (attrs[IPSEC_HA_A_CONFIG_MARGIN_MIN])
		hn->margin_min = nla_get_u32(attrs[IPSEC_HA_A_CONFIG_MARGIN_MIN]);
	if (attrs[IPSEC_HA_A_CONFIG_PREPARE_MAX])
		ha_standby_set_max(hn, nla_get_u32(attrs[IPSEC_HA_A_CONFIG_PREPARE_MAX]));
	if (!spi) {
		WRITE_ONCE(hn->spi_range, spi_range);
		ha_node_spi_check(hn);
	}
	if (restart)
		ha_sync_start(hn);
	else if (attrs[IPSEC_HA_A_CONFIG_SYNC_PACKETS] || !spi)
		ha_sync_announce(hn);	/* peers learn it now, not at the next ALIVE */
	ha_nl_notify_config(hn);
	mutex_unlock(&hn->lock);
	return 0;
}

#define HA_NL_MTU_MSG(min, family) \
	"interface MTU is below the HA link minimum (" __stringify(min) " for " family ")"

/* Resolve and check the link's interface; fills cfg->ifindex and ifname. */
static int ha_nl_link_dev(struct net *net, struct genl_info *info, struct ha_link_cfg *cfg)
{
	struct nlattr *ifindex = info->attrs[IPSEC_HA_A_CONFIG_IFINDEX];
	struct nlattr *ifname = info->attrs[IPSEC_HA_A_CONFIG_IFNAME];
	struct net_device *dev;
	int err = 0;

	if (!ifindex && !ifname) {
		NL_SET_ERR_MSG(info->extack, "an interface (ifindex or ifname) is required");
		return -EINVAL;
	}

	rcu_read_lock();
	if (ifindex)
		dev = dev_get_by_index_rcu(net, nla_get_u32(ifindex));
	else
		dev = dev_get_by_name_rcu(net, nla_data(ifname));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex ?: ifname, "no such interface");
		err = -ENODEV;
	} else if (ifindex && ifname && strcmp(dev->name, nla_data(ifname))) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifname,
				    "ifindex and ifname name different interfaces");
		err = -EINVAL;
	} else if (!(dev->flags & IFF_UP)) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex ?: ifname, "interface is down");
		err = -ENETDOWN;
	} else if (!(dev->flags & IFF_MULTICAST)) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex ?: ifname,
				    "interface does not support multicast");
		err = -EOPNOTSUPP;
	} else if (READ_ONCE(dev->mtu) < ha_link_mtu_min(cfg->family)) {
		/* Too small for a datagram with a useful record in it. */
		if (cfg->family == AF_INET)
			NL_SET_ERR_MSG_ATTR(info->extack, ifindex ?: ifname,
					    HA_NL_MTU_MSG(IPSEC_HA_LINK_MTU_MIN4, "IPv4"));
		else
			NL_SET_ERR_MSG_ATTR(info->extack, ifindex ?: ifname,
					    HA_NL_MTU_MSG(IPSEC_HA_LINK_MTU_MIN6, "IPv6"));
		err = -EINVAL;
	} else {
		struct in_device *in_dev = __in_dev_get_rcu(dev);

		cfg->ifindex = dev->ifindex;
		strscpy(cfg->ifname, dev->name, sizeof(cfg->ifname));
		/* Peers drop multicast from 0.0.0.0: say so, but accept it. */
		if (cfg->family == AF_INET && (!in_dev || !rcu_access_pointer(in_dev->ifa_list)))
			NL_SET_ERR_MSG_ATTR(info->extack, ifindex ?: ifname,
					    "interface has no IPv4 address: peers will not hear this node");
	}
	rcu_read_unlock();
	return err;
}

static int ha_nl_link_group(struct genl_info *info, struct ha_link_cfg *cfg)
{
	struct nlattr *g4 = info->attrs[IPSEC_HA_A_CONFIG_GROUP4];
	struct nlattr *g6 = info->attrs[IPSEC_HA_A_CONFIG_GROUP6];

	if (g4 && g6) {
		NL_SET_ERR_MSG_ATTR(info->extack, g6, "group4 and group6 are mutually exclusive");
		return -EINVAL;
	}
	if (g4) {
		cfg->family = AF_INET;
		cfg->group.v4 = nla_get_in_addr(g4);
		if (!ipv4_is_multicast(cfg->group.v4)) {
			NL_SET_ERR_MSG_ATTR(info->extack, g4, "group is not a multicast address");
			return -EINVAL;
		}
		return 0;
	}
	if (g6) {
		cfg->family = AF_INET6;
		cfg->group.v6 = nla_get_in6_addr(g6);
		if (!ipv6_addr_is_multicast(&cfg->group.v6)) {
			NL_SET_ERR_MSG_ATTR(info->extack, g6, "group is not a multicast address");
			return -EINVAL;
		}
		return 0;
	}
	NL_SET_ERR_MSG(info->extack, "a multicast group (group4 or group6) is required");
	return -EINVAL;
}

int ipsec_ha_nl_link_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct ha_net *hn = ha_net(net);
	struct ha_link_cfg cfg = {};
	struct ha_link *link, *old;
	int err;

	err = ha_nl_reject_duplicates(info);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, IPSEC_HA_A_CONFIG_PORT))
		return -EINVAL;
	cfg.port = nla_get_u16(info->attrs[IPSEC_HA_A_CONFIG_PORT]);
	err = ha_nl_link_group(info, &cfg);
	if (err)
		return err;
	err = ha_nl_link_dev(net, info, &cfg);
	if (err)
		return err;

	mutex_lock(&hn->lock);
	err = ha_link_open(hn, &cfg, info->extack, &link);
	if (!err) {
		old = rcu_replace_pointer(hn->link, link, lockdep_is_held(&hn->lock));
		hn->link_cfg = cfg;
		ha_link_close(old);
		ha_link_track(hn);
		ha_sync_start(hn);
		ha_nl_notify_config(hn);
	}
	mutex_unlock(&hn->lock);
	return err;
}

int ipsec_ha_nl_link_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct ha_link *old;

	mutex_lock(&hn->lock);
	old = rcu_replace_pointer(hn->link, NULL, lockdep_is_held(&hn->lock));
	memset(&hn->link_cfg, 0, sizeof(hn->link_cfg));
	ha_link_close(old);
	ha_link_track(hn);
	ha_nl_notify_config(hn);
	mutex_unlock(&hn->lock);
	return 0;
}

int ipsec_ha_nl_key_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct ha_key *key, *old;
	struct nlattr *attr;
	bool no_grace;
	int err;

	err = ha_nl_reject_duplicates(info);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, IPSEC_HA_A_CONFIG_KEY))
		return -EINVAL;
	attr = info->attrs[IPSEC_HA_A_CONFIG_KEY];
	no_grace = nla_get_flag(info->attrs[IPSEC_HA_A_CONFIG_NO_GRACE]);

	key = ha_key_create(nla_data(attr), nla_len(attr));
	if (IS_ERR(key)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "cannot use this key");
		return PTR_ERR(key);
	}

	mutex_lock(&hn->lock);
	old = rcu_replace_pointer(hn->key, key, lockdep_is_held(&hn->lock));
	/* Nodes move to a new key one by one: the old one is heard for a while. */
	if (old && old->id != key->id && !no_grace) {
		WRITE_ONCE(hn->key_prev_until, jiffies + HA_KEY_GRACE);
		old = rcu_replace_pointer(hn->key_prev, old, lockdep_is_held(&hn->lock));
	}
	ha_key_destroy(old);
	/*
	 * With no grace, the previous key (or one an earlier key-set kept)
	 * may be compromised: destroy it now. Datagrams that name it are
	 * dropped from here on (drop-unknown-key); datagrams already being
	 * opened hold it under RCU until they are done.
	 */
	if (no_grace) {
		WRITE_ONCE(hn->key_prev_until, jiffies);
		ha_key_destroy(rcu_replace_pointer(hn->key_prev, NULL, lockdep_is_held(&hn->lock)));
	}
	ha_sync_start(hn);
	ha_nl_notify_config(hn);
	mutex_unlock(&hn->lock);
	return 0;
}

int ipsec_ha_nl_key_clear_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));

	mutex_lock(&hn->lock);
	ha_key_destroy(rcu_replace_pointer(hn->key, NULL, lockdep_is_held(&hn->lock)));
	ha_key_destroy(rcu_replace_pointer(hn->key_prev, NULL, lockdep_is_held(&hn->lock)));
	ha_nl_notify_config(hn);
	mutex_unlock(&hn->lock);
	return 0;
}

int ipsec_ha_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ha_genl_family, 0, IPSEC_HA_CMD_STATS_GET);
	if (!hdr)
		goto nospace;
	for (i = IPSEC_HA_A_STATS_PAD + 1; i <= IPSEC_HA_A_STATS_MAX; i++)
		if (nla_put_u64_64bit(msg, i, ha_stat_read(hn, i), IPSEC_HA_A_STATS_PAD))
			goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* The ops come from nl_gen.c, set by ha_genl_register_family() (compat.h). */
struct genl_family ha_genl_family __ro_after_init = {
	.name = IPSEC_HA_FAMILY_NAME,
	.version = IPSEC_HA_FAMILY_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.mcgrps = ipsec_ha_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ipsec_ha_nl_mcgrps),
};

int __init ha_nl_init(void)
{
	return ha_genl_register_family(&ha_genl_family, ipsec_ha_nl_ops,
				       ARRAY_SIZE(ipsec_ha_nl_ops));
}

void ha_nl_exit(void)
{
	ha_genl_unregister_family(&ha_genl_family);
}
