/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ipsec_ha.yaml */
/* by tools/gen-attrs.py (make gen) */

#ifndef IPSEC_HA_ATTRS_GEN_H
#define IPSEC_HA_ATTRS_GEN_H

/* One table per attribute set of the spec (struct attr_set: attrs.h). */
extern const struct attr_set attrs_config;
extern const struct attr_set attrs_stats;
extern const struct attr_set attrs_sa;
extern const struct attr_set attrs_policy;
extern const struct attr_set attrs_peer;
extern const struct attr_set attrs_takeover;
extern const struct attr_set attrs_takeover_failure;
extern const struct attr_set attrs_ike;
extern const struct attr_set attrs_event;

/* All sets, NULL terminated. */
extern const struct attr_set *const attr_sets[];

#endif
