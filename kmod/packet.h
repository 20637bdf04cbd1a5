/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: one registration datagram in the worker, and the operations the
 * role handlers (mn.c, fa.c, ha.c) perform on it.
 */
#ifndef _MIPKEX_PACKET_H
#define _MIPKEX_PACKET_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "mipkex.h"
#include "wire.h"

/**
 * enum mipkex_verdict - what the worker does with a datagram after its role
 *	handler has seen it
 * @MIPKEX_VERDICT_PASS: re-inject it (rewritten or not) into the hook chain
 *	it was taken from
 * @MIPKEX_VERDICT_DROP: free it; the handler has counted why (and may have
 *	sent a denial in its place)
 */
enum mipkex_verdict {
	MIPKEX_VERDICT_PASS,
	MIPKEX_VERDICT_DROP,
};

/**
 * struct mipkex_ctx - a registration datagram being processed by the worker
 * @mn: the namespace's state
 * @skb: the datagram; linear and writable while a handler runs
 * @hook: %NF_INET_LOCAL_IN (arriving for the local agent) or
 *	%NF_INET_LOCAL_OUT (sent by the local agent)
 * @saddr: IPv4 source address
 * @daddr: IPv4 destination address
 * @sport: UDP source port
 * @dport: UDP destination port
 * @data: the UDP payload, in @skb
 * @len: its length
 * @msg: @data parsed by mipkex_wire_parse()
 * @rewritten: set by mipkex_pkt_replace()
 * @parse_err: what mipkex_wire_parse() said of @data (0 or a negative
 *	&enum mipkex_wire_err); when it is not 0, @msg holds what was found
 *	before the error
 */
struct mipkex_ctx {
	struct mipkex_net *mn;
	struct sk_buff *skb;
	unsigned int hook;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	u8 *data;
	unsigned int len;
	struct mipkex_msg msg;
	bool rewritten;
	int parse_err;
};

/* packet.c */
int mipkex_pkt_open(struct mipkex_ctx *ctx, struct mipkex_net *mn,
		    struct sk_buff *skb, unsigned int hook);
int mipkex_pkt_replace(struct mipkex_ctx *ctx, const u8 *buf,
		       unsigned int len);
int mipkex_pkt_send(struct net *net, __be32 saddr, __be32 daddr,
		    __be16 sport, __be16 dport, const u8 *buf,
		    unsigned int len);

/* process.c */
enum mipkex_verdict mipkex_process(struct mipkex_net *mn, struct sk_buff *skb,
				   unsigned int hook);

/* The role handlers: mn.c, fa.c, ha.c. */
enum mipkex_verdict mipkex_mn_request_out(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_mn_reply_in(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_fa_request_out(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_fa_reply_in(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_fa_request_in(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_fa_reply_unparsed(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_mn_reply_unparsed(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_ha_request_in(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_ha_request_malformed(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_ha_reply_out(struct mipkex_ctx *ctx);
enum mipkex_verdict mipkex_ha_reply_unparsed(struct mipkex_ctx *ctx);

#endif /* _MIPKEX_PACKET_H */
