/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control records of the sync wire format (wire_ctl.c): ALIVE, NACK,
 * BULK_REQ and BULK_END, NODE_INFO, the deletions (SA_DEL, POLICY_DEL,
 * IKE_DEL) and the CTRS, TAKEN, GIVEN and MOVE arrays.
 */
#ifndef _IPSEC_HA_WIRE_CTL_H
#define _IPSEC_HA_WIRE_CTL_H

#include "wire.h"

/* One counter in an HA_REC_CTRS array (16 bytes on the wire). */
#define HA_WIRE_CTR_LEN		16
#define HA_WIRE_CTR_EPOCH_MASK	0x7fff	/* owner_epoch bits carried */
#define HA_WIRE_CTRS_MAX	(0xffff / HA_WIRE_CTR_LEN)	/* per record */

struct ha_wire_ctr {
	struct ha_ref ref;
	u16 owner_epoch;	/* 15 bits on the wire */
	u8 inbound;		/* 1: value is the highest inbound seq, else oseq */
	u64 value;
};

/*
 * One entry of an HA_REC_TAKEN array (28 bytes on the wire): the sender
 * took over the object of ref, whose record its peers hold already. The
 * new record is the old one with the sender as owner, this epoch and, for
 * an SA, these counters; check lets a receiver tell it rebuilt the same
 * record (else it asks for the datagram again, and gets the full record).
 */
#define HA_WIRE_TAKEN_LEN	28
#define HA_WIRE_TAKEN_MAX	(0xffff / HA_WIRE_TAKEN_LEN)	/* per record */

struct ha_wire_taken {
	struct ha_ref ref;
	u16 owner_epoch;
	u32 check;		/* low 32 bits of the new record's digest */
	u64 oseq, seq;		/* SAs: the counters it starts from; else 0 */
};

/*
 * One entry of an HA_REC_GIVEN array (30 bytes on the wire): the sender,
 * the object's owner, removed it from its SAD or SPD for a planned move
 * and hands it to node to. The fields of a TAKEN entry say what the
 * record is now (owner and epoch unchanged, an SA's final counters),
 * then to (2 bytes).
 */
#define HA_WIRE_GIVEN_LEN	(HA_WIRE_TAKEN_LEN + 2)
#define HA_WIRE_GIVEN_MAX	(0xffff / HA_WIRE_GIVEN_LEN)	/* per record */

struct ha_wire_given {
	struct ha_wire_taken e;
	u16 to;
};

/*
 * One entry of an HA_REC_MOVE array (10 bytes on the wire): the sender
 * asks the owner of ref, at owner_epoch, to hand it to node to.
 */
#define HA_WIRE_MOVE_LEN	10
#define HA_WIRE_MOVE_MAX	(0xffff / HA_WIRE_MOVE_LEN)	/* per record */

struct ha_wire_move {
	struct ha_ref ref;
	u16 owner_epoch;
	u16 to;
};

struct ha_wire_alive {
	u64 last_seq;		/* sender's last datagram number */
	u32 count;		/* objects the sender owns */
	u64 digest;		/* order-independent summary of them */
};

struct ha_wire_nack {
	u16 node;		/* whose datagrams are missing */
	u64 from, to;		/* inclusive range */
};

/*
 * What a node says of itself (with each ALIVE). spi_min..spi_max is its
 * share of the SPI space; 0..0 when it has none.
 */
struct ha_wire_node_info {
	u32 spi_min, spi_max;
	u32 sync_packets;	/* the sender's counter threshold; 0: not sent */
};

struct ha_wire_bulk {
	u16 node;		/* BULK_REQ: asked of (0: all); BULK_END: sent to */
	u32 count;		/* BULK_END: objects sent */
	/*
	 * BULK_END: the requester's datagram that carried the BULK_REQ it
	 * answers (0: none, a bulk sent at the sender's start); has_req is
	 * false for an older node's BULK_END, which has no such field.
	 */
	bool has_req;
	u64 req;
};

int ha_wire_put_del(struct ha_wire_buf *b, u8 type, const struct ha_ref *ref);
int ha_wire_get_del(const struct ha_wire_rec *rec, struct ha_ref *ref);
int ha_wire_put_ike_del(struct ha_wire_buf *b, u64 spi_i, u64 spi_r);
int ha_wire_get_ike_del(const struct ha_wire_rec *rec, u64 *spi_i, u64 *spi_r);
int ha_wire_put_ctrs(struct ha_wire_buf *b, const struct ha_wire_ctr *c, unsigned int n);
unsigned int ha_wire_ctrs_count(const struct ha_wire_rec *rec);
int ha_wire_get_ctr(const struct ha_wire_rec *rec, unsigned int i, struct ha_wire_ctr *c);
int ha_wire_put_taken(struct ha_wire_buf *b, const struct ha_wire_taken *t, unsigned int n);
unsigned int ha_wire_taken_count(const struct ha_wire_rec *rec);
int ha_wire_get_taken(const struct ha_wire_rec *rec, unsigned int i, struct ha_wire_taken *t);
int ha_wire_put_given(struct ha_wire_buf *b, const struct ha_wire_given *g, unsigned int n);
unsigned int ha_wire_given_count(const struct ha_wire_rec *rec);
int ha_wire_get_given(const struct ha_wire_rec *rec, unsigned int i, struct ha_wire_given *g);
int ha_wire_put_move(struct ha_wire_buf *b, const struct ha_wire_move *m, unsigned int n);
unsigned int ha_wire_move_count(const struct ha_wire_rec *rec);
int ha_wire_get_move(const struct ha_wire_rec *rec, unsigned int i, struct ha_wire_move *m);
int ha_wire_put_alive(struct ha_wire_buf *b, const struct ha_wire_alive *a);
int ha_wire_get_alive(const struct ha_wire_rec *rec, struct ha_wire_alive *a);
int ha_wire_put_nack(struct ha_wire_buf *b, const struct ha_wire_nack *n);
int ha_wire_get_nack(const struct ha_wire_rec *rec, struct ha_wire_nack *n);
int ha_wire_put_bulk(struct ha_wire_buf *b, u8 type, const struct ha_wire_bulk *bk);
int ha_wire_get_bulk(const struct ha_wire_rec *rec, struct ha_wire_bulk *bk);
int ha_wire_put_node_info(struct ha_wire_buf *b, const struct ha_wire_node_info *ni);
int ha_wire_get_node_info(const struct ha_wire_rec *rec, struct ha_wire_node_info *ni);

#endif /* _IPSEC_HA_WIRE_CTL_H */
