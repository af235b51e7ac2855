// SPDX-License-Identifier: GPL-2.0
/* Netlink extended acks, decoded and formatted like iproute2 does. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "extack.h"

struct decode_ctx {
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
};

static int err_attr_cb(const struct nlattr *attr, void *data)
{
	struct decode_ctx *d = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK;	/* newer kernel: skip */
	switch (type) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_OK;
		break;
	case NLMSGERR_ATTR_OFFS:
	case NLMSGERR_ATTR_MISS_TYPE:
	case NLMSGERR_ATTR_MISS_NEST:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	default:
		break;
	}
	d->tb[type] = attr;
	return MNL_CB_OK;
}

/* The TLVs of an ack start hlen bytes into its payload. */
static void decode_tlvs(const struct nlmsghdr *nlh, size_t hlen,
			struct extack *ext)
{
	struct decode_ctx d = { 0 };

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (mnl_nlmsg_size(MNL_ALIGN(hlen)) > nlh->nlmsg_len)
		return;
	mnl_attr_parse(nlh, hlen, err_attr_cb, &d);

	if (d.tb[NLMSGERR_ATTR_MSG]) {
		ext->msg = mnl_attr_get_str(d.tb[NLMSGERR_ATTR_MSG]);
		if (!*ext->msg)
			ext->msg = NULL;
	}
	if (d.tb[NLMSGERR_ATTR_OFFS]) {
		ext->has_offs = true;
		ext->offs = mnl_attr_get_u32(d.tb[NLMSGERR_ATTR_OFFS]);
	}
	if (d.tb[NLMSGERR_ATTR_MISS_TYPE]) {
		ext->has_miss_type = true;
		ext->miss_type = mnl_attr_get_u32(d.tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
	if (d.tb[NLMSGERR_ATTR_MISS_NEST]) {
		ext->has_miss_nest = true;
		ext->miss_nest = mnl_attr_get_u32(d.tb[NLMSGERR_ATTR_MISS_NEST]);
	}
}

int extack_decode(const struct nlmsghdr *nlh, struct extack *ext)
{
	const struct nlmsgerr *err;
	size_t hlen = sizeof(*err);

	memset(ext, 0, sizeof(*ext));
	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* end of a dump: an int error, then maybe TLVs */
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(int)))
			return 0;
		memcpy(&ext->error, mnl_nlmsg_get_payload(nlh), sizeof(int));
		decode_tlvs(nlh, sizeof(int), ext);
		return 0;
	}
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -1;
	err = mnl_nlmsg_get_payload(nlh);
	ext->error = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return 0;
		hlen += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	decode_tlvs(nlh, hlen, ext);
	return 0;
}

const char *extack_offs_attr(const struct nlmsghdr *req, size_t hdrlen,
			     uint32_t offs, const struct attr_set *set,
			     char *buf, size_t buflen)
{
	const struct nlattr *attr;

	if (!req || offs >= req->nlmsg_len)
		return NULL;
	mnl_attr_for_each(attr, req, hdrlen) {
		size_t start = (const char *)attr - (const char *)req;
		unsigned int type = mnl_attr_get_type(attr);
		const char *name;

		if (offs < start || offs >= start + MNL_ALIGN(attr->nla_len))
			continue;
		name = attr_name(set, type);
		if (name)
			return name;
		snprintf(buf, buflen, "type %u", type);
		return buf;
	}
	return NULL;
}

/* Append to out at *pos, keeping it NUL terminated and in bounds. */
static void append(char *out, size_t outlen, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *out, size_t outlen, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= outlen)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *pos, outlen - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos = *pos + (size_t)n < outlen ? *pos + (size_t)n : outlen - 1;
}

void extack_format(char *out, size_t outlen, const struct extack *ext,
		   const struct nlmsghdr *req, size_t hdrlen,
		   const struct attr_set *set)
{
	char offbuf[32], missbuf[32];
	const char *offs_name = NULL, *miss_name = NULL;
	const char *text = ext->msg;
	size_t textlen, pos = 0;

	if (!outlen)
		return;
	out[0] = '\0';
	if (!ext->error && !ext->msg)
		return;

	if (ext->has_offs)
		offs_name = extack_offs_attr(req, hdrlen, ext->offs, set,
					     offbuf, sizeof(offbuf));
	if (ext->has_miss_type) {
		miss_name = attr_name(set, ext->miss_type);
		if (!miss_name) {
			snprintf(missbuf, sizeof(missbuf), "type %u",
				 ext->miss_type);
			miss_name = missbuf;
		}
	}

	if (!text) {
		switch (-ext->error) {
		case EPERM:
			text = "Operation not permitted (CAP_NET_ADMIN is required)";
			break;
		case EOPNOTSUPP:
			text = "Operation not supported (the loaded ipsec_ha module does not know this request)";
			break;
		default:
			text = strerror(-ext->error);
			break;
		}
	}
	textlen = strlen(text);
	/* The final '.' is ours: drop the message's when a suffix follows. */
	if ((offs_name || miss_name) && textlen && text[textlen - 1] == '.')
		textlen--;

	append(out, outlen, &pos, "%s: %.*s", ext->error ? "Error" : "Warning",
	       (int)textlen, text);
	if (offs_name && miss_name)
		append(out, outlen, &pos, " (attribute %s; missing attribute %s)",
		       offs_name, miss_name);
	else if (offs_name)
		append(out, outlen, &pos, " (attribute %s)", offs_name);
	else if (miss_name)
		append(out, outlen, &pos, " (missing attribute %s)", miss_name);
	if (pos == 0 || out[pos - 1] != '.')
		append(out, outlen, &pos, ".");
}
