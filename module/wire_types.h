/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the wire codec needs from its environment: fixed-width types,
 * memcpy/memset and big-endian byte access. The module gets them from
 * the kernel, userspace tests and the fuzzer from libc.
 */
#ifndef _IPSEC_HA_WIRE_TYPES_H
#define _IPSEC_HA_WIRE_TYPES_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#endif

static inline u16 ha_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 ha_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline u64 ha_get_be64(const u8 *p)
{
	return (u64)ha_get_be32(p) << 32 | ha_get_be32(p + 4);
}

static inline void ha_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void ha_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void ha_put_be64(u8 *p, u64 v)
{
	ha_put_be32(p, v >> 32);
	ha_put_be32(p + 4, v);
}

#endif /* _IPSEC_HA_WIRE_TYPES_H */
