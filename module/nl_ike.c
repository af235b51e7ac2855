// SPDX-License-Identifier: GPL-2.0
/*
 * The ike-* operations: an IKE daemon pushes, updates and deletes the
 * context of the IKE SAs it runs; ike-get lists the mirrored contexts
 * without secrets, ike-export gives them with their nonces and keys to the
 * daemon of a node that takes over. Every request is hostile: the strict
 * per-op policies generated from the spec (nl_gen.c) check each attribute,
 * the handlers refuse repeated attributes except child-spi and check
 * everything that relates attributes to each other.
 */
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "ike.h"
#include "netns.h"
#include "nl.h"
#include "stats.h"

#define HA_IKE_PORT	500	/* IKE's port, when none is given */

/*
 * Netlink keeps the last of repeated attributes: refuse repeats, except
 * child-spi, which comes once per CHILD SA and is collected into spi[]
 * (at most IPSEC_HA_IKE_CHILDREN_MAX, each once). Ops whose policy has no
 * child-spi pass no spi[].
 */
static int ha_nl_ike_scan(const struct genl_info *info, u32 *spi, u8 *nr)
{
	DECLARE_BITMAP(seen, IPSEC_HA_A_IKE_MAX + 1) = {};
	const struct nlattr *nla;
	unsigned int i;
	int rem;

	BUILD_BUG_ON(IPSEC_HA_IKE_CHILDREN_MAX != HA_WIRE_CHILD_MAX);
	nla_for_each_attr(nla, nlmsg_attrdata(info->nlhdr, GENL_HDRLEN),
			  nlmsg_attrlen(info->nlhdr, GENL_HDRLEN), rem) {
		int type = nla_type(nla);
		u32 v;

		/* Strict validation already refused unknown types. */
		if (type > IPSEC_HA_A_IKE_MAX)
			continue;
		if (type != IPSEC_HA_A_IKE_CHILD_SPI || !spi) {
			if (!__test_and_set_bit(type, seen))
				continue;
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "duplicate attribute");
			return -EINVAL;
		}
		v = nla_get_u32(nla);
		for (i = 0; i < *nr; i++)
			if (spi[i] == v) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla, "CHILD SA SPI listed twice");
				return -EINVAL;
			}
		if (*nr == IPSEC_HA_IKE_CHILDREN_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "too many CHILD SAs (at most 32 per IKE SA)");
			return -E2BIG;
		}
		spi[(*nr)++] = v;
	}
	return 0;
}

static int ha_nl_ike_spis(struct genl_info *info, u64 *spi_i, u64 *spi_r)
{
	if (GENL_REQ_ATTR_CHECK(info, IPSEC_HA_A_IKE_SPI_I) ||
	    GENL_REQ_ATTR_CHECK(info, IPSEC_HA_A_IKE_SPI_R))
		return -EINVAL;
	*spi_i = nla_get_u64(info->attrs[IPSEC_HA_A_IKE_SPI_I]);
	*spi_r = nla_get_u64(info->attrs[IPSEC_HA_A_IKE_SPI_R]);
	return 0;
}

static void ha_nl_ike_u16(struct nlattr **attrs, int type, u16 *v)
{
	if (attrs[type])
		*v = nla_get_u16(attrs[type]);
}

static void ha_nl_ike_u32(struct nlattr **attrs, int type, u32 *v)
{
	if (attrs[type])
		*v = nla_get_u32(attrs[type]);
}

static int ha_nl_ike_addrs(struct genl_info *info, struct ha_wire_ike *ike)
{
	struct nlattr *l = info->attrs[IPSEC_HA_A_IKE_LOCAL_ADDR];
	struct nlattr *r = info->attrs[IPSEC_HA_A_IKE_REMOTE_ADDR];

	if (GENL_REQ_ATTR_CHECK(info, IPSEC_HA_A_IKE_LOCAL_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, IPSEC_HA_A_IKE_REMOTE_ADDR))
		return -EINVAL;
	if (nla_len(l) != 4 && nla_len(l) != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, l, "an address is 4 bytes (IPv4) or 16 (IPv6)");
		return -EINVAL;
	}
	if (nla_len(r) != nla_len(l)) {
		NL_SET_ERR_MSG_ATTR(info->extack, r,
				    "local and remote addresses are of different families");
		return -EINVAL;
	}
	ike->family = nla_len(l) == 4 ? AF_INET : AF_INET6;
	nla_memcpy(ike->local.a, l, sizeof(ike->local.a));
	nla_memcpy(ike->remote.a, r, sizeof(ike->remote.a));
	return 0;
}

/* An ID: its type (required with a value) and its value. */
static int ha_nl_ike_id(struct genl_info *info, int type_attr, int id_attr,
			u8 *type, u8 *id, u8 *len)
{
	struct nlattr *v = info->attrs[id_attr];

	if (v && !info->attrs[type_attr]) {
		NL_SET_ERR_MSG_ATTR(info->extack, v, "an ID value needs its ID type");
		return -EINVAL;
	}
	if (info->attrs[type_attr])
		*type = nla_get_u8(info->attrs[type_attr]);
	if (v)
		*len = nla_memcpy(id, v, IPSEC_HA_IKE_ID_MAX);
	return 0;
}

/* The daemon's state, when the request carries it (the policy bounds it). */
static void ha_nl_ike_state(struct nlattr **attrs, struct ha_wire_ike *ike)
{
	if (attrs[IPSEC_HA_A_IKE_DAEMON_STATE])
		ike->state_len = nla_memcpy(ike->state, attrs[IPSEC_HA_A_IKE_DAEMON_STATE],
					    sizeof(ike->state));
}

static void ha_nl_ike_secrets(struct nlattr **attrs, struct ha_wire_ike *ike)
{
	unsigned int k;

	BUILD_BUG_ON(IPSEC_HA_A_IKE_SK_PR - IPSEC_HA_A_IKE_SK_D + 1 != HA_IKE_KEYS);
	BUILD_BUG_ON(HA_WIRE_NONCE_MAX != IPSEC_HA_IKE_NONCE_MAX);
	BUILD_BUG_ON(HA_WIRE_IKE_KEY_MAX != IPSEC_HA_IKE_KEY_MAX);
	BUILD_BUG_ON(HA_WIRE_IKE_STATE_MAX != IPSEC_HA_IKE_STATE_MAX);
	if (attrs[IPSEC_HA_A_IKE_NONCE_I])
		ike->nonce_i_len = nla_memcpy(ike->nonce_i, attrs[IPSEC_HA_A_IKE_NONCE_I],
					      sizeof(ike->nonce_i));
	if (attrs[IPSEC_HA_A_IKE_NONCE_R])
		ike->nonce_r_len = nla_memcpy(ike->nonce_r, attrs[IPSEC_HA_A_IKE_NONCE_R],
					      sizeof(ike->nonce_r));
	for (k = 0; k < HA_IKE_KEYS; k++)
		if (attrs[IPSEC_HA_A_IKE_SK_D + k])
			ike->key_len[k] = nla_memcpy(ike->keys[k], attrs[IPSEC_HA_A_IKE_SK_D + k],
						     sizeof(ike->keys[k]));
	ha_nl_ike_state(attrs, ike);
}

/* An ike-add request as a context (owner and epoch aside). */
static int ha_nl_ike_parse(struct genl_info *info, struct ha_wire_ike *ike)
{
	struct nlattr **attrs = info->attrs;
	int err;

	err = ha_nl_ike_scan(info, ike->child_spi, &ike->nr_child);
	if (!err)
		err = ha_nl_ike_spis(info, &ike->spi_i, &ike->spi_r);
	if (!err)
		err = ha_nl_ike_addrs(info, ike);
	if (!err)
		err = ha_nl_ike_id(info, IPSEC_HA_A_IKE_ID_I_TYPE, IPSEC_HA_A_IKE_ID_I,
				   &ike->id_i_type, ike->id_i, &ike->id_i_len);
	if (!err)
		err = ha_nl_ike_id(info, IPSEC_HA_A_IKE_ID_R_TYPE, IPSEC_HA_A_IKE_ID_R,
				   &ike->id_r_type, ike->id_r, &ike->id_r_len);
	if (err)
		return err;

	ike->version = attrs[IPSEC_HA_A_IKE_VERSION] ?
		       nla_get_u8(attrs[IPSEC_HA_A_IKE_VERSION]) : 2;
	if (attrs[IPSEC_HA_A_IKE_INITIATOR])
		ike->initiator = nla_get_u8(attrs[IPSEC_HA_A_IKE_INITIATOR]);
	ike->local_port = HA_IKE_PORT;
	ike->remote_port = HA_IKE_PORT;
	ha_nl_ike_u16(attrs, IPSEC_HA_A_IKE_LOCAL_PORT, &ike->local_port);
	ha_nl_ike_u16(attrs, IPSEC_HA_A_IKE_REMOTE_PORT, &ike->remote_port);
	ha_nl_ike_u16(attrs, IPSEC_HA_A_IKE_ENCR, &ike->encr);
	ha_nl_ike_u16(attrs, IPSEC_HA_A_IKE_ENCR_KEYLEN, &ike->encr_keylen);
	ha_nl_ike_u16(attrs, IPSEC_HA_A_IKE_INTEG, &ike->integ);
	ha_nl_ike_u16(attrs, IPSEC_HA_A_IKE_PRF, &ike->prf);
	ha_nl_ike_u16(attrs, IPSEC_HA_A_IKE_DH_GROUP, &ike->dh_group);
	ha_nl_ike_u32(attrs, IPSEC_HA_A_IKE_EXTENSIONS, &ike->extensions);
	ha_nl_ike_u32(attrs, IPSEC_HA_A_IKE_MID_SEND, &ike->mid_send);
	ha_nl_ike_u32(attrs, IPSEC_HA_A_IKE_MID_RECV, &ike->mid_recv);
	ha_nl_ike_secrets(attrs, ike);

	if (ha_wire_ike_len(ike) > HA_IKE_REC_MAX) {
		NL_SET_ERR_MSG(info->extack,
			       "IKE context too large for a sync datagram (1192 bytes at most)");
		return -EMSGSIZE;
	}
	return 0;
}

/* The context of these SPIs, if this node owns it; else why not. */
static struct ha_obj *ha_nl_ike_own(struct ha_net *hn, struct genl_info *info,
				    u64 spi_i, u64 spi_r)
{
	struct ha_obj *obj = ha_ike_find(hn, spi_i, spi_r);

	if (!obj) {
		NL_SET_ERR_MSG(info->extack, "no IKE SA with these SPIs");
		return ERR_PTR(-ENOENT);
	}
	if (!(obj->flags & HA_OBJ_LOCAL)) {
		NL_SET_ERR_MSG(info->extack, "another node owns this IKE SA");
		return ERR_PTR(-EBUSY);
	}
	return obj;
}

int ipsec_ha_nl_ike_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct ha_wire_ike *ike;
	struct ha_obj *old;
	int err;

	ike = kzalloc(sizeof(*ike), GFP_KERNEL);
	if (!ike)
		return -ENOMEM;
	err = ha_nl_ike_parse(info, ike);
	if (err)
		goto out;

	mutex_lock(&hn->store.lock);
	ike->owner = READ_ONCE(hn->node_id);
	old = ha_ike_find(hn, ike->spi_i, ike->spi_r);
	if (!ike->owner) {
		NL_SET_ERR_MSG(info->extack, "this node has no id yet (ipsec-ha node set id)");
		err = -EINVAL;
	} else if (old && (old->flags & HA_OBJ_LOCAL)) {
		NL_SET_ERR_MSG(info->extack, "an IKE SA with these SPIs exists");
		err = -EEXIST;
	} else if (old) {
		NL_SET_ERR_MSG(info->extack, "another node owns an IKE SA with these SPIs");
		err = -EEXIST;
	} else {
		err = ha_ike_local_put(hn, NULL, ike);
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(info->extack, "the mirror is full (max-sas)");
	}
	if (!err)
		ha_stat_inc(hn, IPSEC_HA_A_STATS_IKE_UPDATES);
	mutex_unlock(&hn->store.lock);
out:
	kfree_sensitive(ike);
	return err;
}

int ipsec_ha_nl_ike_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	u32 child[IPSEC_HA_IKE_CHILDREN_MAX];
	struct ha_wire_ike *ike;
	u64 spi_i, spi_r;
	struct ha_obj *obj;
	u8 nr_child = 0;
	int err;

	err = ha_nl_ike_scan(info, child, &nr_child);
	if (!err)
		err = ha_nl_ike_spis(info, &spi_i, &spi_r);
	if (err)
		return err;
	if (!attrs[IPSEC_HA_A_IKE_MID_SEND] && !attrs[IPSEC_HA_A_IKE_MID_RECV] && !nr_child &&
	    !attrs[IPSEC_HA_A_IKE_DAEMON_STATE]) {
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		return -EINVAL;
	}
	ike = kmalloc(sizeof(*ike), GFP_KERNEL);
	if (!ike)
		return -ENOMEM;

	mutex_lock(&hn->store.lock);
	obj = ha_nl_ike_own(hn, info, spi_i, spi_r);
	err = PTR_ERR_OR_ZERO(obj);
	if (!err)
		err = ha_ike_decode(obj, ike);
	if (!err) {
		ha_nl_ike_u32(attrs, IPSEC_HA_A_IKE_MID_SEND, &ike->mid_send);
		ha_nl_ike_u32(attrs, IPSEC_HA_A_IKE_MID_RECV, &ike->mid_recv);
		if (nr_child) {
			ike->nr_child = nr_child;
			memcpy(ike->child_spi, child, nr_child * sizeof(child[0]));
		}
		ha_nl_ike_state(attrs, ike);
		err = ha_ike_local_put(hn, obj, ike);
		if (err == -EMSGSIZE)
			NL_SET_ERR_MSG(info->extack,
				       "IKE context too large for a sync datagram (1192 bytes at most)");
	}
	if (!err)
		ha_stat_inc(hn, IPSEC_HA_A_STATS_IKE_UPDATES);
	mutex_unlock(&hn->store.lock);
	kfree_sensitive(ike);
	return err;
}

int ipsec_ha_nl_ike_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ha_net *hn = ha_net(genl_info_net(info));
	u64 spi_i, spi_r;
	struct ha_obj *obj;
	int err;

	err = ha_nl_ike_scan(info, NULL, NULL);
	if (!err)
		err = ha_nl_ike_spis(info, &spi_i, &spi_r);
	if (err)
		return err;
	mutex_lock(&hn->store.lock);
	obj = ha_nl_ike_own(hn, info, spi_i, spi_r);
	err = PTR_ERR_OR_ZERO(obj);
	if (!err)
		ha_ike_local_delete(hn, obj);
	mutex_unlock(&hn->store.lock);
	return err;
}

static int ha_nl_ike_put_bytes(struct sk_buff *skb, int attr, const u8 *p, unsigned int len)
{
	return len ? nla_put(skb, attr, len, p) : 0;
}

static int ha_nl_ike_fill_secrets(struct sk_buff *skb, const struct ha_wire_ike *ike)
{
	unsigned int k;

	if (ha_nl_ike_put_bytes(skb, IPSEC_HA_A_IKE_NONCE_I, ike->nonce_i, ike->nonce_i_len) ||
	    ha_nl_ike_put_bytes(skb, IPSEC_HA_A_IKE_NONCE_R, ike->nonce_r, ike->nonce_r_len))
		return -EMSGSIZE;
	for (k = 0; k < HA_IKE_KEYS; k++)
		if (ha_nl_ike_put_bytes(skb, IPSEC_HA_A_IKE_SK_D + k, ike->keys[k],
					ike->key_len[k]))
			return -EMSGSIZE;
	return ha_nl_ike_put_bytes(skb, IPSEC_HA_A_IKE_DAEMON_STATE, ike->state, ike->state_len);
}

static int ha_nl_ike_fill(struct sk_buff *skb, const struct ha_obj *obj,
			  const struct ha_wire_ike *ike, bool secrets)
{
	unsigned int alen = ike->family == AF_INET ? 4 : 16, i;

	if (nla_put_u64_64bit(skb, IPSEC_HA_A_IKE_SPI_I, ike->spi_i, IPSEC_HA_A_IKE_PAD) ||
	    nla_put_u64_64bit(skb, IPSEC_HA_A_IKE_SPI_R, ike->spi_r, IPSEC_HA_A_IKE_PAD) ||
	    nla_put_u32(skb, IPSEC_HA_A_IKE_OWNER, obj->owner) ||
	    nla_put_u32(skb, IPSEC_HA_A_IKE_OWNER_EPOCH, obj->owner_epoch) ||
	    nla_put_u8(skb, IPSEC_HA_A_IKE_LOCAL, !!(obj->flags & HA_OBJ_LOCAL)) ||
	    nla_put_u8(skb, IPSEC_HA_A_IKE_VERSION, ike->version) ||
	    nla_put_u8(skb, IPSEC_HA_A_IKE_INITIATOR, ike->initiator) ||
	    nla_put_u8(skb, IPSEC_HA_A_IKE_FAMILY, ike->family) ||
	    nla_put(skb, IPSEC_HA_A_IKE_LOCAL_ADDR, alen, ike->local.a) ||
	    nla_put(skb, IPSEC_HA_A_IKE_REMOTE_ADDR, alen, ike->remote.a) ||
	    nla_put_u16(skb, IPSEC_HA_A_IKE_LOCAL_PORT, ike->local_port) ||
	    nla_put_u16(skb, IPSEC_HA_A_IKE_REMOTE_PORT, ike->remote_port) ||
	    nla_put_u16(skb, IPSEC_HA_A_IKE_ENCR, ike->encr) ||
	    nla_put_u16(skb, IPSEC_HA_A_IKE_ENCR_KEYLEN, ike->encr_keylen) ||
	    nla_put_u16(skb, IPSEC_HA_A_IKE_INTEG, ike->integ) ||
	    nla_put_u16(skb, IPSEC_HA_A_IKE_PRF, ike->prf) ||
	    nla_put_u16(skb, IPSEC_HA_A_IKE_DH_GROUP, ike->dh_group) ||
	    nla_put_u32(skb, IPSEC_HA_A_IKE_EXTENSIONS, ike->extensions) ||
	    nla_put_u32(skb, IPSEC_HA_A_IKE_MID_SEND, ike->mid_send) ||
	    nla_put_u32(skb, IPSEC_HA_A_IKE_MID_RECV, ike->mid_recv) ||
	    nla_put_u32(skb, IPSEC_HA_A_IKE_TAKEOVERS, ike->takeovers) ||
	    nla_put_u32(skb, IPSEC_HA_A_IKE_AGE, jiffies_to_msecs(jiffies - obj->changed)))
		return -EMSGSIZE;
	if (ike->id_i_type &&
	    (nla_put_u8(skb, IPSEC_HA_A_IKE_ID_I_TYPE, ike->id_i_type) ||
	     nla_put(skb, IPSEC_HA_A_IKE_ID_I, ike->id_i_len, ike->id_i)))
		return -EMSGSIZE;
	if (ike->id_r_type &&
	    (nla_put_u8(skb, IPSEC_HA_A_IKE_ID_R_TYPE, ike->id_r_type) ||
	     nla_put(skb, IPSEC_HA_A_IKE_ID_R, ike->id_r_len, ike->id_r)))
		return -EMSGSIZE;
	for (i = 0; i < ike->nr_child; i++)
		if (nla_put_u32(skb, IPSEC_HA_A_IKE_CHILD_SPI, ike->child_spi[i]))
			return -EMSGSIZE;
	return secrets ? ha_nl_ike_fill_secrets(skb, ike) : 0;
}

/* One part of a dump of the IKE contexts; cb->args[0]: contexts sent. */
static int ha_nl_ike_dump_part(struct sk_buff *skb, struct netlink_callback *cb, bool secrets)
{
	struct ha_net *hn = ha_net(sock_net(skb->sk));
	u8 cmd = secrets ? IPSEC_HA_CMD_IKE_EXPORT : IPSEC_HA_CMD_IKE_GET;
	long skip = cb->args[0], i = 0;
	struct ha_wire_ike *ike;
	struct ha_obj *obj;

	ike = kmalloc(sizeof(*ike), GFP_KERNEL);
	if (!ike)
		return -ENOMEM;
	mutex_lock(&hn->store.lock);
	/* A part after a change of the store is flagged NLM_F_DUMP_INTR. */
	cb->seq = hn->store.gen;
	list_for_each_entry(obj, &hn->store.objs, all) {
		void *hdr;

		if (obj->kind != HA_OBJ_IKE || (obj->flags & HA_OBJ_DELETED))
			continue;
		if (i++ < skip || ha_ike_decode(obj, ike))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &ha_genl_family, NLM_F_MULTI, cmd);
		if (!hdr) {
			i--;
			break;
		}
		if (ha_nl_ike_fill(skb, obj, ike, secrets)) {
			genlmsg_cancel(skb, hdr);
			i--;
			break;
		}
		/* Only on a message that is sent: a cancelled one would lose the flag. */
		genl_dump_check_consistent(cb, hdr);
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&hn->store.lock);
	kfree_sensitive(ike);
	cb->args[0] = i;
	return skb->len;
}

int ipsec_ha_nl_ike_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return ha_nl_ike_dump_part(skb, cb, false);
}

int ipsec_ha_nl_ike_export_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return ha_nl_ike_dump_part(skb, cb, true);
}
