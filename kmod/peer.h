/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the per-namespace store of FA-HA peers, indexed by address.
 */
#ifndef _MIPKEX_PEER_H
#define _MIPKEX_PEER_H

#include <linux/rhashtable-types.h>
#include <linux/types.h>

#include <linux/mipkex.h>

struct mipkex_net;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;

/**
 * struct mipkex_peer - one FA-HA security association; immutable once
 *	published, replaced whole, freed after a grace period with the key
 *	zeroised
 * @node: in &mipkex_peer_store.by_addr
 * @rcu: for freeing after a grace period
 * @addr: the peer's address; unique
 * @spi: SPI of the FA-HA authentication extension
 * @aead: &enum mipkex_aead, for key wrapping
 * @auth: &enum mipkex_auth
 * @key_len: length of @key
 * @fpr: fingerprint of @key
 * @key: the FA-HA key
 */
struct mipkex_peer {
	struct rhash_head node;
	struct rcu_head rcu;
	__be32 addr;
	u32 spi;
	u8 aead;
	u8 auth;
	u8 key_len;
	u8 fpr[MIPKEX_FINGERPRINT_LEN];
	u8 key[MIPKEX_KEY_MAX_LEN];
};

/**
 * struct mipkex_peer_store - the FA-HA peers of a namespace
 * @by_addr: peers by address
 * @count: number of peers; written under &mipkex_net.conf_lock
 * @n_md5: peers using HMAC-MD5; under &mipkex_net.conf_lock
 * @gen: generation, bumped on every change (dump consistency)
 */
struct mipkex_peer_store {
	struct rhashtable by_addr;
	unsigned int count;
	unsigned int n_md5;
	u32 gen;
};

extern unsigned int mipkex_max_peer;

int mipkex_peer_init(struct mipkex_peer_store *store);
void mipkex_peer_destroy(struct mipkex_peer_store *store);

const struct mipkex_peer *mipkex_peer_lookup(struct mipkex_net *mn,
					     __be32 addr);

int mipkex_peer_new(struct mipkex_net *mn, struct nlattr *nest,
		    struct nlattr **tb, u16 nlflags,
		    struct netlink_ext_ack *extack);
int mipkex_peer_del(struct mipkex_net *mn, struct nlattr *nest,
		    struct nlattr **tb, struct netlink_ext_ack *extack);
unsigned int mipkex_peer_flush(struct mipkex_net *mn);
int mipkex_peer_fill(struct sk_buff *msg, const void *obj);

#endif /* _MIPKEX_PEER_H */
