// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec_ha: mirror IPsec SAs and policies between the nodes of a gateway
 * cluster, and take them over without renegotiation.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "compat.h"
#include "ipsec_ha.h"
#include "km.h"
#include "link.h"
#include "netns.h"
#include "nl.h"
#include "store.h"

static int __init ha_init(void)
{
	int err;

	err = ha_obj_caches_init();
	if (err)
		return err;
	err = ha_netns_init();
	if (err)
		goto err_caches;
	err = ha_link_notifier_init();
	if (err)
		goto err_netns;
	err = ha_nl_init();
	if (err)
		goto err_notifier;
	err = ha_km_init();
	if (err)
		goto err_nl;
	pr_info("ipsec_ha " IPSEC_HA_VERSION " loaded%s\n",
		HA_EVENTS_UNRESTRICTED ?
		" (events open to all users: no GENL_MCAST_CAP_NET_ADMIN)" : "");
	return 0;

err_nl:
	ha_nl_exit();
err_notifier:
	ha_link_notifier_exit();
err_netns:
	ha_netns_exit();
err_caches:
	ha_obj_caches_exit();
	return err;
}

static void __exit ha_exit(void)
{
	ha_km_exit();
	ha_nl_exit();
	ha_link_notifier_exit();
	ha_netns_exit();
	/* Keys are wiped by RCU callbacks: let them finish before the code goes. */
	rcu_barrier();
	ha_obj_caches_exit();
}

module_init(ha_init);
module_exit(ha_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IPsec SA mirroring and takeover for gateway clusters");
MODULE_AUTHOR("ipsec-ha developers");
MODULE_VERSION(IPSEC_HA_VERSION);
MODULE_ALIAS_GENL_FAMILY(IPSEC_HA_FAMILY_NAME);
