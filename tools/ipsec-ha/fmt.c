// SPDX-License-Identifier: GPL-2.0
/* Formatting helpers shared by the table commands. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>

#include <linux/ipsec_ha.h>

#include "fmt.h"

const char *fmt_addr(unsigned int family, const void *addr, size_t len,
		     char *buf, size_t buflen)
{
	if (!addr)
		return NULL;
	if (family == AF_INET && len == 4)
		return inet_ntop(AF_INET, addr, buf, buflen);
	if (family == AF_INET6 && len == 16)
		return inet_ntop(AF_INET6, addr, buf, buflen);
	return NULL;
}

const char *fmt_ms(uint64_t ms, char *buf, size_t buflen)
{
	uint64_t s = ms / 1000;

	if (ms < 1000)
		snprintf(buf, buflen, "%" PRIu64 "ms", ms);
	else if (s < 60)
		snprintf(buf, buflen, "%" PRIu64 ".%" PRIu64 "s", s,
			 ms % 1000 / 100);
	else if (s < 3600)
		snprintf(buf, buflen, "%" PRIu64 "m%02" PRIu64 "s", s / 60,
			 s % 60);
	else if (s < 86400)
		snprintf(buf, buflen, "%" PRIu64 "h%02" PRIu64 "m", s / 3600,
			 s % 3600 / 60);
	else
		snprintf(buf, buflen, "%" PRIu64 "d%02" PRIu64 "h", s / 86400,
			 s % 86400 / 3600);
	return buf;
}

const char *fmt_name(const struct fmt_name *names, uint64_t val, char *buf,
		     size_t buflen)
{
	for (; names->name; names++)
		if (names->val == val)
			return names->name;
	snprintf(buf, buflen, "%" PRIu64, val);
	return buf;
}

/* IPPROTO_* as xfrm uses them. */
const struct fmt_name fmt_sa_proto[] = {
	{ 50, "esp" }, { 51, "ah" }, { 108, "comp" },
	{ 43, "route2" }, { 60, "hao" }, { 0, NULL },
};

/* XFRM_MODE_* */
const struct fmt_name fmt_sa_mode[] = {
	{ 0, "transport" }, { 1, "tunnel" }, { 2, "ro" },
	{ 3, "in_trigger" }, { 4, "beet" }, { 5, "iptfs" }, { 0, NULL },
};

/* The spec's sa dir. */
const struct fmt_name fmt_sa_dir[] = {
	{ 0, "unknown" }, { 1, "in" }, { 2, "out" }, { 0, NULL },
};

/* UDP_ENCAP_* and TCP_ENCAP_ESPINTCP */
const struct fmt_name fmt_encap[] = {
	{ 1, "espinudp-nonike" }, { 2, "espinudp" }, { 7, "espintcp" },
	{ 0, NULL },
};

/* XFRM_POLICY_IN, _OUT, _FWD */
const struct fmt_name fmt_policy_dir[] = {
	{ 0, "in" }, { 1, "out" }, { 2, "fwd" }, { 0, NULL },
};

/* XFRM_POLICY_ALLOW, _BLOCK */
const struct fmt_name fmt_policy_action[] = {
	{ 0, "allow" }, { 1, "block" }, { 0, NULL },
};

/* Selector protocols: 0 is any. No /etc/protocols lookup: stable output. */
const struct fmt_name fmt_ip_proto[] = {
	{ 0, "any" }, { 1, "icmp" }, { 2, "igmp" }, { 4, "ipip" },
	{ 6, "tcp" }, { 17, "udp" }, { 41, "ipv6" }, { 47, "gre" },
	{ 50, "esp" }, { 51, "ah" }, { 58, "ipv6-icmp" }, { 132, "sctp" },
	{ 136, "udplite" }, { 0, NULL },
};

const struct fmt_name fmt_family[] = {
	{ AF_INET, "inet" }, { AF_INET6, "inet6" }, { 0, NULL },
};

/* The spec's peer bulk. */
const struct fmt_name fmt_bulk[] = {
	{ 0, "none" }, { 1, "waiting" }, { 2, "complete" }, { 0, NULL },
};

/* enum ipsec_ha_link_down_reason, under its spec names */
const struct fmt_name fmt_link_down[] = {
	{ IPSEC_HA_LINK_DOWN_REASON_NO_INTERFACE, "no-interface" },
	{ IPSEC_HA_LINK_DOWN_REASON_INTERFACE_DOWN, "interface-down" },
	{ IPSEC_HA_LINK_DOWN_REASON_MTU, "mtu" },
	{ 0, NULL },
};
