/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: generic netlink transport (libnl-3).
 */
#ifndef MIPKEX_TOOL_GENL_H
#define MIPKEX_TOOL_GENL_H

#include <netlink/attr.h>

struct nl_msg;

/**
 * typedef mk_reply_fn - called with the attributes of each reply message
 * @tb: attributes indexed by type, MIPKEX_A_MAX + 1 entries
 * @arg: the caller's argument
 *
 * Return: 0 to go on, negative to stop with that error.
 */
typedef int (*mk_reply_fn)(struct nlattr **tb, void *arg);

struct nlmsghdr;

int mk_genl_open(void);
struct nl_sock *mk_genl_sock(void);
int mk_genl_family(void);
const char *mk_extack_msg(const struct nlmsghdr *nlh, int *len);
void mk_genl_close(void);
struct nl_msg *mk_genl_msg(int cmd, int flags);
void mk_msg_free(struct nl_msg *msg);
int mk_genl_call(struct nl_msg *msg, mk_reply_fn fn, void *arg);

#endif
