// SPDX-License-Identifier: GPL-2.0
/*
 * Send the ipsec_ha family requests that a well-behaved client (the tool,
 * or YNL) would never build, and print what the kernel answers.
 *
 *   nl_raw CASE    exit 1 and "Error: <extack>" if refused, 0 if accepted
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ipsec_ha.h>

static struct mnl_socket *nl;
static char buf[8192];

static struct nlmsghdr *genl_msg(uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

static int family_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_data_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_cb, data);
}

/* Send, and report the kernel's answer: 0 accepted, 1 refused. */
static int transact(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int seq = nlh->nlmsg_seq;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("sendto");
		exit(2);
	}
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			perror("recvfrom");
			exit(2);
		}
		nlh = (struct nlmsghdr *)buf;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			const char *msg = NULL;
			struct nlattr *a;

			if (!e->error)
				return 0;
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
				size_t off = sizeof(*e);

				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(e->msg);
				mnl_attr_for_each(a, nlh, off)
					if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
						msg = mnl_attr_get_str(a);
			}
			fprintf(stderr, "Error: %s (%s)\n", msg ? msg : "(no message)",
				strerror(-e->error));
			return 1;
		}
		ret = mnl_cb_run(buf, ret, seq, mnl_socket_get_portid(nl), cb, data);
		if (ret <= MNL_CB_STOP)
			return ret < 0;
	}
}

int main(int argc, char **argv)
{
	static const uint8_t key31[31];
	const char *c = argc > 1 ? argv[1] : "";
	struct nlmsghdr *nlh;
	uint16_t family = 0;
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		return 2;
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));

	nlh = genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPSEC_HA_FAMILY_NAME);
	if (transact(nlh, family_data_cb, &family) || !family) {
		fprintf(stderr, "family %s not found\n", IPSEC_HA_FAMILY_NAME);
		return 2;
	}

	if (!strcmp(c, "unknown-attr")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_NODE_SET);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 3);
		mnl_attr_put_u32(nlh, 200, 3);
	} else if (!strcmp(c, "duplicate-attr")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_NODE_SET);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 3);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 4);
	} else if (!strcmp(c, "wrong-type")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_NODE_SET);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 3);
	} else if (!strcmp(c, "foreign-attr")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_NODE_SET);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_NODE_ID, 3);
		mnl_attr_put_u16(nlh, IPSEC_HA_A_CONFIG_PORT, 7731);
	} else if (!strcmp(c, "short-key")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_KEY_SET);
		mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_KEY, sizeof(key31), key31);
	} else if (!strcmp(c, "attr-on-get")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_LINK_DEL);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_CONFIG_IFINDEX, 1);
	} else if (!strcmp(c, "attr-on-dump")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_SA_GET);
		nlh->nlmsg_flags |= NLM_F_DUMP;
		mnl_attr_put_u32(nlh, IPSEC_HA_A_SA_ORIGIN, 1);
	} else if (!strcmp(c, "demote")) {
		/* No attribute: every SA and policy this node took over. */
		nlh = genl_msg(family, IPSEC_HA_CMD_DEMOTE);
	} else if (!strcmp(c, "demote-node")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_DEMOTE);
		mnl_attr_put_u16(nlh, IPSEC_HA_A_TAKEOVER_NODE, 2);
	} else if (!strcmp(c, "demote-inbound")) {
		/* promote's inbound, above the highest attribute demote takes */
		nlh = genl_msg(family, IPSEC_HA_CMD_DEMOTE);
		mnl_attr_put_u16(nlh, IPSEC_HA_A_TAKEOVER_NODE, 2);
		mnl_attr_put_u8(nlh, IPSEC_HA_A_TAKEOVER_INBOUND, IPSEC_HA_INBOUND_POLICY_STRICT);
	} else if (!strcmp(c, "demote-unknown")) {
		nlh = genl_msg(family, IPSEC_HA_CMD_DEMOTE);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_TAKEOVER_MAX + 1, 1);
	} else if (!strcmp(c, "demote-reply-attr")) {
		/* an attribute of demote's reply, never of its request */
		nlh = genl_msg(family, IPSEC_HA_CMD_DEMOTE);
		mnl_attr_put_u32(nlh, IPSEC_HA_A_TAKEOVER_SAS, 1);
	} else if (!strncmp(c, "move-", 5)) {
		/* move requests the tool refuses before sending them */
		nlh = genl_msg(family, IPSEC_HA_CMD_MOVE);
		mnl_attr_put_u16(nlh, IPSEC_HA_A_TAKEOVER_TO, 1);
		if (!strcmp(c, "move-share-alone")) {
			mnl_attr_put(nlh, IPSEC_HA_A_TAKEOVER_SHARE, 0, NULL);
		} else if (!strcmp(c, "move-node-peer")) {
			mnl_attr_put_u16(nlh, IPSEC_HA_A_TAKEOVER_NODE, 2);
			mnl_attr_put_u32(nlh, IPSEC_HA_A_TAKEOVER_PEER, htonl(0xc0000264));
		} else if (!strcmp(c, "move-node-to")) {
			mnl_attr_put_u16(nlh, IPSEC_HA_A_TAKEOVER_NODE, 1);
			mnl_attr_put(nlh, IPSEC_HA_A_TAKEOVER_SHARE, 0, NULL);
		} else {
			fprintf(stderr, "%s: unknown case %s\n", argv[0], c);
			return 2;
		}
	} else {
		fprintf(stderr, "usage: %s unknown-attr|duplicate-attr|wrong-type|foreign-attr|short-key|attr-on-get|attr-on-dump|\n"
			"\tdemote|demote-node|demote-inbound|demote-unknown|demote-reply-attr|\n"
			"\tmove-share-alone|move-node-peer|move-node-to\n",
			argv[0]);
		return 2;
	}
	return transact(nlh, NULL, NULL);
}
