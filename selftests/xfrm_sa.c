// SPDX-License-Identifier: GPL-2.0
/*
 * Add and list XFRM SAs with what iproute2 6.1 cannot say: a direction
 * (XFRMA_SA_DIR, 6.10), a CPU (XFRMA_SA_PCPU, RFC 9611), an ESN replay
 * state of any window (0 for an outbound SA, as strongSwan 6 installs it),
 * a NAT keepalive interval (XFRMA_NAT_KEEPALIVE_INTERVAL, 6.9) and a
 * mapping max age (XFRMA_MTIMER_THRESH).
 *
 *   xfrm_sa add SRC DST SPI [dir in|out] [pcpu N] [esn] [replay N] [reqid N]
 *               [encap SPORT DPORT] [natka SECONDS] [mapage SECONDS]
 *       IPv4 ESP tunnel, rfc4106(gcm(aes)) 128-bit ICV, a fixed key;
 *       encap: UDP encapsulation (ESP in UDP) between those ports
 *   xfrm_sa list
 *       one line per SA: spi 0x... dir D pcpu P esn E replay W oseq O seq S,
 *       then for an SA with encapsulation: encap SPORT DPORT natka N mapage M
 *       (dir 0 and pcpu -1 when the kernel gave none)
 *   xfrm_sa migrate SEL_SRC/LEN SEL_DST/LEN in|out|fwd OLD_SRC OLD_DST NEW_SRC NEW_DST REQID
 *       XFRM_MSG_MIGRATE (what MOBIKE does in some IKE daemons): the
 *       policy of that selector and direction, and the IPv4 ESP tunnel SA
 *       of that reqid between OLD_SRC and OLD_DST, move to NEW_SRC and NEW_DST
 *
 * Exit 0, 1 if the kernel refused (its extack on stderr), 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

/* Numbers of newer uapi headers than the build host's. */
#define XFRMA_SA_DIR_NR		33
#define XFRMA_SA_PCPU_NR	35
#define XFRMA_NAT_KEEPALIVE_INTERVAL_NR	34
#define XFRM_SA_DIR_IN_NR	1
#define XFRM_SA_DIR_OUT_NR	2

static struct mnl_socket *nl;
static char buf[32768];

static void die(int code, const char *msg)
{
	fprintf(stderr, "xfrm_sa: %s\n", msg);
	exit(code);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end)
		die(2, "not a number");
	return v;
}

/* The kernel's answer to a request: 0 accepted, else 1 with its extack. */
static int ack(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static int transact(struct nlmsghdr *nlh, mnl_cb_t cb)
{
	unsigned int seq = nlh->nlmsg_seq, portid = mnl_socket_get_portid(nl);
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die(1, "sendto failed");
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret <= 0)
			break;
		ret = mnl_cb_run(buf, ret, seq, portid, cb, NULL);
	} while (ret > 0);
	if (ret < 0) {
		fprintf(stderr, "xfrm_sa: the kernel refused: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int add(int argc, char **argv)
{
	static const unsigned char key[20] = "0123456789abcdefsalt";
	static unsigned char abuf[sizeof(struct xfrm_algo_aead) + sizeof(key)];
	struct xfrm_usersa_info *p;
	struct xfrm_algo_aead *aead;
	struct nlmsghdr *nlh;
	int dir = 0, esn = 0, i;
	long pcpu = -1;
	unsigned long replay = 0, reqid = 1, natka = 0, mapage = 0;
	long sport = -1, dport = -1;

	if (argc < 3)
		die(2, "add SRC DST SPI [dir in|out] [pcpu N] [esn] [replay N] [reqid N] "
		       "[encap SPORT DPORT] [natka N] [mapage N]");
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "esn")) {
			esn = 1;
		} else if (i + 1 >= argc) {
			die(2, "option without a value");
		} else if (!strcmp(argv[i], "dir")) {
			dir = !strcmp(argv[++i], "in") ? XFRM_SA_DIR_IN_NR : XFRM_SA_DIR_OUT_NR;
		} else if (!strcmp(argv[i], "pcpu")) {
			pcpu = num(argv[++i]);
		} else if (!strcmp(argv[i], "replay")) {
			replay = num(argv[++i]);
		} else if (!strcmp(argv[i], "reqid")) {
			reqid = num(argv[++i]);
		} else if (!strcmp(argv[i], "natka")) {
			natka = num(argv[++i]);
		} else if (!strcmp(argv[i], "mapage")) {
			mapage = num(argv[++i]);
		} else if (!strcmp(argv[i], "encap") && i + 2 < argc) {
			sport = num(argv[++i]);
			dport = num(argv[++i]);
		} else {
			die(2, "unknown option");
		}
	}

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = time(NULL);
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	if (inet_pton(AF_INET, argv[0], &p->saddr.a4) != 1 ||
	    inet_pton(AF_INET, argv[1], &p->id.daddr.a4) != 1)
		die(2, "IPv4 addresses expected");
	p->id.spi = htonl(num(argv[2]));
	p->id.proto = IPPROTO_ESP;
	p->family = AF_INET;
	p->mode = XFRM_MODE_TUNNEL;
	p->reqid = reqid;
	p->lft.soft_byte_limit = XFRM_INF;
	p->lft.hard_byte_limit = XFRM_INF;
	p->lft.soft_packet_limit = XFRM_INF;
	p->lft.hard_packet_limit = XFRM_INF;
	if (esn) {
		unsigned int words = dir == XFRM_SA_DIR_OUT_NR ? 0 : (replay + 31) / 32;
		static unsigned char rbuf[sizeof(struct xfrm_replay_state_esn) + 512];
		struct xfrm_replay_state_esn *r = (void *)rbuf;

		if (words > 128)
			die(2, "replay window above 4096");
		p->flags |= XFRM_STATE_ESN;
		r->bmp_len = words;
		r->replay_window = replay;
		mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL, sizeof(*r) + words * 4, r);
	} else {
		p->replay_window = replay;
	}
	aead = (void *)abuf;
	strcpy(aead->alg_name, "rfc4106(gcm(aes))");
	aead->alg_key_len = sizeof(key) * 8;
	aead->alg_icv_len = 128;
	memcpy(aead->alg_key, key, sizeof(key));
	mnl_attr_put(nlh, XFRMA_ALG_AEAD, sizeof(*aead) + sizeof(key), aead);
	if (dir)
		mnl_attr_put_u8(nlh, XFRMA_SA_DIR_NR, dir);
	if (pcpu >= 0)
		mnl_attr_put_u32(nlh, XFRMA_SA_PCPU_NR, pcpu);
	if (sport >= 0) {
		struct xfrm_encap_tmpl encap;

		memset(&encap, 0, sizeof(encap));
		encap.encap_type = UDP_ENCAP_ESPINUDP;
		encap.encap_sport = htons(sport);
		encap.encap_dport = htons(dport);
		mnl_attr_put(nlh, XFRMA_ENCAP, sizeof(encap), &encap);
	}
	if (natka)
		mnl_attr_put_u32(nlh, XFRMA_NAT_KEEPALIVE_INTERVAL_NR, natka);
	if (mapage)
		mnl_attr_put_u32(nlh, XFRMA_MTIMER_THRESH, mapage);
	return transact(nlh, ack);
}

struct sa_attrs {
	int dir;
	long long pcpu;
	const struct xfrm_replay_state_esn *esn;
	const struct xfrm_replay_state *legacy;
	const struct xfrm_encap_tmpl *encap;
	unsigned int natka, mapage;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct sa_attrs *s = data;

	switch (mnl_attr_get_type(a)) {
	case XFRMA_SA_DIR_NR:
		s->dir = mnl_attr_get_u8(a);
		break;
	case XFRMA_SA_PCPU_NR:
		s->pcpu = mnl_attr_get_u32(a);
		break;
	case XFRMA_REPLAY_ESN_VAL:
		s->esn = mnl_attr_get_payload(a);
		break;
	case XFRMA_REPLAY_VAL:
		s->legacy = mnl_attr_get_payload(a);
		break;
	case XFRMA_ENCAP:
		s->encap = mnl_attr_get_payload(a);
		break;
	case XFRMA_NAT_KEEPALIVE_INTERVAL_NR:
		s->natka = mnl_attr_get_u32(a);
		break;
	case XFRMA_MTIMER_THRESH:
		s->mapage = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int sa_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_usersa_info *p = mnl_nlmsg_get_payload(nlh);
	struct sa_attrs s = { .pcpu = -1 };
	uint64_t oseq = 0, seq = 0;
	uint32_t window = p->replay_window;

	(void)data;
	if (nlh->nlmsg_type != XFRM_MSG_NEWSA)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*p), attr_cb, &s);
	if (s.esn) {
		window = s.esn->replay_window;
		oseq = (uint64_t)s.esn->oseq_hi << 32 | s.esn->oseq;
		seq = (uint64_t)s.esn->seq_hi << 32 | s.esn->seq;
	} else if (s.legacy) {
		oseq = s.legacy->oseq;
		seq = s.legacy->seq;
	}
	printf("spi 0x%08x dir %d pcpu %lld esn %d replay %u oseq %" PRIu64 " seq %" PRIu64,
	       ntohl(p->id.spi), s.dir, s.pcpu, !!(p->flags & XFRM_STATE_ESN), window, oseq,
	       seq);
	if (s.encap)
		printf(" encap %u %u natka %u mapage %u", ntohs(s.encap->encap_sport),
		       ntohs(s.encap->encap_dport), s.natka, s.mapage);
	printf("\n");
	return MNL_CB_OK;
}

static int list(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = XFRM_MSG_GETSA;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = time(NULL);
	return transact(nlh, sa_cb);
}

/* ADDR/LEN into a selector's address and prefix length. */
static void prefix(const char *arg, xfrm_address_t *a, __u8 *len)
{
	char tmp[64], *slash;

	snprintf(tmp, sizeof(tmp), "%s", arg);
	slash = strchr(tmp, '/');
	*len = 32;
	if (slash) {
		*slash = '\0';
		*len = num(slash + 1);
	}
	if (inet_pton(AF_INET, tmp, &a->a4) != 1 || *len > 32)
		die(2, "IPv4 prefix expected");
}

static void addr4(const char *arg, xfrm_address_t *a)
{
	if (inet_pton(AF_INET, arg, &a->a4) != 1)
		die(2, "IPv4 address expected");
}

static int migrate(int argc, char **argv)
{
	struct xfrm_userpolicy_id *pol;
	struct xfrm_user_migrate m;
	struct nlmsghdr *nlh;

	if (argc != 8)
		die(2, "migrate SEL_SRC/LEN SEL_DST/LEN in|out|fwd OLD_SRC OLD_DST NEW_SRC NEW_DST REQID");
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_MIGRATE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL);
	pol = mnl_nlmsg_put_extra_header(nlh, sizeof(*pol));
	pol->sel.family = AF_INET;
	/* any upper protocol: the kernel then compares addresses only */
	pol->sel.proto = 255;
	prefix(argv[0], &pol->sel.saddr, &pol->sel.prefixlen_s);
	prefix(argv[1], &pol->sel.daddr, &pol->sel.prefixlen_d);
	if (!strcmp(argv[2], "in"))
		pol->dir = XFRM_POLICY_IN;
	else if (!strcmp(argv[2], "out"))
		pol->dir = XFRM_POLICY_OUT;
	else if (!strcmp(argv[2], "fwd"))
		pol->dir = XFRM_POLICY_FWD;
	else
		die(2, "direction in, out or fwd expected");
	memset(&m, 0, sizeof(m));
	addr4(argv[3], &m.old_saddr);
	addr4(argv[4], &m.old_daddr);
	addr4(argv[5], &m.new_saddr);
	addr4(argv[6], &m.new_daddr);
	m.proto = IPPROTO_ESP;
	m.mode = XFRM_MODE_TUNNEL;
	m.reqid = num(argv[7]);
	m.old_family = AF_INET;
	m.new_family = AF_INET;
	mnl_attr_put(nlh, XFRMA_MIGRATE, sizeof(m), &m);
	return transact(nlh, ack);
}

int main(int argc, char **argv)
{
	int ret;

	if (argc < 2)
		die(2, "add ... | list | migrate ...");
	nl = mnl_socket_open(NETLINK_XFRM);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die(1, "cannot open an XFRM netlink socket");
	if (!strcmp(argv[1], "add"))
		ret = add(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "list"))
		ret = list();
	else if (!strcmp(argv[1], "migrate"))
		ret = migrate(argc - 2, argv + 2);
	else
		die(2, "add ... | list | migrate ...");
	mnl_socket_close(nl);
	return ret;
}
