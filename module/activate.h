/* SPDX-License-Identifier: GPL-2.0 */
/* Activation on an unknown SPI (activate.c). */
#ifndef _IPSEC_HA_ACTIVATE_H
#define _IPSEC_HA_ACTIVATE_H

#include "ipsec_ha.h"

int ha_act_set(struct ha_net *hn, u8 policy);
void ha_act_unhook(struct ha_net *hn);
void ha_act_net_exit(struct ha_net *hn);

#endif /* _IPSEC_HA_ACTIVATE_H */
