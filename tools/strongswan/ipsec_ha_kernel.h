/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

/**
 * @defgroup ipsec_ha_kernel ipsec_ha_kernel
 * @{ @ingroup ipsec_ha
 */

#ifndef IPSEC_HA_KERNEL_H_
#define IPSEC_HA_KERNEL_H_

#include "ipsec_ha_nl.h"

/**
 * Wrap two groups of charon's kernel interface:
 * - add_sa: while this thread adopts CHILD SAs (ipsec_ha_kernel_adopt),
 *   the SAs are in the kernel already (promote installed them, with their
 *   counters), so adding them succeeds without touching the kernel.
 * - alloc_reqid/release_reqid: reqids charon allocates are moved into a
 *   range of their own per node (node id << 16), so that the reqids of
 *   CHILD SAs adopted from another node, which keep theirs, never collide
 *   with this node's; adopted reqids are counted here.
 *
 * @param nl		netlink client, to learn this node's id
 */
void ipsec_ha_kernel_wrap(ipsec_ha_nl_t *nl);

/**
 * Restore charon's kernel interface.
 */
void ipsec_ha_kernel_unwrap(void);

/**
 * Start or stop adopting CHILD SAs on the calling thread.
 */
void ipsec_ha_kernel_adopt(bool adopt);

#endif /** IPSEC_HA_KERNEL_H_ @}*/
