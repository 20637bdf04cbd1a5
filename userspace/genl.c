// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: generic netlink transport (libnl-3).
 *
 * One request, its replies, and its acknowledgement. Errors are printed with
 * the kernel's extended-ack message, which libnl 3.7 does not parse itself.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <linux/mipkex.h>

#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static struct nl_sock *sk;
static int family;

struct call_state {
	mk_reply_fn fn;
	void *arg;
	int err;	/* first error: negative errno */
	int done;
	int intr;	/* a dump saw NLM_F_DUMP_INTR */
};

/**
 * mk_extack_msg() - the kernel's explanation carried in an error's TLVs
 * @nlh: the NLMSG_ERROR message
 * @len: the message's length
 *
 * Return: the message (not NUL-terminated, *@len bytes) or NULL.
 */
const char *mk_extack_msg(const struct nlmsghdr *nlh, int *len)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const unsigned char *p, *end;
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return NULL;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= nlh->nlmsg_len)
		return NULL;
	p = (const unsigned char *)nlh + off;
	end = (const unsigned char *)nlh + nlh->nlmsg_len;
	while ((size_t)(end - p) >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const void *)p;
		size_t alen = a->nla_len;

		if (alen < sizeof(*a) || alen > (size_t)(end - p))
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG &&
		    alen > NLA_HDRLEN) {
			*len = (int)strnlen((const char *)p + NLA_HDRLEN,
					    alen - NLA_HDRLEN);
			return (const char *)p + NLA_HDRLEN;
		}
		if (NLA_ALIGN(alen) >= (size_t)(end - p))
			return NULL;
		p += NLA_ALIGN(alen);
	}
	return NULL;
}

/* Print the kernel's explanation carried in the ack's TLVs, if any. */
static void print_extack(const struct nlmsgerr *e)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)e - NLMSG_HDRLEN);
	const char *m;
	int len;

	m = mk_extack_msg(nlh, &len);
	if (m)
		fprintf(stderr, "mipkex: kernel says: %.*s\n", len, m);
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct call_state *st = arg;

	(void)nla;
	if (e->error) {
		if (!st->err)
			st->err = e->error;
		print_extack(e);
	}
	st->done = 1;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	(void)msg;
	st->done = 1;
	return NL_STOP;
}

static int on_intr(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	(void)msg;
	st->intr = 1;
	return NL_OK;	/* read the rest, and tell the caller */
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;
	struct nlattr *tb[MIPKEX_A_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIPKEX_A_MAX, NULL);
	if (err < 0) {
		fprintf(stderr, "mipkex: malformed reply from the kernel\n");
		st->err = -EPROTO;
		return NL_STOP;
	}
	if (st->fn) {
		err = st->fn(tb, st->arg);
		if (err < 0) {
			st->err = err;
			return NL_STOP;
		}
	}
	return NL_OK;
}

/**
 * mk_genl_open() - connect to the kernel and find the mipkex family
 *
 * Return: 0, or -1 with a message printed.
 */
int mk_genl_open(void)
{
	int one = 1;

	sk = nl_socket_alloc();
	if (!sk) {
		fprintf(stderr, "mipkex: out of memory\n");
		return -1;
	}
	if (genl_connect(sk) < 0) {
		fprintf(stderr, "mipkex: cannot open a generic netlink socket\n");
		goto err;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	family = genl_ctrl_resolve(sk, MIPKEX_GENL_NAME);
	if (family < 0) {
		fprintf(stderr,
			"mipkex: generic netlink family \"%s\" not found: is the mipkex module loaded?\n",
			MIPKEX_GENL_NAME);
		goto err;
	}
	return 0;
err:
	nl_socket_free(sk);
	sk = NULL;
	return -1;
}

/* The socket and the family's id, for batch.c. */
struct nl_sock *mk_genl_sock(void)
{
	return sk;
}

int mk_genl_family(void)
{
	return family;
}

/**
 * mk_genl_close() - close the socket opened by mk_genl_open()
 */
void mk_genl_close(void)
{
	nl_socket_free(sk);
	sk = NULL;
}

/**
 * mk_genl_msg() - start a request
 * @cmd: &enum mipkex_cmd
 * @flags: extra netlink flags (NLM_F_DUMP, NLM_F_CREATE, ...)
 *
 * Return: the message, or NULL with a message printed.
 */
struct nl_msg *mk_genl_msg(int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 flags | NLM_F_ACK, cmd, MIPKEX_GENL_VERSION)) {
		fprintf(stderr, "mipkex: out of memory\n");
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Free a request, zeroising it first: it may hold a key. */
void mk_msg_free(struct nl_msg *msg)
{
	if (!msg)
		return;
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

/**
 * mk_genl_call() - send a request, feed its replies to @fn, wait for the ack
 * @msg: the request; freed
 * @fn: called for each reply, may be NULL
 * @arg: passed to @fn
 *
 * Return: 0, -EAGAIN (nothing printed) if a dump was interrupted by a change
 * (@fn saw part of it: start again), or a negative errno with a message
 * printed.
 */
int mk_genl_call(struct nl_msg *msg, mk_reply_fn fn, void *arg)
{
	struct call_state st = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		mk_msg_free(msg);
		fprintf(stderr, "mipkex: out of memory\n");
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_intr, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);

	err = nl_send_auto(sk, msg);
	mk_msg_free(msg);
	if (err < 0) {
		fprintf(stderr, "mipkex: cannot send: %s\n", nl_geterror(err));
		nl_cb_put(cb);
		return -EIO;
	}
	while (!st.done && !st.err) {
		err = nl_recvmsgs(sk, cb);
		if (err < 0 && !st.err) {
			fprintf(stderr, "mipkex: cannot receive: %s\n",
				nl_geterror(err));
			st.err = -EIO;
		}
	}
	nl_cb_put(cb);
	if (st.err)
		fprintf(stderr, "mipkex: %s\n", strerror(-st.err));
	else if (st.intr)
		return -EAGAIN;
	return st.err;
}
