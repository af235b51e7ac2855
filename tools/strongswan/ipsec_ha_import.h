/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

/**
 * @defgroup ipsec_ha_import ipsec_ha_import
 * @{ @ingroup ipsec_ha
 */

#ifndef IPSEC_HA_IMPORT_H_
#define IPSEC_HA_IMPORT_H_

#include "ipsec_ha_nl.h"
#include "ipsec_ha_publish.h"

typedef struct ipsec_ha_import_t ipsec_ha_import_t;

/**
 * Follows the module's events. After a promote took IKE contexts over
 * (ike-taken), rebuilds each IKE SA this node now owns from its mirrored
 * context: the keys derived again from the key exchange's shared secret and
 * the nonces, the CHILD SAs adopted as promote installed them, then the
 * Message IDs synchronized with the peer (RFC 6311). When another node took
 * over an IKE SA this node runs (ike-lost), drops it without a word to the
 * peer.
 */
struct ipsec_ha_import_t {

	/**
	 * Rebuild every IKE SA this node owns in the mirror and charon lacks.
	 *
	 * @return			IKE SAs rebuilt
	 */
	int (*import)(ipsec_ha_import_t *this);

	/**
	 * Destroy.
	 */
	void (*destroy)(ipsec_ha_import_t *this);
};

/**
 * Create the importer and start following the events.
 */
ipsec_ha_import_t *ipsec_ha_import_create(ipsec_ha_nl_t *nl,
										  ipsec_ha_publish_t *publish);

#endif /** IPSEC_HA_IMPORT_H_ @}*/
