/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

/**
 * @defgroup ipsec_ha_mid_sync ipsec_ha_mid_sync
 * @{ @ingroup ipsec_ha
 */

#ifndef IPSEC_HA_MID_SYNC_H_
#define IPSEC_HA_MID_SYNC_H_

#include <sa/ike_sa.h>
#include <sa/task.h>

/**
 * The cluster side of RFC 6311 Message ID synchronization.
 *
 * After a takeover, the IKE SA's message IDs are those of the last
 * context update the old owner synced; it may have exchanged messages
 * since. This task sends, in an INFORMATIONAL with Message ID 0, an
 * IKEV2_MESSAGE_ID_SYNC notify with a nonce and the message IDs the node
 * expects to send and to receive; the peer answers with its own, and both
 * sides go on from the higher ones (RFC 6311 section 4.2).
 *
 * The task manager only answers a response whose Message ID is the one it
 * expects, so the IKE SA's initiating Message ID must be 0 while the task
 * runs: the caller sets it (ike_sa->set_message_id(ike_sa, TRUE, 0)) before
 * queueing the task. Once the response is processed, a job sets both
 * Message IDs to the synchronized values.
 *
 * The task poses as a DPD task, so that the task manager starts it as an
 * INFORMATIONAL exchange.
 *
 * @param ike_sa	IKE SA, established, whose peer supports RFC 6311
 * @param send		Message ID of the next request this node sends
 * @param recv		Message ID of the next request this node expects
 * @return			task
 */
task_t *ipsec_ha_mid_sync_create(ike_sa_t *ike_sa, uint32_t send,
								 uint32_t recv);

#endif /** IPSEC_HA_MID_SYNC_H_ @}*/
