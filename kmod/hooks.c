// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the IPv4 netfilter hooks, which pick Mobile IP registration
 * datagrams (UDP port 434, RFC 5944 section 3) out of a namespace's traffic.
 *
 * Hooks exist only in namespaces that have a role; they are registered and
 * unregistered by netns.c. They classify and steal, nothing more: everything
 * else happens in the worker (queue.c).
 */

#include <linux/ip.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "mipkex.h"
#include "wire.h"

static unsigned int mipkex_nf_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct mipkex_net *mn = priv;
	const struct iphdr *iph = ip_hdr(skb);
	const struct udphdr *uh;
	struct udphdr _uh;

	if (iph->protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	if (mipkex_queue_is_reinjecting(skb))
		return NF_ACCEPT;

	/*
	 * LOCAL_IN sees reassembled datagrams; only a raw socket can hand
	 * fragments to LOCAL_OUT. They carry no whole message: the receiver
	 * sees the datagram once reassembled.
	 */
	if (ip_is_fragment(iph)) {
		mipkex_stat_inc(mn, MIPKEX_STAT_PASSED_FRAGMENT);
		return NF_ACCEPT;
	}

	uh = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_uh), &_uh);
	if (!uh) {
		mipkex_stat_inc(mn, MIPKEX_STAT_PASSED_MALFORMED);
		return NF_ACCEPT;
	}
	if (uh->dest != htons(MIPKEX_MIP_PORT) &&
	    uh->source != htons(MIPKEX_MIP_PORT))
		return NF_ACCEPT;

	return mipkex_queue_steal(mn, skb, state);
}

/**
 * mipkex_hooks_init() - describe a namespace's hooks (not yet registered)
 * @mn: the namespace's state
 */
void mipkex_hooks_init(struct mipkex_net *mn)
{
	static const unsigned int hooknums[] = {
		NF_INET_LOCAL_IN,
		NF_INET_LOCAL_OUT,
	};
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(hooknums) != ARRAY_SIZE(mn->ops));
	for (i = 0; i < ARRAY_SIZE(mn->ops); i++) {
		mn->ops[i] = (struct nf_hook_ops) {
			.hook = mipkex_nf_hook,
			.priv = mn,
			.pf = NFPROTO_IPV4,
			.hooknum = hooknums[i],
			.priority = NF_IP_PRI_FIRST,
		};
	}
}
