// SPDX-License-Identifier: GPL-2.0
/* Generic netlink: socket, family resolution, requests and acks. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ipsec_ha.h>

#include "extack.h"
#include "genl.h"
#include "ipsec-ha.h"

static size_t req_size(void)
{
	return MNL_SOCKET_BUFFER_SIZE;
}

void genl_wipe_req(struct genl *g)
{
	if (g->req)
		explicit_bzero(g->req, req_size());
}

void genl_close(struct genl *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	genl_wipe_req(g);
	/* without NETLINK_CAP_ACK an ack echoes the request: the key too */
	if (g->rsp)
		explicit_bzero(g->rsp, GENL_BUF_SIZE);
	free(g->req);
	free(g->rsp);
	memset(g, 0, sizeof(*g));
}

static struct nlmsghdr *msg_start(struct genl *g, uint16_t type, uint8_t cmd,
				  uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(g->req, 0, req_size());
	nlh = mnl_nlmsg_put_header(g->req);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++g->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *genl_msg(struct genl *g, uint8_t cmd, uint16_t flags)
{
	return msg_start(g, g->fam.id, cmd, IPSEC_HA_FAMILY_VERSION, flags);
}

/* State of one request while its replies are processed. */
struct transact {
	const struct nlmsghdr *req;
	const struct attr_set *set;
	genl_reply_cb cb;
	void *data;
	bool cb_failed;			/* a reply callback said why */
	bool dump_intr;			/* NLM_F_DUMP_INTR seen */
	int error;			/* negative errno from the ack */
	char msg[512];			/* formatted error */
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct transact *t = data;
	int ret;

	if (!t->cb)
		return MNL_CB_OK;
	ret = t->cb(nlh, t->data);
	if (ret == MNL_CB_ERROR)
		t->cb_failed = true;
	return ret;
}

static int ack_cb(const struct nlmsghdr *nlh, void *data)
{
	struct transact *t = data;
	struct extack ext;

	if (extack_decode(nlh, &ext)) {
		t->error = -EBADMSG;
		snprintf(t->msg, sizeof(t->msg), "Error: truncated netlink ack.");
		return MNL_CB_STOP;
	}
	extack_format(t->msg, sizeof(t->msg), &ext, t->req, GENL_HDRLEN,
		      t->set);
	if (!ext.error) {
		if (t->msg[0])		/* a warning on success */
			fprintf(stderr, "%s\n", t->msg);
		t->msg[0] = '\0';
		return MNL_CB_STOP;
	}
	t->error = ext.error;
	return MNL_CB_STOP;
}

/*
 * Note and clear NLM_F_DUMP_INTR in the n bytes received: libmnl's
 * mnl_cb_run2() would otherwise stop at the first flagged message with
 * EINTR, leaving the rest of the table unread and unprinted.
 */
static void take_dump_intr(void *buf, size_t n, struct transact *t)
{
	struct nlmsghdr *nlh = buf;
	int left = n > INT_MAX ? INT_MAX : (int)n;

	while (mnl_nlmsg_ok(nlh, left)) {
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			t->dump_intr = true;
			nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
		}
		nlh = mnl_nlmsg_next(nlh, &left);
	}
}

/*
 * Send and process replies: one message (do), or a dump's messages, any
 * number per datagram and any number of datagrams, each handed to the
 * callback as it arrives (nothing is accumulated), until NLMSG_DONE or
 * the ack. Returns 0; 1 when the kernel refused (t->error
 * and t->msg say how); -1 for a local failure (already printed).
 */
static int transact(struct genl *g, struct nlmsghdr *nlh, struct transact *t)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = ack_cb,
		[NLMSG_DONE] = ack_cb,
	};
	int ret;

	t->req = nlh;
	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0) {
		fprintf(stderr, "ipsec-ha: netlink send: %s\n", strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(g->nl, g->rsp, GENL_BUF_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "ipsec-ha: netlink receive: %s\n",
				strerror(errno));
			return -1;
		}
		take_dump_intr(g->rsp, (size_t)n, t);
		ret = mnl_cb_run2(g->rsp, (size_t)n, nlh->nlmsg_seq, g->portid,
				  data_cb, t, ctl, NLMSG_MIN_TYPE);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (t->error)
		return 1;
	if (ret < 0) {
		if (!t->cb_failed)
			fprintf(stderr, "ipsec-ha: netlink: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int genl_do(struct genl *g, struct nlmsghdr *nlh, const struct attr_set *set,
	    genl_reply_cb cb, void *data)
{
	struct transact t = { .set = set, .cb = cb, .data = data };
	int ret;

	ret = transact(g, nlh, &t);
	if (ret > 0)
		fprintf(stderr, "%s\n", t.msg);
	/*
	 * The table changed while it was dumped in parts: an object may be
	 * missing or listed twice. Said as iproute2 says it, with the same
	 * exit status: what was printed is complete in form (valid JSON).
	 */
	if (t.dump_intr)
		fprintf(stderr, "Dump was interrupted and may be inconsistent.\n");
	return ret ? EXIT_FAIL : 0;
}

/* Parse one entry of CTRL_ATTR_MCAST_GROUPS. */
static int mcast_grp_cb(const struct nlattr *attr, void *data)
{
	struct genl_family *fam = data;
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, attr) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_MCAST_GRP_NAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				name = mnl_attr_get_str(a);
			break;
		case CTRL_ATTR_MCAST_GRP_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				id = mnl_attr_get_u32(a);
			break;
		}
	}
	if (name && id && fam->ngroups < GENL_MAX_GROUPS) {
		snprintf(fam->groups[fam->ngroups].name, GENL_NAMSIZ, "%s", name);
		fam->groups[fam->ngroups].id = id;
		fam->ngroups++;
	}
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct genl_family *fam = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			fam->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			fam->version = mnl_attr_get_u32(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
			mnl_attr_parse_nested(attr, mcast_grp_cb, fam);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
}

int genl_resolve(struct genl *g, const char *name, struct genl_family *fam)
{
	struct transact t = { .cb = family_cb, .data = fam };
	struct nlmsghdr *nlh;
	int ret;

	memset(fam, 0, sizeof(*fam));
	nlh = msg_start(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = transact(g, nlh, &t);
	if (ret < 0)
		return -EIO;
	if (ret > 0)
		return t.error;
	if (!fam->id)
		return -ENOENT;
	return 0;
}

uint32_t genl_group_id(const struct genl_family *fam, const char *name)
{
	for (int i = 0; i < fam->ngroups; i++)
		if (!strcmp(fam->groups[i].name, name))
			return fam->groups[i].id;
	return 0;
}

int genl_join(struct genl *g, uint32_t group)
{
	if (mnl_socket_setsockopt(g->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		fprintf(stderr, "ipsec-ha: cannot join multicast group: %s\n",
			strerror(errno));
		return EXIT_FAIL;
	}
	return 0;
}

int genl_open(struct genl *g)
{
	int one = 1, ret;

	memset(g, 0, sizeof(*g));
	g->req = calloc(1, req_size());
	g->rsp = malloc(GENL_BUF_SIZE);
	if (!g->req || !g->rsp) {
		fprintf(stderr, "ipsec-ha: out of memory\n");
		goto fail;
	}
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl) {
		fprintf(stderr, "ipsec-ha: cannot open generic netlink socket: %s\n",
			strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "ipsec-ha: cannot bind netlink socket: %s\n",
			strerror(errno));
		goto fail;
	}
	g->portid = mnl_socket_get_portid(g->nl);
	/* Older kernels lack them: errors then come without details. */
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	g->seq = (uint32_t)time(NULL);

	ret = genl_resolve(g, IPSEC_HA_FAMILY_NAME, &g->fam);
	if (ret == -ENOENT) {
		fprintf(stderr, "ipsec-ha: the ipsec_ha kernel module is not loaded (try: modprobe ipsec_ha)\n");
		goto fail;
	}
	if (ret == -EIO)
		goto fail;	/* already printed */
	if (ret < 0) {
		fprintf(stderr, "Error: cannot resolve the ipsec_ha netlink family: %s.\n",
			strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	genl_close(g);
	return EXIT_FAIL;
}

int genl_query(uint8_t cmd, const struct attr_set *set, genl_reply_cb cb,
	       void *data)
{
	struct nlmsghdr *nlh;
	struct genl g;
	int ret;

	ret = genl_open(&g);
	if (ret)
		return ret;
	nlh = genl_msg(&g, cmd, 0);
	ret = genl_do(&g, nlh, set, cb, data);
	genl_close(&g);
	return ret;
}
