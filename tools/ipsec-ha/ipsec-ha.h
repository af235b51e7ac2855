/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipsec-ha: control-plane client of the ipsec_ha kernel module.
 * What the command files share: the run context, exit codes, the command
 * table entry and the usage-error helpers.
 */
#ifndef IPSEC_HA_TOOL_H
#define IPSEC_HA_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#define EXIT_OK		0
#define EXIT_FAIL	1	/* the kernel or the system refused */
#define EXIT_USAGE	2	/* the command line is wrong */

/* Global options, parsed before the command. */
struct ctx {
	bool json;		/* -j: JSON output for read commands */
	bool pretty;		/* -p: pretty JSON (implies json) */
	const char *netns;	/* -n NAME: run in /run/netns/NAME */
};

/* A top-level command ("node", "show", ...). argv[0] is the command name. */
struct cmd {
	const char *name;
	int (*run)(struct ctx *ctx, int argc, char **argv);
	const char *synopsis;		/* its forms, one a line */
	const char *help;		/* what they do */
	const char *summary;		/* one line for the command list */
};

/* A subcommand of a command group ("node set", "link del", ...). */
struct subcmd {
	const char *name;
	int (*run)(struct ctx *ctx, int argc, char **argv);
};

/*
 * Dispatch argv (argv[0] = the group name, argv[1] = the subcommand) to
 * one of subs[], a NULL-named entry ends the table. "help" prints the
 * group's usage.
 */
int run_subcmd(struct ctx *ctx, const struct cmd *group,
	       const struct subcmd *subs, int argc, char **argv);

/* Print the forms of a command, one a line, after first or rest. */
void cmd_forms(FILE *f, const struct cmd *c, const char *first,
	       const char *rest);

/* Print the command's help: "Usage: " and its forms, then what they do. */
void cmd_usage(FILE *f, const struct cmd *c);

/*
 * Print "ipsec-ha: CMD: message" and the hint to `ipsec-ha help CMD` on
 * stderr; returns EXIT_USAGE.
 */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "ipsec-ha: message" on stderr; returns EXIT_FAIL. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The value of keyword argv[0]: argv[1], or NULL after a usage error
 * "WHAT: missing value after 'KEYWORD'" with the hint to help CMD.
 */
const char *kw_value(const char *cmd, const char *what, int argc, char **argv);

/* Commands, one file each. */
extern const struct cmd cmd_node, cmd_link, cmd_key, cmd_show, cmd_stats,
	cmd_sa, cmd_policy, cmd_ike, cmd_peers, cmd_monitor, cmd_promote, cmd_demote,
	cmd_move, cmd_notify_fifo;

/*
 * For commands without subcommands: is the argument "help"? (Then print
 * the command's help.)
 */
bool cmd_wants_help(const struct cmd *c, int argc, char **argv);

#endif
