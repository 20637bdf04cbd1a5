// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the foreign agent: adds its offers to relayed requests, takes its keys from replies
 * (Documentation/protocol.rst section 9). Placeholder: passes everything.
 */

#include "packet.h"

/**
 * mipkex_fa_request_out() - handle a datagram in role fa
 * @ctx: the datagram
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_fa_request_out(struct mipkex_ctx *ctx)
{
	return MIPKEX_VERDICT_PASS;
}

/**
 * mipkex_fa_reply_in() - handle a datagram in role fa
 * @ctx: the datagram
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_fa_reply_in(struct mipkex_ctx *ctx)
{
	return MIPKEX_VERDICT_PASS;
}
