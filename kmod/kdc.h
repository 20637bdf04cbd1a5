/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the key distribution centre (Documentation/protocol.rst section
 * 8.6): KEY1 (MN-HA), KEY2 (FA-HA) and KEY3 (MN-FA) in the stateful,
 * semi-stateful and Diffie-Hellman modes, and the per-namespace KDC and
 * negotiation parameters they follow.
 */
#ifndef _MIPKEX_KDC_H
#define _MIPKEX_KDC_H

#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/uio.h>

#include <linux/mipkex.h>

#include "dh.h"

#define MIPKEX_KDC_KEY_LEN	32

/**
 * struct mipkex_kdc_conf - KDC and negotiation parameters of a namespace;
 *	immutable once published (replaced whole under RCU)
 * @rcu: for freeing after a grace period
 * @mode: &enum mipkex_kdc_mode
 * @legacy: DH groups 1 and 2, HMAC-MD5 and HMAC-SHA1-96 allowed
 * @insecure: KEY2/KEY3 for foreign agents may travel in clear
 * @n_groups: entries used in @groups
 * @groups: DH group numbers in preference order
 * @min_dh_bits: minimum DH security strength, bits
 * @transforms: bitmap of &enum mipkex_xform
 * @lifetime: longest SA lifetime, seconds
 * @seed_len: length of @seed, 0 when no seed is set
 * @seed: semi-stateful seed key
 * @seed_fpr: fingerprint of @seed
 * @user_group: the configured user-defined group; @user_group.p is NULL
 *	when none is configured (its @p and @g point into @user_buf)
 * @user_buf: prime then generator of @user_group
 * @sa_mode: &enum mipkex_sa_mode of the XFRM SAs
 * @sa_policy: &enum mipkex_sa_policy
 * @sa_ah: a mobile node asks for AH with ESP (%MIPKEX_KDC_A_SA_AH)
 */
struct mipkex_kdc_conf {
	struct rcu_head rcu;
	u8 mode;
	bool legacy;
	bool insecure;
	u8 n_groups;
	u16 groups[MIPKEX_DH_GROUPS_MAX];
	u32 min_dh_bits;
	u32 transforms;
	u32 lifetime;
	u8 seed_len;
	u8 seed[MIPKEX_KEY_MAX_LEN];
	u8 seed_fpr[MIPKEX_FINGERPRINT_LEN];
	struct mipkex_dh_group user_group;
	u8 *user_buf;
	u8 sa_mode;
	u8 sa_policy;
	bool sa_ah;
};

/**
 * struct mipkex_kdc_reg - what the KDC knows about one registration
 * @ident: the request's Identification field
 * @mn_nai: the mobile node's NAI (decrypted)
 * @mn_nai_len: its length
 * @home_addr: the mobile node's home address
 * @ha_addr: the home agent's address
 * @coa: the care-of address (the foreign agent's address, or the
 *	mobile node's co-located care-of address)
 */
struct mipkex_kdc_reg {
	u64 ident;
	const u8 *mn_nai;
	unsigned int mn_nai_len;
	__be32 home_addr;
	__be32 ha_addr;
	__be32 coa;
};

/**
 * struct mipkex_kdc_keys - the keys of one registration; zeroise after use
 *	with mipkex_kdc_keys_zero()
 * @key1: MN-HA
 * @key2: FA-HA
 * @key3: MN-FA
 */
struct mipkex_kdc_keys {
	u8 key1[MIPKEX_KDC_KEY_LEN];
	u8 key2[MIPKEX_KDC_KEY_LEN];
	u8 key3[MIPKEX_KDC_KEY_LEN];
};

struct mipkex_kdc_conf *mipkex_kdc_conf_default(void);
void mipkex_kdc_conf_free(struct mipkex_kdc_conf *conf);
int mipkex_kdc_generate(const struct mipkex_kdc_conf *conf,
			const struct mipkex_kdc_reg *reg,
			struct mipkex_kdc_keys *keys);
int mipkex_kdc_dh_keys(const u8 *z, unsigned int z_len,
		       const struct kvec *transcript, unsigned int n,
		       struct mipkex_kdc_keys *keys);
void mipkex_kdc_keys_zero(struct mipkex_kdc_keys *keys);

#endif /* _MIPKEX_KDC_H */
