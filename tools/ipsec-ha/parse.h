/* SPDX-License-Identifier: GPL-2.0 */
/* Pure parsing of command-line values: no I/O, unit tested. */
#ifndef IPSEC_HA_PARSE_H
#define IPSEC_HA_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/*
 * Unsigned numbers: decimal, or hexadecimal with 0x. No sign, no spaces,
 * no trailing characters. Returns 0, or -1 when s is not a number or does
 * not fit. Ranges the kernel checks are deliberately not checked here.
 */
int parse_u64(const char *s, uint64_t *out);
int parse_u32(const char *s, uint32_t *out);
int parse_u16(const char *s, uint16_t *out);

/*
 * An SPI range "MIN-MAX" (each a number as parse_u32 takes it), or
 * "none" (0 and 0). Whether MIN <= MAX is the kernel's to say.
 */
int parse_spi_range(const char *s, uint32_t *min, uint32_t *max);

/* A multicast group as the kernel takes it: GROUP4 or GROUP6. */
struct ha_group {
	int family;			/* AF_INET or AF_INET6 */
	uint32_t v4;			/* network byte order */
	uint8_t v6[16];
};

/*
 * An IPv4 or IPv6 address (any address: whether it is multicast is the
 * kernel's to say). Returns 0 or -1.
 */
int parse_group(const char *s, struct ha_group *g);

/* Format g as inet_ntop does into buf (at least 46 bytes). */
const char *format_group(const struct ha_group *g, char *buf, size_t len);

/*
 * Match word against a name: exactly, or as an abbreviation (a prefix of
 * it) when abbrev is set.
 */
bool matches(const char *word, const char *name, bool abbrev);

/* Lowercase hex of len bytes into out (2 * len + 1 bytes). */
void hex_encode(const uint8_t *in, size_t len, char *out);

#endif
