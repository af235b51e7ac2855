/* SPDX-License-Identifier: GPL-2.0 */
/* The per-packet netfilter hooks that note which local SAs move (hook.c). */
#ifndef _IPSEC_HA_HOOK_H
#define _IPSEC_HA_HOOK_H

struct ha_net;

int ha_hook_register(struct ha_net *hn);
void ha_hook_unregister(struct ha_net *hn);

#endif /* _IPSEC_HA_HOOK_H */
