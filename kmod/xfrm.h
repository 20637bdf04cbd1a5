/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the negotiated SAs of each binding in XFRM (Documentation/xfrm.rst).
 */
#ifndef _MIPKEX_XFRM_H
#define _MIPKEX_XFRM_H

#include <linux/types.h>

#include "mipkex.h"

struct mipkex_binding;
struct netlink_callback;
struct sk_buff;

int mipkex_xfrm_init(void);
void mipkex_xfrm_uninit(void);
int mipkex_xfrm_net_init(struct mipkex_net *mn);
void mipkex_xfrm_net_uninit(struct mipkex_net *mn);
bool mipkex_xfrm_spi_in_use(struct net *net, u32 spi);
u32 mipkex_xfrm_spi_new(struct net *net, const u32 *avoid, unsigned int n);
int mipkex_xfrm_pair_state(const struct mipkex_binding *b, u8 pair,
			   u8 protocol);
int mipkex_xfrm_dump(struct sk_buff *skb, struct netlink_callback *cb);
int mipkex_xfrm_keymat(const u8 *key, size_t keylen, u32 spi, u8 protocol,
		       u16 encr_id, u16 encr_bits, u16 integ_id, u8 *out,
		       size_t *outlen);

#endif /* _MIPKEX_XFRM_H */
