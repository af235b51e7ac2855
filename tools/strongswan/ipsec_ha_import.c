/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

#include "ipsec_ha_import.h"
#include "ipsec_ha_kernel.h"
#include "ipsec_ha_mid_sync.h"
#include "ipsec_ha_state.h"

#include <endian.h>
#include <errno.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ipsec_ha.h>

#include <daemon.h>
#include <collections/linked_list.h>
#include <processing/jobs/callback_job.h>
#include <sa/ikev2/keymat_v2.h>
#include <threading/mutex.h>

typedef struct private_ipsec_ha_import_t private_ipsec_ha_import_t;

struct private_ipsec_ha_import_t {

	/**
	 * Public interface.
	 */
	ipsec_ha_import_t public;

	/**
	 * Netlink client.
	 */
	ipsec_ha_nl_t *nl;

	/**
	 * Publisher, told of rebuilt and dropped IKE SAs.
	 */
	ipsec_ha_publish_t *publish;

	/**
	 * Events socket, -1 until the module is there.
	 */
	int fd;

	/**
	 * Message IDs added to the synced ones for the RFC 6311 proposal.
	 */
	uint32_t mid_margin;

	/**
	 * One import at a time.
	 */
	mutex_t *mutex;
};

/**
 * A context from ike-export, copied out of the netlink message.
 */
typedef struct {
	uint64_t spi_i, spi_r;
	bool local, initiator;
	uint8_t family;
	chunk_t local_addr, remote_addr;
	uint16_t local_port, remote_port;
	uint16_t encr, encr_keylen, integ, prf, dh_group;
	uint32_t mid_send, mid_recv;
	uint8_t id_i_type, id_r_type;
	chunk_t id_i, id_r;
	chunk_t nonce_i, nonce_r, state;
} ctx_t;

static void ctx_destroy(ctx_t *c)
{
	chunk_free(&c->local_addr);
	chunk_free(&c->remote_addr);
	chunk_free(&c->id_i);
	chunk_free(&c->id_r);
	chunk_clear(&c->nonce_i);
	chunk_clear(&c->nonce_r);
	chunk_clear(&c->state);
	free(c);
}

static chunk_t attr_chunk(const struct nlattr *a)
{
	return chunk_clone(chunk_create(mnl_attr_get_payload(a),
									mnl_attr_get_payload_len(a)));
}

static int ctx_attr_cb(const struct nlattr *a, void *data)
{
	ctx_t *c = data;

	switch (mnl_attr_get_type(a))
	{
		case IPSEC_HA_A_IKE_SPI_I:
			c->spi_i = mnl_attr_get_u64(a);
			break;
		case IPSEC_HA_A_IKE_SPI_R:
			c->spi_r = mnl_attr_get_u64(a);
			break;
		case IPSEC_HA_A_IKE_LOCAL:
			c->local = mnl_attr_get_u8(a);
			break;
		case IPSEC_HA_A_IKE_INITIATOR:
			c->initiator = mnl_attr_get_u8(a);
			break;
		case IPSEC_HA_A_IKE_FAMILY:
			c->family = mnl_attr_get_u8(a);
			break;
		case IPSEC_HA_A_IKE_LOCAL_ADDR:
			c->local_addr = attr_chunk(a);
			break;
		case IPSEC_HA_A_IKE_REMOTE_ADDR:
			c->remote_addr = attr_chunk(a);
			break;
		case IPSEC_HA_A_IKE_LOCAL_PORT:
			c->local_port = mnl_attr_get_u16(a);
			break;
		case IPSEC_HA_A_IKE_REMOTE_PORT:
			c->remote_port = mnl_attr_get_u16(a);
			break;
		case IPSEC_HA_A_IKE_ENCR:
			c->encr = mnl_attr_get_u16(a);
			break;
		case IPSEC_HA_A_IKE_ENCR_KEYLEN:
			c->encr_keylen = mnl_attr_get_u16(a);
			break;
		case IPSEC_HA_A_IKE_INTEG:
			c->integ = mnl_attr_get_u16(a);
			break;
		case IPSEC_HA_A_IKE_PRF:
			c->prf = mnl_attr_get_u16(a);
			break;
		case IPSEC_HA_A_IKE_DH_GROUP:
			c->dh_group = mnl_attr_get_u16(a);
			break;
		case IPSEC_HA_A_IKE_MID_SEND:
			c->mid_send = mnl_attr_get_u32(a);
			break;
		case IPSEC_HA_A_IKE_MID_RECV:
			c->mid_recv = mnl_attr_get_u32(a);
			break;
		case IPSEC_HA_A_IKE_ID_I_TYPE:
			c->id_i_type = mnl_attr_get_u8(a);
			break;
		case IPSEC_HA_A_IKE_ID_R_TYPE:
			c->id_r_type = mnl_attr_get_u8(a);
			break;
		case IPSEC_HA_A_IKE_ID_I:
			c->id_i = attr_chunk(a);
			break;
		case IPSEC_HA_A_IKE_ID_R:
			c->id_r = attr_chunk(a);
			break;
		case IPSEC_HA_A_IKE_NONCE_I:
			c->nonce_i = attr_chunk(a);
			break;
		case IPSEC_HA_A_IKE_NONCE_R:
			c->nonce_r = attr_chunk(a);
			break;
		case IPSEC_HA_A_IKE_DAEMON_STATE:
			c->state = attr_chunk(a);
			break;
		default:
			break;
	}
	return MNL_CB_OK;
}

/**
 * Collect the contexts this node owns (local) into a list.
 */
static void collect_cb(void *data, struct nlmsghdr *nlh)
{
	linked_list_t *list = data;
	ctx_t *c;

	INIT(c);
	mnl_attr_parse(nlh, GENL_HDRLEN, ctx_attr_cb, c);
	if (c->local && c->state.len && c->spi_i && c->spi_r)
	{
		list->insert_last(list, c);
	}
	else
	{
		ctx_destroy(c);
	}
}

/**
 * A key exchange that only knows its shared secret.
 */
typedef struct {
	key_exchange_t ke;
	chunk_t secret;
	key_exchange_method_t method;
} secret_ke_t;

METHOD(key_exchange_t, ke_get_shared_secret, bool,
	secret_ke_t *this, chunk_t *secret)
{
	*secret = chunk_clone(this->secret);
	return TRUE;
}

METHOD(key_exchange_t, ke_get_public_key, bool,
	secret_ke_t *this, chunk_t *value)
{
	return FALSE;
}

METHOD(key_exchange_t, ke_get_method, key_exchange_method_t,
	secret_ke_t *this)
{
	return this->method;
}

METHOD(key_exchange_t, ke_destroy, void,
	secret_ke_t *this)
{
}

static child_cfg_t *find_child_cfg(peer_cfg_t *peer_cfg, char *name)
{
	enumerator_t *enumerator;
	child_cfg_t *cfg, *found = NULL;

	enumerator = peer_cfg->create_child_cfg_enumerator(peer_cfg);
	while (enumerator->enumerate(enumerator, &cfg))
	{
		if (streq(cfg->get_name(cfg), name))
		{
			found = cfg->get_ref(cfg);
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Adopt one CHILD SA that promote installed.
 */
static bool adopt_child(ike_sa_t *ike_sa, peer_cfg_t *peer_cfg,
						ipsec_ha_child_state_t *c, bool initiator)
{
	child_cfg_t *cfg;
	child_sa_t *child_sa;
	proposal_t *proposal;
	bool ok;
	child_sa_create_t data = {
		.reqid = c->reqid,
		.mark_in = c->mark_in,
		.mark_out = c->mark_out,
		.if_id_in = c->if_id_in,
		.if_id_out = c->if_id_out,
		.encap = ike_sa->has_condition(ike_sa, COND_NAT_ANY),
	};

	cfg = find_child_cfg(peer_cfg, c->name);
	if (!cfg)
	{
		DBG1(DBG_CHD, "ipsec-ha: no CHILD_SA config '%s' here, CHILD_SA "
			 "with SPIs %.8x_i %.8x_o not adopted", c->name, ntohl(c->spi_in),
			 ntohl(c->spi_out));
		return FALSE;
	}
	child_sa = child_sa_create(ike_sa->get_my_host(ike_sa),
							   ike_sa->get_other_host(ike_sa), cfg, &data);
	cfg->destroy(cfg);
	child_sa->set_mode(child_sa, c->mode);
	child_sa->set_protocol(child_sa, c->protocol);
	child_sa->set_ipcomp(child_sa, c->ipcomp);
	proposal = proposal_create(c->protocol, 0);
	if (c->encr)
	{
		proposal->add_algorithm(proposal, ENCRYPTION_ALGORITHM, c->encr,
								c->encr_keylen);
	}
	if (c->integ)
	{
		proposal->add_algorithm(proposal, INTEGRITY_ALGORITHM, c->integ, 0);
	}
	if (c->ke)
	{
		proposal->add_algorithm(proposal, KEY_EXCHANGE_METHOD, c->ke, 0);
	}
	proposal->add_algorithm(proposal, EXTENDED_SEQUENCE_NUMBERS, c->esn, 0);
	child_sa->set_proposal(child_sa, proposal);
	proposal->destroy(proposal);
	child_sa->set_policies(child_sa, c->local_ts, c->remote_ts);
	child_sa->set_state(child_sa, CHILD_INSTALLING);

	/* the SAs are in the kernel: installing them only registers them, and
	 * the policies, installed by promote as well, are updated in place */
	ipsec_ha_kernel_adopt(TRUE);
	ok = child_sa->install(child_sa, chunk_empty, chunk_empty, c->spi_in,
						   c->cpi_in, initiator, TRUE, TRUE) == SUCCESS &&
		 child_sa->install(child_sa, chunk_empty, chunk_empty, c->spi_out,
						   c->cpi_out, initiator, FALSE, TRUE) == SUCCESS;
	ipsec_ha_kernel_adopt(FALSE);
	if (!ok || child_sa->install_policies(child_sa) != SUCCESS)
	{
		DBG1(DBG_CHD, "ipsec-ha: adopting CHILD_SA %s with SPIs %.8x_i "
			 "%.8x_o failed", c->name, ntohl(c->spi_in), ntohl(c->spi_out));
		child_sa->destroy(child_sa);
		return FALSE;
	}
	child_sa->set_state(child_sa, CHILD_INSTALLED);
	ike_sa->add_child_sa(ike_sa, child_sa);
	return TRUE;
}

static host_t *ctx_host(ctx_t *c, chunk_t addr, uint16_t port)
{
	return host_create_from_chunk(c->family, addr, port);
}

/** How often, and how many times, a Message ID sync waits for the address */
#define MID_SYNC_WAIT_MS 100
#define MID_SYNC_WAIT_TRIES 50

/**
 * A Message ID sync that waits for the IKE SA's own address
 */
typedef struct {
	private_ipsec_ha_import_t *this;
	ike_sa_id_t *id;
	uint32_t mid_send, mid_recv;
	int tries;
} mid_sync_job_t;

static void sync_mids(private_ipsec_ha_import_t *this, ike_sa_id_t *id,
					  uint32_t mid_send, uint32_t mid_recv, int tries);

static job_requeue_t mid_sync_job(mid_sync_job_t *job)
{
	sync_mids(job->this, job->id, job->mid_send, job->mid_recv, job->tries);
	return JOB_REQUEUE_NONE;
}

static void mid_sync_job_destroy(mid_sync_job_t *job)
{
	job->id->destroy(job->id);
	free(job);
}

/**
 * Whether this node holds the IKE SA's own address. A session moved here
 * before its address (ipsec-ha move, then the address) would send the
 * peer nothing but errors until the address arrives.
 */
static bool my_host_is_local(ike_sa_t *ike_sa)
{
	return charon->kernel->get_interface(charon->kernel,
										 ike_sa->get_my_host(ike_sa), NULL);
}

/**
 * Start the RFC 6311 exchange on the IKE SA of id, or set the Message IDs
 * as synced when the peer does not support it. The exchange waits, up to
 * MID_SYNC_WAIT_TRIES times MID_SYNC_WAIT_MS, until the IKE SA's own
 * address is on this node.
 */
static void sync_mids(private_ipsec_ha_import_t *this, ike_sa_id_t *id,
					  uint32_t mid_send, uint32_t mid_recv, int tries)
{
	mid_sync_job_t *job;
	ike_sa_t *ike_sa;

	ike_sa = charon->ike_sa_manager->checkout(charon->ike_sa_manager, id);
	if (!ike_sa)
	{
		return;
	}
	if (ike_sa->supports_extension(ike_sa, EXT_IKE_MESSAGE_ID_SYNC))
	{
		if (tries < MID_SYNC_WAIT_TRIES && !my_host_is_local(ike_sa))
		{
			if (!tries)
			{
				DBG1(DBG_IKE, "ipsec-ha: %H is not on this node yet, the "
					 "message ID sync waits for it", ike_sa->get_my_host(ike_sa));
			}
			INIT(job,
				.this = this,
				.id = id->clone(id),
				.mid_send = mid_send,
				.mid_recv = mid_recv,
				.tries = tries + 1,
			);
			charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
			lib->scheduler->schedule_job_ms(lib->scheduler,
					(job_t*)callback_job_create((callback_job_cb_t)mid_sync_job,
							job, (callback_job_cleanup_t)mid_sync_job_destroy,
							NULL), MID_SYNC_WAIT_MS);
			return;
		}
		ike_sa->set_message_id(ike_sa, TRUE, 0);
		ike_sa->queue_task(ike_sa, ipsec_ha_mid_sync_create(ike_sa,
								mid_send + this->mid_margin, mid_recv));
		if (ike_sa->initiate(ike_sa, NULL, NULL) == DESTROY_ME)
		{
			charon->ike_sa_manager->checkin_and_destroy(
											charon->ike_sa_manager, ike_sa);
			return;
		}
	}
	else
	{
		ike_sa->set_message_id(ike_sa, TRUE, mid_send);
	}
	charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
}

/**
 * Rebuild the IKE SA of c.
 */
static bool rebuild(private_ipsec_ha_import_t *this, ctx_t *c)
{
	ipsec_ha_state_t state;
	ike_sa_id_t *id;
	ike_sa_t *ike_sa;
	peer_cfg_t *peer_cfg;
	proposal_t *proposal;
	identification_t *id_i, *id_r;
	secret_ke_t ke;
	keymat_v2_t *keymat;
	int i, adopted = 0;
	bool ok;

	if (!ipsec_ha_state_decode(c->state, &state))
	{
		DBG1(DBG_IKE, "ipsec-ha: IKE_SA %.16llx_i %.16llx_r: daemon state of "
			 "an unknown format, not taken over", c->spi_i, c->spi_r);
		return FALSE;
	}
	peer_cfg = charon->backends->get_peer_cfg_by_name(charon->backends,
													  state.peer_cfg);
	if (!peer_cfg)
	{
		DBG1(DBG_IKE, "ipsec-ha: no config '%s' here, IKE_SA %.16llx_i "
			 "%.16llx_r not taken over", state.peer_cfg, c->spi_i, c->spi_r);
		ipsec_ha_state_clear(&state);
		return FALSE;
	}
	id = ike_sa_id_create(IKEV2_MAJOR_VERSION, htobe64(c->spi_i),
						  htobe64(c->spi_r), c->initiator);
	ike_sa = ike_sa_create(id, c->initiator, IKEV2);
	charon->bus->set_sa(charon->bus, ike_sa);
	ike_sa->set_peer_cfg(ike_sa, peer_cfg);
	peer_cfg->destroy(peer_cfg);
	ike_sa->set_my_host(ike_sa, ctx_host(c, c->local_addr, c->local_port));
	ike_sa->set_other_host(ike_sa, ctx_host(c, c->remote_addr,
											c->remote_port));
	id_i = identification_create_from_encoding(c->id_i_type, c->id_i);
	id_r = identification_create_from_encoding(c->id_r_type, c->id_r);
	ike_sa->set_my_id(ike_sa, c->initiator ? id_i : id_r);
	ike_sa->set_other_id(ike_sa, c->initiator ? id_r : id_i);
	for (i = 0; i < 32; i++)
	{
		if (state.conditions & (1U << i))
		{
			ike_sa->set_condition(ike_sa, 1U << i, TRUE);
		}
		if (state.extensions & (1U << i))
		{
			ike_sa->enable_extension(ike_sa, 1U << i);
		}
	}

	proposal = proposal_create(PROTO_IKE, 0);
	if (c->integ)
	{
		proposal->add_algorithm(proposal, INTEGRITY_ALGORITHM, c->integ, 0);
	}
	proposal->add_algorithm(proposal, ENCRYPTION_ALGORITHM, c->encr,
							c->encr_keylen);
	proposal->add_algorithm(proposal, PSEUDO_RANDOM_FUNCTION, c->prf, 0);
	if (c->dh_group)
	{
		proposal->add_algorithm(proposal, KEY_EXCHANGE_METHOD, c->dh_group, 0);
	}
	ke = (secret_ke_t){
		.ke = {
			.get_shared_secret = _ke_get_shared_secret,
			.get_public_key = _ke_get_public_key,
			.get_method = _ke_get_method,
			.destroy = _ke_destroy,
		},
		.secret = state.secret,
		.method = c->dh_group,
	};
	keymat = (keymat_v2_t*)ike_sa->get_keymat(ike_sa);
	ok = keymat->derive_ike_keys(keymat, proposal, &ke.ke, c->nonce_i,
								 c->nonce_r, ike_sa->get_id(ike_sa),
								 state.old_prf, state.old_skd);
	if (ok)
	{
		ike_sa->set_proposal(ike_sa, proposal);
	}
	proposal->destroy(proposal);
	if (!ok)
	{
		DBG1(DBG_IKE, "ipsec-ha: deriving the keys of IKE_SA %.16llx_i "
			 "%.16llx_r failed", c->spi_i, c->spi_r);
		charon->bus->set_sa(charon->bus, NULL);
		ike_sa->destroy(ike_sa);
		ipsec_ha_state_clear(&state);
		id->destroy(id);
		return FALSE;
	}
	ike_sa->set_state(ike_sa, IKE_CONNECTING);
	for (i = 0; i < state.nr_children; i++)
	{
		if (adopt_child(ike_sa, ike_sa->get_peer_cfg(ike_sa),
						&state.children[i], c->initiator))
		{
			adopted++;
		}
	}
	/* the peer was heard by the old owner just now: no DPD right away */
	ike_sa->set_statistic(ike_sa, STAT_INBOUND, time_monotonic(NULL));
	ike_sa->set_statistic(ike_sa, STAT_OUTBOUND, time_monotonic(NULL));
	ike_sa->set_message_id(ike_sa, FALSE, c->mid_recv);
	ike_sa->set_message_id(ike_sa, TRUE, c->mid_send);
	ike_sa->set_state(ike_sa, IKE_ESTABLISHED);
	DBG1(DBG_IKE, "ipsec-ha: took over IKE_SA %s[%u] %H[%Y]...%H[%Y] with "
		 "%d of %d CHILD_SAs", ike_sa->get_name(ike_sa),
		 ike_sa->get_unique_id(ike_sa), ike_sa->get_my_host(ike_sa),
		 ike_sa->get_my_id(ike_sa), ike_sa->get_other_host(ike_sa),
		 ike_sa->get_other_id(ike_sa), adopted, state.nr_children);
	this->publish->adopted(this->publish, ike_sa, &state, c->nonce_i,
						   c->nonce_r, c->mid_send, c->mid_recv);
	ipsec_ha_state_clear(&state);
	charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
	charon->bus->set_sa(charon->bus, NULL);

	sync_mids(this, id, c->mid_send, c->mid_recv, 0);
	id->destroy(id);
	return TRUE;
}

/**
 * Whether charon runs the IKE SA of these SPIs already.
 */
static bool known(uint64_t spi_i, uint64_t spi_r, bool initiator)
{
	ike_sa_id_t *id;
	ike_sa_t *ike_sa;

	id = ike_sa_id_create(IKEV2_MAJOR_VERSION, htobe64(spi_i), htobe64(spi_r),
						  initiator);
	ike_sa = charon->ike_sa_manager->checkout(charon->ike_sa_manager, id);
	id->destroy(id);
	if (ike_sa)
	{
		charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
		return TRUE;
	}
	return FALSE;
}

METHOD(ipsec_ha_import_t, import, int,
	private_ipsec_ha_import_t *this)
{
	char buf[IPSEC_HA_NL_MSG_MAX];
	linked_list_t *list;
	struct nlmsghdr *nlh;
	timeval_t start, end;
	ctx_t *c;
	int done = 0, err;

	nlh = this->nl->msg(this->nl, buf, IPSEC_HA_CMD_IKE_EXPORT, NLM_F_DUMP);
	if (!nlh)
	{
		return 0;
	}
	this->mutex->lock(this->mutex);
	time_monotonic(&start);
	list = linked_list_create();
	err = this->nl->dump(this->nl, nlh, collect_cb, list);
	if (err)
	{
		DBG1(DBG_IKE, "ipsec-ha: reading the IKE contexts failed: %s",
			 strerror(-err));
	}
	while (list->remove_first(list, (void**)&c) == SUCCESS)
	{
		if (!known(c->spi_i, c->spi_r, c->initiator) && rebuild(this, c))
		{
			done++;
		}
		ctx_destroy(c);
	}
	list->destroy(list);
	time_monotonic(&end);
	if (done)
	{
		DBG1(DBG_IKE, "ipsec-ha: took over %d IKE_SAs in %u ms", done,
			 (u_int)((end.tv_sec - start.tv_sec) * 1000 +
					 (end.tv_usec - start.tv_usec) / 1000));
	}
	this->mutex->unlock(this->mutex);
	return done;
}

static job_requeue_t import_job(private_ipsec_ha_import_t *this)
{
	import(this);
	return JOB_REQUEUE_NONE;
}

/**
 * SPIs of an IKE SA another node took over.
 */
typedef struct {
	private_ipsec_ha_import_t *this;
	uint64_t spi_i, spi_r;
	uint32_t node;
} lost_t;

static job_requeue_t lost_job(lost_t *lost)
{
	ike_sa_id_t *id;
	ike_sa_t *ike_sa = NULL;
	int initiator;

	for (initiator = 0; initiator < 2 && !ike_sa; initiator++)
	{
		id = ike_sa_id_create(IKEV2_MAJOR_VERSION, htobe64(lost->spi_i),
							  htobe64(lost->spi_r), initiator);
		ike_sa = charon->ike_sa_manager->checkout(charon->ike_sa_manager, id);
		id->destroy(id);
	}
	if (!ike_sa)
	{
		return JOB_REQUEUE_NONE;
	}
	DBG1(DBG_IKE, "ipsec-ha: node %u took IKE_SA %s[%u] over, dropping it "
		 "here without a word to the peer", lost->node,
		 ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa));
	lost->this->publish->forget(lost->this->publish, ike_sa);
	charon->ike_sa_manager->checkin_and_destroy(charon->ike_sa_manager, ike_sa);
	return JOB_REQUEUE_NONE;
}

typedef struct {
	uint8_t type;
	uint32_t node;
	uint64_t spi_i, spi_r;
} event_t;

static int event_attr_cb(const struct nlattr *a, void *data)
{
	event_t *ev = data;

	switch (mnl_attr_get_type(a))
	{
		case IPSEC_HA_A_EVENT_TYPE:
			if (mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
			{
				ev->type = mnl_attr_get_u8(a);
			}
			break;
		case IPSEC_HA_A_EVENT_NODE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			{
				ev->node = mnl_attr_get_u32(a);
			}
			break;
		case IPSEC_HA_A_EVENT_IKE_SPI_I:
			if (mnl_attr_validate(a, MNL_TYPE_U64) >= 0)
			{
				ev->spi_i = mnl_attr_get_u64(a);
			}
			break;
		case IPSEC_HA_A_EVENT_IKE_SPI_R:
			if (mnl_attr_validate(a, MNL_TYPE_U64) >= 0)
			{
				ev->spi_r = mnl_attr_get_u64(a);
			}
			break;
		default:
			break;
	}
	return MNL_CB_OK;
}

static void queue_import(private_ipsec_ha_import_t *this)
{
	lib->processor->queue_job(lib->processor,
			(job_t*)callback_job_create_with_prio((callback_job_cb_t)import_job,
						this, NULL, NULL, JOB_PRIO_CRITICAL));
}

static bool event_cb(private_ipsec_ha_import_t *this, int fd,
					 watcher_event_t event)
{
	char buf[IPSEC_HA_NL_MSG_MAX];
	struct nlmsghdr *nlh;
	bool taken = FALSE;
	ssize_t n;
	int len;
	lost_t *lost;

	while ((n = this->nl->read_event(this->nl, fd, buf)) != 0)
	{
		if (n < 0)
		{
			if (errno == ENOBUFS)
			{	/* events lost: look at the whole mirror */
				taken = TRUE;
				continue;
			}
			break;
		}
		len = n;
		for (nlh = (struct nlmsghdr*)buf; mnl_nlmsg_ok(nlh, len);
			 nlh = mnl_nlmsg_next(nlh, &len))
		{
			event_t ev = {};

			if (nlh->nlmsg_type < NLMSG_MIN_TYPE ||
				nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
			{
				continue;
			}
			mnl_attr_parse(nlh, GENL_HDRLEN, event_attr_cb, &ev);
			if (ev.type == IPSEC_HA_EVENT_TYPE_IKE_TAKEN)
			{
				taken = TRUE;
			}
			else if (ev.type == IPSEC_HA_EVENT_TYPE_IKE_LOST && ev.spi_i)
			{
				INIT(lost,
					.this = this,
					.spi_i = ev.spi_i,
					.spi_r = ev.spi_r,
					.node = ev.node,
				);
				lib->processor->queue_job(lib->processor,
					(job_t*)callback_job_create_with_prio(
						(callback_job_cb_t)lost_job, lost, free, NULL,
						JOB_PRIO_CRITICAL));
			}
		}
	}
	if (taken)
	{
		queue_import(this);
	}
	return TRUE;
}

/**
 * Subscribe to the events once the module is there; retried every second.
 */
static job_requeue_t subscribe_job(private_ipsec_ha_import_t *this)
{
	this->fd = this->nl->open_events(this->nl);
	if (this->fd < 0)
	{
		lib->scheduler->schedule_job(lib->scheduler, (job_t*)
				callback_job_create((callback_job_cb_t)subscribe_job, this,
									NULL, NULL), 1);
		return JOB_REQUEUE_NONE;
	}
	lib->watcher->add(lib->watcher, this->fd, WATCHER_READ,
					  (watcher_cb_t)event_cb, this);
	DBG1(DBG_CFG, "ipsec-ha: following the module's events");
	/* a promote may have happened before charon started */
	queue_import(this);
	return JOB_REQUEUE_NONE;
}

METHOD(ipsec_ha_import_t, destroy, void,
	private_ipsec_ha_import_t *this)
{
	if (this->fd >= 0)
	{
		lib->watcher->remove(lib->watcher, this->fd);
		close(this->fd);
	}
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header.
 */
ipsec_ha_import_t *ipsec_ha_import_create(ipsec_ha_nl_t *nl,
										  ipsec_ha_publish_t *publish)
{
	private_ipsec_ha_import_t *this;

	INIT(this,
		.public = {
			.import = _import,
			.destroy = _destroy,
		},
		.nl = nl,
		.publish = publish,
		.fd = -1,
		.mid_margin = lib->settings->get_int(lib->settings,
							"%s.plugins.ipsec-ha.mid_margin", 16, lib->ns),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	subscribe_job(this);
	return &this->public;
}
