/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

#include "ipsec_ha_nl.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ipsec_ha.h>

#include <daemon.h>
#include <threading/mutex.h>

typedef struct private_ipsec_ha_nl_t private_ipsec_ha_nl_t;

struct private_ipsec_ha_nl_t {

	/**
	 * Public interface.
	 */
	ipsec_ha_nl_t public;

	/**
	 * Request socket, serialised by mutex.
	 */
	struct mnl_socket *nl;

	/**
	 * Sequence number of the last request.
	 */
	uint32_t seq;

	/**
	 * Family id of ipsec_ha, 0 until resolved.
	 */
	uint16_t family;

	/**
	 * Id of its events group, 0 until resolved.
	 */
	uint32_t events;

	/**
	 * Receive buffer of requests.
	 */
	char rsp[32768];

	/**
	 * Lock for the socket, the family and rsp.
	 */
	mutex_t *mutex;
};

static int group_cb(const struct nlattr *attr, void *data)
{
	private_ipsec_ha_nl_t *this = data;
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, attr)
	{
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		{
			name = mnl_attr_get_str(a);
		}
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		{
			id = mnl_attr_get_u32(a);
		}
	}
	if (name && streq(name, IPSEC_HA_MCGRP_EVENTS))
	{
		this->events = id;
	}
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	private_ipsec_ha_nl_t *this = data;

	switch (mnl_attr_get_type(attr))
	{
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			{
				this->family = mnl_attr_get_u16(attr);
			}
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			if (mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
			{
				mnl_attr_parse_nested(attr, group_cb, this);
			}
			break;
		default:
			break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
	{
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
	{
		return MNL_CB_STOP;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
	{
		size_t off = sizeof(*err);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		{
			off += mnl_nlmsg_get_payload_len(&err->msg);
		}
		mnl_attr_for_each(a, nlh, off)
		{
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
				mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			{
				DBG2(DBG_CFG, "ipsec-ha: kernel says: %s", mnl_attr_get_str(a));
			}
		}
	}
	errno = -err->error;
	return MNL_CB_ERROR;
}

/**
 * The end of a dump, which carries an error code like an ack.
 */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
	{
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	}
	if (err < 0)
	{
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

/**
 * Send nlh and run cb on the replies until the ack or NLMSG_DONE.
 */
static int transact(private_ipsec_ha_nl_t *this, struct nlmsghdr *nlh,
					mnl_cb_t cb, void *data)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = noop_cb,
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
		[NLMSG_OVERRUN] = noop_cb,
	};
	uint32_t portid = mnl_socket_get_portid(this->nl);
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = ++this->seq;
	if (mnl_socket_sendto(this->nl, nlh, nlh->nlmsg_len) < 0)
	{
		return -errno;
	}
	do
	{
		n = mnl_socket_recvfrom(this->nl, this->rsp, sizeof(this->rsp));
		if (n < 0)
		{
			return -errno;
		}
		ret = mnl_cb_run2(this->rsp, n, nlh->nlmsg_seq, portid, cb, data,
						  ctl, NLMSG_MIN_TYPE);
	}
	while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

/**
 * Resolve the family (with the lock held).
 */
static bool resolve(private_ipsec_ha_nl_t *this)
{
	char buf[IPSEC_HA_NL_MSG_MAX];
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	if (this->family)
	{
		return TRUE;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPSEC_HA_FAMILY_NAME);
	if (transact(this, nlh, family_cb, this) < 0)
	{
		this->family = 0;
		return FALSE;
	}
	return this->family != 0;
}

METHOD(ipsec_ha_nl_t, msg, struct nlmsghdr*,
	private_ipsec_ha_nl_t *this, char *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	uint16_t family;

	this->mutex->lock(this->mutex);
	family = resolve(this) ? this->family : 0;
	this->mutex->unlock(this->mutex);
	if (!family)
	{
		return NULL;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = IPSEC_HA_FAMILY_VERSION;
	return nlh;
}

METHOD(ipsec_ha_nl_t, request, int,
	private_ipsec_ha_nl_t *this, struct nlmsghdr *nlh)
{
	int ret;

	this->mutex->lock(this->mutex);
	ret = transact(this, nlh, NULL, NULL);
	if (ret == -ENOENT && nlh->nlmsg_type != this->family)
	{
		this->family = 0;
	}
	this->mutex->unlock(this->mutex);
	return ret;
}

typedef struct {
	ipsec_ha_nl_dump_cb_t cb;
	void *data;
} dump_data_t;

static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	dump_data_t *d = data;

	d->cb(d->data, (struct nlmsghdr*)nlh);
	return MNL_CB_OK;
}

METHOD(ipsec_ha_nl_t, dump, int,
	private_ipsec_ha_nl_t *this, struct nlmsghdr *nlh,
	ipsec_ha_nl_dump_cb_t cb, void *data)
{
	dump_data_t d = { .cb = cb, .data = data };
	int ret;

	this->mutex->lock(this->mutex);
	ret = transact(this, nlh, dump_msg_cb, &d);
	this->mutex->unlock(this->mutex);
	return ret;
}

static int node_attr_cb(const struct nlattr *attr, void *data)
{
	uint16_t *id = data;

	/* a u32 on the wire, at most node-id-max (65535) */
	if (mnl_attr_get_type(attr) == IPSEC_HA_A_CONFIG_NODE_ID &&
		mnl_attr_validate(attr, MNL_TYPE_U32) >= 0 &&
		mnl_attr_get_u32(attr) <= IPSEC_HA_NODE_ID_MAX)
	{
		*id = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

static void node_cb(void *data, struct nlmsghdr *nlh)
{
	mnl_attr_parse(nlh, GENL_HDRLEN, node_attr_cb, data);
}

METHOD(ipsec_ha_nl_t, node_id, uint16_t,
	private_ipsec_ha_nl_t *this)
{
	char buf[IPSEC_HA_NL_MSG_MAX];
	struct nlmsghdr *nlh;
	uint16_t id = 0;

	nlh = msg(this, buf, IPSEC_HA_CMD_CONFIG_GET, 0);
	if (!nlh || dump(this, nlh, node_cb, &id) < 0)
	{
		return 0;
	}
	return id;
}

METHOD(ipsec_ha_nl_t, open_events, int,
	private_ipsec_ha_nl_t *this)
{
	struct mnl_socket *nl;
	uint32_t group;
	int fd, size = 4 * 1024 * 1024;

	this->mutex->lock(this->mutex);
	group = resolve(this) ? this->events : 0;
	this->mutex->unlock(this->mutex);
	if (!group)
	{
		return -1;
	}
	nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!nl)
	{
		return -1;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
		mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group,
							  sizeof(group)) < 0)
	{
		mnl_socket_close(nl);
		return -1;
	}
	fd = mnl_socket_get_fd(nl);
	/* a promote of thousands of IKE SAs is one event, a loss is one each */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	/* the socket outlives this wrapper, closed with close() */
	fd = dup(fd);
	mnl_socket_close(nl);
	return fd;
}

METHOD(ipsec_ha_nl_t, read_event, ssize_t,
	private_ipsec_ha_nl_t *this, int fd, char *buf)
{
	ssize_t n;

	n = recv(fd, buf, IPSEC_HA_NL_MSG_MAX, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
	{
		return 0;
	}
	return n;
}

METHOD(ipsec_ha_nl_t, destroy, void,
	private_ipsec_ha_nl_t *this)
{
	mnl_socket_close(this->nl);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header.
 */
ipsec_ha_nl_t *ipsec_ha_nl_create(void)
{
	private_ipsec_ha_nl_t *this;
	int one = 1;

	INIT(this,
		.public = {
			.msg = _msg,
			.request = _request,
			.dump = _dump,
			.node_id = _node_id,
			.open_events = _open_events,
			.read_event = _read_event,
			.destroy = _destroy,
		},
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	this->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!this->nl || mnl_socket_bind(this->nl, 0, MNL_SOCKET_AUTOPID) < 0)
	{
		DBG1(DBG_CFG, "ipsec-ha: cannot open a generic netlink socket: %s",
			 strerror(errno));
		if (this->nl)
		{
			mnl_socket_close(this->nl);
		}
		this->mutex->destroy(this->mutex);
		free(this);
		return NULL;
	}
	mnl_socket_setsockopt(this->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(this->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	return &this->public;
}
