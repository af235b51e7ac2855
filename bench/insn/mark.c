// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of insn-count.c: executes its marker instruction, under
 * which the plugin writes the running instruction counts; on any other
 * CPU the marker is a no-op.
 *
 *   mark                      one mark
 *   mark CMD [ARGS...]        a mark, CMD, a mark; exits with CMD's status
 *   mark --echo ADDR COUNT    a mark, COUNT ICMP echoes to the IPv4 ADDR
 *                             one after the other (a raw socket: root), a
 *                             mark; exits 1 if a reply is missing (5 s)
 *
 * With --echo the two marks hold the echoes and nothing else: no process
 * start or exit, no name lookup, no output, unlike a ping run.
 * Static, so that starting it costs no dynamic loading.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define ECHO_DATA 56	/* ping's default payload */

static void mark(void)
{
	/* nopl 0x484d4b49(%rax) */
	__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x49, 0x4b, 0x4d, 0x48" ::: "memory");
}

static unsigned short csum(const void *p, size_t len)
{
	const unsigned char *b = p;
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (unsigned int)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (unsigned int)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((unsigned short)~sum);
}

static int echo(const char *addr, const char *count)
{
	struct timeval tv = { .tv_sec = 5 };
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned char pkt[sizeof(struct icmphdr) + ECHO_DATA];
	unsigned char buf[1500];
	struct icmphdr *h = (struct icmphdr *)pkt;
	unsigned short id = (unsigned short)getpid();
	char *end;
	long n, i;
	int s;

	n = strtol(count, &end, 10);
	if (*end || n < 1 || n > 100000000 || inet_pton(AF_INET, addr, &dst.sin_addr) != 1) {
		fprintf(stderr, "mark --echo: want an IPv4 address and a count\n");
		return 2;
	}
	s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("mark --echo: raw socket");
		return 2;
	}
	memset(pkt, 0, sizeof(pkt));
	for (i = 0; i < ECHO_DATA; i++)
		pkt[sizeof(*h) + i] = (unsigned char)i;
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(id);
	mark();
	for (i = 0; i < n; i++) {
		h->un.echo.sequence = htons((unsigned short)i);
		h->checksum = 0;
		h->checksum = csum(pkt, sizeof(pkt));
		if (sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			perror("mark --echo: sendto");
			return 1;
		}
		for (;;) {
			ssize_t len = recv(s, buf, sizeof(buf), 0);
			const struct iphdr *ip = (const struct iphdr *)buf;
			const struct icmphdr *r;

			if (len < 0) {
				fprintf(stderr, "mark --echo: no reply to echo %ld\n", i);
				return 1;
			}
			if ((size_t)len < sizeof(*ip) || (size_t)len < ip->ihl * 4U + sizeof(*r))
				continue;
			r = (const struct icmphdr *)(buf + ip->ihl * 4U);
			if (r->type == ICMP_ECHOREPLY && r->un.echo.id == htons(id) &&
			    r->un.echo.sequence == htons((unsigned short)i))
				break;
		}
	}
	mark();
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t pid;
	int status;

	if (argc == 4 && !strcmp(argv[1], "--echo"))
		return echo(argv[2], argv[3]);
	mark();
	if (argc < 2)
		return 0;
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 127;
	}
	if (!pid) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 127;
	}
	mark();
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
