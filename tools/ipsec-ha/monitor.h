/* SPDX-License-Identifier: GPL-2.0 */
/* Printing the module's multicast events. */
#ifndef IPSEC_HA_MONITOR_H
#define IPSEC_HA_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

#include <libmnl/libmnl.h>

#include "ipsec-ha.h"

/*
 * Print one event (an ipsec_ha genetlink message) as one line of text or
 * JSON. Returns false, printing nothing, for events this tool does not
 * know.
 */
bool monitor_print_event(const struct ctx *ctx, FILE *f,
			 const struct nlmsghdr *nlh);

#endif
