// SPDX-License-Identifier: GPL-2.0
/* Decoding and printing the configuration of a cluster member. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include <linux/genetlink.h>

#include "attrs.h"
#include "config.h"
#include "fmt.h"

/*
 * The sync thresholds, printed in this order. Text keywords are those of
 * `node set`; JSON keys are the documented snake_case names.
 */
static const struct {
	uint16_t attr;
	const char *text;
	const char *json;
} thresholds[] = {
	{ IPSEC_HA_A_CONFIG_SYNC_PACKETS,  "sync-packets",  "sync_packets" },
	{ IPSEC_HA_A_CONFIG_SYNC_INTERVAL, "sync-interval", "sync_interval_ms" },
	{ IPSEC_HA_A_CONFIG_MAX_SAS,       "max-sas",       "max_sas" },
	{ IPSEC_HA_A_CONFIG_MARGIN_MIN,    "margin-min",    "margin_min" },
	{ IPSEC_HA_A_CONFIG_PREPARE_MAX,   "prepare-max",   "prepare_max" },
	{ IPSEC_HA_A_CONFIG_PREPARED,      "prepared",      "prepared" },
};

#define N_THRESHOLDS (sizeof(thresholds) / sizeof(thresholds[0]))

static int config_attr_cb(const struct nlattr *attr, void *data)
{
	struct ha_config *cfg = data;
	unsigned int type = mnl_attr_get_type(attr);
	size_t len = mnl_attr_get_payload_len(attr);
	const void *p = mnl_attr_get_payload(attr);

	if (!attr_len_ok(&attrs_config, type, len))
		return MNL_CB_OK;	/* unknown or malformed: ignore */

	switch (attrs_config.attrs[type].kind) {
	case AK_U8:
		cfg->num[type] = mnl_attr_get_u8(attr);
		break;
	case AK_U16:
		cfg->num[type] = mnl_attr_get_u16(attr);
		break;
	case AK_U32:
		cfg->num[type] = mnl_attr_get_u32(attr);
		break;
	case AK_U64:
		cfg->num[type] = len == 8 ? mnl_attr_get_u64(attr) :
					    mnl_attr_get_u32(attr);
		break;
	default:
		break;
	}

	switch (type) {
	case IPSEC_HA_A_CONFIG_IFNAME:
		snprintf(cfg->ifname, sizeof(cfg->ifname), "%.*s", (int)len,
			 (const char *)p);
		break;
	case IPSEC_HA_A_CONFIG_GROUP4:
		cfg->group.family = AF_INET;
		memcpy(&cfg->group.v4, p, 4);	/* network byte order */
		break;
	case IPSEC_HA_A_CONFIG_GROUP6:
		cfg->group.family = AF_INET6;
		memcpy(cfg->group.v6, p, 16);
		break;
	case IPSEC_HA_A_CONFIG_KEY_FINGERPRINT:
		if (len > CONFIG_FP_MAX)
			return MNL_CB_OK;
		memcpy(cfg->fingerprint, p, len);
		cfg->fingerprint_len = len;
		break;
	}
	cfg->has[type] = true;
	return MNL_CB_OK;
}

void config_parse(const struct nlmsghdr *nlh, struct ha_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	mnl_attr_parse(nlh, GENL_HDRLEN, config_attr_cb, cfg);
}

static bool has_node(const struct ha_config *cfg)
{
	return cfg->has[IPSEC_HA_A_CONFIG_NODE_ID] &&
	       cfg->num[IPSEC_HA_A_CONFIG_NODE_ID];
}

static bool has_spi_range(const struct ha_config *cfg)
{
	return cfg->has[IPSEC_HA_A_CONFIG_SPI_MIN] &&
	       cfg->has[IPSEC_HA_A_CONFIG_SPI_MAX];
}

static bool has_link(const struct ha_config *cfg)
{
	return cfg->has[IPSEC_HA_A_CONFIG_GROUP4] ||
	       cfg->has[IPSEC_HA_A_CONFIG_GROUP6] ||
	       cfg->has[IPSEC_HA_A_CONFIG_IFINDEX] ||
	       cfg->has[IPSEC_HA_A_CONFIG_IFNAME];
}

static bool has_group(const struct ha_config *cfg)
{
	return cfg->has[IPSEC_HA_A_CONFIG_GROUP4] ||
	       cfg->has[IPSEC_HA_A_CONFIG_GROUP6];
}

/* Name of the link's interface: as the kernel said, or looked up; NULL. */
static const char *link_dev(const struct ha_config *cfg, char *buf)
{
	if (cfg->has[IPSEC_HA_A_CONFIG_IFNAME] && cfg->ifname[0])
		return cfg->ifname;
	if (cfg->has[IPSEC_HA_A_CONFIG_IFINDEX] &&
	    if_indextoname((unsigned int)cfg->num[IPSEC_HA_A_CONFIG_IFINDEX], buf))
		return buf;
	return NULL;
}

/*
 * Why the link is down, in words for show: "mtu 100 below 576",
 * "interface down", "no interface"; NULL when the kernel did not say.
 */
static const char *link_down_text(const struct ha_config *cfg, char *buf, size_t len)
{
	uint64_t min = cfg->group.family == AF_INET6 ? IPSEC_HA_LINK_MTU_MIN6 :
						       IPSEC_HA_LINK_MTU_MIN4;

	if (!cfg->has[IPSEC_HA_A_CONFIG_LINK_DOWN_REASON])
		return NULL;
	switch (cfg->num[IPSEC_HA_A_CONFIG_LINK_DOWN_REASON]) {
	case IPSEC_HA_LINK_DOWN_REASON_NO_INTERFACE:
		return "no interface";
	case IPSEC_HA_LINK_DOWN_REASON_INTERFACE_DOWN:
		return "interface down";
	case IPSEC_HA_LINK_DOWN_REASON_MTU:
		if (!cfg->has[IPSEC_HA_A_CONFIG_LINK_MTU])
			return "mtu";
		snprintf(buf, len, "mtu %" PRIu64 " below %" PRIu64,
			 cfg->num[IPSEC_HA_A_CONFIG_LINK_MTU], min);
		return buf;
	}
	return fmt_name(fmt_link_down, cfg->num[IPSEC_HA_A_CONFIG_LINK_DOWN_REASON],
			buf, len);
}

/* The activation policy in words ("off", "gone", "any"), NULL if not sent. */
static const char *activate_name(const struct ha_config *cfg)
{
	static const char *const names[] = {
		[IPSEC_HA_ACTIVATE_POLICY_OFF] = "off",
		[IPSEC_HA_ACTIVATE_POLICY_GONE] = "gone",
		[IPSEC_HA_ACTIVATE_POLICY_ANY] = "any",
	};
	uint64_t v = cfg->num[IPSEC_HA_A_CONFIG_ACTIVATE];

	if (!cfg->has[IPSEC_HA_A_CONFIG_ACTIVATE])
		return NULL;
	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

static void key_id_str(const struct ha_config *cfg, char buf[11])
{
	snprintf(buf, 11, "0x%08" PRIx32,
		 (uint32_t)cfg->num[IPSEC_HA_A_CONFIG_KEY_ID]);
}

void config_print_text(FILE *f, const struct ha_config *cfg, const char *sep)
{
	char dev[IF_NAMESIZE], grp[INET6_ADDRSTRLEN], id[11], why[64];
	char fp[2 * CONFIG_FP_MAX + 1];
	const char *down;

	/* node id 1 sync-packets 256 sync-interval 100 max-sas N margin-min N */
	if (has_node(cfg))
		fprintf(f, "node id %" PRIu64, cfg->num[IPSEC_HA_A_CONFIG_NODE_ID]);
	else
		fputs("node id none", f);
	for (size_t i = 0; i < N_THRESHOLDS; i++)
		if (cfg->has[thresholds[i].attr])
			fprintf(f, " %s %" PRIu64, thresholds[i].text,
				cfg->num[thresholds[i].attr]);
	if (has_spi_range(cfg))
		fprintf(f, " spi-range 0x%08" PRIx64 "-0x%08" PRIx64,
			cfg->num[IPSEC_HA_A_CONFIG_SPI_MIN],
			cfg->num[IPSEC_HA_A_CONFIG_SPI_MAX]);
	if (activate_name(cfg) && cfg->num[IPSEC_HA_A_CONFIG_ACTIVATE])
		fprintf(f, " activate %s", activate_name(cfg));
	fputs(sep, f);

	/*
	 * link dev ha0 ifindex 3 group 239.192.0.1 port 7731 state up
	 * ... state down (mtu 100 below 576)
	 */
	if (has_link(cfg)) {
		const char *d = link_dev(cfg, dev);

		fputs("link", f);
		if (d)
			fprintf(f, " dev %s", d);
		if (cfg->has[IPSEC_HA_A_CONFIG_IFINDEX])
			fprintf(f, " ifindex %" PRIu64,
				cfg->num[IPSEC_HA_A_CONFIG_IFINDEX]);
		if (has_group(cfg) && format_group(&cfg->group, grp, sizeof(grp)))
			fprintf(f, " group %s", grp);
		if (cfg->has[IPSEC_HA_A_CONFIG_PORT])
			fprintf(f, " port %" PRIu64, cfg->num[IPSEC_HA_A_CONFIG_PORT]);
		fprintf(f, " state %s",
			cfg->num[IPSEC_HA_A_CONFIG_LINK_UP] ? "up" : "down");
		down = link_down_text(cfg, why, sizeof(why));
		if (down && !cfg->num[IPSEC_HA_A_CONFIG_LINK_UP])
			fprintf(f, " (%s)", down);
	} else {
		fputs("link none", f);
	}
	fputs(sep, f);

	/* key id 0x1234abcd fingerprint 0011223344556677 */
	if (cfg->has[IPSEC_HA_A_CONFIG_KEY_ID]) {
		key_id_str(cfg, id);
		fprintf(f, "key id %s", id);
		if (cfg->fingerprint_len) {
			hex_encode(cfg->fingerprint, cfg->fingerprint_len, fp);
			fprintf(f, " fingerprint %s", fp);
		}
	} else {
		fputs("key none", f);
	}
	fputs(sep, f);

	if (cfg->has[IPSEC_HA_A_CONFIG_EPOCH])
		fprintf(f, "epoch %016" PRIx64, cfg->num[IPSEC_HA_A_CONFIG_EPOCH]);
	else
		fputs("epoch none", f);
	fputc('\n', f);
}

void config_print_json(struct json *j, const char *key,
		       const struct ha_config *cfg)
{
	char dev[IF_NAMESIZE], grp[INET6_ADDRSTRLEN], id[11];
	char buf[2 * CONFIG_FP_MAX + 1];

	json_obj_begin(j, key);

	if (has_node(cfg))
		json_u64(j, "node_id", cfg->num[IPSEC_HA_A_CONFIG_NODE_ID]);
	else
		json_null(j, "node_id");

	if (has_link(cfg)) {
		json_obj_begin(j, "link");
		json_str(j, "dev", link_dev(cfg, dev));
		if (cfg->has[IPSEC_HA_A_CONFIG_IFINDEX])
			json_u64(j, "ifindex", cfg->num[IPSEC_HA_A_CONFIG_IFINDEX]);
		else
			json_null(j, "ifindex");
		json_str(j, "group", has_group(cfg) ?
			 format_group(&cfg->group, grp, sizeof(grp)) : NULL);
		if (cfg->has[IPSEC_HA_A_CONFIG_PORT])
			json_u64(j, "port", cfg->num[IPSEC_HA_A_CONFIG_PORT]);
		else
			json_null(j, "port");
		json_bool(j, "up", cfg->num[IPSEC_HA_A_CONFIG_LINK_UP] != 0);
		if (cfg->has[IPSEC_HA_A_CONFIG_LINK_DOWN_REASON])
			json_str(j, "down_reason",
				 fmt_name(fmt_link_down,
					  cfg->num[IPSEC_HA_A_CONFIG_LINK_DOWN_REASON],
					  buf, sizeof(buf)));
		if (cfg->has[IPSEC_HA_A_CONFIG_LINK_MTU])
			json_u64(j, "mtu", cfg->num[IPSEC_HA_A_CONFIG_LINK_MTU]);
		json_obj_end(j);
	} else {
		json_null(j, "link");
	}

	if (cfg->has[IPSEC_HA_A_CONFIG_KEY_ID]) {
		json_obj_begin(j, "key");
		key_id_str(cfg, id);
		json_str(j, "id", id);
		if (cfg->fingerprint_len) {
			hex_encode(cfg->fingerprint, cfg->fingerprint_len, buf);
			json_str(j, "fingerprint", buf);
		} else {
			json_null(j, "fingerprint");
		}
		json_obj_end(j);
	} else {
		json_null(j, "key");
	}

	for (size_t i = 0; i < N_THRESHOLDS; i++) {
		if (cfg->has[thresholds[i].attr])
			json_u64(j, thresholds[i].json,
				 cfg->num[thresholds[i].attr]);
		else
			json_null(j, thresholds[i].json);
	}

	if (has_spi_range(cfg)) {
		json_obj_begin(j, "spi_range");
		json_u64(j, "min", cfg->num[IPSEC_HA_A_CONFIG_SPI_MIN]);
		json_u64(j, "max", cfg->num[IPSEC_HA_A_CONFIG_SPI_MAX]);
		json_obj_end(j);
	} else {
		json_null(j, "spi_range");
	}
	if (activate_name(cfg))
		json_str(j, "activate", activate_name(cfg));

	if (cfg->has[IPSEC_HA_A_CONFIG_EPOCH]) {
		snprintf(buf, sizeof(buf), "%016" PRIx64,
			 cfg->num[IPSEC_HA_A_CONFIG_EPOCH]);
		json_str(j, "epoch", buf);
	} else {
		json_null(j, "epoch");
	}

	json_obj_end(j);
}
