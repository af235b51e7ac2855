// SPDX-License-Identifier: GPL-2.0
/* Pure parsing of command-line values. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	/* strtoull() takes spaces, signs and a second "0x": refuse them. */
	for (const char *p = s; *p; p++) {
		if (base == 10 ? !(*p >= '0' && *p <= '9') :
		    !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F')))
			return -1;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int parse_u16(const char *s, uint16_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > UINT16_MAX)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int parse_spi_range(const char *s, uint32_t *min, uint32_t *max)
{
	char buf[32];
	const char *dash;

	if (!s)
		return -1;
	if (!strcmp(s, "none")) {
		*min = *max = 0;
		return 0;
	}
	dash = strchr(s, '-');
	if (!dash || (size_t)(dash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	return parse_u32(buf, min) || parse_u32(dash + 1, max) ? -1 : 0;
}

int parse_group(const char *s, struct ha_group *g)
{
	struct in6_addr a6;
	struct in_addr a4;

	memset(g, 0, sizeof(*g));
	if (!s)
		return -1;
	if (inet_pton(AF_INET, s, &a4) == 1) {
		g->family = AF_INET;
		g->v4 = a4.s_addr;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		g->family = AF_INET6;
		memcpy(g->v6, &a6, sizeof(g->v6));
		return 0;
	}
	return -1;
}

const char *format_group(const struct ha_group *g, char *buf, size_t len)
{
	const void *src = g->family == AF_INET ? (const void *)&g->v4 :
						 (const void *)g->v6;

	if (!inet_ntop(g->family, src, buf, (socklen_t)len))
		return NULL;
	return buf;
}

bool matches(const char *word, const char *name, bool abbrev)
{
	size_t n = strlen(word);

	if (!strcmp(word, name))
		return true;
	return abbrev && n > 0 && !strncmp(word, name, n);
}

void hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}
