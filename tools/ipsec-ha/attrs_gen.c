// SPDX-License-Identifier: GPL-2.0
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ipsec_ha.yaml */
/* by tools/gen-attrs.py (make gen) */

#include <linux/ipsec_ha.h>

#include "attrs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ATTR(n, k)		{ .name = (n), .kind = (k) }
#define ATTR_BIN(n, l)		{ .name = (n), .kind = AK_BINARY, .len = (l) }

/* config: Configuration of the cluster member in one network namespace */
static const struct attr_desc config_attrs[] = {
	[IPSEC_HA_A_CONFIG_NODE_ID]		= ATTR("node-id", AK_U32),
	[IPSEC_HA_A_CONFIG_IFINDEX]		= ATTR("ifindex", AK_U32),
	[IPSEC_HA_A_CONFIG_IFNAME]		= ATTR("ifname", AK_STRING),
	[IPSEC_HA_A_CONFIG_GROUP4]		= ATTR("group4", AK_U32),
	[IPSEC_HA_A_CONFIG_GROUP6]		= ATTR_BIN("group6", 16),
	[IPSEC_HA_A_CONFIG_PORT]		= ATTR("port", AK_U16),
	[IPSEC_HA_A_CONFIG_SYNC_PACKETS]	= ATTR("sync-packets", AK_U32),
	[IPSEC_HA_A_CONFIG_SYNC_INTERVAL]	= ATTR("sync-interval", AK_U32),
	[IPSEC_HA_A_CONFIG_MAX_SAS]		= ATTR("max-sas", AK_U32),
	[IPSEC_HA_A_CONFIG_MARGIN_MIN]		= ATTR("margin-min", AK_U32),
	[IPSEC_HA_A_CONFIG_KEY]			= ATTR_BIN("key", IPSEC_HA_KEY_LEN),
	[IPSEC_HA_A_CONFIG_KEY_ID]		= ATTR("key-id", AK_U32),
	[IPSEC_HA_A_CONFIG_KEY_FINGERPRINT]	= ATTR("key-fingerprint", AK_BINARY),
	[IPSEC_HA_A_CONFIG_LINK_UP]		= ATTR("link-up", AK_U8),
	[IPSEC_HA_A_CONFIG_EPOCH]		= ATTR("epoch", AK_U64),
	[IPSEC_HA_A_CONFIG_PAD]			= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_CONFIG_SPI_MIN]		= ATTR("spi-min", AK_U32),
	[IPSEC_HA_A_CONFIG_SPI_MAX]		= ATTR("spi-max", AK_U32),
	[IPSEC_HA_A_CONFIG_PREPARE_MAX]		= ATTR("prepare-max", AK_U32),
	[IPSEC_HA_A_CONFIG_PREPARED]		= ATTR("prepared", AK_U32),
	[IPSEC_HA_A_CONFIG_LINK_DOWN_REASON]	= ATTR("link-down-reason", AK_U8),
	[IPSEC_HA_A_CONFIG_LINK_MTU]		= ATTR("link-mtu", AK_U32),
	[IPSEC_HA_A_CONFIG_NO_GRACE]		= ATTR("no-grace", AK_FLAG),
	[IPSEC_HA_A_CONFIG_OWNS_SA]		= ATTR("owns-sa", AK_U32),
	[IPSEC_HA_A_CONFIG_OWNS_POLICY]		= ATTR("owns-policy", AK_U32),
	[IPSEC_HA_A_CONFIG_OWNS_IKE]		= ATTR("owns-ike", AK_U32),
	[IPSEC_HA_A_CONFIG_ACTIVATE]		= ATTR("activate", AK_U8),
};

_Static_assert(ARRAY_SIZE(config_attrs) == IPSEC_HA_A_CONFIG_MAX + 1,
	       "config attribute table out of date");

const struct attr_set attrs_config = {
	"config", config_attrs, ARRAY_SIZE(config_attrs) - 1,
};

/*
 * stats: Counters of one namespace, since the module was loaded or the
 * namespace created, whichever came later
 */
static const struct attr_desc stats_attrs[] = {
	[IPSEC_HA_A_STATS_PAD]			= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_STATS_TX_DATAGRAMS]		= ATTR("tx-datagrams", AK_U64),
	[IPSEC_HA_A_STATS_TX_BYTES]		= ATTR("tx-bytes", AK_U64),
	[IPSEC_HA_A_STATS_TX_RECORDS]		= ATTR("tx-records", AK_U64),
	[IPSEC_HA_A_STATS_TX_ERRORS]		= ATTR("tx-errors", AK_U64),
	[IPSEC_HA_A_STATS_RX_DATAGRAMS]		= ATTR("rx-datagrams", AK_U64),
	[IPSEC_HA_A_STATS_RX_BYTES]		= ATTR("rx-bytes", AK_U64),
	[IPSEC_HA_A_STATS_RX_RECORDS]		= ATTR("rx-records", AK_U64),
	[IPSEC_HA_A_STATS_DROP_NO_KEY]		= ATTR("drop-no-key", AK_U64),
	[IPSEC_HA_A_STATS_DROP_AUTH]		= ATTR("drop-auth", AK_U64),
	[IPSEC_HA_A_STATS_DROP_REPLAY]		= ATTR("drop-replay", AK_U64),
	[IPSEC_HA_A_STATS_DROP_OWN_NODE]	= ATTR("drop-own-node", AK_U64),
	[IPSEC_HA_A_STATS_DROP_VERSION]		= ATTR("drop-version", AK_U64),
	[IPSEC_HA_A_STATS_DROP_TRUNCATED]	= ATTR("drop-truncated", AK_U64),
	[IPSEC_HA_A_STATS_DROP_OVERSIZED]	= ATTR("drop-oversized", AK_U64),
	[IPSEC_HA_A_STATS_DROP_MALFORMED]	= ATTR("drop-malformed", AK_U64),
	[IPSEC_HA_A_STATS_DROP_TTL]		= ATTR("drop-ttl", AK_U64),
	[IPSEC_HA_A_STATS_DROP_UNKNOWN_KEY]	= ATTR("drop-unknown-key", AK_U64),
	[IPSEC_HA_A_STATS_DROP_NOMEM]		= ATTR("drop-nomem", AK_U64),
	[IPSEC_HA_A_STATS_DROP_FULL]		= ATTR("drop-full", AK_U64),
	[IPSEC_HA_A_STATS_TX_NACKS]		= ATTR("tx-nacks", AK_U64),
	[IPSEC_HA_A_STATS_RX_NACKS]		= ATTR("rx-nacks", AK_U64),
	[IPSEC_HA_A_STATS_DROP_STALE]		= ATTR("drop-stale", AK_U64),
	[IPSEC_HA_A_STATS_TX_COUNTERS]		= ATTR("tx-counters", AK_U64),
	[IPSEC_HA_A_STATS_RX_COUNTERS]		= ATTR("rx-counters", AK_U64),
	[IPSEC_HA_A_STATS_SAS_LOST]		= ATTR("sas-lost", AK_U64),
	[IPSEC_HA_A_STATS_SPI_COLLISIONS]	= ATTR("spi-collisions", AK_U64),
	[IPSEC_HA_A_STATS_REFS_MOVED]		= ATTR("refs-moved", AK_U64),
	[IPSEC_HA_A_STATS_SPLIT_BRAINS]		= ATTR("split-brains", AK_U64),
	[IPSEC_HA_A_STATS_DROP_BACKLOG]		= ATTR("drop-backlog", AK_U64),
	[IPSEC_HA_A_STATS_DROP_EPOCH]		= ATTR("drop-epoch", AK_U64),
	[IPSEC_HA_A_STATS_RX_LIMITED]		= ATTR("rx-limited", AK_U64),
	[IPSEC_HA_A_STATS_DROP_INVALID_REF]	= ATTR("drop-invalid-ref", AK_U64),
	[IPSEC_HA_A_STATS_DROP_INVALID_FAMILY]	= ATTR("drop-invalid-family", AK_U64),
	[IPSEC_HA_A_STATS_DROP_INVALID_SELECTOR]	= ATTR("drop-invalid-selector", AK_U64),
	[IPSEC_HA_A_STATS_DROP_INVALID_PROTO]	= ATTR("drop-invalid-proto", AK_U64),
	[IPSEC_HA_A_STATS_DROP_INVALID_ALG]	= ATTR("drop-invalid-alg", AK_U64),
	[IPSEC_HA_A_STATS_DROP_INVALID_REPLAY]	= ATTR("drop-invalid-replay", AK_U64),
	[IPSEC_HA_A_STATS_DROP_INVALID_POLICY]	= ATTR("drop-invalid-policy", AK_U64),
	[IPSEC_HA_A_STATS_DROP_INVALID_TMPL]	= ATTR("drop-invalid-tmpl", AK_U64),
	[IPSEC_HA_A_STATS_DROP_REF_REUSED]	= ATTR("drop-ref-reused", AK_U64),
	[IPSEC_HA_A_STATS_LINK_MTU_DOWN]	= ATTR("link-mtu-down", AK_U64),
	[IPSEC_HA_A_STATS_RESYNCS]		= ATTR("resyncs", AK_U64),
	[IPSEC_HA_A_STATS_IKE_UPDATES]		= ATTR("ike-updates", AK_U64),
	[IPSEC_HA_A_STATS_MOVES_GIVEN]		= ATTR("moves-given", AK_U64),
	[IPSEC_HA_A_STATS_MOVES_TAKEN]		= ATTR("moves-taken", AK_U64),
	[IPSEC_HA_A_STATS_MOVES_FALLBACK]	= ATTR("moves-fallback", AK_U64),
	[IPSEC_HA_A_STATS_MOVES_UNCONFIRMED]	= ATTR("moves-unconfirmed", AK_U64),
	[IPSEC_HA_A_STATS_ACTIVATIONS]		= ATTR("activations", AK_U64),
	[IPSEC_HA_A_STATS_ACTIVATE_UNKNOWN]	= ATTR("activate-unknown", AK_U64),
	[IPSEC_HA_A_STATS_ACTIVATE_ALIVE]	= ATTR("activate-alive", AK_U64),
	[IPSEC_HA_A_STATS_ACTIVATE_LIMITED]	= ATTR("activate-limited", AK_U64),
};

_Static_assert(ARRAY_SIZE(stats_attrs) == IPSEC_HA_A_STATS_MAX + 1,
	       "stats attribute table out of date");

const struct attr_set attrs_stats = {
	"stats", stats_attrs, ARRAY_SIZE(stats_attrs) - 1,
};

/* sa: A mirrored SA, as ipsec-ha sa list shows it (never its keys) */
static const struct attr_desc sa_attrs[] = {
	[IPSEC_HA_A_SA_PAD]			= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_SA_ORIGIN]			= ATTR("origin", AK_U32),
	[IPSEC_HA_A_SA_ID]			= ATTR("id", AK_U32),
	[IPSEC_HA_A_SA_OWNER]			= ATTR("owner", AK_U32),
	[IPSEC_HA_A_SA_OWNER_EPOCH]		= ATTR("owner-epoch", AK_U32),
	[IPSEC_HA_A_SA_LOCAL]			= ATTR("local", AK_U8),
	[IPSEC_HA_A_SA_COLLIDES]		= ATTR("collides", AK_U8),
	[IPSEC_HA_A_SA_FAMILY]			= ATTR("family", AK_U8),
	[IPSEC_HA_A_SA_PROTO]			= ATTR("proto", AK_U8),
	[IPSEC_HA_A_SA_SPI]			= ATTR("spi", AK_U32),
	[IPSEC_HA_A_SA_MODE]			= ATTR("mode", AK_U8),
	[IPSEC_HA_A_SA_REQID]			= ATTR("reqid", AK_U32),
	[IPSEC_HA_A_SA_DADDR]			= ATTR("daddr", AK_BINARY),
	[IPSEC_HA_A_SA_SADDR]			= ATTR("saddr", AK_BINARY),
	[IPSEC_HA_A_SA_DIR]			= ATTR("dir", AK_U8),
	[IPSEC_HA_A_SA_ESN]			= ATTR("esn", AK_U8),
	[IPSEC_HA_A_SA_REPLAY_WINDOW]		= ATTR("replay-window", AK_U32),
	[IPSEC_HA_A_SA_OSEQ]			= ATTR("oseq", AK_U64),
	[IPSEC_HA_A_SA_SEQ]			= ATTR("seq", AK_U64),
	[IPSEC_HA_A_SA_AEAD]			= ATTR("aead", AK_STRING),
	[IPSEC_HA_A_SA_ENC]			= ATTR("enc", AK_STRING),
	[IPSEC_HA_A_SA_AUTH]			= ATTR("auth", AK_STRING),
	[IPSEC_HA_A_SA_COMP]			= ATTR("comp", AK_STRING),
	[IPSEC_HA_A_SA_ICV_LEN]			= ATTR("icv-len", AK_U32),
	[IPSEC_HA_A_SA_MARK]			= ATTR("mark", AK_U32),
	[IPSEC_HA_A_SA_MARK_MASK]		= ATTR("mark-mask", AK_U32),
	[IPSEC_HA_A_SA_IF_ID]			= ATTR("if-id", AK_U32),
	[IPSEC_HA_A_SA_ENCAP_TYPE]		= ATTR("encap-type", AK_U16),
	[IPSEC_HA_A_SA_ENCAP_SPORT]		= ATTR("encap-sport", AK_U16),
	[IPSEC_HA_A_SA_ENCAP_DPORT]		= ATTR("encap-dport", AK_U16),
	[IPSEC_HA_A_SA_AGE]			= ATTR("age", AK_U32),
	[IPSEC_HA_A_SA_PACKET_OFFLOAD]		= ATTR("packet-offload", AK_U8),
	[IPSEC_HA_A_SA_PCPU]			= ATTR("pcpu", AK_U32),
	[IPSEC_HA_A_SA_DIR_INFERRED]		= ATTR("dir-inferred", AK_U8),
	[IPSEC_HA_A_SA_NO_TAKEOVER]		= ATTR("no-takeover", AK_STRING),
};

_Static_assert(ARRAY_SIZE(sa_attrs) == IPSEC_HA_A_SA_MAX + 1,
	       "sa attribute table out of date");

const struct attr_set attrs_sa = {
	"sa", sa_attrs, ARRAY_SIZE(sa_attrs) - 1,
};

/* policy: A mirrored policy */
static const struct attr_desc policy_attrs[] = {
	[IPSEC_HA_A_POLICY_PAD]			= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_POLICY_ORIGIN]		= ATTR("origin", AK_U32),
	[IPSEC_HA_A_POLICY_ID]			= ATTR("id", AK_U32),
	[IPSEC_HA_A_POLICY_OWNER]		= ATTR("owner", AK_U32),
	[IPSEC_HA_A_POLICY_LOCAL]		= ATTR("local", AK_U8),
	[IPSEC_HA_A_POLICY_DIR]			= ATTR("dir", AK_U8),
	[IPSEC_HA_A_POLICY_INDEX]		= ATTR("index", AK_U32),
	[IPSEC_HA_A_POLICY_PRIORITY]		= ATTR("priority", AK_U32),
	[IPSEC_HA_A_POLICY_ACTION]		= ATTR("action", AK_U8),
	[IPSEC_HA_A_POLICY_FAMILY]		= ATTR("family", AK_U8),
	[IPSEC_HA_A_POLICY_SRC]			= ATTR("src", AK_BINARY),
	[IPSEC_HA_A_POLICY_DST]			= ATTR("dst", AK_BINARY),
	[IPSEC_HA_A_POLICY_PREFIXLEN_S]		= ATTR("prefixlen-s", AK_U8),
	[IPSEC_HA_A_POLICY_PREFIXLEN_D]		= ATTR("prefixlen-d", AK_U8),
	[IPSEC_HA_A_POLICY_SEL_PROTO]		= ATTR("sel-proto", AK_U8),
	[IPSEC_HA_A_POLICY_TMPLS]		= ATTR("tmpls", AK_U8),
};

_Static_assert(ARRAY_SIZE(policy_attrs) == IPSEC_HA_A_POLICY_MAX + 1,
	       "policy attribute table out of date");

const struct attr_set attrs_policy = {
	"policy", policy_attrs, ARRAY_SIZE(policy_attrs) - 1,
};

/* peer: A peer this node has heard on the HA link */
static const struct attr_desc peer_attrs[] = {
	[IPSEC_HA_A_PEER_PAD]			= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_PEER_NODE_ID]		= ATTR("node-id", AK_U32),
	[IPSEC_HA_A_PEER_EPOCH]			= ATTR("epoch", AK_U64),
	[IPSEC_HA_A_PEER_LAST_SEQ]		= ATTR("last-seq", AK_U64),
	[IPSEC_HA_A_PEER_LAST_HEARD]		= ATTR("last-heard", AK_U32),
	[IPSEC_HA_A_PEER_DATAGRAMS]		= ATTR("datagrams", AK_U64),
	[IPSEC_HA_A_PEER_GAPS]			= ATTR("gaps", AK_U64),
	[IPSEC_HA_A_PEER_RESENDS]		= ATTR("resends", AK_U64),
	[IPSEC_HA_A_PEER_OBJECTS]		= ATTR("objects", AK_U32),
	[IPSEC_HA_A_PEER_BULK]			= ATTR("bulk", AK_U8),
	[IPSEC_HA_A_PEER_SPI_MIN]		= ATTR("spi-min", AK_U32),
	[IPSEC_HA_A_PEER_SPI_MAX]		= ATTR("spi-max", AK_U32),
	[IPSEC_HA_A_PEER_SPI_OVERLAP]		= ATTR("spi-overlap", AK_U8),
	[IPSEC_HA_A_PEER_IN_SYNC]		= ATTR("in-sync", AK_U8),
	[IPSEC_HA_A_PEER_OWNS_SA]		= ATTR("owns-sa", AK_U32),
	[IPSEC_HA_A_PEER_OWNS_POLICY]		= ATTR("owns-policy", AK_U32),
	[IPSEC_HA_A_PEER_OWNS_IKE]		= ATTR("owns-ike", AK_U32),
};

_Static_assert(ARRAY_SIZE(peer_attrs) == IPSEC_HA_A_PEER_MAX + 1,
	       "peer attribute table out of date");

const struct attr_set attrs_peer = {
	"peer", peer_attrs, ARRAY_SIZE(peer_attrs) - 1,
};

/* takeover: Taking mirrored SAs and policies over, or giving them back */
static const struct attr_desc takeover_attrs[] = {
	[IPSEC_HA_A_TAKEOVER_PAD]		= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_TAKEOVER_NODE]		= ATTR("node", AK_U16),
	[IPSEC_HA_A_TAKEOVER_INBOUND]		= ATTR("inbound", AK_U8),
	[IPSEC_HA_A_TAKEOVER_SAS]		= ATTR("sas", AK_U32),
	[IPSEC_HA_A_TAKEOVER_POLICIES]		= ATTR("policies", AK_U32),
	[IPSEC_HA_A_TAKEOVER_FAILED]		= ATTR("failed", AK_U32),
	[IPSEC_HA_A_TAKEOVER_USECS]		= ATTR("usecs", AK_U64),
	[IPSEC_HA_A_TAKEOVER_FAILURE]		= ATTR("failure", AK_NEST),
	[IPSEC_HA_A_TAKEOVER_PREPARED]		= ATTR("prepared", AK_U32),
	[IPSEC_HA_A_TAKEOVER_IKES]		= ATTR("ikes", AK_U32),
	[IPSEC_HA_A_TAKEOVER_TO]		= ATTR("to", AK_U16),
	[IPSEC_HA_A_TAKEOVER_IKE_SPI_I]		= ATTR("ike-spi-i", AK_U64),
	[IPSEC_HA_A_TAKEOVER_IKE_SPI_R]		= ATTR("ike-spi-r", AK_U64),
	[IPSEC_HA_A_TAKEOVER_PEER]		= ATTR("peer", AK_BINARY),
	[IPSEC_HA_A_TAKEOVER_SPIS]		= ATTR("spis", AK_BINARY),
	[IPSEC_HA_A_TAKEOVER_GIVEN]		= ATTR("given", AK_U32),
	[IPSEC_HA_A_TAKEOVER_ASKED]		= ATTR("asked", AK_U32),
	[IPSEC_HA_A_TAKEOVER_TAKEN]		= ATTR("taken", AK_U32),
	[IPSEC_HA_A_TAKEOVER_OWNER]		= ATTR("owner", AK_U16),
	[IPSEC_HA_A_TAKEOVER_SHARE]		= ATTR("share", AK_FLAG),
};

_Static_assert(ARRAY_SIZE(takeover_attrs) == IPSEC_HA_A_TAKEOVER_MAX + 1,
	       "takeover attribute table out of date");

const struct attr_set attrs_takeover = {
	"takeover", takeover_attrs, ARRAY_SIZE(takeover_attrs) - 1,
};

/* takeover-failure: An SA or a policy that could not be taken over */
static const struct attr_desc takeover_failure_attrs[] = {
	[IPSEC_HA_A_TAKEOVER_FAILURE_ORIGIN]	= ATTR("origin", AK_U16),
	[IPSEC_HA_A_TAKEOVER_FAILURE_ID]	= ATTR("id", AK_U32),
	[IPSEC_HA_A_TAKEOVER_FAILURE_POLICY]	= ATTR("policy", AK_FLAG),
	[IPSEC_HA_A_TAKEOVER_FAILURE_SPI]	= ATTR("spi", AK_U32),
	[IPSEC_HA_A_TAKEOVER_FAILURE_DADDR]	= ATTR("daddr", AK_BINARY),
	[IPSEC_HA_A_TAKEOVER_FAILURE_ERROR]	= ATTR("error", AK_S32),
	[IPSEC_HA_A_TAKEOVER_FAILURE_REASON]	= ATTR("reason", AK_STRING),
};

_Static_assert(ARRAY_SIZE(takeover_failure_attrs) == IPSEC_HA_A_TAKEOVER_FAILURE_MAX + 1,
	       "takeover-failure attribute table out of date");

const struct attr_set attrs_takeover_failure = {
	"takeover-failure", takeover_failure_attrs, ARRAY_SIZE(takeover_failure_attrs) - 1,
};

/*
 * ike: The IKE side of a session (draft-palomares section 4), named by its
 * SPI pair
 */
static const struct attr_desc ike_attrs[] = {
	[IPSEC_HA_A_IKE_PAD]			= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_IKE_SPI_I]			= ATTR("spi-i", AK_U64),
	[IPSEC_HA_A_IKE_SPI_R]			= ATTR("spi-r", AK_U64),
	[IPSEC_HA_A_IKE_OWNER]			= ATTR("owner", AK_U32),
	[IPSEC_HA_A_IKE_OWNER_EPOCH]		= ATTR("owner-epoch", AK_U32),
	[IPSEC_HA_A_IKE_LOCAL]			= ATTR("local", AK_U8),
	[IPSEC_HA_A_IKE_VERSION]		= ATTR("version", AK_U8),
	[IPSEC_HA_A_IKE_INITIATOR]		= ATTR("initiator", AK_U8),
	[IPSEC_HA_A_IKE_FAMILY]			= ATTR("family", AK_U8),
	[IPSEC_HA_A_IKE_LOCAL_ADDR]		= ATTR("local-addr", AK_BINARY),
	[IPSEC_HA_A_IKE_REMOTE_ADDR]		= ATTR("remote-addr", AK_BINARY),
	[IPSEC_HA_A_IKE_LOCAL_PORT]		= ATTR("local-port", AK_U16),
	[IPSEC_HA_A_IKE_REMOTE_PORT]		= ATTR("remote-port", AK_U16),
	[IPSEC_HA_A_IKE_ENCR]			= ATTR("encr", AK_U16),
	[IPSEC_HA_A_IKE_ENCR_KEYLEN]		= ATTR("encr-keylen", AK_U16),
	[IPSEC_HA_A_IKE_INTEG]			= ATTR("integ", AK_U16),
	[IPSEC_HA_A_IKE_PRF]			= ATTR("prf", AK_U16),
	[IPSEC_HA_A_IKE_DH_GROUP]		= ATTR("dh-group", AK_U16),
	[IPSEC_HA_A_IKE_EXTENSIONS]		= ATTR("extensions", AK_U32),
	[IPSEC_HA_A_IKE_MID_SEND]		= ATTR("mid-send", AK_U32),
	[IPSEC_HA_A_IKE_MID_RECV]		= ATTR("mid-recv", AK_U32),
	[IPSEC_HA_A_IKE_ID_I_TYPE]		= ATTR("id-i-type", AK_U8),
	[IPSEC_HA_A_IKE_ID_I]			= ATTR("id-i", AK_BINARY),
	[IPSEC_HA_A_IKE_ID_R_TYPE]		= ATTR("id-r-type", AK_U8),
	[IPSEC_HA_A_IKE_ID_R]			= ATTR("id-r", AK_BINARY),
	[IPSEC_HA_A_IKE_CHILD_SPI]		= ATTR("child-spi", AK_U32),
	[IPSEC_HA_A_IKE_TAKEOVERS]		= ATTR("takeovers", AK_U32),
	[IPSEC_HA_A_IKE_AGE]			= ATTR("age", AK_U32),
	[IPSEC_HA_A_IKE_NONCE_I]		= ATTR("nonce-i", AK_BINARY),
	[IPSEC_HA_A_IKE_NONCE_R]		= ATTR("nonce-r", AK_BINARY),
	[IPSEC_HA_A_IKE_SK_D]			= ATTR("sk-d", AK_BINARY),
	[IPSEC_HA_A_IKE_SK_AI]			= ATTR("sk-ai", AK_BINARY),
	[IPSEC_HA_A_IKE_SK_AR]			= ATTR("sk-ar", AK_BINARY),
	[IPSEC_HA_A_IKE_SK_EI]			= ATTR("sk-ei", AK_BINARY),
	[IPSEC_HA_A_IKE_SK_ER]			= ATTR("sk-er", AK_BINARY),
	[IPSEC_HA_A_IKE_SK_PI]			= ATTR("sk-pi", AK_BINARY),
	[IPSEC_HA_A_IKE_SK_PR]			= ATTR("sk-pr", AK_BINARY),
	[IPSEC_HA_A_IKE_DAEMON_STATE]		= ATTR("daemon-state", AK_BINARY),
};

_Static_assert(ARRAY_SIZE(ike_attrs) == IPSEC_HA_A_IKE_MAX + 1,
	       "ike attribute table out of date");

const struct attr_set attrs_ike = {
	"ike", ike_attrs, ARRAY_SIZE(ike_attrs) - 1,
};

/* event: An event of the cluster, as event-ntf reports it */
static const struct attr_desc event_attrs[] = {
	[IPSEC_HA_A_EVENT_TYPE]			= ATTR("type", AK_U8),
	[IPSEC_HA_A_EVENT_NODE]			= ATTR("node", AK_U32),
	[IPSEC_HA_A_EVENT_SPI_MIN]		= ATTR("spi-min", AK_U32),
	[IPSEC_HA_A_EVENT_SPI_MAX]		= ATTR("spi-max", AK_U32),
	[IPSEC_HA_A_EVENT_OTHER_NODE]		= ATTR("other-node", AK_U32),
	[IPSEC_HA_A_EVENT_OTHER_SPI_MIN]	= ATTR("other-spi-min", AK_U32),
	[IPSEC_HA_A_EVENT_OTHER_SPI_MAX]	= ATTR("other-spi-max", AK_U32),
	[IPSEC_HA_A_EVENT_LAST_HEARD]		= ATTR("last-heard", AK_U32),
	[IPSEC_HA_A_EVENT_COUNT]		= ATTR("count", AK_U32),
	[IPSEC_HA_A_EVENT_SPI]			= ATTR("spi", AK_U32),
	[IPSEC_HA_A_EVENT_PROTO]		= ATTR("proto", AK_U8),
	[IPSEC_HA_A_EVENT_FAMILY]		= ATTR("family", AK_U8),
	[IPSEC_HA_A_EVENT_DADDR]		= ATTR("daddr", AK_BINARY),
	[IPSEC_HA_A_EVENT_REASON]		= ATTR("reason", AK_U8),
	[IPSEC_HA_A_EVENT_MTU]			= ATTR("mtu", AK_U32),
	[IPSEC_HA_A_EVENT_PAD]			= ATTR("pad", AK_PAD),
	[IPSEC_HA_A_EVENT_IKE_SPI_I]		= ATTR("ike-spi-i", AK_U64),
	[IPSEC_HA_A_EVENT_IKE_SPI_R]		= ATTR("ike-spi-r", AK_U64),
};

_Static_assert(ARRAY_SIZE(event_attrs) == IPSEC_HA_A_EVENT_MAX + 1,
	       "event attribute table out of date");

const struct attr_set attrs_event = {
	"event", event_attrs, ARRAY_SIZE(event_attrs) - 1,
};

const struct attr_set *const attr_sets[] = {
	&attrs_config,
	&attrs_stats,
	&attrs_sa,
	&attrs_policy,
	&attrs_peer,
	&attrs_takeover,
	&attrs_takeover_failure,
	&attrs_ike,
	&attrs_event,
	NULL,
};
