/* SPDX-License-Identifier: GPL-2.0 */
/* XFRM key manager events: how local.c learns of changes to the SAD and SPD (km.c). */
#ifndef _IPSEC_HA_KM_H
#define _IPSEC_HA_KM_H

struct ha_net;

int ha_km_init(void);
void ha_km_exit(void);
void ha_km_net_init(struct ha_net *hn);
void ha_km_net_exit(struct ha_net *hn);
int ha_km_walk(struct ha_net *hn);

#endif /* _IPSEC_HA_KM_H */
