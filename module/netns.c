// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: every namespace is a cluster member of its
 * own, so two clusters on one host, or one node per namespace in tests,
 * never see each other.
 */
#include <linux/ktime.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "activate.h"
#include "counters.h"
#include "hook.h"
#include "ike.h"
#include "ipsec_ha.h"
#include "key.h"
#include "km.h"
#include "link.h"
#include "move.h"
#include "netns.h"
#include "peer.h"
#include "rx.h"
#include "standby.h"
#include "stats.h"
#include "store.h"
#include "sync.h"

#define HA_DEFAULT_SYNC_PACKETS		256
#define HA_DEFAULT_SYNC_INTERVAL_MS	100
#define HA_DEFAULT_MAX_SAS		131072
#define HA_DEFAULT_MARGIN_MIN		4096
#define HA_DEFAULT_PREPARE_MAX		16384

unsigned int ha_net_id __read_mostly;

static int __net_init ha_net_init(struct net *net)
{
	struct ha_net *hn = ha_net(net);

	int err;

	/* Grows across restarts, so peers can refuse an old epoch's datagrams. */
	hn->epoch = ktime_get_real_ns();
	hn->stats = alloc_percpu(struct ha_pcpu_stats);
	if (!hn->stats)
		return -ENOMEM;
	/* Ids start past any an earlier incarnation gave: about 1,000 a second. */
	err = ha_store_init(&hn->store, (u32)(hn->epoch >> 20));
	if (err) {
		free_percpu(hn->stats);
		return err;
	}
	err = ha_ctr_net_init(hn);
	if (err) {
		ha_store_destroy(&hn->store);
		free_percpu(hn->stats);
		return err;
	}
	ha_km_net_init(hn);
	ha_rx_net_init(hn);
	ha_sync_net_init(hn);
	ha_move_net_init(hn);
	ha_standby_net_init(hn);
	ha_link_net_init(hn);

	hn->net = net;
	mutex_init(&hn->lock);
	hn->sync_packets = HA_DEFAULT_SYNC_PACKETS;
	hn->sync_packets_told = 1;	/* until peers are told: every packet */
	hn->sync_interval_ms = HA_DEFAULT_SYNC_INTERVAL_MS;
	hn->max_sas = HA_DEFAULT_MAX_SAS;
	hn->margin_min = HA_DEFAULT_MARGIN_MIN;
	hn->prepare_max = HA_DEFAULT_PREPARE_MAX;
	return 0;
}

/* Stop receiving before the namespace's other state goes away. */
static void __net_exit ha_net_pre_exit(struct net *net)
{
	struct ha_net *hn = ha_net(net);

	mutex_lock(&hn->lock);
	WRITE_ONCE(hn->node_id, 0);	/* the key manager stops queueing */
	ha_link_close(rcu_replace_pointer(hn->link, NULL, lockdep_is_held(&hn->lock)));
	ha_link_track(hn);
	ha_act_unhook(hn);
	mutex_lock(&hn->store.lock);
	ha_hook_unregister(hn);
	mutex_unlock(&hn->store.lock);
	mutex_unlock(&hn->lock);
}

/*
 * Works stop in the order they queue each other: km_work and rx_work
 * queue ctr_work's trackers, tx_work and standby work, rx_work and
 * act_work queue move_work, which queues ctr_work's trackers and
 * tx_work; ctr_work queues tx_work. Each is stopped after everything that can queue it.
 */
static void __net_exit ha_net_exit(struct net *net)
{
	struct ha_net *hn = ha_net(net);

	ha_link_net_exit(hn);
	ha_km_net_exit(hn);
	ha_rx_net_exit(hn);
	ha_act_net_exit(hn);
	ha_move_net_exit(hn);
	ha_ctr_net_stop(hn);
	ha_sync_net_exit(hn);
	ha_ctr_net_exit(hn);
	ha_peers_destroy(hn);
	ha_ike_net_exit(hn);
	ha_standby_net_exit(hn);
	ha_store_destroy(&hn->store);
	ha_key_destroy(rcu_replace_pointer(hn->key, NULL, true));
	ha_key_destroy(rcu_replace_pointer(hn->key_prev, NULL, true));
	free_percpu(hn->stats);
	mutex_destroy(&hn->lock);
}

static struct pernet_operations ha_net_ops = {
	.init = ha_net_init,
	.pre_exit = ha_net_pre_exit,
	.exit = ha_net_exit,
	.id = &ha_net_id,
	.size = sizeof(struct ha_net),
};

int ha_netns_init(void)
{
	return register_pernet_subsys(&ha_net_ops);
}

void ha_netns_exit(void)
{
	unregister_pernet_subsys(&ha_net_ops);
}
