/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

/**
 * @defgroup ipsec_ha_nl ipsec_ha_nl
 * @{ @ingroup ipsec_ha
 */

#ifndef IPSEC_HA_NL_H_
#define IPSEC_HA_NL_H_

#include <library.h>

#include <linux/netlink.h>

typedef struct ipsec_ha_nl_t ipsec_ha_nl_t;

/**
 * Largest request or reply message the plugin builds or reads.
 */
#define IPSEC_HA_NL_MSG_MAX 8192

/**
 * Callback for each message of a dump (generic netlink header included).
 */
typedef void (*ipsec_ha_nl_dump_cb_t)(void *data, struct nlmsghdr *nlh);

/**
 * Generic netlink client of the ipsec_ha kernel module.
 *
 * The family is resolved when first needed, and again after an error, so
 * that charon may start before the module is loaded.
 */
struct ipsec_ha_nl_t {

	/**
	 * Start a request for cmd in buf (IPSEC_HA_NL_MSG_MAX bytes).
	 *
	 * @param buf		buffer to build the request in
	 * @param cmd		IPSEC_HA_CMD_*
	 * @param flags		extra netlink flags (NLM_F_DUMP)
	 * @return			message header, NULL if the family is unknown
	 */
	struct nlmsghdr* (*msg)(ipsec_ha_nl_t *this, char *buf, uint8_t cmd,
							uint16_t flags);

	/**
	 * Send a request and wait for its acknowledgement.
	 *
	 * @param nlh		request built with msg()
	 * @return			0, or a negative errno (the kernel's message logged)
	 */
	int (*request)(ipsec_ha_nl_t *this, struct nlmsghdr *nlh);

	/**
	 * Send a dump request and hand every reply message to cb.
	 *
	 * @param nlh		request built with msg(..., NLM_F_DUMP)
	 * @return			0, or a negative errno
	 */
	int (*dump)(ipsec_ha_nl_t *this, struct nlmsghdr *nlh,
				ipsec_ha_nl_dump_cb_t cb, void *data);

	/**
	 * This node's id (0: none set, or no module).
	 */
	uint16_t (*node_id)(ipsec_ha_nl_t *this);

	/**
	 * Open a socket subscribed to the events group.
	 *
	 * @return			non-blocking socket, -1 if the module is missing
	 */
	int (*open_events)(ipsec_ha_nl_t *this);

	/**
	 * Read one event from an events socket.
	 *
	 * @param fd		socket from open_events()
	 * @param buf		IPSEC_HA_NL_MSG_MAX bytes
	 * @return			bytes read, 0 when none is pending, -1 on error
	 */
	ssize_t (*read_event)(ipsec_ha_nl_t *this, int fd, char *buf);

	/**
	 * Destroy the client.
	 */
	void (*destroy)(ipsec_ha_nl_t *this);
};

/**
 * Create the client.
 */
ipsec_ha_nl_t *ipsec_ha_nl_create(void);

#endif /** IPSEC_HA_NL_H_ @}*/
