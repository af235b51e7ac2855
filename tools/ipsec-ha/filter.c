// SPDX-License-Identifier: GPL-2.0
/* Who owns what: the list filters. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ipsec_ha.h>

#include "cmdline.h"
#include "filter.h"

const struct filter_attrs filter_attrs_sa = {
	.owner = IPSEC_HA_A_SA_OWNER,
	.local = IPSEC_HA_A_SA_LOCAL,
	.family = IPSEC_HA_A_SA_FAMILY,
	.spi = IPSEC_HA_A_SA_SPI,
	.addr = { IPSEC_HA_A_SA_SADDR, IPSEC_HA_A_SA_DADDR },
};

/*
 * The policy dump carries the selector, not the templates: a policy
 * matches "peer ADDR" when its source or destination selector covers it.
 */
const struct filter_attrs filter_attrs_policy = {
	.owner = IPSEC_HA_A_POLICY_OWNER,
	.local = IPSEC_HA_A_POLICY_LOCAL,
	.family = IPSEC_HA_A_POLICY_FAMILY,
	.addr = { IPSEC_HA_A_POLICY_SRC, IPSEC_HA_A_POLICY_DST },
	.plen = { IPSEC_HA_A_POLICY_PREFIXLEN_S, IPSEC_HA_A_POLICY_PREFIXLEN_D },
};

/* An IKE context's peer is its remote address; its SPIs, its CHILD SPIs. */
const struct filter_attrs filter_attrs_ike = {
	.owner = IPSEC_HA_A_IKE_OWNER,
	.local = IPSEC_HA_A_IKE_LOCAL,
	.family = IPSEC_HA_A_IKE_FAMILY,
	.addr = { IPSEC_HA_A_IKE_REMOTE_ADDR },
};

static const char *const filter_names[] = { "spi", "peer", "owner" };

int filter_parse(struct list_filter *f, unsigned int allowed, int n,
		 char **words, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < n; i += 2) {
		int k = lookup_name(words[i], filter_names, 3);
		unsigned int bit;
		const char *val;

		if (k == LOOKUP_AMBIGUOUS || k < 0) {
			snprintf(err, errlen, "%s filter '%s'",
				 k == LOOKUP_AMBIGUOUS ? "ambiguous" : "unknown", words[i]);
			return -1;
		}
		if (!(allowed & (1u << k))) {
			snprintf(err, errlen, "no %s filter here (it has no %s)",
				 filter_names[k], filter_names[k]);
			return -1;
		}
		bit = 1u << k;
		if (f->have & bit) {
			snprintf(err, errlen, "%s given twice", filter_names[k]);
			return -1;
		}
		if (i + 1 >= n) {
			snprintf(err, errlen, "missing value after '%s'", words[i]);
			return -1;
		}
		val = words[i + 1];
		f->have |= bit;
		switch (bit) {
		case FILTER_SPI:
			if (!parse_u32(val, &f->spi))
				continue;
			snprintf(err, errlen,
				 "spi '%s': not a 32-bit number (decimal or 0x hex)", val);
			return -1;
		case FILTER_PEER:
			if (!parse_group(val, &f->peer))
				continue;
			snprintf(err, errlen, "peer '%s': not an IPv4 or IPv6 address", val);
			return -1;
		default:
			if (!strcmp(val, "local")) {
				f->owner_local = true;
				continue;
			}
			if (!parse_u32(val, &f->owner))
				continue;
			snprintf(err, errlen, "owner '%s': not a node id or 'local'", val);
			return -1;
		}
	}
	return 0;
}

/*
 * Do the first plen bits of a and b (len bytes each) agree? plen beyond
 * the address counts as all of it.
 */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, size_t len,
		      uint64_t plen)
{
	size_t bytes;
	unsigned int bits;

	if (plen > 8 * len)
		plen = 8 * len;
	bytes = plen / 8;
	bits = plen % 8;
	if (memcmp(a, b, bytes))
		return false;
	return !bits || !((a[bytes] ^ b[bytes]) & (0xff00u >> bits));
}

static bool peer_match(const struct list_filter *f, const struct filter_attrs *a,
		       const struct attr_vals *v)
{
	const uint8_t *want = f->peer.family == AF_INET ?
			      (const uint8_t *)&f->peer.v4 : f->peer.v6;
	size_t len = f->peer.family == AF_INET ? 4 : 16;

	if (!attr_has(v, a->family) || v->num[a->family] != (uint64_t)f->peer.family)
		return false;
	for (int i = 0; i < 2; i++) {
		unsigned int t = a->addr[i];
		uint64_t plen = 8 * len;

		if (!t || !attr_has(v, t) || v->len[t] != len)
			continue;
		if (a->plen[i]) {
			if (!attr_has(v, a->plen[i]))
				continue;
			plen = v->num[a->plen[i]];
		}
		if (prefix_eq(v->ptr[t], want, len, plen))
			return true;
	}
	return false;
}

static bool spi_match(const struct list_filter *f, const struct filter_attrs *a,
		      const struct attr_vals *v, const uint32_t *spis,
		      unsigned int nr_spi)
{
	if (a->spi && attr_has(v, a->spi) && v->num[a->spi] == f->spi)
		return true;
	for (unsigned int i = 0; i < nr_spi; i++)
		if (spis[i] == f->spi)
			return true;
	return false;
}

bool filter_match(const struct list_filter *f, const struct filter_attrs *a,
		  const struct attr_vals *v, const uint32_t *spis,
		  unsigned int nr_spi)
{
	if (!f)
		return true;
	if ((f->have & FILTER_SPI) && !spi_match(f, a, v, spis, nr_spi))
		return false;
	if ((f->have & FILTER_PEER) && !peer_match(f, a, v))
		return false;
	if (f->have & FILTER_OWNER) {
		if (f->owner_local)
			return attr_has(v, a->local) && v->num[a->local];
		return attr_has(v, a->owner) && v->num[a->owner] == f->owner;
	}
	return true;
}
