// SPDX-License-Identifier: GPL-2.0
/*
 * ha_flood: send forged sync datagrams to the HA multicast group as fast
 * as sendmmsg() allows, for the flood test. They name a key id and a
 * node but carry random bytes instead of a valid seal: each costs a
 * receiver that knows the key id an authentication attempt.
 *
 *   ha_flood IFADDR GROUP PORT KEY_ID SIZE SECONDS
 *
 * Prints the number of datagrams sent. Both header layouts go out in
 * turn: version 2 (40 bytes, with a salt) and version 1 (24 bytes).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static void put_be(uint8_t *p, uint64_t v, int n)
{
	while (n--) {
		p[n] = v & 0xff;
		v >>= 8;
	}
}

int main(int argc, char **argv)
{
	static uint8_t buf[BATCH][9000];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct in_addr ifaddr;
	unsigned long long sent = 0, seq = 1;
	time_t end;
	size_t size;
	uint32_t key_id;
	int fd, ttl = 255, i;

	if (argc != 7 || !inet_aton(argv[1], &ifaddr) || !inet_aton(argv[2], &dst.sin_addr)) {
		fprintf(stderr, "usage: ha_flood IFADDR GROUP PORT KEY_ID SIZE SECONDS\n");
		return 2;
	}
	dst.sin_port = htons(atoi(argv[3]));
	key_id = strtoul(argv[4], NULL, 16);
	size = strtoul(argv[5], NULL, 0);
	if (size < 64 || size > sizeof(buf[0]))
		return 2;
	end = time(NULL) + atoi(argv[6]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr, sizeof(ifaddr))) {
		perror("ha_flood: socket");
		return 1;
	}
	srandom(getpid());
	for (i = 0; i < BATCH; i++) {
		for (size_t k = 0; k < size; k++)
			buf[i][k] = random();
		buf[i][0] = i % 2 ? 1 : 2;	/* version */
		buf[i][1] = 0;
		put_be(buf[i] + 2, 9, 2);
		put_be(buf[i] + 4, key_id, 4);
		put_be(buf[i] + 8, 1ULL << 60, 8);
		iov[i].iov_base = buf[i];
		iov[i].iov_len = size;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (time(NULL) < end) {
		int n;

		for (i = 0; i < BATCH; i++)
			put_be(buf[i] + 16, seq++, 8);
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0)
			sent += n;
	}
	printf("sent %llu\n", sent);
	return 0;
}
