/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: Diffie-Hellman (Documentation/protocol.rst sections 7 and 8.5):
 * X25519 through lib/crypto, MODP 2048/3072 and a configured user-defined
 * group through the kernel's "dh" kpp with a 256-bit private exponent, and
 * the legacy 768/1024-bit groups through mpi_powm(). Process context only.
 */
#ifndef _MIPKEX_DH_H
#define _MIPKEX_DH_H

#include <linux/types.h>

/* Longest public value or shared secret: a 8192-bit prime. */
#define MIPKEX_DH_MAX_LEN	1024
/* Pseudo group number of the configured user-defined group (vendor type 9). */
#define MIPKEX_DH_GROUP_USER	0

/**
 * struct mipkex_dh_group - a Diffie-Hellman group
 * @id: IANA IKEv2 group number, or %MIPKEX_DH_GROUP_USER
 * @strength: security strength in bits (SP 800-57)
 * @legacy: usable only with the KDC's legacy flag
 * @p: prime, big endian (NULL for X25519)
 * @p_len: length of @p in bytes; also the length of public values and
 *	shared secrets (32 for X25519)
 * @g: generator, big endian (NULL for X25519)
 * @g_len: length of @g in bytes
 */
struct mipkex_dh_group {
	u16 id;
	u16 strength;
	bool legacy;
	const u8 *p;
	unsigned int p_len;
	const u8 *g;
	unsigned int g_len;
};

/**
 * struct mipkex_dh_secret - one ephemeral private value, used once
 * @group: its group
 * @len: bytes used in @key
 * @key: the private value (X25519 scalar, or a 256-bit exponent)
 */
struct mipkex_dh_secret {
	const struct mipkex_dh_group *group;
	unsigned int len;
	u8 key[32];
};

const struct mipkex_dh_group *mipkex_dh_group_find(u16 id);
int mipkex_dh_user_group_check(const u8 *p, unsigned int p_len,
			       const u8 *g, unsigned int g_len);
u16 mipkex_dh_user_strength(const u8 *p, unsigned int p_len);
int mipkex_dh_generate(const struct mipkex_dh_group *group,
		       struct mipkex_dh_secret *secret, u8 *pub);
int mipkex_dh_check_public(const struct mipkex_dh_group *group,
			   const u8 *pub, unsigned int len);
int mipkex_dh_compute(struct mipkex_dh_secret *secret, const u8 *peer_pub,
		      unsigned int len, u8 *z);

/*
 * Internal: the same with a private value given by the caller. Only the
 * load-time self-tests (selftest.c) and the testing build (testing.c) call
 * them directly; nothing reachable from the network does.
 */
int mipkex_dh_public_with_key(const struct mipkex_dh_group *group,
			      const u8 *key, unsigned int keylen, u8 *pub);
int mipkex_dh_compute_with_key(const struct mipkex_dh_group *group,
			       const u8 *key, unsigned int keylen,
			       const u8 *peer_pub, unsigned int len, u8 *z);

#endif /* _MIPKEX_DH_H */
