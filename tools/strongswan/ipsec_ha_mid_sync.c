/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

#include "ipsec_ha_mid_sync.h"

#include <daemon.h>
#include <bio/bio_reader.h>
#include <bio/bio_writer.h>
#include <encoding/payloads/notify_payload.h>
#include <processing/jobs/callback_job.h>

typedef struct private_mid_sync_t private_mid_sync_t;

struct private_mid_sync_t {

	/**
	 * Task interface.
	 */
	task_t public;

	/**
	 * IKE SA.
	 */
	ike_sa_t *ike_sa;

	/**
	 * Nonce the peer must return.
	 */
	uint32_t nonce;

	/**
	 * Message IDs this node proposes: next to send, next to receive.
	 */
	uint32_t send, recv;
};

/**
 * Message IDs to set once the exchange is over.
 */
typedef struct {
	ike_sa_id_t *id;
	uint32_t send, recv;
} mid_set_t;

static void mid_set_destroy(mid_set_t *set)
{
	set->id->destroy(set->id);
	free(set);
}

static job_requeue_t mid_set(mid_set_t *set)
{
	ike_sa_t *ike_sa;

	ike_sa = charon->ike_sa_manager->checkout(charon->ike_sa_manager, set->id);
	if (!ike_sa)
	{
		return JOB_REQUEUE_NONE;
	}
	/* an exchange that started meanwhile, with Message ID 1, is restarted
	 * with the synchronized one by the reset set_message_id() does */
	ike_sa->set_message_id(ike_sa, TRUE, set->send);
	if (set->recv > ike_sa->get_message_id(ike_sa, FALSE))
	{
		ike_sa->set_message_id(ike_sa, FALSE, set->recv);
	}
	DBG1(DBG_IKE, "ipsec-ha: message IDs synchronized (RFC 6311): "
		 "initiating %u, responding %u", set->send,
		 ike_sa->get_message_id(ike_sa, FALSE));
	charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
	return JOB_REQUEUE_NONE;
}

METHOD(task_t, build, status_t,
	private_mid_sync_t *this, message_t *message)
{
	bio_writer_t *writer;

	writer = bio_writer_create(12);
	writer->write_data(writer, chunk_from_thing(this->nonce));
	writer->write_uint32(writer, this->send);
	writer->write_uint32(writer, this->recv);
	message->set_message_id(message, 0);
	message->add_notify(message, FALSE, IKEV2_MESSAGE_ID_SYNC,
						writer->get_buf(writer));
	writer->destroy(writer);
	return NEED_MORE;
}

METHOD(task_t, process, status_t,
	private_mid_sync_t *this, message_t *message)
{
	notify_payload_t *notify;
	bio_reader_t *reader;
	chunk_t nonce;
	uint32_t peer_send, peer_recv;
	mid_set_t *set;

	notify = message->get_notify(message, IKEV2_MESSAGE_ID_SYNC);
	if (!notify)
	{
		DBG1(DBG_IKE, "ipsec-ha: no %N notify in the response, message IDs "
			 "not synchronized", notify_type_names, IKEV2_MESSAGE_ID_SYNC);
		return SUCCESS;
	}
	reader = bio_reader_create(notify->get_notification_data(notify));
	if (!reader->read_data(reader, sizeof(this->nonce), &nonce) ||
		!reader->read_uint32(reader, &peer_send) ||
		!reader->read_uint32(reader, &peer_recv) ||
		!chunk_equals_const(nonce, chunk_from_thing(this->nonce)))
	{
		reader->destroy(reader);
		DBG1(DBG_IKE, "ipsec-ha: invalid %N notify in the response",
			 notify_type_names, IKEV2_MESSAGE_ID_SYNC);
		return SUCCESS;
	}
	reader->destroy(reader);

	/* the peer expects our next request with peer_recv, and sends its own
	 * next request with peer_send */
	INIT(set,
		.id = this->ike_sa->get_id(this->ike_sa)->clone(
									this->ike_sa->get_id(this->ike_sa)),
		.send = max(peer_recv, this->send),
		.recv = max(peer_send, this->recv),
	);
	lib->processor->queue_job(lib->processor,
			(job_t*)callback_job_create_with_prio((callback_job_cb_t)mid_set,
						set, (callback_job_cleanup_t)mid_set_destroy, NULL,
						JOB_PRIO_CRITICAL));
	return SUCCESS;
}

METHOD(task_t, get_type, task_type_t,
	private_mid_sync_t *this)
{
	return TASK_IKE_DPD;
}

METHOD(task_t, migrate, void,
	private_mid_sync_t *this, ike_sa_t *ike_sa)
{
	this->ike_sa = ike_sa;
}

METHOD(task_t, destroy, void,
	private_mid_sync_t *this)
{
	free(this);
}

/*
 * Described in header.
 */
task_t *ipsec_ha_mid_sync_create(ike_sa_t *ike_sa, uint32_t send,
								 uint32_t recv)
{
	private_mid_sync_t *this;
	rng_t *rng;

	INIT(this,
		.public = {
			.build = _build,
			.process = _process,
			.get_type = _get_type,
			.migrate = _migrate,
			.destroy = _destroy,
		},
		.ike_sa = ike_sa,
		.send = send,
		.recv = recv,
	);
	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	if (!rng || !rng->get_bytes(rng, sizeof(this->nonce),
								(uint8_t*)&this->nonce))
	{
		this->nonce = random();
	}
	DESTROY_IF(rng);
	return &this->public;
}
