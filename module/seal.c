// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing sync datagrams: XChaCha20-Poly1305 under the derived cluster
 * key, the header as associated data, and a nonce made of the header's
 * sender, key, epoch and sequence number, which never repeat together.
 */
#include <crypto/chacha20poly1305.h>

#include "key.h"
#include "seal.h"
#include "wire.h"

/* dgram holds the header and rec_len bytes of records; the tag follows them. */
void ha_seal(const struct ha_key *key, u8 *dgram, size_t rec_len)
{
	u8 nonce[HA_WIRE_NONCE_LEN];
	struct ha_wire_hdr h;

	ha_wire_hdr_get(dgram, HA_WIRE_HDR_LEN + rec_len + HA_WIRE_TAG_LEN, &h);
	ha_wire_nonce(&h, nonce);
	xchacha20poly1305_encrypt(dgram + HA_WIRE_HDR_LEN, dgram + HA_WIRE_HDR_LEN, rec_len,
				  dgram, HA_WIRE_HDR_LEN, nonce, key->aead_key);
}

/* Decrypt in place; false when the datagram is not authentic. */
bool ha_open(const struct ha_key *key, u8 *dgram, size_t len)
{
	u8 nonce[HA_WIRE_NONCE_LEN];
	struct ha_wire_hdr h;

	if (len < HA_WIRE_MIN_LEN || ha_wire_hdr_get(dgram, len, &h))
		return false;
	ha_wire_nonce(&h, nonce);
	return xchacha20poly1305_decrypt(dgram + HA_WIRE_HDR_LEN, dgram + HA_WIRE_HDR_LEN,
					 len - HA_WIRE_HDR_LEN, dgram, HA_WIRE_HDR_LEN,
					 nonce, key->aead_key);
}
