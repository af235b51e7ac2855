/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

#include "ipsec_ha_publish.h"

#include <errno.h>
#include <endian.h>
#include <libmnl/libmnl.h>
#include <linux/ipsec_ha.h>

#include <daemon.h>
#include <collections/hashtable.h>
#include <sa/ikev2/keymat_v2.h>
#include <threading/mutex.h>

typedef struct private_ipsec_ha_publish_t private_ipsec_ha_publish_t;

/**
 * What the plugin keeps of an IKE SA between hooks: what the context
 * needs and no hook gives again later.
 */
typedef struct {
	u_int unique_id;
	chunk_t secret;
	uint16_t old_prf;
	chunk_t old_skd;
	chunk_t nonce_i, nonce_r;
	uint32_t mid_send, mid_recv;
	uint32_t pub_send, pub_recv;
	bool published;
} entry_t;

struct private_ipsec_ha_publish_t {

	/**
	 * Public interface.
	 */
	ipsec_ha_publish_t public;

	/**
	 * Netlink client.
	 */
	ipsec_ha_nl_t *nl;

	/**
	 * unique_id -> entry_t
	 */
	hashtable_t *entries;

	/**
	 * Lock for entries.
	 */
	mutex_t *mutex;

	/**
	 * Message ID moves between two updates that carry only Message IDs,
	 * for IKE SAs whose peer supports RFC 6311 (1: every move).
	 */
	uint32_t mid_interval;
};

static void entry_destroy(entry_t *e)
{
	chunk_clear(&e->secret);
	chunk_clear(&e->old_skd);
	chunk_free(&e->nonce_i);
	chunk_free(&e->nonce_r);
	free(e);
}

static u_int hash_id(const void *key)
{
	return chunk_hash(chunk_from_thing(key));
}

static bool equals_id(const void *a, const void *b)
{
	return a == b;
}

#define KEY(ike_sa) ((void*)(uintptr_t)(ike_sa)->get_unique_id(ike_sa))

/**
 * The entry of ike_sa, created if create (lock held).
 */
static entry_t *get_entry(private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa,
						  bool create)
{
	entry_t *e = this->entries->get(this->entries, KEY(ike_sa));

	if (!e && create)
	{
		INIT(e,
			.unique_id = ike_sa->get_unique_id(ike_sa),
			.old_prf = PRF_UNDEFINED,
		);
		this->entries->put(this->entries, KEY(ike_sa), e);
	}
	return e;
}

static void put_spis(struct nlmsghdr *nlh, ike_sa_t *ike_sa)
{
	ike_sa_id_t *id = ike_sa->get_id(ike_sa);

	/* the SPIs as numbers whose hex digits are the bytes on the wire */
	mnl_attr_put_u64(nlh, IPSEC_HA_A_IKE_SPI_I,
					 be64toh(id->get_initiator_spi(id)));
	mnl_attr_put_u64(nlh, IPSEC_HA_A_IKE_SPI_R,
					 be64toh(id->get_responder_spi(id)));
}

/**
 * The CHILD SA SPIs of state, both directions, as numbers.
 */
static void put_children(struct nlmsghdr *nlh, ipsec_ha_state_t *state)
{
	int i;

	for (i = 0; i < state->nr_children; i++)
	{
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_CHILD_SPI,
						 ntohl(state->children[i].spi_in));
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_CHILD_SPI,
						 ntohl(state->children[i].spi_out));
	}
}

static bool put_state(struct nlmsghdr *nlh, ipsec_ha_state_t *state)
{
	chunk_t enc = ipsec_ha_state_encode(state);
	bool ok = enc.len <= IPSEC_HA_IKE_STATE_MAX;

	if (ok)
	{
		mnl_attr_put(nlh, IPSEC_HA_A_IKE_DAEMON_STATE, enc.len, enc.ptr);
	}
	chunk_clear(&enc);
	return ok;
}

/**
 * The state of ike_sa from its entry and its CHILD SAs.
 */
static void make_state(ike_sa_t *ike_sa, entry_t *e, child_sa_t *skip,
					   ipsec_ha_state_t *state)
{
	peer_cfg_t *peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	int bit;

	memset(state, 0, sizeof(*state));
	state->peer_cfg = strdup(peer_cfg ? peer_cfg->get_name(peer_cfg) : "");
	state->secret = chunk_clone(e->secret);
	state->old_prf = e->old_prf;
	state->old_skd = chunk_clone(e->old_skd);
	for (bit = 0; bit < 32; bit++)
	{
		if (ike_sa->has_condition(ike_sa, 1U << bit))
		{
			state->conditions |= 1U << bit;
		}
		if (ike_sa->supports_extension(ike_sa, 1U << bit))
		{
			state->extensions |= 1U << bit;
		}
	}
	ipsec_ha_state_children(state, ike_sa, skip);
}

static void put_host(struct nlmsghdr *nlh, int attr, int port_attr, host_t *h)
{
	chunk_t a = h->get_address(h);

	mnl_attr_put(nlh, attr, a.len, a.ptr);
	mnl_attr_put_u16(nlh, port_attr, h->get_port(h));
}

static void put_id(struct nlmsghdr *nlh, int type_attr, int attr,
				   identification_t *id)
{
	chunk_t enc;

	if (!id || id->get_type(id) == ID_ANY)
	{
		return;
	}
	enc = id->get_encoding(id);
	if (enc.len > IPSEC_HA_IKE_ID_MAX)
	{
		return;
	}
	mnl_attr_put_u8(nlh, type_attr, id->get_type(id));
	mnl_attr_put(nlh, attr, enc.len, enc.ptr);
}

static void put_algs(struct nlmsghdr *nlh, ike_sa_t *ike_sa)
{
	proposal_t *proposal = ike_sa->get_proposal(ike_sa);
	uint16_t alg, len;

	if (!proposal)
	{
		return;
	}
	if (proposal->get_algorithm(proposal, ENCRYPTION_ALGORITHM, &alg, &len))
	{
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_ENCR, alg);
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_ENCR_KEYLEN, len);
	}
	if (proposal->get_algorithm(proposal, INTEGRITY_ALGORITHM, &alg, NULL))
	{
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_INTEG, alg);
	}
	if (proposal->get_algorithm(proposal, PSEUDO_RANDOM_FUNCTION, &alg, NULL))
	{
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_PRF, alg);
	}
	if (proposal->get_algorithm(proposal, KEY_EXCHANGE_METHOD, &alg, NULL))
	{
		mnl_attr_put_u16(nlh, IPSEC_HA_A_IKE_DH_GROUP, alg);
	}
}

static uint32_t extensions(ike_sa_t *ike_sa)
{
	uint32_t ext = 0;

	if (ike_sa->has_condition(ike_sa, COND_NAT_ANY))
	{
		ext |= IPSEC_HA_IKE_EXT_NAT_T;
	}
	if (ike_sa->supports_extension(ike_sa, EXT_MOBIKE))
	{
		ext |= IPSEC_HA_IKE_EXT_MOBIKE;
	}
	if (ike_sa->has_condition(ike_sa, COND_EAP_AUTHENTICATED))
	{
		ext |= IPSEC_HA_IKE_EXT_EAP;
	}
	return ext;
}

static void del(private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa)
{
	char buf[IPSEC_HA_NL_MSG_MAX];
	struct nlmsghdr *nlh;

	nlh = this->nl->msg(this->nl, buf, IPSEC_HA_CMD_IKE_DEL, 0);
	if (!nlh)
	{
		return;
	}
	put_spis(nlh, ike_sa);
	/* ENOENT: never published; EBUSY: another node took it over */
	this->nl->request(this->nl, nlh);
}

/**
 * Publish the whole context of ike_sa (ike-add, replacing an older one).
 */
static void add(private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa, entry_t *e)
{
	char buf[IPSEC_HA_NL_MSG_MAX];
	ike_sa_id_t *id = ike_sa->get_id(ike_sa);
	host_t *me = ike_sa->get_my_host(ike_sa);
	host_t *other = ike_sa->get_other_host(ike_sa);
	bool initiator = id->is_initiator(id);
	ipsec_ha_state_t state;
	struct nlmsghdr *nlh;
	int err, tries;

	if (ike_sa->get_version(ike_sa) != IKEV2 ||
		me->get_family(me) != other->get_family(other))
	{
		return;
	}
	make_state(ike_sa, e, NULL, &state);
	for (tries = 0; tries < 2; tries++)
	{
		nlh = this->nl->msg(this->nl, buf, IPSEC_HA_CMD_IKE_ADD, 0);
		if (!nlh)
		{
			break;
		}
		put_spis(nlh, ike_sa);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_VERSION, 2);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_IKE_INITIATOR, initiator);
		put_host(nlh, IPSEC_HA_A_IKE_LOCAL_ADDR, IPSEC_HA_A_IKE_LOCAL_PORT, me);
		put_host(nlh, IPSEC_HA_A_IKE_REMOTE_ADDR, IPSEC_HA_A_IKE_REMOTE_PORT,
				 other);
		put_algs(nlh, ike_sa);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_EXTENSIONS, extensions(ike_sa));
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_MID_SEND, e->mid_send);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_MID_RECV, e->mid_recv);
		put_id(nlh, IPSEC_HA_A_IKE_ID_I_TYPE, IPSEC_HA_A_IKE_ID_I,
			   initiator ? ike_sa->get_my_id(ike_sa)
						 : ike_sa->get_other_id(ike_sa));
		put_id(nlh, IPSEC_HA_A_IKE_ID_R_TYPE, IPSEC_HA_A_IKE_ID_R,
			   initiator ? ike_sa->get_other_id(ike_sa)
						 : ike_sa->get_my_id(ike_sa));
		put_children(nlh, &state);
		if (e->nonce_i.len)
		{
			mnl_attr_put(nlh, IPSEC_HA_A_IKE_NONCE_I, e->nonce_i.len,
						 e->nonce_i.ptr);
		}
		if (e->nonce_r.len)
		{
			mnl_attr_put(nlh, IPSEC_HA_A_IKE_NONCE_R, e->nonce_r.len,
						 e->nonce_r.ptr);
		}
		if (!put_state(nlh, &state))
		{
			DBG1(DBG_IKE, "ipsec-ha: state of IKE_SA %s[%u] too large, "
				 "not published", ike_sa->get_name(ike_sa),
				 ike_sa->get_unique_id(ike_sa));
			break;
		}
		err = this->nl->request(this->nl, nlh);
		memwipe(buf, sizeof(buf));
		if (err == -EEXIST && tries == 0)
		{	/* an older version this node owns: replace it */
			del(this, ike_sa);
			continue;
		}
		if (err)
		{
			DBG1(DBG_IKE, "ipsec-ha: publishing IKE_SA %s[%u] failed: %s",
				 ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa),
				 strerror(-err));
		}
		else
		{
			e->published = TRUE;
			e->pub_send = e->mid_send;
			e->pub_recv = e->mid_recv;
			DBG2(DBG_IKE, "ipsec-ha: published IKE_SA %s[%u] with %d CHILD_SAs",
				 ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa),
				 state.nr_children);
		}
		break;
	}
	ipsec_ha_state_clear(&state);
}

/**
 * Publish the message IDs, or the CHILD SAs (with skip left out).
 */
static void set(private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa, entry_t *e,
				bool children, child_sa_t *skip)
{
	char buf[IPSEC_HA_NL_MSG_MAX];
	ipsec_ha_state_t state;
	struct nlmsghdr *nlh;
	int err;

	nlh = this->nl->msg(this->nl, buf, IPSEC_HA_CMD_IKE_SET, 0);
	if (!nlh)
	{
		return;
	}
	put_spis(nlh, ike_sa);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_MID_SEND, e->mid_send);
	mnl_attr_put_u32(nlh, IPSEC_HA_A_IKE_MID_RECV, e->mid_recv);
	if (children)
	{
		make_state(ike_sa, e, skip, &state);
		put_children(nlh, &state);
		put_state(nlh, &state);
		ipsec_ha_state_clear(&state);
	}
	err = this->nl->request(this->nl, nlh);
	memwipe(buf, sizeof(buf));
	if (!err)
	{
		e->pub_send = e->mid_send;
		e->pub_recv = e->mid_recv;
	}
	else if (err == -ENOENT)
	{	/* the module lost it (reloaded): publish it again in full */
		add(this, ike_sa, e);
	}
	else if (err && err != -EBUSY)
	{
		DBG1(DBG_IKE, "ipsec-ha: updating IKE_SA %s[%u] failed: %s",
			 ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa),
			 strerror(-err));
	}
}

METHOD(listener_t, ike_keys, bool,
	private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa, key_exchange_t *dh,
	chunk_t dh_other, chunk_t nonce_i, chunk_t nonce_r, ike_sa_t *rekey,
	shared_key_t *shared, auth_method_t method)
{
	chunk_t secret;
	entry_t *e;

	if (ike_sa->get_version(ike_sa) != IKEV2 ||
		!dh->get_shared_secret(dh, &secret))
	{
		return TRUE;
	}
	this->mutex->lock(this->mutex);
	e = get_entry(this, ike_sa, TRUE);
	chunk_clear(&e->secret);
	chunk_clear(&e->old_skd);
	chunk_free(&e->nonce_i);
	chunk_free(&e->nonce_r);
	e->secret = secret;
	e->nonce_i = chunk_clone(nonce_i);
	e->nonce_r = chunk_clone(nonce_r);
	e->old_prf = PRF_UNDEFINED;
	if (rekey && rekey->get_version(rekey) == IKEV2)
	{
		keymat_v2_t *keymat = (keymat_v2_t*)rekey->get_keymat(rekey);
		chunk_t skd;

		e->old_prf = keymat->get_skd(keymat, &skd);
		e->old_skd = chunk_clone(skd);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, ike_updown, bool,
	private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa, bool up)
{
	entry_t *e;

	this->mutex->lock(this->mutex);
	if (up)
	{
		e = get_entry(this, ike_sa, FALSE);
		if (e)
		{
			e->mid_send = max(e->mid_send,
							  ike_sa->get_message_id(ike_sa, TRUE));
			e->mid_recv = max(e->mid_recv,
							  ike_sa->get_message_id(ike_sa, FALSE));
			add(this, ike_sa, e);
		}
	}
	else
	{
		e = this->entries->remove(this->entries, KEY(ike_sa));
		if (e)
		{
			if (e->published)
			{
				del(this, ike_sa);
			}
			entry_destroy(e);
		}
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, ike_rekey, bool,
	private_ipsec_ha_publish_t *this, ike_sa_t *old, ike_sa_t *new)
{
	entry_t *e;

	this->mutex->lock(this->mutex);
	e = this->entries->remove(this->entries, KEY(old));
	if (e)
	{
		if (e->published)
		{
			del(this, old);
		}
		entry_destroy(e);
	}
	e = get_entry(this, new, FALSE);
	if (e)
	{
		add(this, new, e);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, ike_update, bool,
	private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa, host_t *local,
	host_t *remote)
{
	entry_t *e;

	this->mutex->lock(this->mutex);
	e = get_entry(this, ike_sa, FALSE);
	if (e && e->published && ike_sa->get_state(ike_sa) == IKE_ESTABLISHED)
	{	/* addresses are part of the context's identity: publish it anew */
		add(this, ike_sa, e);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

/**
 * RFC 6311 support, both ways. charon announces it only as initiator, and
 * records the peer's only as initiator; a node that takes an IKE SA over
 * synchronizes its Message IDs as the cluster side of RFC 6311, which
 * needs both. As responder: record the peer's announcement in its first
 * IKE_AUTH request, and add the cluster's to the IKE_AUTH response that
 * completes the exchange (it carries IDr) before it is encrypted.
 */
static void announce_mid_sync(ike_sa_t *ike_sa, message_t *message,
							  bool incoming)
{
	if (ike_sa->get_id(ike_sa)->is_initiator(ike_sa->get_id(ike_sa)))
	{
		return;
	}
	if (incoming && message->get_request(message) &&
		message->get_notify(message, IKEV2_MESSAGE_ID_SYNC_SUPPORTED))
	{
		ike_sa->enable_extension(ike_sa, EXT_IKE_MESSAGE_ID_SYNC);
	}
	if (!incoming && !message->get_request(message) &&
		ike_sa->supports_extension(ike_sa, EXT_IKE_MESSAGE_ID_SYNC) &&
		message->get_payload(message, PLV2_ID_RESPONDER) &&
		!message->get_notify(message, IKEV2_MESSAGE_ID_SYNC_SUPPORTED))
	{
		message->add_notify(message, FALSE, IKEV2_MESSAGE_ID_SYNC_SUPPORTED,
							chunk_empty);
	}
}

/**
 * Whether the Message IDs of e moved far enough from the published ones to
 * publish them now. A node that takes an IKE SA over synchronizes its
 * Message IDs with a peer that supports RFC 6311: the peer reports the
 * Message IDs it uses and expects, and the node goes on from the larger
 * of its own and the peer's. The published Message IDs of such an IKE SA
 * may therefore lag by up to mid_interval - 1 moves, which spares charon
 * a netlink round trip for most IKE exchanges (DPDs above all). Without
 * RFC 6311 the node that takes over has only the published Message IDs:
 * every move is published.
 */
static bool mids_due(private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa,
					 entry_t *e)
{
	if (this->mid_interval <= 1 ||
		!ike_sa->supports_extension(ike_sa, EXT_IKE_MESSAGE_ID_SYNC))
	{
		return TRUE;
	}
	return e->mid_send - e->pub_send >= this->mid_interval ||
		   e->mid_recv - e->pub_recv >= this->mid_interval;
}

METHOD(listener_t, message_hook, bool,
	private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa, message_t *message,
	bool incoming, bool plain)
{
	uint32_t mid = message->get_message_id(message);
	entry_t *e;

	if (!plain || ike_sa->get_version(ike_sa) != IKEV2 ||
		message->get_exchange_type(message) == IKE_SA_INIT)
	{
		return TRUE;
	}
	if (message->get_exchange_type(message) == IKE_AUTH)
	{
		announce_mid_sync(ike_sa, message, incoming);
	}
	if (!message->get_request(message))
	{
		return TRUE;
	}
	if (mid == 0 && message->get_notify(message, IKEV2_MESSAGE_ID_SYNC))
	{	/* RFC 6311 uses Message ID 0 outside the sequence */
		return TRUE;
	}
	this->mutex->lock(this->mutex);
	e = get_entry(this, ike_sa, FALSE);
	if (e)
	{
		if (incoming)
		{
			e->mid_recv = mid + 1;
		}
		else
		{
			e->mid_send = mid + 1;
		}
		if (e->published && mids_due(this, ike_sa, e))
		{
			set(this, ike_sa, e, FALSE, NULL);
		}
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, child_updown, bool,
	private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	bool up)
{
	entry_t *e;

	this->mutex->lock(this->mutex);
	e = get_entry(this, ike_sa, FALSE);
	if (e && e->published)
	{
		set(this, ike_sa, e, TRUE, up ? NULL : child_sa);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, child_rekey, bool,
	private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa, child_sa_t *old,
	child_sa_t *new)
{
	entry_t *e;

	this->mutex->lock(this->mutex);
	e = get_entry(this, ike_sa, FALSE);
	if (e && e->published)
	{
		set(this, ike_sa, e, TRUE, old);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(ipsec_ha_publish_t, adopted, void,
	private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa,
	ipsec_ha_state_t *state, chunk_t nonce_i, chunk_t nonce_r,
	uint32_t mid_send, uint32_t mid_recv)
{
	entry_t *e;

	this->mutex->lock(this->mutex);
	e = get_entry(this, ike_sa, TRUE);
	chunk_clear(&e->secret);
	chunk_clear(&e->old_skd);
	e->secret = state->secret;
	e->old_prf = state->old_prf;
	e->old_skd = state->old_skd;
	state->secret = state->old_skd = chunk_empty;
	e->nonce_i = chunk_clone(nonce_i);
	e->nonce_r = chunk_clone(nonce_r);
	e->mid_send = e->pub_send = mid_send;
	e->mid_recv = e->pub_recv = mid_recv;
	/* the module holds its context, owned by this node since promote */
	e->published = TRUE;
	this->mutex->unlock(this->mutex);
}

METHOD(ipsec_ha_publish_t, forget, void,
	private_ipsec_ha_publish_t *this, ike_sa_t *ike_sa)
{
	entry_t *e;

	this->mutex->lock(this->mutex);
	e = this->entries->remove(this->entries, KEY(ike_sa));
	this->mutex->unlock(this->mutex);
	if (e)
	{
		entry_destroy(e);
	}
}

METHOD(ipsec_ha_publish_t, destroy, void,
	private_ipsec_ha_publish_t *this)
{
	enumerator_t *enumerator;
	entry_t *e;
	void *key;

	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, &key, &e))
	{
		entry_destroy(e);
	}
	enumerator->destroy(enumerator);
	this->entries->destroy(this->entries);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header.
 */
ipsec_ha_publish_t *ipsec_ha_publish_create(ipsec_ha_nl_t *nl)
{
	private_ipsec_ha_publish_t *this;
	int interval, margin;

	margin = lib->settings->get_int(lib->settings,
							"%s.plugins.ipsec-ha.mid_margin", 16, lib->ns);
	interval = lib->settings->get_int(lib->settings,
							"%s.plugins.ipsec-ha.mid_publish_interval", 8, lib->ns);
	/* the lag stays within the margin a node that takes over adds */
	interval = max(1, min(interval, max(1, margin)));

	INIT(this,
		.public = {
			.listener = {
				.ike_keys = _ike_keys,
				.ike_updown = _ike_updown,
				.ike_rekey = _ike_rekey,
				.ike_update = _ike_update,
				.message = _message_hook,
				.child_updown = _child_updown,
				.child_rekey = _child_rekey,
			},
			.adopted = _adopted,
			.forget = _forget,
			.destroy = _destroy,
		},
		.nl = nl,
		.entries = hashtable_create(hash_id, equals_id, 128),
		.mutex = mutex_create(MUTEX_TYPE_RECURSIVE),
		.mid_interval = interval,
	);
	return &this->public;
}
