/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cluster key files: 64 hex digits (32 bytes), optionally surrounded by
 * whitespace, in a file only its owner may access. Keys never come from
 * the command line and are never printed.
 */
#ifndef IPSEC_HA_KEYFILE_H
#define IPSEC_HA_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/ipsec_ha.h>

#define KEYFILE_MAX_SIZE 4096	/* larger files are refused unread */

/* Parse len bytes of key file content. Returns 0, or -1 (key wiped). */
int keyfile_parse(const char *buf, size_t len, uint8_t key[IPSEC_HA_KEY_LEN]);

/*
 * Read the key from path. On failure returns -1 with a message naming the
 * file in err ("key file PATH: ..."); key is then wiped. The caller wipes
 * key after use.
 */
int keyfile_load(const char *path, uint8_t key[IPSEC_HA_KEY_LEN],
		 char *err, size_t errlen);

/*
 * Create path (never overwriting: O_EXCL, mode 0600) holding a fresh key
 * from getrandom() as 64 lowercase hex digits and a newline. Returns 0 or
 * -1 with a message in err.
 */
int keyfile_generate(const char *path, char *err, size_t errlen);

#endif
