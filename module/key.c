// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster key. Operators give every node the same 32 random bytes;
 * the sync link never uses them directly but a key derived from them, and
 * identifies them by an id and a fingerprint, derived the same way, so
 * that two nodes can compare keys without revealing them.
 */
#include <crypto/sha2.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ipsec_ha.h"
#include "key.h"

#define HA_KDF_LABEL_MAX 32

/* SHA-256(label || secret): the secret is uniformly random, so a hash suffices. */
static void ha_kdf(const u8 *secret, const char *label, u8 out[SHA256_DIGEST_SIZE])
{
	u8 buf[HA_KDF_LABEL_MAX + IPSEC_HA_KEY_LEN];
	size_t llen = strlen(label);

	memcpy(buf, label, llen);
	memcpy(buf + llen, secret, IPSEC_HA_KEY_LEN);
	sha256(buf, llen + IPSEC_HA_KEY_LEN, out);
	memzero_explicit(buf, sizeof(buf));
}

struct ha_key *ha_key_create(const u8 *secret, size_t len)
{
	u8 digest[SHA256_DIGEST_SIZE];
	struct ha_key *key;
	__be32 id;

	if (len != IPSEC_HA_KEY_LEN)
		return ERR_PTR(-EINVAL);

	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);

	ha_kdf(secret, "ipsec-ha v1 sync key", key->aead_key);
	ha_kdf(secret, "ipsec-ha v1 key id", digest);
	memcpy(key->fingerprint, digest, IPSEC_HA_FINGERPRINT_LEN);
	memcpy(&id, digest + IPSEC_HA_FINGERPRINT_LEN, sizeof(id));
	key->id = be32_to_cpu(id);
	memzero_explicit(digest, sizeof(digest));
	return key;
}

static void ha_key_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct ha_key, rcu));
}

/* Readers hold rcu_read_lock(); the key is wiped once they are gone. */
void ha_key_destroy(struct ha_key *key)
{
	if (key)
		call_rcu(&key->rcu, ha_key_free_rcu);
}

/*
 * Forgets the previous cluster key once its grace period is over: from
 * then on, datagrams sealed with it are dropped.
 *
 * Context: process context, hn->lock held.
 */
void ha_key_expire_prev(struct ha_net *hn)
{
	lockdep_assert_held(&hn->lock);
	if (rcu_access_pointer(hn->key_prev) && time_after_eq(jiffies, hn->key_prev_until))
		ha_key_destroy(rcu_replace_pointer(hn->key_prev, NULL, lockdep_is_held(&hn->lock)));
}
