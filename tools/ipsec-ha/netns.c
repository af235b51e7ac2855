// SPDX-License-Identifier: GPL-2.0
/* Switching to a named network namespace. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipsec-ha.h"
#include "netns.h"

int netns_switch(const char *name)
{
	char path[4096];
	int fd;

	/* A name, not a path: as ip-netns(8) names them. */
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return fail("invalid network namespace name \"%s\"", name);
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("cannot open network namespace \"%s\": %s", name,
			    strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		int err = errno;

		close(fd);
		return fail("cannot switch to network namespace \"%s\": %s",
			    name, strerror(err));
	}
	close(fd);
	return 0;
}
