// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: what the worker does with each registration datagram: open it,
 * hand it to the handler of the namespace's role for its direction and
 * message type, and count the outcome. Everything here runs in the
 * per-namespace worker (process context).
 *
 *	role  hook       message  handler
 *	mn    LOCAL_OUT  request  mipkex_mn_request_out()  protect
 *	mn    LOCAL_IN   reply    mipkex_mn_reply_in()     unprotect
 *	fa    LOCAL_OUT  request  mipkex_fa_request_out()  add the FA's offers
 *	fa    LOCAL_IN   reply    mipkex_fa_reply_in()     take the FA's keys
 *	ha    LOCAL_IN   request  mipkex_ha_request_in()   unprotect
 *	ha    LOCAL_OUT  reply    mipkex_ha_reply_out()    protect, deliver keys
 *
 * Anything else (other directions, other message types, datagrams that are
 * not well-formed registration messages) goes back unchanged: the local
 * agent, or the peer, deals with it as RFC 5944 says. One exception: a
 * request whose framing the codec rejects, arriving for a home agent, goes
 * to mipkex_ha_request_malformed(), which denies it if it is protected.
 */

#include <linux/netfilter.h>

#include "packet.h"

typedef enum mipkex_verdict (*mipkex_handler_t)(struct mipkex_ctx *ctx);

static mipkex_handler_t mipkex_handler(u8 role, unsigned int hook, u8 type)
{
	bool out = hook == NF_INET_LOCAL_OUT;

	if (type != MIPKEX_MSG_RRQ && type != MIPKEX_MSG_RRP)
		return NULL;
	switch (role) {
	case MIPKEX_ROLE_MN:
		if (out && type == MIPKEX_MSG_RRQ)
			return mipkex_mn_request_out;
		if (!out && type == MIPKEX_MSG_RRP)
			return mipkex_mn_reply_in;
		break;
	case MIPKEX_ROLE_FA:
		if (out && type == MIPKEX_MSG_RRQ)
			return mipkex_fa_request_out;
		if (!out && type == MIPKEX_MSG_RRP)
			return mipkex_fa_reply_in;
		break;
	case MIPKEX_ROLE_HA:
		if (!out && type == MIPKEX_MSG_RRQ)
			return mipkex_ha_request_in;
		if (out && type == MIPKEX_MSG_RRP)
			return mipkex_ha_reply_out;
		break;
	}
	return NULL;
}

/*
 * A datagram whose registration message the codec rejects after its fixed
 * part (@ctx->data and @ctx->msg's fixed part are set): the handler of a role
 * that answers such a message itself, or NULL.
 */
static mipkex_handler_t mipkex_malformed_handler(const struct mipkex_ctx *ctx,
						 u8 role, unsigned int hook)
{
	if (!ctx->data || !ctx->msg.fixed_len)
		return NULL;
	if (role == MIPKEX_ROLE_HA && hook == NF_INET_LOCAL_IN &&
	    ctx->msg.type == MIPKEX_MSG_RRQ)
		return mipkex_ha_request_malformed;
	return NULL;
}

/**
 * mipkex_process() - give a stolen datagram to its role handler
 * @mn: the namespace's state
 * @skb: the datagram (IPv4, UDP port 434, not a fragment)
 * @hook: the hook it was taken at
 *
 * The handler may rewrite the datagram (mipkex_pkt_replace()), send a
 * datagram of its own (mipkex_pkt_send()) and drop this one.
 *
 * Return: what the worker does with @skb next.
 */
enum mipkex_verdict mipkex_process(struct mipkex_net *mn, struct sk_buff *skb,
				   unsigned int hook)
{
	enum mipkex_verdict verdict;
	mipkex_handler_t handler;
	struct mipkex_ctx ctx;

	if (mipkex_pkt_open(&ctx, mn, skb, hook)) {
		handler = mipkex_malformed_handler(&ctx, READ_ONCE(mn->role),
						   hook);
		verdict = handler ? handler(&ctx) : MIPKEX_VERDICT_PASS;
		if (verdict == MIPKEX_VERDICT_PASS)
			mipkex_stat_inc(mn, MIPKEX_STAT_PASSED_OTHER);
		return verdict;
	}
	handler = mipkex_handler(READ_ONCE(mn->role), hook, ctx.msg.type);
	if (!handler) {
		mipkex_stat_inc(mn, MIPKEX_STAT_PASSED_PLAIN);
		return MIPKEX_VERDICT_PASS;
	}

	verdict = handler(&ctx);
	if (verdict == MIPKEX_VERDICT_PASS)
		mipkex_stat_inc(mn, ctx.rewritten ? MIPKEX_STAT_REWRITTEN :
				MIPKEX_STAT_PASSED_PLAIN);
	return verdict;
}
