/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster key (key.c): what seals the sync datagrams, derived from the
 * operator's secret.
 */
#ifndef _IPSEC_HA_KEY_H
#define _IPSEC_HA_KEY_H

#include <crypto/sha2.h>
#include <linux/ipsec_ha.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct ha_net;

/* How long datagrams sealed with the previous cluster key still count. */
#define HA_KEY_GRACE			(60 * HZ)

/* A cluster key as the module holds it: never the operator's secret itself. */
struct ha_key {
	u8 aead_key[SHA256_DIGEST_SIZE];	/* seals the sync datagrams */
	u8 fingerprint[IPSEC_HA_FINGERPRINT_LEN];
	u32 id;					/* named in every datagram */
	struct rcu_head rcu;
};

struct ha_key *ha_key_create(const u8 *secret, size_t len);
void ha_key_destroy(struct ha_key *key);
void ha_key_expire_prev(struct ha_net *hn);

#endif /* _IPSEC_HA_KEY_H */
