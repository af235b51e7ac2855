// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps of the mirror for ipsec-ha sa list, policy list and peers: what
 * each object is, who owns it and how current it is; never a key.
 */
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "install.h"
#include "netns.h"
#include "nl.h"
#include "nodeinfo.h"
#include "peer.h"
#include "store.h"

static int ha_put_addr(struct sk_buff *skb, int attr, u8 family, const struct ha_wire_addr *a)
{
	return nla_put(skb, attr, family == AF_INET ? 4 : 16, a->a);
}

static int ha_put_alg(struct sk_buff *skb, int attr, enum ha_alg_kind kind,
		      const struct ha_wire_alg *alg)
{
	const char *name;

	if (alg->id == HA_ALG_NONE)
		return 0;
	name = alg->id == HA_ALG_OTHER ? alg->name : ha_alg_name(kind, alg->id);
	return nla_put_string(skb, attr, name ?: "unknown");
}

static int ha_fill_sa(struct sk_buff *skb, const struct ha_obj *obj,
		      const struct ha_wire_sa *sa)
{
	u32 icv = sa->aead.id ? sa->aead.icv_len : sa->aalg.icv_len;
	/* The owner's inference stands in for a direction the kernel had not. */
	bool inferred = obj->dir == HA_DIR_UNKNOWN && sa->dir_inferred != HA_DIR_UNKNOWN;
	const char *refused = ha_inst_sa_refused(sa);

	if (nla_put_u32(skb, IPSEC_HA_A_SA_ORIGIN, obj->refkey >> 32) ||
	    nla_put_u32(skb, IPSEC_HA_A_SA_ID, (u32)obj->refkey) ||
	    nla_put_u32(skb, IPSEC_HA_A_SA_OWNER, obj->owner) ||
	    nla_put_u32(skb, IPSEC_HA_A_SA_OWNER_EPOCH, obj->owner_epoch) ||
	    nla_put_u8(skb, IPSEC_HA_A_SA_LOCAL, !!(obj->flags & HA_OBJ_LOCAL)) ||
	    nla_put_u8(skb, IPSEC_HA_A_SA_COLLIDES, !!(obj->flags & HA_OBJ_COLLIDES)) ||
	    nla_put_u8(skb, IPSEC_HA_A_SA_FAMILY, sa->family) ||
	    nla_put_u8(skb, IPSEC_HA_A_SA_PROTO, sa->proto) ||
	    nla_put_u32(skb, IPSEC_HA_A_SA_SPI, sa->spi) ||
	    nla_put_u8(skb, IPSEC_HA_A_SA_MODE, sa->mode) ||
	    nla_put_u32(skb, IPSEC_HA_A_SA_REQID, sa->reqid) ||
	    ha_put_addr(skb, IPSEC_HA_A_SA_DADDR, sa->family, &sa->daddr) ||
	    ha_put_addr(skb, IPSEC_HA_A_SA_SADDR, sa->family, &sa->saddr) ||
	    nla_put_u8(skb, IPSEC_HA_A_SA_DIR, inferred ? sa->dir_inferred : obj->dir) ||
	    (inferred && nla_put_u8(skb, IPSEC_HA_A_SA_DIR_INFERRED, 1)) ||
	    (sa->has_pcpu && nla_put_u32(skb, IPSEC_HA_A_SA_PCPU, sa->pcpu)) ||
	    (refused && nla_put_string(skb, IPSEC_HA_A_SA_NO_TAKEOVER, refused)) ||
	    nla_put_u8(skb, IPSEC_HA_A_SA_ESN, sa->esn) ||
	    nla_put_u32(skb, IPSEC_HA_A_SA_REPLAY_WINDOW, sa->replay_window) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_SA_OSEQ,
			      max(obj->oseq, sa->oseq),
			      IPSEC_HA_A_SA_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_SA_SEQ,
			      max(obj->seq, sa->seq),
			      IPSEC_HA_A_SA_PAD) ||
	    ha_put_alg(skb, IPSEC_HA_A_SA_AEAD, HA_ALG_AEAD, &sa->aead) ||
	    ha_put_alg(skb, IPSEC_HA_A_SA_ENC, HA_ALG_ENCR, &sa->ealg) ||
	    ha_put_alg(skb, IPSEC_HA_A_SA_AUTH, HA_ALG_AUTH, &sa->aalg) ||
	    ha_put_alg(skb, IPSEC_HA_A_SA_COMP, HA_ALG_COMP, &sa->calg) ||
	    (icv && nla_put_u32(skb, IPSEC_HA_A_SA_ICV_LEN, icv)) ||
	    (sa->mark_m && (nla_put_u32(skb, IPSEC_HA_A_SA_MARK, sa->mark_v) ||
			    nla_put_u32(skb, IPSEC_HA_A_SA_MARK_MASK, sa->mark_m))) ||
	    (sa->if_id && nla_put_u32(skb, IPSEC_HA_A_SA_IF_ID, sa->if_id)) ||
	    nla_put_u32(skb, IPSEC_HA_A_SA_AGE, jiffies_to_msecs(jiffies - obj->changed)) ||
	    (sa->offload == HA_OFFLOAD_PACKET &&
	     nla_put_u8(skb, IPSEC_HA_A_SA_PACKET_OFFLOAD, 1)))
		return -EMSGSIZE;
	if (sa->has_encap &&
	    (nla_put_u16(skb, IPSEC_HA_A_SA_ENCAP_TYPE, sa->encap_type) ||
	     nla_put_u16(skb, IPSEC_HA_A_SA_ENCAP_SPORT, sa->encap_sport) ||
	     nla_put_u16(skb, IPSEC_HA_A_SA_ENCAP_DPORT, sa->encap_dport)))
		return -EMSGSIZE;
	return 0;
}

static int ha_fill_policy(struct sk_buff *skb, const struct ha_obj *obj,
			  const struct ha_wire_policy *pol)
{
	if (nla_put_u32(skb, IPSEC_HA_A_POLICY_ORIGIN, obj->refkey >> 32) ||
	    nla_put_u32(skb, IPSEC_HA_A_POLICY_ID, (u32)obj->refkey) ||
	    nla_put_u32(skb, IPSEC_HA_A_POLICY_OWNER, obj->owner) ||
	    nla_put_u8(skb, IPSEC_HA_A_POLICY_LOCAL, !!(obj->flags & HA_OBJ_LOCAL)) ||
	    nla_put_u8(skb, IPSEC_HA_A_POLICY_DIR, pol->dir) ||
	    nla_put_u32(skb, IPSEC_HA_A_POLICY_INDEX, pol->index) ||
	    nla_put_u32(skb, IPSEC_HA_A_POLICY_PRIORITY, pol->priority) ||
	    nla_put_u8(skb, IPSEC_HA_A_POLICY_ACTION, pol->action) ||
	    nla_put_u8(skb, IPSEC_HA_A_POLICY_FAMILY, pol->family) ||
	    ha_put_addr(skb, IPSEC_HA_A_POLICY_SRC, pol->sel.family, &pol->sel.saddr) ||
	    ha_put_addr(skb, IPSEC_HA_A_POLICY_DST, pol->sel.family, &pol->sel.daddr) ||
	    nla_put_u8(skb, IPSEC_HA_A_POLICY_PREFIXLEN_S, pol->sel.prefixlen_s) ||
	    nla_put_u8(skb, IPSEC_HA_A_POLICY_PREFIXLEN_D, pol->sel.prefixlen_d) ||
	    nla_put_u8(skb, IPSEC_HA_A_POLICY_SEL_PROTO, pol->sel.proto) ||
	    nla_put_u8(skb, IPSEC_HA_A_POLICY_TMPLS, pol->nr_tmpl))
		return -EMSGSIZE;
	return 0;
}

/* Scratch for decoding one object during a dump. */
union ha_dump_scratch {
	struct ha_wire_sa sa;
	struct ha_wire_policy pol;
};

static int ha_dump_objs(struct sk_buff *skb, struct netlink_callback *cb, u8 kind, u8 cmd)
{
	struct ha_net *hn = ha_net(sock_net(skb->sk));
	union ha_dump_scratch *s;
	long skip = cb->args[0], i = 0;
	struct ha_wire_iter it;
	struct ha_wire_rec rec;
	struct ha_obj *obj;
	int err = 0;

	s = kvmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_lock(&hn->store.lock);
	/* A part after a change of the store is flagged NLM_F_DUMP_INTR. */
	cb->seq = hn->store.gen;
	list_for_each_entry(obj, &hn->store.objs, all) {
		void *hdr;

		if (obj->kind != kind || (obj->flags & HA_OBJ_DELETED))
			continue;
		if (i++ < skip)
			continue;
		ha_wire_iter_init(&it, obj->rec, obj->len);
		if (ha_wire_next(&it, &rec) != 1)
			continue;
		err = kind == HA_OBJ_SA ? ha_wire_get_sa(&rec, &s->sa) :
					  ha_wire_get_policy(&rec, &s->pol);
		if (err) {
			err = 0;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &ha_genl_family, NLM_F_MULTI, cmd);
		if (!hdr) {
			i--;
			break;
		}
		err = kind == HA_OBJ_SA ? ha_fill_sa(skb, obj, &s->sa) :
					  ha_fill_policy(skb, obj, &s->pol);
		if (err) {
			genlmsg_cancel(skb, hdr);
			i--;
			err = 0;
			break;
		}
		/* Only on a message that is sent: a cancelled one would lose the flag. */
		genl_dump_check_consistent(cb, hdr);
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&hn->store.lock);
	kvfree_sensitive(s, sizeof(*s));
	cb->args[0] = i;
	return err ?: skb->len;
}

int ipsec_ha_nl_sa_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return ha_dump_objs(skb, cb, HA_OBJ_SA, IPSEC_HA_CMD_SA_GET);
}

int ipsec_ha_nl_policy_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return ha_dump_objs(skb, cb, HA_OBJ_POLICY, IPSEC_HA_CMD_POLICY_GET);
}

/*
 * The peer's objects (its share) are counted by kind in one walk of the
 * store; objects is their sum. Under store.lock.
 */
static int ha_fill_peer(struct sk_buff *skb, struct ha_net *hn, const struct ha_peer *p)
{
	u32 owns[HA_OBJ_KINDS] = {};
	struct ha_obj *obj;
	u32 objects = 0;

	list_for_each_entry(obj, &hn->store.objs, all)
		if (obj->owner == p->node && !(obj->flags & (HA_OBJ_LOCAL | HA_OBJ_DELETED))) {
			objects++;
			if (obj->kind < HA_OBJ_KINDS)
				owns[obj->kind]++;
		}
	if (nla_put_u32(skb, IPSEC_HA_A_PEER_NODE_ID, p->node) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_PEER_EPOCH, p->epoch, IPSEC_HA_A_PEER_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_PEER_LAST_SEQ, p->max_seq, IPSEC_HA_A_PEER_PAD) ||
	    nla_put_u32(skb, IPSEC_HA_A_PEER_LAST_HEARD,
			jiffies_to_msecs(jiffies - p->last_heard)) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_PEER_DATAGRAMS, p->datagrams, IPSEC_HA_A_PEER_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_PEER_GAPS, p->gaps, IPSEC_HA_A_PEER_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_PEER_RESENDS, p->resends, IPSEC_HA_A_PEER_PAD) ||
	    nla_put_u32(skb, IPSEC_HA_A_PEER_OBJECTS, objects) ||
	    nla_put_u32(skb, IPSEC_HA_A_PEER_OWNS_SA, owns[HA_OBJ_SA]) ||
	    nla_put_u32(skb, IPSEC_HA_A_PEER_OWNS_POLICY, owns[HA_OBJ_POLICY]) ||
	    nla_put_u32(skb, IPSEC_HA_A_PEER_OWNS_IKE, owns[HA_OBJ_IKE]) ||
	    nla_put_u8(skb, IPSEC_HA_A_PEER_BULK, p->bulk) ||
	    nla_put_u8(skb, IPSEC_HA_A_PEER_IN_SYNC, p->in_sync) ||
	    ha_node_fill_peer(skb, hn, p))
		return -EMSGSIZE;
	return 0;
}

int ipsec_ha_nl_peer_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ha_net *hn = ha_net(sock_net(skb->sk));
	unsigned long node = cb->args[0];
	struct ha_peer *p;

	if (node == ULONG_MAX)
		return 0;
	mutex_lock(&hn->store.lock);
	/* Each peer's object count comes from the store: its changes count. */
	cb->seq = hn->store.gen;
	if (hn->peers) {
		xa_for_each_start(&hn->peers->by_node, node, p, node) {
			void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq, &ha_genl_family,
						NLM_F_MULTI, IPSEC_HA_CMD_PEER_GET);

			if (!hdr)
				goto out;
			if (ha_fill_peer(skb, hn, p)) {
				genlmsg_cancel(skb, hdr);
				goto out;
			}
			genl_dump_check_consistent(cb, hdr);
			genlmsg_end(skb, hdr);
		}
		node = ULONG_MAX;	/* all sent */
	}
out:
	mutex_unlock(&hn->store.lock);
	cb->args[0] = node;
	return skb->len;
}
