/* SPDX-License-Identifier: GPL-2.0 */
/* Wire records back into the local SAD/SPD (install.c). */
#ifndef _IPSEC_HA_INSTALL_H
#define _IPSEC_HA_INSTALL_H

#include <net/xfrm.h>

#include "store.h"
#include "wire.h"

struct ha_net;

int ha_inst_rx_check(struct ha_net *hn, const struct ha_wire_sa *sa,
		     const struct ha_wire_policy *pol);
bool ha_inst_rx_bad_ref(struct ha_net *hn, const struct ha_ref *ref);
const char *ha_inst_sa_refused(const struct ha_wire_sa *w);
struct xfrm_state *ha_inst_sa_build(struct net *net, const struct ha_wire_sa *w,
				    int *err, const char **why);
void ha_inst_sa_discard(struct xfrm_state *x);
void ha_inst_sa_counters(struct xfrm_state *x, u64 oseq, u64 seq);
int ha_inst_sa_add(struct xfrm_state *x);
struct xfrm_state *ha_inst_sa_find(struct net *net, const struct ha_nkey *k);
int ha_inst_policy_add(struct net *net, const struct ha_wire_policy *w, const char **why);
int ha_inst_policy_del(struct net *net, const struct ha_wire_policy *w);

#endif /* _IPSEC_HA_INSTALL_H */
