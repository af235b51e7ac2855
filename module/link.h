/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_LINK_H
#define _IPSEC_HA_LINK_H

#include <linux/net.h>

#include "ipsec_ha.h"

struct ha_link {
	struct socket *sock;
	struct ha_net *hn;
	struct ha_link_cfg cfg;
};

#endif /* _IPSEC_HA_LINK_H */
