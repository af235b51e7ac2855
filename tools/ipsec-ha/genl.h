/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink socket: opening it (with extended acks), resolving
 * the ipsec_ha family and its multicast groups, and doing requests.
 * Every function that fails has already told the user why.
 */
#ifndef IPSEC_HA_GENL_H
#define IPSEC_HA_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "attrs.h"

#define GENL_MAX_GROUPS	8
#define GENL_BUF_SIZE	32768	/* receive buffer: big enough for dumps */

struct genl_family {
	uint16_t id;
	uint32_t version;
	int ngroups;
	struct {
		char name[GENL_NAMSIZ];
		uint32_t id;
	} groups[GENL_MAX_GROUPS];
};

struct genl {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	struct genl_family fam;		/* ipsec_ha */
	char *req;			/* the request being sent */
	char *rsp;			/* what the kernel answers */
};

/*
 * Open the socket and resolve the ipsec_ha family. Returns 0 or EXIT_FAIL
 * (printing "the ipsec_ha kernel module is not loaded" when there is no
 * such family).
 */
int genl_open(struct genl *g);
void genl_close(struct genl *g);

/* Start a request for cmd in g->req; NLM_F_REQUEST | NLM_F_ACK | flags. */
struct nlmsghdr *genl_msg(struct genl *g, uint8_t cmd, uint16_t flags);

/*
 * Called for each reply message (genetlink header included); returns
 * MNL_CB_OK to go on, MNL_CB_ERROR (after printing why) to fail.
 */
typedef int (*genl_reply_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Send nlh (built with genl_msg) and process replies until the ack (or
 * the end of a dump: with NLM_F_DUMP, cb sees every message of every
 * part, as it arrives, until NLMSG_DONE, whose error is reported like an
 * ack's; a dump the kernel marks NLM_F_DUMP_INTR, because the table
 * changed between two of its parts, is reported on stderr as iproute2
 * does: "Dump was interrupted and may be inconsistent."). Kernel errors are printed iproute2-style with the
 * names of attributes from set. Returns 0 or EXIT_FAIL.
 */
int genl_do(struct genl *g, struct nlmsghdr *nlh, const struct attr_set *set,
	    genl_reply_cb cb, void *data);

/*
 * Ask for CMD, which takes no attributes, and hand its reply to cb: opens
 * and closes its own socket.
 */
int genl_query(uint8_t cmd, const struct attr_set *set, genl_reply_cb cb,
	       void *data);

/* Multicast group id of the ipsec_ha family by name, 0 when unknown. */
uint32_t genl_group_id(const struct genl_family *fam, const char *name);

/*
 * Resolve a family (e.g. "nlctrl"). Returns 0, a negative errno from the
 * kernel (-ENOENT: no such family), or -EIO after printing a local failure.
 */
int genl_resolve(struct genl *g, const char *name, struct genl_family *fam);

/* Join multicast group id. Returns 0 or EXIT_FAIL. */
int genl_join(struct genl *g, uint32_t group);

/* Wipe the request buffer (after sending a key). */
void genl_wipe_req(struct genl *g);

#endif
