// SPDX-License-Identifier: GPL-2.0
/* Command-line helpers: subcommand dispatch, usage errors, lookups. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "ipsec-ha.h"
#include "parse.h"

int lookup_name(const char *word, const char *const *names, size_t n)
{
	int found = LOOKUP_NONE;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(word, names[i]))
			return (int)i;
	for (size_t i = 0; i < n; i++) {
		if (!matches(word, names[i], true))
			continue;
		if (found != LOOKUP_NONE)
			return LOOKUP_AMBIGUOUS;
		found = (int)i;
	}
	return found;
}

void cmd_forms(FILE *f, const struct cmd *c, const char *first,
	       const char *rest)
{
	const char *line = c->synopsis;

	for (const char *prefix = first; *line; prefix = rest) {
		size_t len = strcspn(line, "\n");

		fprintf(f, "%s%.*s\n", prefix, (int)len, line);
		line += len;
		if (*line)
			line++;
	}
}

void cmd_usage(FILE *f, const struct cmd *c)
{
	cmd_forms(f, c, "Usage: ", "       ");
	if (c->help && *c->help)
		fprintf(f, "\n%s", c->help);
}

bool cmd_wants_help(const struct cmd *c, int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "help")) {
		cmd_usage(stdout, c);
		return true;
	}
	return false;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("ipsec-ha: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry 'ipsec-ha help %s'.\n", cmd);
	else
		fputs("\nTry 'ipsec-ha help'.\n", stderr);
	return EXIT_USAGE;
}

int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ipsec-ha: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

const char *kw_value(const char *cmd, const char *what, int argc, char **argv)
{
	if (argc < 2) {
		usage_error(cmd, "%s: missing value after '%s'", what, argv[0]);
		return NULL;
	}
	return argv[1];
}

int run_subcmd(struct ctx *ctx, const struct cmd *group,
	       const struct subcmd *subs, int argc, char **argv)
{
	const char *names[32];
	size_t n = 0;
	int i;

	if (argc < 2)
		return usage_error(group->name, "%s: missing subcommand",
				   group->name);
	if (!strcmp(argv[1], "help")) {
		cmd_usage(stdout, group);
		return EXIT_OK;
	}
	while (subs[n].name && n < sizeof(names) / sizeof(names[0])) {
		names[n] = subs[n].name;
		n++;
	}
	i = lookup_name(argv[1], names, n);
	if (i == LOOKUP_AMBIGUOUS)
		return usage_error(group->name, "%s: ambiguous subcommand '%s'",
				   group->name, argv[1]);
	if (i < 0)
		return usage_error(group->name, "%s: unknown subcommand '%s'",
				   group->name, argv[1]);
	return subs[i].run(ctx, argc - 1, argv + 1);
}
