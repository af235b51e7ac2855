// SPDX-License-Identifier: GPL-2.0
/* ipsec-ha key set / clear / generate: the cluster key. */
#include <stdbool.h>
#include <string.h>

#include <linux/ipsec_ha.h>

#include "genl.h"
#include "ipsec-ha.h"
#include "keyfile.h"

static int key_set(struct ctx *ctx, int argc, char **argv)
{
	uint8_t key[IPSEC_HA_KEY_LEN];
	const char *path;
	bool no_grace = false;
	struct nlmsghdr *nlh;
	struct genl g;
	char err[512];
	int ret;

	(void)ctx;
	if (argc < 2)
		return usage_error("key", "key set: missing 'file FILE'");
	if (strcmp(argv[1], "file"))
		return usage_error("key", "key set: unknown keyword '%s' (keys are only read from files: key set file FILE)",
				   argv[1]);
	path = kw_value("key", "key set", argc - 1, argv + 1);
	if (!path)
		return EXIT_USAGE;
	if (argc > 3 && !strcmp(argv[3], "no-grace"))
		no_grace = true;
	else if (argc > 3)
		return usage_error("key", "key set: unexpected argument '%s'",
				   argv[3]);
	if (argc > 4)
		return usage_error("key", "key set: unexpected argument '%s'",
				   argv[4]);

	if (keyfile_load(path, key, err, sizeof(err)))
		return fail("%s", err);
	ret = genl_open(&g);
	if (ret) {
		explicit_bzero(key, sizeof(key));
		return ret;
	}
	nlh = genl_msg(&g, IPSEC_HA_CMD_KEY_SET, 0);
	mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_KEY, sizeof(key), key);
	explicit_bzero(key, sizeof(key));
	if (no_grace)
		mnl_attr_put(nlh, IPSEC_HA_A_CONFIG_NO_GRACE, 0, NULL);
	ret = genl_do(&g, nlh, &attrs_config, NULL, NULL);
	genl_close(&g);		/* wipes the request, key included */
	return ret;
}

static int key_clear(struct ctx *ctx, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct genl g;
	int ret;

	(void)ctx;
	if (argc > 1)
		return usage_error("key", "key clear: unexpected argument '%s'",
				   argv[1]);
	ret = genl_open(&g);
	if (ret)
		return ret;
	nlh = genl_msg(&g, IPSEC_HA_CMD_KEY_CLEAR, 0);
	ret = genl_do(&g, nlh, &attrs_config, NULL, NULL);
	genl_close(&g);
	return ret;
}

static int key_generate(struct ctx *ctx, int argc, char **argv)
{
	char err[512];

	(void)ctx;
	if (argc < 2)
		return usage_error("key", "key generate: missing FILE");
	if (argc > 2)
		return usage_error("key", "key generate: unexpected argument '%s'",
				   argv[2]);
	if (keyfile_generate(argv[1], err, sizeof(err)))
		return fail("%s", err);
	return EXIT_OK;
}

static const struct subcmd key_subcmds[] = {
	{ "set", key_set },
	{ "clear", key_clear },
	{ "generate", key_generate },
	{ NULL, NULL },
};

static int key_run(struct ctx *ctx, int argc, char **argv)
{
	return run_subcmd(ctx, &cmd_key, key_subcmds, argc, argv);
}

const struct cmd cmd_key = {
	.name = "key",
	.run = key_run,
	.synopsis = "ipsec-ha key set file FILE [no-grace]\n"
		"ipsec-ha key clear\n"
		"ipsec-ha key generate FILE\n",
	.help = "set: give the kernel the cluster key read from FILE: 64 hex digits\n"
		"(32 bytes), optionally surrounded by whitespace, in a file that group\n"
		"and others cannot access (mode 0600 or stricter). It replaces the\n"
		"previous key for sending at once; datagrams sealed with the previous\n"
		"key are still accepted for 60 seconds, while the other nodes roll.\n"
		"no-grace: forget the previous key at once (also one still accepted\n"
		"from an earlier key set), for a key that may be compromised.\n"
		"clear: forget the cluster key; the node stops sending and receiving.\n"
		"generate: write a fresh random key to FILE, which must not exist\n"
		"(created with mode 0600). Copy it to every node of the cluster.\n"
		"Keys are never taken from the command line and never printed.\n",
	.summary = "set, clear or generate the cluster key (from files only)",
};
