/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_SA_H
#define _IPSEC_HA_SA_H

#include <net/xfrm.h>

#include "store.h"
#include "wire.h"

void ha_sa_nkey(const struct xfrm_state *x, struct ha_nkey *k);
void ha_wire_sa_nkey(const struct ha_wire_sa *w, struct ha_nkey *k);
int ha_sa_from_xfrm(struct xfrm_state *x, struct ha_wire_sa *w);
void ha_policy_nkey(const struct xfrm_policy *xp, int dir, struct ha_nkey *k);
void ha_wire_policy_nkey(const struct ha_wire_policy *w, struct ha_nkey *k);
void ha_policy_from_xfrm(const struct xfrm_policy *xp, int dir, struct ha_wire_policy *w);

#endif /* _IPSEC_HA_SA_H */
