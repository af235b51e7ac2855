/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKE-side context (draft-palomares section 4): what an IKE daemon pushes
 * about each IKE SA it runs, kept in the store as an HA_OBJ_IKE object
 * named by its SPI pair, owned by the node that pushed it and mirrored to
 * the peers like an SA. Records carry nonces and keys: objects are wiped
 * when freed, scratch copies are wiped after use, and nothing is logged.
 *
 * Everything here runs in process context with hn->store.lock held.
 */
#ifndef _IPSEC_HA_IKE_H
#define _IPSEC_HA_IKE_H

#include "ipsec_ha.h"
#include "store.h"
#include "wire.h"

/*
 * The largest IKE record accepted from ike-add: it must fit one datagram
 * on any link, an IPv6 one at the minimum MTU of 1280 included
 * (1280 - 40 - 8 - 24 - 16). A typical context takes 400 to 600 bytes.
 */
#define HA_IKE_REC_MAX	1192

struct ha_ike_net;

void ha_ike_nkey(u64 spi_i, u64 spi_r, struct ha_nkey *nkey);

/* The live context of that SPI pair (local or mirrored), or NULL. */
struct ha_obj *ha_ike_find(struct ha_net *hn, u64 spi_i, u64 spi_r);

/* Decode obj's record into ike (secrets included: wipe it after use). */
int ha_ike_decode(const struct ha_obj *obj, struct ha_wire_ike *ike);

/*
 * Store ike as a context this node owns, replacing old (its previous
 * version, or NULL for a new one), and queue it to be sent. ike->owner
 * and ike->owner_epoch must already be set. 0, -EMSGSIZE (the record
 * would not fit a datagram), or -ENOMEM/-ENOSPC/-EINVAL.
 */
int ha_ike_local_put(struct ha_net *hn, struct ha_obj *old, const struct ha_wire_ike *ike);

/* Delete a context this node owns: a tombstone announces IKE_DEL. */
void ha_ike_local_delete(struct ha_net *hn, struct ha_obj *obj);

/* A peer's IKE and IKE_DEL records (rx.c); the SA rules of ownership. */
void ha_ike_rx(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec);
void ha_ike_rx_del(struct ha_net *hn, u16 sender, const struct ha_wire_rec *rec);

/*
 * The deletion record of an IKE tombstone (sync.c). Writes nothing when
 * this node owns a live context of the same SPIs again, so that a late
 * repeat of the deletion cannot remove the new context from the peers.
 */
int ha_ike_put_del(struct ha_net *hn, struct ha_wire_buf *b, const struct ha_obj *tomb);

/**
 * ha_ike_takeover() - this node takes over the IKE SA of a CHILD SA
 * @hn: the namespace's member
 * @child_spi: SPI of a CHILD SA this node just took over, as a number
 *	(host order: the SA's natural key, ipsec-ha sa list)
 *
 * For the takeover code, after it promoted an SA. Finds the context,
 * local or mirrored, whose CHILD SA list holds @child_spi; if this node
 * does not own it yet, counts a takeover in it, makes this node its owner
 * with owner_epoch + 1 (so peers, the previous owner included, accept the
 * new version) and queues it to be sent. Does nothing when no context
 * lists that SPI, or when this node owns it already, e.g. because a
 * sibling CHILD SA moved it, so it can be called once per promoted SA.
 *
 * Context: process context, hn->store.lock held. May allocate.
 * Return: true when this call made this node the owner.
 */
bool ha_ike_takeover(struct ha_net *hn, u32 child_spi);

/* netns.c: free the CHILD SPI index (the store is being destroyed). */
void ha_ike_net_exit(struct ha_net *hn);

#endif /* _IPSEC_HA_IKE_H */
