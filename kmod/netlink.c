// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the "mipkex" generic netlink family (uapi/linux/mipkex.h).
 *
 * Every operation acts on the namespace of the requesting socket. Policies are
 * per operation and strictly validated; an operation without a policy accepts
 * no attribute. Writes need CAP_NET_ADMIN in the namespace's user namespace.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "mipkex.h"

static struct genl_family mipkex_genl_family;

static const struct nla_policy mipkex_set_node_policy[MIPKEX_A_MAX + 1] = {
	[MIPKEX_A_ROLE] = NLA_POLICY_MAX(NLA_U8, MIPKEX_ROLE_MAX),
	[MIPKEX_A_HOOKS] = {
		.type = NLA_REJECT,
		.reject_message = "hooks is read-only: it follows the role",
	},
	[MIPKEX_A_QUEUE_MAX] = {
		.type = NLA_REJECT,
		.reject_message = "queue max is read-only: it is the max_queue module parameter",
	},
	[MIPKEX_A_STATS] = {
		.type = NLA_REJECT,
		.reject_message = "stats are read-only",
	},
};

static struct sk_buff *mipkex_genl_reply_new(struct genl_info *info,
					     void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &mipkex_genl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int mipkex_genl_get_node(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&mn->lock);
	if (nla_put_u8(msg, MIPKEX_A_ROLE, mn->role) ||
	    nla_put_u8(msg, MIPKEX_A_HOOKS, mn->hooks_registered) ||
	    nla_put_u32(msg, MIPKEX_A_QUEUE_MAX, mipkex_max_queue)) {
		mutex_unlock(&mn->lock);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mutex_unlock(&mn->lock);

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mipkex_genl_set_node(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_A_ROLE)) {
		GENL_SET_ERR_MSG(info, "the role attribute is required");
		return -EINVAL;
	}
	return mipkex_net_set_role(mn, nla_get_u8(info->attrs[MIPKEX_A_ROLE]),
				   info->extack);
}

static int mipkex_genl_put_stats(struct sk_buff *msg, struct mipkex_net *mn)
{
	struct nlattr *nest;
	u64 val;
	int i;

	nest = nla_nest_start(msg, MIPKEX_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = MIPKEX_STAT_PAD + 1; i <= MIPKEX_STAT_MAX; i++) {
		if (i == MIPKEX_STAT_QUEUED)
			val = READ_ONCE(mn->queue.len);
		else
			val = atomic64_read(&mn->stats[i]);
		if (nla_put_u64_64bit(msg, i, val, MIPKEX_STAT_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int mipkex_genl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = mipkex_genl_put_stats(msg, mn);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops mipkex_genl_ops[] = {
	{
		.cmd = MIPKEX_CMD_GET_NODE,
		.doit = mipkex_genl_get_node,
	},
	{
		.cmd = MIPKEX_CMD_SET_NODE,
		.doit = mipkex_genl_set_node,
		.policy = mipkex_set_node_policy,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_GET_STATS,
		.doit = mipkex_genl_get_stats,
	},
};

static struct genl_family mipkex_genl_family __ro_after_init = {
	.name = MIPKEX_GENL_NAME,
	.version = MIPKEX_GENL_VERSION,
	.maxattr = MIPKEX_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = mipkex_genl_ops,
	.n_ops = ARRAY_SIZE(mipkex_genl_ops),
	.resv_start_op = MIPKEX_CMD_UNSPEC,
};

/**
 * mipkex_genl_init() - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int mipkex_genl_init(void)
{
	return genl_register_family(&mipkex_genl_family);
}

/**
 * mipkex_genl_uninit() - unregister the family; waits for running operations
 */
void mipkex_genl_uninit(void)
{
	genl_unregister_family(&mipkex_genl_family);
}
