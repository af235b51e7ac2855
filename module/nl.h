/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_NL_H
#define _IPSEC_HA_NL_H

#include <net/genetlink.h>

#include "ipsec_ha.h"
/*
 * The policies, the split ops and the prototypes of their handlers
 * (ipsec_ha_nl_<op>_doit, _dumpit: netlink.c, nl_takeover.c, nl_dump.c,
 * nl_ike.c), generated from the spec.
 */
#include "nl_gen.h"

extern struct genl_family ha_genl_family;

/* netlink.c; attribute types of every set are below HA_NL_ATTR_TYPES */
#define HA_NL_ATTR_TYPES 128
int ha_nl_init(void);
void ha_nl_exit(void);
void ha_nl_notify_config(struct ha_net *hn);
int ha_nl_reject_duplicates(const struct genl_info *info);

#endif /* _IPSEC_HA_NL_H */
