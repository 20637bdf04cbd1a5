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
 *	fa    LOCAL_IN   request  mipkex_fa_request_in()   check the MN's request
 *	fa    LOCAL_OUT  request  mipkex_fa_request_out()  add the FA's offers
 *	fa    LOCAL_IN   reply    mipkex_fa_reply_in()     take the FA's keys
 *	ha    LOCAL_IN   request  mipkex_ha_request_in()   unprotect
 *	ha    LOCAL_OUT  reply    mipkex_ha_reply_out()    protect, deliver keys
 *
 * A registration message whose extensions mipkex_wire_parse() refuses goes
 * to a handler only where protocol.rst 9.4 says what to do with it:
 *
 *	mn    LOCAL_IN   reply    mipkex_mn_reply_unparsed()  a foreign
 *	                          agent's denial (no MN-HA authentication
 *	                          extension) to restore, or a malformed reply
 *	fa    LOCAL_IN   request  mipkex_fa_request_in()      deny a malformed
 *	                          protected request
 *	fa    LOCAL_IN   reply    mipkex_fa_reply_unparsed()  a reply to a
 *	                          pending relay whose FA-HA authenticator
 *	                          verifies becomes 71 for the mobile node
 *	ha    LOCAL_IN   request  mipkex_ha_request_malformed()  deny a
 *	                          badly framed protected request (134)
 *	ha    LOCAL_OUT  reply    mipkex_ha_reply_unparsed()  never send the
 *	                          agent's malformed reply to a protected request
 *
 * Anything else (other directions, other message types, datagrams that are
 * not well-formed registration messages) goes back unchanged: the local
 * agent, or the peer, deals with it as RFC 5944 says.
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
		if (!out && type == MIPKEX_MSG_RRQ)
			return mipkex_fa_request_in;
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
 * The handler of a registration message whose extensions the codec rejects
 * (its fixed part parsed), where protocol.rst 9.4 says what to do with it;
 * or NULL.
 */
static mipkex_handler_t mipkex_handler_unparsed(const struct mipkex_ctx *ctx,
						u8 role, unsigned int hook)
{
	if (!ctx->data || !ctx->parse_err || !ctx->msg.fixed_len)
		return NULL;
	if (role == MIPKEX_ROLE_HA && ctx->msg.type == MIPKEX_MSG_RRP &&
	    hook == NF_INET_LOCAL_OUT)
		return mipkex_ha_reply_unparsed;
	if (hook != NF_INET_LOCAL_IN)
		return NULL;
	if (role == MIPKEX_ROLE_MN && ctx->msg.type == MIPKEX_MSG_RRP)
		return mipkex_mn_reply_unparsed;
	if (role == MIPKEX_ROLE_FA && ctx->msg.type == MIPKEX_MSG_RRQ)
		return mipkex_fa_request_in;
	if (role == MIPKEX_ROLE_FA && ctx->msg.type == MIPKEX_MSG_RRP)
		return mipkex_fa_reply_unparsed;
	if (role == MIPKEX_ROLE_HA && ctx->msg.type == MIPKEX_MSG_RRQ)
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
		/* Not a message at all, or extensions that do not parse. */
		handler = mipkex_handler_unparsed(&ctx, READ_ONCE(mn->role),
						  hook);
		verdict = handler ? handler(&ctx) : MIPKEX_VERDICT_PASS;
		if (verdict == MIPKEX_VERDICT_PASS)
			mipkex_stat_inc(mn, ctx.rewritten ?
					MIPKEX_STAT_REWRITTEN :
					MIPKEX_STAT_PASSED_OTHER);
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
