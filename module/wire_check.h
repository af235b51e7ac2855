/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Semantic checks of decoded SA and POLICY records: what the kernel's
 * xfrm_user checks of an SA or a policy before it reaches the SAD or SPD
 * (verify_newsa_info, verify_newpolicy_info, validate_tmpl, verify_replay
 * and the algorithm lookups), applied to struct ha_wire_sa and struct
 * ha_wire_policy. The decoder (wire_sa.c) checks the framing; these check
 * what the fields mean together. Records from peers are checked on
 * receipt and again before they are installed.
 *
 * Shared by the module and userspace, like the codec: nothing but wire.h.
 */
#ifndef _IPSEC_HA_WIRE_CHECK_H
#define _IPSEC_HA_WIRE_CHECK_H

#include "wire.h"

/* Why a record was refused; each has its own drop counter. */
enum ha_check {
	HA_CHECK_OK,
	HA_CHECK_REF,		/* ref origin 0: node ids start at 1 */
	HA_CHECK_FAMILY,	/* address family of the SA, policy or encapsulation */
	HA_CHECK_SELECTOR,	/* selector family or prefix lengths */
	HA_CHECK_PROTO,		/* protocol, mode, SPI, encapsulation, NAT-T, TFC padding */
	HA_CHECK_ALG,		/* algorithms for the protocol, key and ICV lengths */
	HA_CHECK_REPLAY,	/* replay window, bitmap length, ESN */
	HA_CHECK_POLICY,	/* policy direction, action, type, index */
	HA_CHECK_TMPL,		/* templates: count, mode, family, protocol, share */
	HA_CHECKS,
};

/* The kernel's numbers (uapi xfrm.h, in.h, udp.h, tcp.h); install.c asserts them. */
#define HA_IPPROTO_ROUTING	43
#define HA_IPPROTO_ESP		50
#define HA_IPPROTO_AH		51
#define HA_IPPROTO_DSTOPTS	60
#define HA_IPPROTO_COMP		108

#define HA_MODE_TRANSPORT	0
#define HA_MODE_TUNNEL		1
#define HA_MODE_BEET		4
#define HA_MODE_MAX		5	/* XFRM_MODE_MAX of 6.1: templates stay below */
#define HA_MODE_IPTFS		5	/* XFRM_MODE_IPTFS (7.x): SAs only, never installed */

#define HA_STATE_AF_UNSPEC	32	/* XFRM_STATE_AF_UNSPEC */
#define HA_STATE_ESN		128	/* XFRM_STATE_ESN */

#define HA_POLICY_OUT		1	/* XFRM_POLICY_OUT */
#define HA_SHARE_UNIQUE		3	/* XFRM_SHARE_UNIQUE, the largest */

#define HA_ENCAP_ESPINUDP_NON_IKE	1
#define HA_ENCAP_ESPINUDP		2
#define HA_ENCAP_ESPINTCP		7

/* XFRMA_REPLAY_ESN_MAX (4096) bytes of bitmap: 128 words, 4096 packets. */
#define HA_REPLAY_BMP_MAX	128
#define HA_REPLAY_WINDOW_MAX	(HA_REPLAY_BMP_MAX * 32)

#define HA_COMP_SPI_MAX		0xffff

/*
 * HA_CHECK_OK, or why the record cannot be installed; *why (when not
 * NULL) says it for a human.
 */
enum ha_check ha_check_sa(const struct ha_wire_sa *sa, const char **why);
enum ha_check ha_check_policy(const struct ha_wire_policy *pol, const char **why);

/* What the local kernel can represent of an SA (compat.h decides it). */
struct ha_sa_caps {
	bool dir;		/* SA directions: x->dir (6.10) */
	bool pcpu;		/* per-CPU SAs: x->pcpu_num (RFC 9611; 6.13, 6.12.13) */
	u32 cpus;		/* possible CPUs of this node */
	bool natka;		/* NAT keepalives: x->nat_keepalive_interval (6.9) */
	bool mapping_maxage;	/* x->mapping_maxage (5.17) */
};

/* How a valid SA record becomes an SA on this kernel. */
struct ha_sa_plan {
	u8 dir;			/* for x->dir: 0 on a kernel without directions */
	u32 pcpu;		/* for x->pcpu_num: HA_PCPU_NONE if not per-CPU here */
	u32 replay_window;	/* the record's, raised where the kernel needs it */
	u32 natka_interval;	/* for x->nat_keepalive_interval: 0 where the kernel has none */
	u32 mapping_maxage;	/* for x->mapping_maxage: 0 where the kernel has none */
};

/*
 * 0 and *plan for an SA record that passed ha_check_sa(), or -EOPNOTSUPP
 * and *why when this node cannot run that SA as its owner did: a takeover
 * refuses it (the record stays mirrored).
 */
int ha_sa_plan(const struct ha_wire_sa *sa, const struct ha_sa_caps *caps,
	       struct ha_sa_plan *plan, const char **why);

#endif /* _IPSEC_HA_WIRE_CHECK_H */
