// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: many requests in flight at once, for "mipkex load".
 *
 * Requests are packed into one datagram per sendmsg() (the kernel's netlink
 * layer runs every message of a datagram in turn), up to WINDOW of them
 * unanswered at a time; the answers (a reply carrying MIPKEX_A_RESULT, then
 * the acknowledgement or the error, which completes the request) are read
 * many at a time with recvmmsg() and matched to their request by sequence
 * number. The socket's buffers are enlarged so that a full window of answers
 * fits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/mipkex.h>

#include "batch.h"
#include "genl.h"
#include "util.h"

#define WINDOW		1024	/* requests unanswered at most */
#define PER_SEND	256	/* requests per datagram at most */
#define SEND_BYTES	(128 * 1024)
#define RECV_MSGS	64	/* datagrams per recvmmsg() */
#define RECV_BYTES	8192	/* per datagram: an answer is small */
#define SOCK_BUF	(8 << 20)
#define TIMEOUT_MS	30000	/* with nothing answered: give up */

struct slot {
	int result;
	int pending;
};

struct batch {
	size_t n, sent, done;
	uint32_t seq0;
	struct slot slots[WINDOW];
	mk_batch_done_fn done_fn;
	void *arg;
};

static void set_bufs(int fd)
{
	int v = SOCK_BUF;

#ifdef SO_RCVBUFFORCE
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)))
#endif
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
#ifdef SO_SNDBUFFORCE
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)))
#endif
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

/* The request @seq answers, or SIZE_MAX if none in flight. */
static size_t seq_index(const struct batch *b, uint32_t seq)
{
	size_t i = (uint32_t)(seq - b->seq0);

	if (i >= b->sent || !b->slots[i % WINDOW].pending)
		return (size_t)-1;
	return i;
}

static void complete(struct batch *b, size_t i, int err, const char *ext,
		     int extlen)
{
	struct slot *s = &b->slots[i % WINDOW];
	char msg[512];

	s->pending = 0;
	b->done++;
	if (ext)
		snprintf(msg, sizeof(msg), "%.*s", extlen, ext);
	b->done_fn(b->arg, i, err, s->result, ext ? msg : NULL);
}

/* One datagram from the kernel. Return: 0 or -1 (protocol error). */
static int handle(struct batch *b, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh;
	int rem = (int)len;

	for (nlh = buf; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		size_t i = seq_index(b, nlh->nlmsg_seq);

		if (i == (size_t)-1)
			continue;	/* not ours */
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);
			const char *ext = NULL;
			int extlen = 0;

			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -1;
			if (e->error)
				ext = mk_extack_msg(nlh, &extlen);
			complete(b, i, e->error, ext, extlen);
		} else if (nlh->nlmsg_type == mk_genl_family()) {
			struct nlattr *tb[MIPKEX_A_MAX + 1];

			if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb,
					  MIPKEX_A_MAX, NULL) < 0)
				return -1;
			if (tb[MIPKEX_A_RESULT])
				b->slots[i % WINDOW].result =
					nla_get_u8(tb[MIPKEX_A_RESULT]);
		}
	}
	return 0;
}

/* Wait for answers and handle them. Return: 0 or -1 with a message. */
static int receive(struct batch *b, int fd)
{
	static char bufs[RECV_MSGS][RECV_BYTES];
	struct mmsghdr mm[RECV_MSGS];
	struct iovec iov[RECV_MSGS];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int i, r;

	r = poll(&pfd, 1, TIMEOUT_MS);
	if (r == 0) {
		mk_err("no answer from the kernel for %d s", TIMEOUT_MS / 1000);
		return -1;
	}
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < RECV_MSGS; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = RECV_BYTES;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	r = recvmmsg(fd, mm, RECV_MSGS, MSG_DONTWAIT, NULL);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r < 0) {
		mk_err("cannot receive: %s%s", strerror(errno),
		       errno == ENOBUFS ? " (answers lost)" : "");
		return -1;
	}
	for (i = 0; i < r; i++) {
		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
			mk_err("answer from the kernel truncated");
			return -1;
		}
		if (handle(b, bufs[i], mm[i].msg_len)) {
			mk_err("malformed answer from the kernel");
			return -1;
		}
	}
	return 0;
}

static int send_all(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t r;

	do {
		r = sendto(fd, buf, len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		mk_err("cannot send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/**
 * mk_batch_run() - send @n requests, pipelined, and collect their answers
 * @n: number of requests
 * @gen: makes request i (in order, i = 0 .. n - 1; possibly twice for one i)
 * @done: called once per request sent, with its outcome
 * @arg: for @gen and @done
 *
 * Each request is sent with NLM_F_ACK added and its own sequence number;
 * @done is called for every request sent before this returns, including
 * after @gen stopped the run.
 *
 * Return: 0, or -1 with a message printed when the transport failed (then
 * some requests may have had no answer).
 */
int mk_batch_run(size_t n, mk_batch_gen_fn gen, mk_batch_done_fn done,
		 void *arg)
{
	struct batch *b;
	bool stop = false;
	char *sbuf;
	int fd, ret = 0;

	b = calloc(1, sizeof(*b));
	sbuf = malloc(SEND_BYTES);
	if (!b || !sbuf) {
		free(b);
		free(sbuf);
		mk_err("out of memory");
		return -1;
	}
	b->n = n;
	b->done_fn = done;
	b->arg = arg;
	b->seq0 = (uint32_t)time(NULL) ^ 0x5a5a0000u;
	fd = nl_socket_get_fd(mk_genl_sock());
	set_bufs(fd);

	for (;;) {
		size_t used = 0, k = 0, want;

		want = n - b->sent < PER_SEND ? n - b->sent : PER_SEND;
		if (!stop && b->sent < n && WINDOW - (b->sent - b->done) >= want) {
			/* Fill one datagram. */
			while (k < want) {
				struct nl_msg *msg = gen(arg, b->sent);
				struct nlmsghdr *nlh;

				if (!msg) {
					stop = true;
					break;
				}
				nlh = nlmsg_hdr(msg);
				if (used + NLMSG_ALIGN(nlh->nlmsg_len) > SEND_BYTES) {
					/* It starts the next datagram. */
					mk_msg_free(msg);
					break;
				}
				nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
				nlh->nlmsg_seq = b->seq0 + (uint32_t)b->sent;
				nlh->nlmsg_pid = 0;
				memcpy(sbuf + used, nlh, nlh->nlmsg_len);
				memset(sbuf + used + nlh->nlmsg_len, 0,
				       NLMSG_ALIGN(nlh->nlmsg_len) -
				       nlh->nlmsg_len);
				used += NLMSG_ALIGN(nlh->nlmsg_len);
				mk_msg_free(msg);
				b->slots[b->sent % WINDOW] =
					(struct slot){ .pending = 1 };
				b->sent++;
				k++;
			}
			ret = used ? send_all(fd, sbuf, used) : 0;
			explicit_bzero(sbuf, used);	/* keys */
			if (ret)
				break;
			if (!used && !stop) {
				mk_err("request too long");
				ret = -1;
				break;
			}
			if (used)
				continue;
		}
		if (b->done == b->sent && (stop || b->sent == n))
			break;
		if (receive(b, fd)) {
			ret = -1;
			break;
		}
	}
	free(sbuf);
	free(b);
	return ret;
}
