/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IPSEC_HA_KEY_H
#define _IPSEC_HA_KEY_H

#include <crypto/sha2.h>
#include <linux/rcupdate.h>

#include "ipsec_ha.h"

/* A cluster key as the module holds it: never the operator's secret itself. */
struct ha_key {
	u8 aead_key[SHA256_DIGEST_SIZE];	/* seals the sync datagrams */
	u8 fingerprint[IPSEC_HA_FINGERPRINT_LEN];
	u32 id;					/* named in every datagram */
	struct rcu_head rcu;
};

#endif /* _IPSEC_HA_KEY_H */
