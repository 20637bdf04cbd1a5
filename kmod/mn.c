// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the mobile node: protects the agent's requests, unprotects the replies
 * (Documentation/protocol.rst section 9). Placeholder: passes everything.
 */

#include "packet.h"

/**
 * mipkex_mn_request_out() - handle a datagram in role mn
 * @ctx: the datagram
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_mn_request_out(struct mipkex_ctx *ctx)
{
	return MIPKEX_VERDICT_PASS;
}

/**
 * mipkex_mn_reply_in() - handle a datagram in role mn
 * @ctx: the datagram
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_mn_reply_in(struct mipkex_ctx *ctx)
{
	return MIPKEX_VERDICT_PASS;
}
