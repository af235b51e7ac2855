/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

#include "ipsec_ha_kernel.h"

#include <daemon.h>
#include <collections/hashtable.h>
#include <threading/mutex.h>

/**
 * Reqids of a node: (node id << RANGE_SHIFT) + charon's own number.
 */
#define RANGE_SHIFT 16
#define RANGE_MASK ((1U << RANGE_SHIFT) - 1)

static struct {
	ipsec_ha_nl_t *nl;
	kernel_interface_t orig;
	/** this node's reqid base, 0 until known (then fixed) */
	uint32_t base;
	bool base_known;
	/** adopted reqid -> references (uintptr_t) */
	hashtable_t *adopted;
	mutex_t *mutex;
} kernel;

/**
 * Set while the thread adopts CHILD SAs.
 */
static __thread bool adopting;

/*
 * Described in header.
 */
void ipsec_ha_kernel_adopt(bool adopt)
{
	adopting = adopt;
}

static u_int hash_reqid(const void *key)
{
	return chunk_hash(chunk_from_thing(key));
}

static bool equals_reqid(const void *a, const void *b)
{
	return a == b;
}

/**
 * The reqid base, learnt once (with the lock held).
 */
static uint32_t base(void)
{
	uint16_t id;

	if (!kernel.base_known)
	{
		id = kernel.nl->node_id(kernel.nl);
		if (id)
		{
			kernel.base = (uint32_t)id << RANGE_SHIFT;
			DBG1(DBG_KNL, "ipsec-ha: node %u allocates reqids from %u", id,
				 kernel.base + 1);
		}
		/* never changed later: reqids handed out must stay valid */
		kernel.base_known = TRUE;
	}
	return kernel.base;
}

static bool adopted_ref(uint32_t reqid, int delta)
{
	uintptr_t refs;
	void *key = (void*)(uintptr_t)reqid;

	refs = (uintptr_t)kernel.adopted->get(kernel.adopted, key);
	if (!refs && delta < 0)
	{
		return FALSE;
	}
	refs += delta;
	if (refs)
	{
		kernel.adopted->put(kernel.adopted, key, (void*)refs);
	}
	else
	{
		kernel.adopted->remove(kernel.adopted, key);
	}
	return TRUE;
}

static status_t alloc_reqid(kernel_interface_t *this,
							linked_list_t *local_ts, linked_list_t *remote_ts,
							mark_t mark_in, mark_t mark_out,
							uint32_t if_id_in, uint32_t if_id_out,
							sec_label_t *label, uint32_t *reqid)
{
	uint32_t b, own;
	status_t status;

	kernel.mutex->lock(kernel.mutex);
	b = base();
	if (*reqid && (adopting ||
		kernel.adopted->get(kernel.adopted, (void*)(uintptr_t)*reqid)))
	{
		/* an adopted CHILD SA, or a rekey of one: it keeps its reqid */
		adopted_ref(*reqid, 1);
		kernel.mutex->unlock(kernel.mutex);
		return SUCCESS;
	}
	kernel.mutex->unlock(kernel.mutex);

	own = *reqid;
	if (b && own && (own & ~RANGE_MASK) == b)
	{
		own &= RANGE_MASK;
	}
	status = kernel.orig.alloc_reqid(this, local_ts, remote_ts, mark_in,
							mark_out, if_id_in, if_id_out, label, &own);
	if (status != SUCCESS)
	{
		return status;
	}
	if (b && own > RANGE_MASK)
	{
		DBG1(DBG_KNL, "ipsec-ha: reqid %u beyond this node's range", own);
		kernel.orig.release_reqid(this, own, mark_in, mark_out, if_id_in,
								  if_id_out, label);
		return FAILED;
	}
	*reqid = b ? b + own : own;
	return SUCCESS;
}

static status_t release_reqid(kernel_interface_t *this, uint32_t reqid,
							  mark_t mark_in, mark_t mark_out,
							  uint32_t if_id_in, uint32_t if_id_out,
							  sec_label_t *label)
{
	uint32_t b;
	bool adopted;

	kernel.mutex->lock(kernel.mutex);
	b = base();
	adopted = adopted_ref(reqid, -1);
	kernel.mutex->unlock(kernel.mutex);
	if (adopted)
	{
		return SUCCESS;
	}
	if (b && (reqid & ~RANGE_MASK) == b)
	{
		reqid &= RANGE_MASK;
	}
	return kernel.orig.release_reqid(this, reqid, mark_in, mark_out,
									 if_id_in, if_id_out, label);
}

static status_t add_sa(kernel_interface_t *this, kernel_ipsec_sa_id_t *id,
					   kernel_ipsec_add_sa_t *data)
{
	if (adopting)
	{
		DBG2(DBG_KNL, "ipsec-ha: adopting SAD entry with SPI %.8x",
			 ntohl(id->spi));
		return SUCCESS;
	}
	return kernel.orig.add_sa(this, id, data);
}

/*
 * Described in header.
 */
void ipsec_ha_kernel_wrap(ipsec_ha_nl_t *nl)
{
	kernel.nl = nl;
	kernel.mutex = mutex_create(MUTEX_TYPE_DEFAULT);
	kernel.adopted = hashtable_create(hash_reqid, equals_reqid, 32);
	kernel.orig = *charon->kernel;
	charon->kernel->alloc_reqid = alloc_reqid;
	charon->kernel->release_reqid = release_reqid;
	charon->kernel->add_sa = add_sa;
}

/*
 * Described in header.
 */
void ipsec_ha_kernel_unwrap(void)
{
	if (!kernel.mutex)
	{
		return;
	}
	charon->kernel->alloc_reqid = kernel.orig.alloc_reqid;
	charon->kernel->release_reqid = kernel.orig.release_reqid;
	charon->kernel->add_sa = kernel.orig.add_sa;
	kernel.adopted->destroy(kernel.adopted);
	kernel.mutex->destroy(kernel.mutex);
	memset(&kernel, 0, sizeof(kernel));
}
