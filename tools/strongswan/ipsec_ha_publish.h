/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

/**
 * @defgroup ipsec_ha_publish ipsec_ha_publish
 * @{ @ingroup ipsec_ha
 */

#ifndef IPSEC_HA_PUBLISH_H_
#define IPSEC_HA_PUBLISH_H_

#include <bus/listeners/listener.h>

#include "ipsec_ha_nl.h"
#include "ipsec_ha_state.h"

typedef struct ipsec_ha_publish_t ipsec_ha_publish_t;

/**
 * Publishes the context of every IKE SA charon runs to the ipsec_ha
 * module (ike-add, ike-set, ike-del), as it changes: established, message
 * IDs as they move, rekeyed, moved to other addresses, CHILD SAs added,
 * rekeyed and deleted.
 */
struct ipsec_ha_publish_t {

	/**
	 * Listener interface, register it on the bus.
	 */
	listener_t listener;

	/**
	 * Take over the secrets of an IKE SA rebuilt from its mirrored context,
	 * so that later changes publish it again in full.
	 *
	 * @param ike_sa	the rebuilt IKE SA
	 * @param state		its decoded state (secret and old SK_d are taken)
	 * @param nonce_i	its nonces
	 * @param nonce_r
	 * @param mid_send	message IDs it goes on from
	 * @param mid_recv
	 */
	void (*adopted)(ipsec_ha_publish_t *this, ike_sa_t *ike_sa,
					ipsec_ha_state_t *state, chunk_t nonce_i, chunk_t nonce_r,
					uint32_t mid_send, uint32_t mid_recv);

	/**
	 * Forget an IKE SA this node no longer owns.
	 */
	void (*forget)(ipsec_ha_publish_t *this, ike_sa_t *ike_sa);

	/**
	 * Destroy.
	 */
	void (*destroy)(ipsec_ha_publish_t *this);
};

/**
 * Create the publisher.
 */
ipsec_ha_publish_t *ipsec_ha_publish_create(ipsec_ha_nl_t *nl);

#endif /** IPSEC_HA_PUBLISH_H_ @}*/
