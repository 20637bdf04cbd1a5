/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the per-namespace KEY0 store (MN-HA security associations), indexed
 * by SPI and by NAI, both unique.
 */
#ifndef _MIPKEX_KEY0_H
#define _MIPKEX_KEY0_H

#include <linux/rhashtable-types.h>
#include <linux/types.h>

#include <linux/mipkex.h>

struct mipkex_net;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;

/**
 * struct mipkex_key0 - one KEY0 security association; immutable once
 *	published, replaced whole, freed after a grace period with the key
 *	zeroised
 * @spi_node: in &mipkex_key0_store.by_spi
 * @nai_node: in &mipkex_key0_store.by_nai
 * @rcu: for freeing after a grace period
 * @spi: the SPI, at least %MIPKEX_SPI_MIN
 * @home_addr: the mobile node's home address
 * @ha_addr: its home agent's address
 * @window: timestamp window, seconds
 * @aead: &enum mipkex_aead
 * @auth: &enum mipkex_auth
 * @replay: &enum mipkex_replay
 * @nai_len: length of @nai, 1 to %MIPKEX_NAI_MAX_LEN
 * @key_len: length of @key, %MIPKEX_KEY_MIN_LEN to %MIPKEX_KEY_MAX_LEN
 * @fpr: fingerprint of @key
 * @key: the key
 * @nai: the mobile node's NAI, NUL-terminated
 */
struct mipkex_key0 {
	struct rhash_head spi_node;
	struct rhash_head nai_node;
	struct rcu_head rcu;
	u32 spi;
	__be32 home_addr;
	__be32 ha_addr;
	u32 window;
	u8 aead;
	u8 auth;
	u8 replay;
	u8 nai_len;
	u8 key_len;
	u8 fpr[MIPKEX_FINGERPRINT_LEN];
	u8 key[MIPKEX_KEY_MAX_LEN];
	char nai[MIPKEX_NAI_MAX_LEN + 1];
};

/**
 * struct mipkex_key0_store - the KEY0 entries of a namespace
 * @by_spi: entries by SPI
 * @by_nai: the same entries by NAI
 * @count: number of entries; written under &mipkex_net.conf_lock
 * @n_md5: entries using HMAC-MD5; under &mipkex_net.conf_lock
 * @gen: generation, bumped on every change (dump consistency)
 */
struct mipkex_key0_store {
	struct rhashtable by_spi;
	struct rhashtable by_nai;
	unsigned int count;
	unsigned int n_md5;
	u32 gen;
};

extern unsigned int mipkex_max_key0;

int mipkex_key0_init(struct mipkex_key0_store *store);
void mipkex_key0_destroy(struct mipkex_key0_store *store);

const struct mipkex_key0 *mipkex_key0_lookup_spi(struct mipkex_net *mn,
						 u32 spi);
const struct mipkex_key0 *mipkex_key0_lookup_nai(struct mipkex_net *mn,
						 const char *nai,
						 unsigned int len);

int mipkex_key0_new(struct mipkex_net *mn, struct nlattr *nest,
		    struct nlattr **tb, u16 nlflags,
		    struct netlink_ext_ack *extack);
int mipkex_key0_del(struct mipkex_net *mn, struct nlattr *nest,
		    struct nlattr **tb, struct netlink_ext_ack *extack);
unsigned int mipkex_key0_flush(struct mipkex_net *mn);
int mipkex_key0_fill(struct sk_buff *msg, const void *obj);

#endif /* _MIPKEX_KEY0_H */
