// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: access to a registration datagram's UDP payload in the worker,
 * rewriting it in place (growing or shrinking the skb), and sending a new
 * datagram (a denial the module answers itself).
 *
 * The worker runs in process context, so allocations may sleep. Checksums
 * are recomputed in software: registration messages are a few hundred bytes,
 * and a full checksum with CHECKSUM_NONE is right for both directions (a
 * LOCAL_OUT skb of the agent's may arrive CHECKSUM_PARTIAL; once its payload
 * changes, a complete checksum replaces the offload).
 */

#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/udp.h>

#include "packet.h"

static struct udphdr *mipkex_pkt_udp(struct sk_buff *skb)
{
	return (struct udphdr *)(skb_network_header(skb) + ip_hdrlen(skb));
}

/**
 * mipkex_pkt_open() - make a stolen datagram's payload linear, writable and
 *	parsed
 * @ctx: receives the datagram's addresses, payload and parsed message
 * @mn: the namespace's state
 * @skb: the datagram: IPv4, UDP, not a fragment (the hook checked)
 * @hook: the hook it was taken at
 *
 * Trailing bytes after the UDP length (link-layer padding) are trimmed.
 *
 * Return: 0; -ENOMEM; -EINVAL if the UDP header or length is inconsistent;
 * or a negative &enum mipkex_wire_err value (as -err) if the payload is not
 * a well-formed registration message.
 */
int mipkex_pkt_open(struct mipkex_ctx *ctx, struct mipkex_net *mn,
		    struct sk_buff *skb, unsigned int hook)
{
	const struct iphdr *iph;
	struct udphdr *uh;
	unsigned int thoff, ulen;
	int err;

	memset(ctx, 0, sizeof(*ctx));
	ctx->mn = mn;
	ctx->skb = skb;
	ctx->hook = hook;

	if (skb_is_gso(skb))
		return -EINVAL;
	err = skb_ensure_writable(skb, skb->len);
	if (err)
		return err;
	iph = ip_hdr(skb);
	thoff = ip_hdrlen(skb);
	if (skb->len < skb_network_offset(skb) + thoff + sizeof(*uh))
		return -EINVAL;
	uh = mipkex_pkt_udp(skb);
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) ||
	    ulen > skb->len - skb_network_offset(skb) - thoff)
		return -EINVAL;
	if (ulen < skb->len - skb_network_offset(skb) - thoff) {
		err = pskb_trim(skb, skb_network_offset(skb) + thoff + ulen);
		if (err)
			return err;
		iph = ip_hdr(skb);
		uh = mipkex_pkt_udp(skb);
	}

	ctx->saddr = iph->saddr;
	ctx->daddr = iph->daddr;
	ctx->sport = uh->source;
	ctx->dport = uh->dest;
	ctx->data = (u8 *)(uh + 1);
	ctx->len = ulen - sizeof(*uh);
	err = mipkex_wire_parse(ctx->data, ctx->len, &ctx->msg);
	ctx->parse_err = err;
	return err > 0 ? -err : err;
}

/* UDP checksum over the whole datagram, in software. */
static void mipkex_pkt_csum(struct sk_buff *skb)
{
	struct iphdr *iph = ip_hdr(skb);
	struct udphdr *uh = mipkex_pkt_udp(skb);
	unsigned int ulen = ntohs(uh->len);
	__wsum csum;

	uh->check = 0;
	csum = csum_partial(uh, ulen, 0);
	uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
				      IPPROTO_UDP, csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/**
 * mipkex_pkt_replace() - replace the payload of the datagram being processed
 * @ctx: the datagram, opened by mipkex_pkt_open()
 * @buf: the new UDP payload (not inside the skb)
 * @len: its length; the datagram must stay under 65535 bytes
 *
 * Grows or shrinks the skb, fixes the UDP and IP lengths and both checksums,
 * and re-parses: on success @ctx describes the new payload.
 *
 * Return: 0, -EMSGSIZE, -ENOMEM, or the parse error of the new payload as
 * for mipkex_pkt_open() (the skb then holds the new payload anyway).
 */
int mipkex_pkt_replace(struct mipkex_ctx *ctx, const u8 *buf,
		       unsigned int len)
{
	struct sk_buff *skb = ctx->skb;
	unsigned int old = ctx->len, hdr;
	struct iphdr *iph;
	struct udphdr *uh;
	int err;

	hdr = skb_network_offset(skb) + ip_hdrlen(skb) + sizeof(*uh);
	if (hdr - skb_network_offset(skb) + len > 65535)
		return -EMSGSIZE;
	if (len > old) {
		unsigned int more = len - old;

		if (skb_tailroom(skb) < more) {
			err = pskb_expand_head(skb, 0, more - skb_tailroom(skb),
					       GFP_KERNEL);
			if (err)
				return err;
		}
		skb_put(skb, more);
	} else if (len < old) {
		err = pskb_trim(skb, skb->len - (old - len));
		if (err)
			return err;
	}

	iph = ip_hdr(skb);
	uh = mipkex_pkt_udp(skb);
	memcpy(uh + 1, buf, len);
	uh->len = htons(sizeof(*uh) + len);
	iph->tot_len = htons(skb->len - skb_network_offset(skb));
	ip_send_check(iph);
	mipkex_pkt_csum(skb);

	ctx->data = (u8 *)(uh + 1);
	ctx->len = len;
	ctx->rewritten = true;
	err = mipkex_wire_parse(ctx->data, ctx->len, &ctx->msg);
	return err > 0 ? -err : err;
}

/**
 * mipkex_pkt_send() - send a new UDP datagram from this namespace
 * @net: the namespace
 * @saddr: source address (a local address)
 * @daddr: destination address
 * @sport: source port
 * @dport: destination port
 * @buf: the UDP payload
 * @len: its length
 *
 * For the messages the module answers itself (denials). The datagram goes
 * through LOCAL_OUT like any other, but the namespace's hook lets it pass.
 *
 * Return: 0 or a negative errno (no route, no memory).
 */
int mipkex_pkt_send(struct net *net, __be32 saddr, __be32 daddr,
		    __be16 sport, __be16 dport, const u8 *buf,
		    unsigned int len)
{
	struct sk_buff *skb;
	struct flowi4 fl4;
	struct iphdr *iph;
	struct udphdr *uh;
	struct rtable *rt;
	unsigned int hh;

	if (len > 65535 - sizeof(*iph) - sizeof(*uh))
		return -EMSGSIZE;
	rt = ip_route_output_ports(net, &fl4, NULL, daddr, saddr, dport, sport,
				   IPPROTO_UDP, 0, 0);
	if (IS_ERR(rt))
		return PTR_ERR(rt);

	hh = LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len;
	skb = alloc_skb(hh + sizeof(*iph) + sizeof(*uh) + len, GFP_KERNEL);
	if (!skb) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	skb_reserve(skb, hh);
	skb_reset_network_header(skb);
	iph = skb_put(skb, sizeof(*iph));
	skb_set_transport_header(skb, sizeof(*iph));
	uh = skb_put(skb, sizeof(*uh));
	skb_put_data(skb, buf, len);

	*iph = (struct iphdr) {
		.version = 4,
		.ihl = sizeof(*iph) / 4,
		.ttl = ip4_dst_hoplimit(&rt->dst),
		.protocol = IPPROTO_UDP,
		.saddr = fl4.saddr,
		.daddr = fl4.daddr,
		.tot_len = htons(skb->len),
	};
	*uh = (struct udphdr) {
		.source = sport,
		.dest = dport,
		.len = htons(sizeof(*uh) + len),
	};
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	ip_select_ident(net, skb, NULL);
	mipkex_pkt_csum(skb);
	return mipkex_queue_xmit(net, skb);
}
