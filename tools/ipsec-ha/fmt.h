/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatting helpers shared by the table commands (sa, policy, peers):
 * addresses, durations, enumerations. Pure, unit tested.
 */
#ifndef IPSEC_HA_FMT_H
#define IPSEC_HA_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Large enough for any of the strings below. */
#define FMT_BUF 64

/*
 * An address of family 2 (AF_INET, 4 bytes) or 10 (AF_INET6, 16 bytes),
 * as inet_ntop writes it, into buf (FMT_BUF bytes). NULL when the family
 * is another or the length does not fit it.
 */
const char *fmt_addr(unsigned int family, const void *addr, size_t len,
		     char *buf, size_t buflen);

/*
 * A duration in milliseconds, short and rounded down: "0ms", "350ms",
 * "1.2s", "59.9s", "2m05s", "3h12m", "2d05h".
 */
const char *fmt_ms(uint64_t ms, char *buf, size_t buflen);

/* A value's name in a table of names; NULL-named entry ends it. */
struct fmt_name {
	uint64_t val;
	const char *name;
};

/* The name of val in names, else val in decimal (written into buf). */
const char *fmt_name(const struct fmt_name *names, uint64_t val, char *buf,
		     size_t buflen);

/* Tables of the values the kernel reports (xfrm's, as ip-xfrm names them). */
extern const struct fmt_name fmt_sa_proto[];	/* esp, ah, comp, ... */
extern const struct fmt_name fmt_sa_mode[];	/* transport, tunnel, ... */
extern const struct fmt_name fmt_sa_dir[];	/* unknown, in, out */
extern const struct fmt_name fmt_encap[];	/* espinudp, ... */
extern const struct fmt_name fmt_policy_dir[];	/* in, out, fwd */
extern const struct fmt_name fmt_policy_action[]; /* allow, block */
extern const struct fmt_name fmt_ip_proto[];	/* any, tcp, udp, ... */
extern const struct fmt_name fmt_family[];	/* inet, inet6 */
extern const struct fmt_name fmt_bulk[];	/* none, waiting, complete */
extern const struct fmt_name fmt_link_down[];	/* no-interface, interface-down, mtu */

#endif
