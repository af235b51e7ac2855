// SPDX-License-Identifier: GPL-2.0
/* Cluster key files: parsing, safe reading and generation. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "parse.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int keyfile_parse(const char *buf, size_t len, uint8_t key[IPSEC_HA_KEY_LEN])
{
	size_t i = 0;

	while (i < len && is_space(buf[i]))
		i++;
	if (len - i < 2 * IPSEC_HA_KEY_LEN)
		goto bad;
	for (size_t k = 0; k < IPSEC_HA_KEY_LEN; k++, i += 2) {
		int hi = hexval(buf[i]), lo = hexval(buf[i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		key[k] = (uint8_t)(hi << 4 | lo);
	}
	while (i < len && is_space(buf[i]))
		i++;
	if (i != len)
		goto bad;
	return 0;
bad:
	explicit_bzero(key, IPSEC_HA_KEY_LEN);
	return -1;
}

int keyfile_load(const char *path, uint8_t key[IPSEC_HA_KEY_LEN],
		 char *err, size_t errlen)
{
	char buf[KEYFILE_MAX_SIZE + 1];
	size_t len = 0;
	struct stat st;
	int fd, ret = -1;

	explicit_bzero(key, IPSEC_HA_KEY_LEN);
	/* O_NONBLOCK: a FIFO must not hang us before the S_ISREG check. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "key file %s: cannot read: %s", path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "key file %s: cannot read: %s", path,
			 strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "key file %s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
			 "key file %s: mode %04o gives group or others access to the key (chmod 600 %s)",
			 path, (unsigned int)(st.st_mode & 07777), path);
		goto out;
	}
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "key file %s: cannot read: %s",
				 path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > KEYFILE_MAX_SIZE || keyfile_parse(buf, len, key)) {
		snprintf(err, errlen,
			 "key file %s: expected 64 hex digits (a 32-byte key)",
			 path);
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return ret;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int keyfile_generate(const char *path, char *err, size_t errlen)
{
	uint8_t key[IPSEC_HA_KEY_LEN];
	char hex[2 * IPSEC_HA_KEY_LEN + 2];
	size_t got = 0;
	int fd, ret = -1;

	while (got < sizeof(key)) {
		ssize_t n = getrandom(key + got, sizeof(key) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot get random bytes: %s",
				 strerror(errno));
			goto wipe;
		}
		got += (size_t)n;
	}
	hex_encode(key, sizeof(key), hex);
	hex[2 * IPSEC_HA_KEY_LEN] = '\n';
	hex[2 * IPSEC_HA_KEY_LEN + 1] = '\0';

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW |
		  O_NOCTTY, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen,
				 "key file %s: %s (refusing to overwrite)",
				 path, strerror(errno));
		else
			snprintf(err, errlen, "key file %s: cannot create: %s",
				 path, strerror(errno));
		goto wipe;
	}
	if (write_all(fd, hex, 2 * IPSEC_HA_KEY_LEN + 1) || fsync(fd)) {
		snprintf(err, errlen, "key file %s: cannot write: %s", path,
			 strerror(errno));
		close(fd);
		unlink(path);
		goto wipe;
	}
	if (close(fd)) {
		snprintf(err, errlen, "key file %s: cannot write: %s", path,
			 strerror(errno));
		unlink(path);
		goto wipe;
	}
	ret = 0;
wipe:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(hex, sizeof(hex));
	return ret;
}
