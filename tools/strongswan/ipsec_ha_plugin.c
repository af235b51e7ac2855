/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

#include "ipsec_ha_plugin.h"
#include "ipsec_ha_import.h"
#include "ipsec_ha_kernel.h"
#include "ipsec_ha_nl.h"
#include "ipsec_ha_publish.h"

#include <daemon.h>

typedef struct private_ipsec_ha_plugin_t private_ipsec_ha_plugin_t;

struct private_ipsec_ha_plugin_t {

	/**
	 * Public interface.
	 */
	ipsec_ha_plugin_t public;

	/**
	 * Netlink client of the module.
	 */
	ipsec_ha_nl_t *nl;

	/**
	 * Publishes IKE SA contexts.
	 */
	ipsec_ha_publish_t *publish;

	/**
	 * Rebuilds and drops IKE SAs on the module's events.
	 */
	ipsec_ha_import_t *import;
};

METHOD(plugin_t, get_name, char*,
	private_ipsec_ha_plugin_t *this)
{
	return "ipsec-ha";
}

/**
 * Register or unregister the plugin's parts.
 */
static bool plugin_cb(private_ipsec_ha_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	if (reg)
	{
		this->nl = ipsec_ha_nl_create();
		if (!this->nl)
		{
			return FALSE;
		}
		ipsec_ha_kernel_wrap(this->nl);
		this->publish = ipsec_ha_publish_create(this->nl);
		charon->bus->add_listener(charon->bus, &this->publish->listener);
		this->import = ipsec_ha_import_create(this->nl, this->publish);
	}
	else
	{
		DESTROY_IF(this->import);
		if (this->publish)
		{
			charon->bus->remove_listener(charon->bus,
										 &this->publish->listener);
			this->publish->destroy(this->publish);
		}
		ipsec_ha_kernel_unwrap();
		DESTROY_IF(this->nl);
		this->import = NULL;
		this->publish = NULL;
		this->nl = NULL;
	}
	return TRUE;
}

METHOD(plugin_t, get_features, int,
	private_ipsec_ha_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "ipsec-ha"),
				PLUGIN_DEPENDS(CUSTOM, "kernel-ipsec"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void,
	private_ipsec_ha_plugin_t *this)
{
	free(this);
}

/**
 * Plugin constructor.
 */
plugin_t *ipsec_ha_plugin_create()
{
	private_ipsec_ha_plugin_t *this;

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.destroy = _destroy,
			},
		},
	);
	return &this->public.plugin;
}
