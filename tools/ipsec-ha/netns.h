/* SPDX-License-Identifier: GPL-2.0 */
/* Running in a named network namespace, as `ip -n NAME` does. */
#ifndef IPSEC_HA_NETNS_H
#define IPSEC_HA_NETNS_H

#define NETNS_RUN_DIR "/run/netns"

/* setns() into NETNS_RUN_DIR/name. Returns 0 or EXIT_FAIL (printed). */
int netns_switch(const char *name);

#endif
