// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec-ha notify-fifo: keepalived's notify FIFO, read by a process that
 * stays. keepalived writes one line per VRRP state change to the FIFO of
 * vrrp_notify_fifo, as
 *   INSTANCE "NAME" MASTER 100
 * and starts the reader named by vrrp_notify_fifo_script with the FIFO's
 * path as its last argument. This command is that reader: it promotes on
 * MASTER and demotes on BACKUP, FAULT and STOP. A state change then
 * starts no process (a notify script costs a fork and two execs before
 * the promote), and the changes are acted on in keepalived's order, which
 * notify scripts, run concurrently, do not guarantee.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipsec_ha.h>

#include "ipsec-ha.h"
#include "takeover.h"

#define LINE_MAX_LEN	512	/* longer lines are skipped whole */
#define REPLY_MAX	1024	/* bytes of the tool's reply logged */
/* After SIGTERM: keepalived writes its STOP lines after it signals the
 * reader, so the reader goes on while lines come, for this long each. */
#define DRAIN_MS	1000

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

struct notify {
	const struct ctx *ctx;
	const char *instance;	/* only this instance or group; NULL: any */
	struct takeover_req promote;
	FILE *log;		/* also log here, after the start time in ms */
};

static long long now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One line to stdout, syslog and the log file, the latter after t0. */
static void __attribute__((format(printf, 3, 4)))
notify_log(const struct notify *n, long long t0, const char *fmt, ...)
{
	char msg[LINE_MAX_LEN + REPLY_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("%s\n", msg);
	fflush(stdout);
	syslog(LOG_INFO, "%s", msg);
	if (n->log) {
		fprintf(n->log, "%lld %s\n", t0, msg);
		fflush(n->log);
	}
}

/*
 * Split "TYPE "NAME" STATE PRIO" in place. Returns false for a line of
 * another shape (keepalived's checker lines share the global FIFO).
 */
static bool parse_line(char *line, char **type, char **name, char **state)
{
	char *q, *end;

	*type = line;
	q = strchr(line, ' ');
	if (!q || q[1] != '"')
		return false;
	*q = '\0';
	*name = q + 2;
	end = strchr(*name, '"');
	if (!end || end[1] != ' ')
		return false;
	*end = '\0';
	*state = end + 2;
	q = strchr(*state, ' ');
	if (q)
		*q = '\0';
	return strcmp(*type, "INSTANCE") == 0 || strcmp(*type, "GROUP") == 0;
}

/* Act on one line of the FIFO. */
static void notify_line(const struct notify *n, char *line)
{
	char reply[REPLY_MAX], joined[REPLY_MAX + 64], *type, *name, *state, *p;
	struct takeover_req q;
	const char *word;
	long long t0, start, ms;
	FILE *out;
	size_t j;
	int rc;

	t0 = now_ms();
	if (!parse_line(line, &type, &name, &state))
		return;
	if (n->instance && strcmp(n->instance, name))
		return;
	if (!strcmp(state, "MASTER")) {
		q = n->promote;
		word = "master";
	} else if (!strcmp(state, "BACKUP") || !strcmp(state, "FAULT") ||
		   !strcmp(state, "STOP")) {
		q = (struct takeover_req){ .promote = false };
		word = !strcmp(state, "BACKUP") ? "backup" :
		       !strcmp(state, "FAULT") ? "fault" : "stop";
	} else {
		return;	/* priority changes and the like: nothing to do */
	}
	reply[0] = '\0';
	out = fmemopen(reply, sizeof(reply), "w");
	start = mono_us();
	rc = takeover_do(n->ctx, &q, out ? out : stdout);
	ms = (mono_us() - start) / 1000;
	if (out)
		fclose(out);
	/* The reply's lines, joined with "; ". */
	reply[sizeof(reply) - 1] = '\0';
	for (p = reply, j = 0; *p && j < sizeof(joined) - 3; p++) {
		if (*p != '\n') {
			joined[j++] = *p;
		} else if (p[1]) {
			joined[j++] = ';';
			joined[j++] = ' ';
		}
	}
	joined[j] = '\0';
	if (rc == EXIT_OK)
		notify_log(n, t0, "%s: %s ok in %lld ms: %s", word,
			   q.promote ? "promote" : "demote", ms, joined);
	else
		notify_log(n, t0, "%s: %s failed (status %d) in %lld ms: %s", word,
			   q.promote ? "promote" : "demote", rc, ms, joined);
}

/* Read the FIFO until SIGTERM and a quiet DRAIN_MS after it. */
static int notify_read(const struct notify *n, int fd)
{
	char buf[LINE_MAX_LEN + 1];
	size_t have = 0;
	bool skip = false;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;
		char *nl;
		int pr;

		pr = poll(&pfd, 1, stopping ? DRAIN_MS : -1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return fail("notify-fifo: poll: %s", strerror(errno));
		if (pr == 0)
			return EXIT_OK;	/* stopping, and nothing more came */
		r = read(fd, buf + have, LINE_MAX_LEN - have);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return r ? fail("notify-fifo: read: %s", strerror(errno)) : EXIT_OK;
		have += r;
		buf[have] = '\0';
		while ((nl = memchr(buf, '\n', have))) {
			*nl = '\0';
			if (!skip)
				notify_line(n, buf);
			skip = false;
			have -= nl + 1 - buf;
			memmove(buf, nl + 1, have);
			buf[have] = '\0';
		}
		if (have == LINE_MAX_LEN) {	/* no end in sight: drop it */
			have = 0;
			skip = true;
		}
	}
}

static int notify_fifo_run(struct ctx *ctx, int argc, char **argv)
{
	struct notify n = { .ctx = ctx, .promote = { .promote = true } };
	const struct cmd *c = &cmd_notify_fifo;
	const char *fifo = NULL, *log = NULL;
	struct sigaction sa = { .sa_handler = on_term };
	struct stat st;
	int fd, ret, i;

	if (cmd_wants_help(c, argc, argv))
		return EXIT_OK;
	if (ctx->json)
		return usage_error(c->name, "%s: no JSON output", c->name);
	for (i = 1; i < argc; i++) {
		const char *v;

		if (i == argc - 1) {
			fifo = argv[i];
			break;
		}
		v = kw_value(c->name, c->name, argc - i, argv + i);
		if (!v)
			return EXIT_USAGE;
		if (!strcmp(argv[i], "instance") && !n.instance) {
			n.instance = v;
		} else if (!strcmp(argv[i], "log") && !log) {
			log = v;
		} else if (!strcmp(argv[i], "inbound") && !n.promote.have_inbound) {
			if (takeover_parse_inbound(c->name, v, &n.promote.inbound))
				return EXIT_USAGE;
			n.promote.have_inbound = true;
		} else {
			return usage_error(c->name, "%s: unexpected argument '%s'", c->name, argv[i]);
		}
		i++;
	}
	if (!fifo)
		return usage_error(c->name, "%s: the FIFO's path is missing", c->name);
	/* Read and write: the FIFO never reads as ended when keepalived
	 * closes it (a reload or restart), so no reopen is needed. */
	fd = open(fifo, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("notify-fifo: %s: %s", fifo, strerror(errno));
	if (fstat(fd, &st) || !S_ISFIFO(st.st_mode)) {
		close(fd);
		return fail("notify-fifo: %s: not a FIFO", fifo);
	}
	if (log) {
		n.log = fopen(log, "ae");
		if (!n.log) {
			ret = errno;
			close(fd);
			return fail("notify-fifo: %s: %s", log, strerror(ret));
		}
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	openlog("ipsec-ha", LOG_PID, LOG_DAEMON);
	ret = notify_read(&n, fd);
	closelog();
	if (n.log)
		fclose(n.log);
	close(fd);
	return ret;
}

const struct cmd cmd_notify_fifo = {
	.name = "notify-fifo",
	.run = notify_fifo_run,
	.synopsis = "ipsec-ha notify-fifo [instance NAME] [inbound accept|strict] [log FILE] FIFO\n",
	.help = "Read keepalived's notify FIFO (vrrp_notify_fifo) and promote when a\n"
		"VRRP instance or sync group becomes MASTER, demote when it becomes\n"
		"BACKUP, FAULT or STOP; instance NAME: only that instance or group.\n"
		"keepalived starts it with the FIFO's path as the last argument:\n"
		"  vrrp_notify_fifo /run/keepalived/ipsec-ha.fifo\n"
		"  vrrp_notify_fifo_script \"/usr/sbin/ipsec-ha notify-fifo\"\n"
		"A state change starts no process, and the changes are acted on in\n"
		"keepalived's order. Each prints one line, also sent to syslog and\n"
		"appended to FILE after the time it was read (ms since the epoch):\n"
		"  master: promote ok in 3 ms: promoted 6 SAs and 8 policies in ...\n"
		"It runs until SIGTERM, and then reads on while keepalived writes\n"
		"its STOP lines.\n",
	.summary = "promote and demote on keepalived's notify FIFO",
};
