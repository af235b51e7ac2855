/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters of one namespace, indexed by their netlink attribute
 * (enum ipsec_ha_a_stats), so that reporting them is a loop.
 */
#ifndef _IPSEC_HA_STATS_H
#define _IPSEC_HA_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

#include "ipsec_ha.h"

struct ha_pcpu_stats {
	u64_stats_t ctr[IPSEC_HA_A_STATS_MAX + 1];
	struct u64_stats_sync syncp;
};

static inline void ha_stat_add(struct ha_net *hn, unsigned int idx, u64 val)
{
	struct ha_pcpu_stats *s = get_cpu_ptr(hn->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->ctr[idx], val);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(hn->stats);
}

static inline void ha_stat_inc(struct ha_net *hn, unsigned int idx)
{
	ha_stat_add(hn, idx, 1);
}

/* Sum of one counter over all CPUs. */
static inline u64 ha_stat_read(struct ha_net *hn, unsigned int idx)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct ha_pcpu_stats *s = per_cpu_ptr(hn->stats, cpu);
		unsigned int start;
		u64 v;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v = u64_stats_read(&s->ctr[idx]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum += v;
	}
	return sum;
}

#endif /* _IPSEC_HA_STATS_H */
