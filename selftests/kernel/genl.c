// SPDX-License-Identifier: GPL-2.0
/*
 * The mipkex generic netlink API, spoken with raw netlink sockets (not the
 * tool's libnl code): strict per-op policies, an extack message for each
 * rejection, nothing changed by a rejected request, and CAP_NET_ADMIN in the
 * namespace's owning user namespace for writes.
 *
 * Each test runs in its own (forked) process and network namespace. Needs root
 * and the module loaded; skips otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/mipkex.h>

#include "kselftest_harness.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct nl {
	int fd;
	uint16_t family;
	uint32_t seq;
	char extack[256];
	int miss_type, bad_off;
};

/* A request under construction. */
struct req {
	struct nlmsghdr nlh;
	struct genlmsghdr g;
	char buf[512];
};

static void req_init(struct req *r, uint16_t type, uint8_t cmd)
{
	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = type;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->g.cmd = cmd;
	r->g.version = 1;
}

static void req_put(struct req *r, uint16_t type, const void *data,
		    uint16_t len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nlh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void req_put_u8(struct req *r, uint16_t type, uint8_t v)
{
	req_put(r, type, &v, sizeof(v));
}

/* Walk the attributes of [p, end): calls fn for each; returns 0 or -1. */
static int attrs_walk(const char *p, const char *end,
		      void (*fn)(const struct nlattr *, void *), void *arg)
{
	while (end - p >= (long)NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			return -1;
		fn(a, arg);
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

static void take_extack(const struct nlattr *a, void *arg)
{
	struct nl *nl = arg;
	int type = a->nla_type & NLA_TYPE_MASK;

	if (type == NLMSGERR_ATTR_MSG)
		snprintf(nl->extack, sizeof(nl->extack), "%.*s",
			 (int)(a->nla_len - NLA_HDRLEN),
			 (const char *)a + NLA_HDRLEN);
	else if (type == NLMSGERR_ATTR_MISS_TYPE)
		nl->miss_type = *(const uint32_t *)((const char *)a + NLA_HDRLEN);
	else if (type == NLMSGERR_ATTR_OFFS)
		nl->bad_off = *(const uint32_t *)((const char *)a + NLA_HDRLEN);
}

/*
 * Send @r, receive until the ack. Each non-ack reply is copied to @reply.
 * Returns the ack's error (0 or negative errno), or -1000 on a transport
 * failure.
 */
static int nl_call(struct nl *nl, struct req *r, char *reply, size_t rsize)
{
	char buf[8192];
	ssize_t n;

	nl->extack[0] = 0;
	nl->miss_type = -1;
	nl->bad_off = -1;
	r->nlh.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, r, r->nlh.nlmsg_len, 0) != (ssize_t)r->nlh.nlmsg_len)
		return -1000;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1000;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				const char *tlv = (const char *)e + sizeof(*e);

				if (h->nlmsg_flags & NLM_F_ACK_TLVS)
					attrs_walk(tlv, (const char *)h + h->nlmsg_len,
						   take_extack, nl);
				return e->error;
			}
			if (reply && h->nlmsg_len <= rsize)
				memcpy(reply, h, h->nlmsg_len);
		}
	}
}

static void find_family_id(const struct nlattr *a, void *arg)
{
	if (a->nla_type == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)arg = *(const uint16_t *)((const char *)a + NLA_HDRLEN);
}

static int nl_open(struct nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char reply[8192];
	struct nlmsghdr *h = (void *)reply;
	struct req r;
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0 || bind(nl->fd, (void *)&sa, sizeof(sa)))
		return -1;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	req_put(&r, CTRL_ATTR_FAMILY_NAME, MIPKEX_GENL_NAME,
		sizeof(MIPKEX_GENL_NAME));
	memset(reply, 0, sizeof(reply));
	if (nl_call(nl, &r, reply, sizeof(reply)))
		return -1;
	attrs_walk(reply + NLMSG_HDRLEN + GENL_HDRLEN, reply + h->nlmsg_len,
		   find_family_id, &nl->family);
	return nl->family ? 0 : -1;
}

struct node {
	int role, hooks, queue_max;
};

static void take_node(const struct nlattr *a, void *arg)
{
	struct node *n = arg;
	const char *d = (const char *)a + NLA_HDRLEN;

	if (a->nla_type == MIPKEX_A_ROLE)
		n->role = *(const uint8_t *)d;
	else if (a->nla_type == MIPKEX_A_HOOKS)
		n->hooks = *(const uint8_t *)d;
	else if (a->nla_type == MIPKEX_A_QUEUE_MAX)
		n->queue_max = (int)*(const uint32_t *)d;
}

static int get_node(struct nl *nl, struct node *n)
{
	char reply[4096];
	struct nlmsghdr *h = (void *)reply;
	struct req r;
	int err;

	*n = (struct node){ -1, -1, -1 };
	memset(reply, 0, sizeof(reply));
	req_init(&r, nl->family, MIPKEX_CMD_GET_NODE);
	err = nl_call(nl, &r, reply, sizeof(reply));
	if (err)
		return err;
	attrs_walk(reply + NLMSG_HDRLEN + GENL_HDRLEN, reply + h->nlmsg_len,
		   take_node, n);
	return 0;
}

static int set_role(struct nl *nl, uint8_t role)
{
	struct req r;

	req_init(&r, nl->family, MIPKEX_CMD_SET_NODE);
	req_put_u8(&r, MIPKEX_A_ROLE, role);
	return nl_call(nl, &r, NULL, 0);
}

FIXTURE(mipkex) {
	struct nl nl;
};

FIXTURE_SETUP(mipkex)
{
	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	if (nl_open(&self->nl))
		SKIP(return, "generic netlink family mipkex not found");
}

FIXTURE_TEARDOWN(mipkex)
{
	if (self->nl.fd > 0)
		close(self->nl.fd);
}

/* A fresh namespace has no role and no hook. */
TEST_F(mipkex, fresh_namespace)
{
	struct node n;

	ASSERT_EQ(0, get_node(&self->nl, &n));
	EXPECT_EQ(MIPKEX_ROLE_NONE, n.role);
	EXPECT_EQ(0, n.hooks);
	EXPECT_GE(n.queue_max, 1);
}

/* Every role can be set and read back; hooks follow the role. */
TEST_F(mipkex, set_every_role)
{
	static const uint8_t roles[] = {
		MIPKEX_ROLE_MN, MIPKEX_ROLE_FA, MIPKEX_ROLE_HA,
		MIPKEX_ROLE_HA, MIPKEX_ROLE_NONE, MIPKEX_ROLE_NONE,
		MIPKEX_ROLE_FA,
	};
	struct node n;
	unsigned int i;

	for (i = 0; i < sizeof(roles); i++) {
		ASSERT_EQ(0, set_role(&self->nl, roles[i]));
		ASSERT_EQ(0, get_node(&self->nl, &n));
		EXPECT_EQ(roles[i], n.role);
		EXPECT_EQ(roles[i] != MIPKEX_ROLE_NONE, n.hooks);
	}
}

/* Missing role: -EINVAL, a message, the missing attribute named. */
TEST_F(mipkex, set_without_role)
{
	struct node n;
	struct req r;

	ASSERT_EQ(0, set_role(&self->nl, MIPKEX_ROLE_FA));
	req_init(&r, self->nl.family, MIPKEX_CMD_SET_NODE);
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &r, NULL, 0));
	EXPECT_STREQ("the role attribute is required", self->nl.extack);
	EXPECT_EQ(MIPKEX_A_ROLE, self->nl.miss_type);
	ASSERT_EQ(0, get_node(&self->nl, &n));
	EXPECT_EQ(MIPKEX_ROLE_FA, n.role);
}

/*
 * A role out of range: -EINVAL, a message naming the role and its values,
 * the role attribute blamed (the first after the headers); nothing changes.
 */
TEST_F(mipkex, set_role_out_of_range)
{
	static const char msg[] =
		"role must be 0-3 (none, mn, fa, ha): out of range";
	struct node n;

	ASSERT_EQ(0, set_role(&self->nl, MIPKEX_ROLE_MN));
	EXPECT_EQ(-EINVAL, set_role(&self->nl, MIPKEX_ROLE_MAX + 1));
	EXPECT_STREQ(msg, self->nl.extack);
	EXPECT_EQ((int)(NLMSG_HDRLEN + GENL_HDRLEN), self->nl.bad_off);
	EXPECT_EQ(-EINVAL, set_role(&self->nl, 255));
	EXPECT_STREQ(msg, self->nl.extack);
	EXPECT_EQ((int)(NLMSG_HDRLEN + GENL_HDRLEN), self->nl.bad_off);
	ASSERT_EQ(0, get_node(&self->nl, &n));
	EXPECT_EQ(MIPKEX_ROLE_MN, n.role);
	EXPECT_EQ(1, n.hooks);
}

/* A role of the wrong size (u32 instead of u8) is rejected. */
TEST_F(mipkex, set_role_wrong_length)
{
	uint32_t v = MIPKEX_ROLE_HA;
	struct node n;
	struct req r;

	req_init(&r, self->nl.family, MIPKEX_CMD_SET_NODE);
	req_put(&r, MIPKEX_A_ROLE, &v, sizeof(v));
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &r, NULL, 0));
	EXPECT_NE(0, self->nl.extack[0]);
	ASSERT_EQ(0, get_node(&self->nl, &n));
	EXPECT_EQ(MIPKEX_ROLE_NONE, n.role);
	EXPECT_EQ(0, n.hooks);
}

/* Read-only attributes are refused by name, even next to a valid role. */
TEST_F(mipkex, set_read_only_attributes)
{
	static const struct {
		uint16_t type;
		const char *msg;
	} ro[] = {
		{ MIPKEX_A_HOOKS, "hooks is read-only: it follows the role" },
		{ MIPKEX_A_QUEUE_MAX, "queue max is read-only: it is the max_queue module parameter" },
		{ MIPKEX_A_STATS, "stats are read-only" },
	};
	uint32_t zero = 0;
	unsigned int i;
	struct node n;
	struct req r;

	for (i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		req_init(&r, self->nl.family, MIPKEX_CMD_SET_NODE);
		req_put_u8(&r, MIPKEX_A_ROLE, MIPKEX_ROLE_HA);
		req_put(&r, ro[i].type, &zero, sizeof(zero));
		EXPECT_EQ(-EINVAL, nl_call(&self->nl, &r, NULL, 0));
		EXPECT_STREQ(ro[i].msg, self->nl.extack);
	}
	ASSERT_EQ(0, get_node(&self->nl, &n));
	EXPECT_EQ(MIPKEX_ROLE_NONE, n.role);
	EXPECT_EQ(0, n.hooks);
}

/* Unknown attributes are refused (strict validation). */
TEST_F(mipkex, set_unknown_attribute)
{
	uint8_t v = 1;
	struct node n;
	struct req r;

	req_init(&r, self->nl.family, MIPKEX_CMD_SET_NODE);
	req_put_u8(&r, MIPKEX_A_ROLE, MIPKEX_ROLE_MN);
	req_put(&r, MIPKEX_A_MAX + 1, &v, sizeof(v));
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &r, NULL, 0));
	EXPECT_NE(0, self->nl.extack[0]);
	ASSERT_EQ(0, get_node(&self->nl, &n));
	EXPECT_EQ(MIPKEX_ROLE_NONE, n.role);
}

/* Read operations take no attribute at all. */
TEST_F(mipkex, get_with_attribute)
{
	struct req r;

	req_init(&r, self->nl.family, MIPKEX_CMD_GET_NODE);
	req_put_u8(&r, MIPKEX_A_ROLE, MIPKEX_ROLE_MN);
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &r, NULL, 0));
	EXPECT_NE(0, self->nl.extack[0]);

	req_init(&r, self->nl.family, MIPKEX_CMD_GET_STATS);
	req_put_u8(&r, MIPKEX_A_ROLE, MIPKEX_ROLE_MN);
	EXPECT_EQ(-EINVAL, nl_call(&self->nl, &r, NULL, 0));
	EXPECT_NE(0, self->nl.extack[0]);
}

/* An unknown command is refused. */
TEST_F(mipkex, unknown_command)
{
	struct req r;

	req_init(&r, self->nl.family, MIPKEX_CMD_MAX + 1);
	EXPECT_EQ(-EOPNOTSUPP, nl_call(&self->nl, &r, NULL, 0));
}

static void count_stats(const struct nlattr *a, void *arg)
{
	int *seen = arg;

	if (a->nla_type == (NLA_F_NESTED | MIPKEX_A_STATS)) {
		const char *p = (const char *)a + NLA_HDRLEN;
		const char *end = (const char *)a + a->nla_len;

		while (end - p >= (long)NLA_HDRLEN) {
			const struct nlattr *s = (const void *)p;

			if (s->nla_type > MIPKEX_STAT_PAD &&
			    s->nla_type <= MIPKEX_STAT_MAX &&
			    s->nla_len == NLA_HDRLEN + 8)
				seen[s->nla_type]++;
			p += NLA_ALIGN(s->nla_len);
		}
	}
}

/* Stats carry every counter once, as u64, all zero in a new namespace. */
TEST_F(mipkex, stats_complete)
{
	int seen[MIPKEX_STAT_MAX + 1] = { 0 };
	char reply[4096];
	struct nlmsghdr *h = (void *)reply;
	struct req r;
	int i;

	memset(reply, 0, sizeof(reply));
	req_init(&r, self->nl.family, MIPKEX_CMD_GET_STATS);
	ASSERT_EQ(0, nl_call(&self->nl, &r, reply, sizeof(reply)));
	attrs_walk(reply + NLMSG_HDRLEN + GENL_HDRLEN, reply + h->nlmsg_len,
		   count_stats, seen);
	for (i = MIPKEX_STAT_PAD + 1; i <= MIPKEX_STAT_MAX; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("counter %d", i);
}

/*
 * CAP_NET_ADMIN must be held in the user namespace that owns the network
 * namespace: root of a new user namespace may configure a network namespace
 * it created, not one owned by the initial user namespace.
 */
TEST(unprivileged_user_namespace)
{
	struct node n;
	struct nl nl;

	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	if (nl_open(&nl))
		SKIP(return, "generic netlink family mipkex not found");
	ASSERT_EQ(0, set_role(&nl, MIPKEX_ROLE_HA));

	/* Root of a child user namespace, still in the parent's netns. */
	ASSERT_EQ(0, unshare(CLONE_NEWUSER));
	EXPECT_EQ(-EPERM, set_role(&nl, MIPKEX_ROLE_NONE));
	ASSERT_EQ(0, get_node(&nl, &n));	/* reading is allowed */
	EXPECT_EQ(MIPKEX_ROLE_HA, n.role);
	close(nl.fd);

	/* Its own network namespace: allowed. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(&nl));
	EXPECT_EQ(0, set_role(&nl, MIPKEX_ROLE_MN));
	ASSERT_EQ(0, get_node(&nl, &n));
	EXPECT_EQ(MIPKEX_ROLE_MN, n.role);
	EXPECT_EQ(1, n.hooks);
	close(nl.fd);
}

TEST_HARNESS_MAIN
