// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha monitor: print the module's events as they happen. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/ipsec_ha.h>

#include "attrs.h"
#include "config.h"
#include "dump.h"
#include "fmt.h"
#include "genl.h"
#include "ipsec-ha.h"
#include "json.h"
#include "monitor.h"

#define MONITOR_RCVBUF (4 << 20)

struct monitor {
	struct ctx *ctx;
	uint16_t family;		/* ipsec_ha */
	uint16_t ctrl;			/* nlctrl, to see the module go */
	bool unloaded;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* CONFIG_NTF: the configuration changed. */
static void print_config(const struct ctx *ctx, FILE *f,
			 const struct nlmsghdr *nlh)
{
	struct ha_config cfg;

	config_parse(nlh, &cfg);
	if (ctx->json) {
		struct json j;

		json_init(&j, f, ctx->pretty);
		json_obj_begin(&j, NULL);
		json_str(&j, "event", "config");
		config_print_json(&j, "config", &cfg);
		json_obj_end(&j);
		json_end(&j);
	} else {
		fputs("config: ", f);
		config_print_text(f, &cfg, "; ");
	}
}

/* EVENT_NTF types: a new one is a line here (and maybe a hex field). */
static const struct fmt_name event_types[] = {
	{ IPSEC_HA_EVENT_TYPE_SPI_OVERLAP, "spi-overlap" },
	{ IPSEC_HA_EVENT_TYPE_PEER_UP, "peer-up" },
	{ IPSEC_HA_EVENT_TYPE_PEER_LOST, "peer-lost" },
	{ IPSEC_HA_EVENT_TYPE_BULK_DONE, "bulk-done" },
	{ IPSEC_HA_EVENT_TYPE_SPI_COLLISION, "spi-collision" },
	{ IPSEC_HA_EVENT_TYPE_SPLIT_BRAIN, "split-brain" },
	{ IPSEC_HA_EVENT_TYPE_LINK_DOWN, "link-down" },
	{ IPSEC_HA_EVENT_TYPE_LINK_UP, "link-up" },
	{ IPSEC_HA_EVENT_TYPE_IKE_TAKEN, "ike-taken" },
	{ IPSEC_HA_EVENT_TYPE_IKE_LOST, "ike-lost" },
	{ 0, NULL },
};

static bool event_attr_hex(unsigned int type)
{
	switch (type) {
	case IPSEC_HA_A_EVENT_SPI_MIN:
	case IPSEC_HA_A_EVENT_SPI_MAX:
	case IPSEC_HA_A_EVENT_OTHER_SPI_MIN:
	case IPSEC_HA_A_EVENT_OTHER_SPI_MAX:
	case IPSEC_HA_A_EVENT_SPI:
		return true;
	}
	return false;
}

/* An attribute's value as a word, when it is not a plain number. */
static const char *event_attr_word(const struct attr_vals *v, unsigned int type,
				   char *buf, size_t len)
{
	const struct fmt_name *names = NULL;

	if (event_attr_hex(type)) {
		snprintf(buf, len, "0x%08" PRIx64, v->num[type]);
		return buf;
	}
	if (type == IPSEC_HA_A_EVENT_IKE_SPI_I || type == IPSEC_HA_A_EVENT_IKE_SPI_R) {
		snprintf(buf, len, "0x%016" PRIx64, v->num[type]);
		return buf;
	}
	switch (type) {
	case IPSEC_HA_A_EVENT_DADDR:
		return dump_addr(v, IPSEC_HA_A_EVENT_FAMILY, type, buf, len);
	case IPSEC_HA_A_EVENT_PROTO:
		names = fmt_sa_proto;
		break;
	case IPSEC_HA_A_EVENT_FAMILY:
		names = fmt_family;
		break;
	case IPSEC_HA_A_EVENT_REASON:
		names = fmt_link_down;
		break;
	default:
		return NULL;
	}
	return fmt_name(names, v->num[type], buf, len);
}

/*
 * EVENT_NTF: "TYPE: NAME VALUE..." with every attribute the kernel sent,
 * under its spec name (SPIs in hex); in JSON {"event":TYPE, ...}.
 */
static void print_event(const struct ctx *ctx, FILE *f,
			const struct nlmsghdr *nlh)
{
	char buf[FMT_BUF], key[64], word[FMT_BUF];
	const char *type;
	struct attr_vals v;
	struct json j;

	attr_vals_parse(nlh, &attrs_event, &v);
	type = fmt_name(event_types, attr_has(&v, IPSEC_HA_A_EVENT_TYPE) ?
			v.num[IPSEC_HA_A_EVENT_TYPE] : 0, buf, sizeof(buf));
	if (ctx->json) {
		json_init(&j, f, ctx->pretty);
		json_obj_begin(&j, NULL);
		json_str(&j, "event", type);
	} else {
		fprintf(f, "%s:", type);
	}
	for (unsigned int t = IPSEC_HA_A_EVENT_TYPE + 1; t <= attrs_event.max; t++) {
		const char *w;

		if (!attr_has(&v, t))
			continue;
		w = event_attr_word(&v, t, word, sizeof(word));
		if (ctx->json) {
			attr_json_key(attrs_event.attrs[t].name, key, sizeof(key));
			if (w)
				json_str(&j, key, w);
			else
				json_u64(&j, key, v.num[t]);
		} else if (w) {
			fprintf(f, " %s %s", attrs_event.attrs[t].name, w);
		} else {
			fprintf(f, " %s %" PRIu64, attrs_event.attrs[t].name, v.num[t]);
		}
	}
	if (ctx->json) {
		json_obj_end(&j);
		json_end(&j);
	} else {
		fputc('\n', f);
	}
}

/* Events by genetlink command; a new event is a line here. */
static const struct {
	uint8_t cmd;
	void (*print)(const struct ctx *ctx, FILE *f,
		      const struct nlmsghdr *nlh);
} events[] = {
	{ IPSEC_HA_CMD_CONFIG_NTF, print_config },
	{ IPSEC_HA_CMD_EVENT_NTF, print_event },
};

bool monitor_print_event(const struct ctx *ctx, FILE *f,
			 const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl;

	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return false;
	genl = mnl_nlmsg_get_payload(nlh);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].cmd == genl->cmd) {
			events[i].print(ctx, f, nlh);
			return true;
		}
	}
	return false;	/* from a newer module: skipped */
}

static bool family_gone(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (genl->cmd != CTRL_CMD_DELFAMILY)
		return false;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0 &&
		    !strcmp(mnl_attr_get_str(attr), IPSEC_HA_FAMILY_NAME))
			return true;
	}
	return false;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;

	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return MNL_CB_OK;
	if (m->ctrl && nlh->nlmsg_type == m->ctrl) {
		if (family_gone(nlh)) {
			m->unloaded = true;
			return MNL_CB_STOP;
		}
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type == m->family &&
	    monitor_print_event(m->ctx, stdout, nlh))
		fflush(stdout);
	return MNL_CB_OK;
}

static int monitor_loop(struct genl *g, struct monitor *m)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(g->nl), .events = POLLIN };
	sigset_t block, orig;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: interrupt ppoll() */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Signals only arrive inside ppoll(): none is missed between checks. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);

	while (!stop) {
		ssize_t n = ppoll(&pfd, 1, NULL, &orig);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail("monitor: poll: %s", strerror(errno));
		n = mnl_socket_recvfrom(g->nl, g->rsp, GENL_BUF_SIZE);
		if (n < 0 && errno == ENOBUFS) {
			fprintf(stderr, "ipsec-ha: monitor: receive buffer overrun, events were lost\n");
			continue;
		}
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return fail("monitor: netlink receive: %s", strerror(errno));
		mnl_cb_run(g->rsp, (size_t)n, 0, 0, event_cb, m);
		if (ferror(stdout))
			return fail("monitor: write error: %s", strerror(errno));
		if (m->unloaded)
			return fail("the ipsec_ha kernel module was unloaded");
	}
	return EXIT_OK;
}

static int monitor_run(struct ctx *ctx, int argc, char **argv)
{
	struct monitor m = { .ctx = ctx };
	struct genl_family ctrl;
	uint32_t events_grp, notify_grp;
	int ret, rcvbuf = MONITOR_RCVBUF;
	struct genl g;

	if (cmd_wants_help(&cmd_monitor, argc, argv))
		return EXIT_OK;
	if (argc > 1)
		return usage_error("monitor", "monitor: unexpected argument '%s'",
				   argv[1]);
	ret = genl_open(&g);
	if (ret)
		return ret;
	m.family = g.fam.id;
	events_grp = genl_group_id(&g.fam, IPSEC_HA_MCGRP_EVENTS);
	if (!events_grp) {
		genl_close(&g);
		return fail("the ipsec_ha module has no \"%s\" multicast group",
			    IPSEC_HA_MCGRP_EVENTS);
	}
	/* Best effort: notice the module going away instead of hanging. */
	if (!genl_resolve(&g, "nlctrl", &ctrl)) {
		notify_grp = genl_group_id(&ctrl, "notify");
		if (notify_grp && !genl_join(&g, notify_grp))
			m.ctrl = ctrl.id;
	}
	/* Room for bursts; SO_RCVBUFFORCE needs CAP_NET_ADMIN. */
	if (setsockopt(mnl_socket_get_fd(g.nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)))
		setsockopt(mnl_socket_get_fd(g.nl), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
	ret = genl_join(&g, events_grp);
	if (!ret)
		ret = monitor_loop(&g, &m);
	genl_close(&g);
	return ret;
}

const struct cmd cmd_monitor = {
	.name = "monitor",
	.run = monitor_run,
	.synopsis = "ipsec-ha [-j [-p]] monitor\n",
	.help = "Print the module's events as they happen, one line each (with -j,\n"
		"one JSON object per line), until interrupted (SIGINT or SIGTERM).\n"
		"Events: config (the configuration changed; the new one follows);\n"
		"spi-overlap (the SPI range a peer announced overlaps this node's or\n"
		"another peer's: node, spi-min, spi-max, other-node, other-spi-min,\n"
		"other-spi-max); peer-up (a peer heard first, again, or restarted:\n"
		"node); peer-lost (not heard for 3 s: node, last-heard ms);\n"
		"bulk-done (the bulk sync asked of a peer completed: node, count);\n"
		"spi-collision (an SA with another's destination, SPI, protocol and\n"
		"mark: node, other-node, spi, proto, family, daddr); split-brain\n"
		"(two nodes took one SA or policy over at the same epoch; the lower\n"
		"node id keeps it: node, other-node, spi, proto, family, daddr).\n",
	.summary = "print events as they happen",
};
