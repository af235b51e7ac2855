/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink acks: decoding the extended ack of an NLMSG_ERROR message and
 * turning it into an iproute2-style line ("Error: message (attribute
 * node-id)."). Pure: unit tested on hand-built messages.
 */
#ifndef IPSEC_HA_EXTACK_H
#define IPSEC_HA_EXTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "attrs.h"

struct extack {
	int error;			/* 0 or a negative errno */
	const char *msg;		/* NLMSGERR_ATTR_MSG, or NULL */
	bool has_offs;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	bool has_miss_type;
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
	bool has_miss_nest;
	uint32_t miss_nest;		/* NLMSGERR_ATTR_MISS_NEST */
};

/*
 * Decode an NLMSG_ERROR message (or the NLMSG_DONE that ends a dump).
 * ext->msg points into nlh. Returns 0, or -1 when the message is too
 * short to be one.
 */
int extack_decode(const struct nlmsghdr *nlh, struct extack *ext);

/*
 * Name of the attribute of request req (a generic netlink message whose
 * attributes follow hdrlen bytes of family header) that lies at byte
 * offset offs from the start of req. NULL when offs is not inside one of
 * its attributes; otherwise the spec name from set, or "type N" in buf.
 */
const char *extack_offs_attr(const struct nlmsghdr *req, size_t hdrlen,
			     uint32_t offs, const struct attr_set *set,
			     char *buf, size_t buflen);

/*
 * Format the ack of req into out, without newline: "Error: ..." for a
 * failure, "Warning: ..." for a success that carries a message, "" for a
 * plain success. req may be NULL (no attribute names then).
 */
void extack_format(char *out, size_t outlen, const struct extack *ext,
		   const struct nlmsghdr *req, size_t hdrlen,
		   const struct attr_set *set);

#endif
