/* SPDX-License-Identifier: GPL-2.0 */
/* Sealing and opening sync datagrams (seal.c). */
#ifndef _IPSEC_HA_SEAL_H
#define _IPSEC_HA_SEAL_H

#include <linux/types.h>

struct ha_key;

void ha_seal(const struct ha_key *key, u8 *dgram, size_t rec_len);
bool ha_open(const struct ha_key *key, u8 *dgram, size_t len);

#endif /* _IPSEC_HA_SEAL_H */
