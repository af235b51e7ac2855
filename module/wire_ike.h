/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKE records of the sync wire format (wire_ike.c): the IKE side of a
 * session, as struct ha_wire_ike.
 */
#ifndef _IPSEC_HA_WIRE_IKE_H
#define _IPSEC_HA_WIRE_IKE_H

#include "wire.h"

#define HA_WIRE_NONCE_MAX	256
#define HA_WIRE_IKE_KEY_MAX	64
#define HA_WIRE_ID_MAX		255
#define HA_WIRE_CHILD_MAX	32
#define HA_WIRE_IKE_STATE_MAX	1024

enum ha_ike_key {
	HA_IKE_SK_D, HA_IKE_SK_AI, HA_IKE_SK_AR, HA_IKE_SK_EI, HA_IKE_SK_ER,
	HA_IKE_SK_PI, HA_IKE_SK_PR, HA_IKE_KEYS,
};

/* The IKE side of a session, per draft-palomares section 4. */
struct ha_wire_ike {
	u64 spi_i, spi_r;		/* identity of the IKE SA */
	u16 owner;
	u16 owner_epoch;
	u8 version;			/* 2 */
	u8 initiator;			/* 1: this cluster is the initiator */
	u8 family;
	struct ha_wire_addr local, remote;
	u16 local_port, remote_port;
	u16 encr, encr_keylen, integ, prf, dh_group;	/* IANA transform ids */
	u32 extensions;			/* IPSEC_HA_IKE_EXT_* bits */
	u32 mid_send, mid_recv;		/* next message id to send, to expect */
	u32 takeovers;
	u16 nonce_i_len, nonce_r_len;
	u8 nonce_i[HA_WIRE_NONCE_MAX], nonce_r[HA_WIRE_NONCE_MAX];
	u8 key_len[HA_IKE_KEYS];
	u8 keys[HA_IKE_KEYS][HA_WIRE_IKE_KEY_MAX];
	u8 id_i_type, id_r_type;
	u8 id_i_len, id_r_len;
	u8 id_i[HA_WIRE_ID_MAX], id_r[HA_WIRE_ID_MAX];
	u8 nr_child;
	u32 child_spi[HA_WIRE_CHILD_MAX];	/* SPIs of the CHILD SAs it owns */
	u16 state_len;
	u8 state[HA_WIRE_IKE_STATE_MAX];	/* opaque, secret: the daemon's */
};

size_t ha_wire_ike_len(const struct ha_wire_ike *ike);
int ha_wire_put_ike(struct ha_wire_buf *b, const struct ha_wire_ike *ike);
int ha_wire_get_ike(const struct ha_wire_rec *rec, struct ha_wire_ike *ike);

#endif /* _IPSEC_HA_WIRE_IKE_H */
