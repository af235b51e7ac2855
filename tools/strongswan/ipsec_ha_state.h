/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

/**
 * @defgroup ipsec_ha_state ipsec_ha_state
 * @{ @ingroup ipsec_ha
 */

#ifndef IPSEC_HA_STATE_H_
#define IPSEC_HA_STATE_H_

#include <sa/ike_sa.h>
#include <sa/child_sa.h>

/**
 * Version of the daemon-state format this plugin writes and reads.
 */
#define IPSEC_HA_STATE_VERSION 1

/**
 * Most CHILD SAs an IKE SA's state describes: two SPIs each must fit the
 * module's CHILD SA list (ike-children-max).
 */
#define IPSEC_HA_STATE_CHILDREN 16

typedef struct ipsec_ha_child_state_t ipsec_ha_child_state_t;
typedef struct ipsec_ha_state_t ipsec_ha_state_t;

/**
 * What charon needs to adopt one CHILD SA that promote installed.
 */
struct ipsec_ha_child_state_t {
	char *name;					/**< child_cfg name */
	uint32_t spi_in, spi_out;	/**< network order, as child_sa_t has them */
	uint16_t cpi_in, cpi_out;
	uint8_t mode, protocol;
	uint16_t ipcomp;
	uint32_t reqid;
	uint16_t encr, encr_keylen, integ, ke, esn;
	uint32_t mark_in, mark_out, if_id_in, if_id_out;
	linked_list_t *local_ts, *remote_ts;	/**< traffic_selector_t */
};

/**
 * The part of an IKE SA's context that only charon reads: enough to derive
 * its keys again (the key exchange's shared secret, and for a rekeyed IKE
 * SA the SK_d it was derived from) and to adopt its CHILD SAs.
 */
struct ipsec_ha_state_t {
	char *peer_cfg;				/**< peer_cfg name */
	chunk_t secret;				/**< shared secret of the key exchange */
	uint16_t old_prf;			/**< PRF of old_skd, PRF_UNDEFINED if none */
	chunk_t old_skd;			/**< SK_d of the IKE SA this one rekeyed */
	uint32_t conditions;		/**< ike_condition_t bits */
	uint32_t extensions;		/**< ike_extension_t bits */
	int nr_children;
	ipsec_ha_child_state_t children[IPSEC_HA_STATE_CHILDREN];
};

/**
 * Fill the CHILD SA part of state from the CHILD SAs of ike_sa that are
 * installed (or being rekeyed), at most IPSEC_HA_STATE_CHILDREN.
 *
 * @param state		state to fill (its children are replaced)
 * @param ike_sa	IKE SA, checked out
 * @param skip		a CHILD SA to leave out (being deleted), or NULL
 */
void ipsec_ha_state_children(ipsec_ha_state_t *state, ike_sa_t *ike_sa,
							 child_sa_t *skip);

/**
 * Encode state.
 *
 * @return			allocated encoding (clear and free it)
 */
chunk_t ipsec_ha_state_encode(ipsec_ha_state_t *state);

/**
 * Decode a state of this plugin's format.
 *
 * @param data		encoding from the module
 * @param state		filled in; release with ipsec_ha_state_clear()
 * @return			FALSE for a malformed or unknown encoding
 */
bool ipsec_ha_state_decode(chunk_t data, ipsec_ha_state_t *state);

/**
 * Release what a state holds (secrets wiped), leaving it empty.
 */
void ipsec_ha_state_clear(ipsec_ha_state_t *state);

/**
 * Release the CHILD SA part of a state only.
 */
void ipsec_ha_state_clear_children(ipsec_ha_state_t *state);

#endif /** IPSEC_HA_STATE_H_ @}*/
