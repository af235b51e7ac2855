/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

/**
 * @defgroup ipsec_ha ipsec_ha
 * @ingroup cplugins
 *
 * @defgroup ipsec_ha_plugin ipsec_ha_plugin
 * @{ @ingroup ipsec_ha
 */

#ifndef IPSEC_HA_PLUGIN_H_
#define IPSEC_HA_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct ipsec_ha_plugin_t ipsec_ha_plugin_t;

/**
 * ipsec-ha: IKE SAs that survive the failure of a cluster node.
 *
 * Publishes the context of every IKE SA to the ipsec_ha kernel module,
 * which mirrors it, with the ESP SAs and their counters, to the other
 * nodes; on the node that takes over, rebuilds the IKE SAs and adopts the
 * CHILD SAs that the module's promote installed.
 */
struct ipsec_ha_plugin_t {

	/**
	 * Implements plugin interface.
	 */
	plugin_t plugin;
};

#endif /** IPSEC_HA_PLUGIN_H_ @}*/
