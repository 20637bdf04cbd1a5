// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the home agent: unprotects requests, protects replies and delivers keys
 * (Documentation/protocol.rst section 9). Placeholder: passes everything.
 */

#include "packet.h"

/**
 * mipkex_ha_request_in() - handle a datagram in role ha
 * @ctx: the datagram
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_ha_request_in(struct mipkex_ctx *ctx)
{
	return MIPKEX_VERDICT_PASS;
}

/**
 * mipkex_ha_reply_out() - handle a datagram in role ha
 * @ctx: the datagram
 *
 * Return: the worker's next step.
 */
enum mipkex_verdict mipkex_ha_reply_out(struct mipkex_ctx *ctx)
{
	return MIPKEX_VERDICT_PASS;
}
