// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec-ha: control-plane client of the ipsec_ha kernel module, which
 * mirrors IPsec SAs between the nodes of a gateway cluster.
 *
 *   ipsec-ha [-j] [-p] [-n NETNS] COMMAND [ARGS]
 *
 * This file: global options and the command table. Each command lives in
 * a file of its own (node.c, link.c, key.c, show.c, stats.c, sa.c,
 * policy.c, ike.c, peers.c, monitor.c);
 * a new command is a `const struct cmd` there and a line in commands[].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "ipsec-ha.h"
#include "netns.h"
#include "version.h"

static int help_run(struct ctx *ctx, int argc, char **argv);

static const struct cmd cmd_help = {
	.name = "help",
	.run = help_run,
	.synopsis = "ipsec-ha help [COMMAND]\n",
	.help = "",
	.summary = "show help on all commands or on one",
};

/* In the order help lists them. Abbreviations match the unique prefix. */
static const struct cmd *const commands[] = {
	&cmd_node,
	&cmd_link,
	&cmd_key,
	&cmd_show,
	&cmd_stats,
	&cmd_sa,
	&cmd_policy,
	&cmd_ike,
	&cmd_peers,
	&cmd_monitor,
	&cmd_promote,
	&cmd_demote,
	&cmd_move,
	&cmd_notify_fifo,
	&cmd_help,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("Usage: ipsec-ha [OPTIONS] COMMAND [ARGS]\n"
	      "\n"
	      "Control the ipsec_ha kernel module, which mirrors IPsec SAs between the\n"
	      "nodes of a gateway cluster.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json         JSON output for show, stats, sa, policy, ike, peers,\n"
	      "                     monitor, promote, demote\n"
	      "  -p, --pretty       pretty-printed JSON (implies -j)\n"
	      "  -n, --netns NAME   run in network namespace NAME (/run/netns/NAME)\n"
	      "  -h, --help         show this help\n"
	      "  -V, --version      show the version\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nForms:\n", f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		cmd_forms(f, commands[i], "  ", "  ");
	fputs("\nRun 'ipsec-ha help COMMAND' for what a command does.\n", f);
}

/* Look up a command word: NULL after a usage error. */
static const struct cmd *find_cmd(const char *word)
{
	const char *names[N_COMMANDS];
	int i;

	for (size_t k = 0; k < N_COMMANDS; k++)
		names[k] = commands[k]->name;
	i = lookup_name(word, names, N_COMMANDS);
	if (i == LOOKUP_AMBIGUOUS) {
		usage_error(NULL, "ambiguous command '%s'", word);
		return NULL;
	}
	if (i < 0) {
		usage_error(NULL, "unknown command '%s'", word);
		return NULL;
	}
	return commands[i];
}

static int help_run(struct ctx *ctx, int argc, char **argv)
{
	const struct cmd *c;

	(void)ctx;
	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	/* "help node set" is help on node */
	c = find_cmd(argv[1]);
	if (!c)
		return EXIT_USAGE;
	if (c == &cmd_help)
		usage(stdout);
	else
		cmd_usage(stdout, c);
	return EXIT_OK;
}

/* Does arg name option short (-x) or long (-long, --long)? */
static bool is_opt(const char *arg, const char *shrt, const char *lng)
{
	if (!strcmp(arg, shrt))
		return true;
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	return arg[0] == '-' && !strcmp(arg + 1, lng);
}

/* stdout must have reached its destination: "show > /dev/full" fails. */
static int finish(int ret)
{
	if (fflush(stdout) || ferror(stdout)) {
		if (errno == EPIPE)
			return ret;
		fprintf(stderr, "ipsec-ha: write error: %s\n", strerror(errno));
		return ret ? ret : EXIT_FAIL;
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct ctx ctx = { 0 };
	const struct cmd *c;
	int ret;

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		const char *opt = argv[0];

		if (!strcmp(opt, "--")) {
			argc--;
			argv++;
			break;
		}
		if (is_opt(opt, "-j", "json")) {
			ctx.json = true;
		} else if (is_opt(opt, "-p", "pretty")) {
			ctx.json = ctx.pretty = true;
		} else if (is_opt(opt, "-n", "netns")) {
			if (argc < 2)
				return usage_error(NULL, "option '%s' needs a network namespace name",
						   opt);
			ctx.netns = argv[1];
			argc--;
			argv++;
		} else if (!strncmp(opt, "--netns=", 8)) {
			ctx.netns = opt + 8;
		} else if (is_opt(opt, "-h", "help")) {
			usage(stdout);
			return finish(EXIT_OK);
		} else if (is_opt(opt, "-V", "version")) {
			printf("ipsec-ha %s\n", IPSEC_HA_VERSION);
			return finish(EXIT_OK);
		} else {
			return usage_error(NULL, "unknown option '%s'", opt);
		}
		argc--;
		argv++;
	}
	if (argc < 1)
		return usage_error(NULL, "missing command");

	c = find_cmd(argv[0]);
	if (!c)
		return EXIT_USAGE;
	if (ctx.netns && c != &cmd_help) {
		ret = netns_switch(ctx.netns);
		if (ret)
			return ret;
	}
	return finish(c->run(&ctx, argc, argv));
}
