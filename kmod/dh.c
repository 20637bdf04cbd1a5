// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: Diffie-Hellman (Documentation/protocol.rst sections 7 and 8.5).
 *
 * Group 31 is X25519 through the "curve25519" kpp. Groups 14 and 15 (RFC 3526) and the
 * configured user-defined group go through the kernel's "dh" kpp with a
 * 256-bit private exponent. The legacy groups 1 and 2 (RFC 2409), which the
 * kernel's "dh" refuses (p shorter than 1536 bits), go through mpi_powm().
 * Every public value is validated before use, and every shared secret after.
 * Everything here may sleep: process context only.
 */

#include <crypto/dh.h>
#include <crypto/kpp.h>
#include <linux/err.h>
#include <linux/mpi.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <linux/mipkex.h>

#include "dh.h"

/* Private values: an X25519 scalar, or a 256-bit MODP exponent. */
#define MIPKEX_X25519_LEN	32
#define MIPKEX_DH_PRIV_LEN	32

static const u8 mipkex_dh_g2[] = { 2 };

/*
 * The primes of RFC 2409 section 6 (groups 1 and 2) and RFC 3526 sections 2
 * and 3 (groups 14 and 15), big endian; all have generator 2.
 */
static const u8 mipkex_modp768_p[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc9, 0x0f, 0xda, 0xa2,
	0x21, 0x68, 0xc2, 0x34, 0xc4, 0xc6, 0x62, 0x8b, 0x80, 0xdc, 0x1c, 0xd1,
	0x29, 0x02, 0x4e, 0x08, 0x8a, 0x67, 0xcc, 0x74, 0x02, 0x0b, 0xbe, 0xa6,
	0x3b, 0x13, 0x9b, 0x22, 0x51, 0x4a, 0x08, 0x79, 0x8e, 0x34, 0x04, 0xdd,
	0xef, 0x95, 0x19, 0xb3, 0xcd, 0x3a, 0x43, 0x1b, 0x30, 0x2b, 0x0a, 0x6d,
	0xf2, 0x5f, 0x14, 0x37, 0x4f, 0xe1, 0x35, 0x6d, 0x6d, 0x51, 0xc2, 0x45,
	0xe4, 0x85, 0xb5, 0x76, 0x62, 0x5e, 0x7e, 0xc6, 0xf4, 0x4c, 0x42, 0xe9,
	0xa6, 0x3a, 0x36, 0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static const u8 mipkex_modp1024_p[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc9, 0x0f, 0xda, 0xa2,
	0x21, 0x68, 0xc2, 0x34, 0xc4, 0xc6, 0x62, 0x8b, 0x80, 0xdc, 0x1c, 0xd1,
	0x29, 0x02, 0x4e, 0x08, 0x8a, 0x67, 0xcc, 0x74, 0x02, 0x0b, 0xbe, 0xa6,
	0x3b, 0x13, 0x9b, 0x22, 0x51, 0x4a, 0x08, 0x79, 0x8e, 0x34, 0x04, 0xdd,
	0xef, 0x95, 0x19, 0xb3, 0xcd, 0x3a, 0x43, 0x1b, 0x30, 0x2b, 0x0a, 0x6d,
	0xf2, 0x5f, 0x14, 0x37, 0x4f, 0xe1, 0x35, 0x6d, 0x6d, 0x51, 0xc2, 0x45,
	0xe4, 0x85, 0xb5, 0x76, 0x62, 0x5e, 0x7e, 0xc6, 0xf4, 0x4c, 0x42, 0xe9,
	0xa6, 0x37, 0xed, 0x6b, 0x0b, 0xff, 0x5c, 0xb6, 0xf4, 0x06, 0xb7, 0xed,
	0xee, 0x38, 0x6b, 0xfb, 0x5a, 0x89, 0x9f, 0xa5, 0xae, 0x9f, 0x24, 0x11,
	0x7c, 0x4b, 0x1f, 0xe6, 0x49, 0x28, 0x66, 0x51, 0xec, 0xe6, 0x53, 0x81,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static const u8 mipkex_modp2048_p[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc9, 0x0f, 0xda, 0xa2,
	0x21, 0x68, 0xc2, 0x34, 0xc4, 0xc6, 0x62, 0x8b, 0x80, 0xdc, 0x1c, 0xd1,
	0x29, 0x02, 0x4e, 0x08, 0x8a, 0x67, 0xcc, 0x74, 0x02, 0x0b, 0xbe, 0xa6,
	0x3b, 0x13, 0x9b, 0x22, 0x51, 0x4a, 0x08, 0x79, 0x8e, 0x34, 0x04, 0xdd,
	0xef, 0x95, 0x19, 0xb3, 0xcd, 0x3a, 0x43, 0x1b, 0x30, 0x2b, 0x0a, 0x6d,
	0xf2, 0x5f, 0x14, 0x37, 0x4f, 0xe1, 0x35, 0x6d, 0x6d, 0x51, 0xc2, 0x45,
	0xe4, 0x85, 0xb5, 0x76, 0x62, 0x5e, 0x7e, 0xc6, 0xf4, 0x4c, 0x42, 0xe9,
	0xa6, 0x37, 0xed, 0x6b, 0x0b, 0xff, 0x5c, 0xb6, 0xf4, 0x06, 0xb7, 0xed,
	0xee, 0x38, 0x6b, 0xfb, 0x5a, 0x89, 0x9f, 0xa5, 0xae, 0x9f, 0x24, 0x11,
	0x7c, 0x4b, 0x1f, 0xe6, 0x49, 0x28, 0x66, 0x51, 0xec, 0xe4, 0x5b, 0x3d,
	0xc2, 0x00, 0x7c, 0xb8, 0xa1, 0x63, 0xbf, 0x05, 0x98, 0xda, 0x48, 0x36,
	0x1c, 0x55, 0xd3, 0x9a, 0x69, 0x16, 0x3f, 0xa8, 0xfd, 0x24, 0xcf, 0x5f,
	0x83, 0x65, 0x5d, 0x23, 0xdc, 0xa3, 0xad, 0x96, 0x1c, 0x62, 0xf3, 0x56,
	0x20, 0x85, 0x52, 0xbb, 0x9e, 0xd5, 0x29, 0x07, 0x70, 0x96, 0x96, 0x6d,
	0x67, 0x0c, 0x35, 0x4e, 0x4a, 0xbc, 0x98, 0x04, 0xf1, 0x74, 0x6c, 0x08,
	0xca, 0x18, 0x21, 0x7c, 0x32, 0x90, 0x5e, 0x46, 0x2e, 0x36, 0xce, 0x3b,
	0xe3, 0x9e, 0x77, 0x2c, 0x18, 0x0e, 0x86, 0x03, 0x9b, 0x27, 0x83, 0xa2,
	0xec, 0x07, 0xa2, 0x8f, 0xb5, 0xc5, 0x5d, 0xf0, 0x6f, 0x4c, 0x52, 0xc9,
	0xde, 0x2b, 0xcb, 0xf6, 0x95, 0x58, 0x17, 0x18, 0x39, 0x95, 0x49, 0x7c,
	0xea, 0x95, 0x6a, 0xe5, 0x15, 0xd2, 0x26, 0x18, 0x98, 0xfa, 0x05, 0x10,
	0x15, 0x72, 0x8e, 0x5a, 0x8a, 0xac, 0xaa, 0x68, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff,
};

static const u8 mipkex_modp3072_p[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc9, 0x0f, 0xda, 0xa2,
	0x21, 0x68, 0xc2, 0x34, 0xc4, 0xc6, 0x62, 0x8b, 0x80, 0xdc, 0x1c, 0xd1,
	0x29, 0x02, 0x4e, 0x08, 0x8a, 0x67, 0xcc, 0x74, 0x02, 0x0b, 0xbe, 0xa6,
	0x3b, 0x13, 0x9b, 0x22, 0x51, 0x4a, 0x08, 0x79, 0x8e, 0x34, 0x04, 0xdd,
	0xef, 0x95, 0x19, 0xb3, 0xcd, 0x3a, 0x43, 0x1b, 0x30, 0x2b, 0x0a, 0x6d,
	0xf2, 0x5f, 0x14, 0x37, 0x4f, 0xe1, 0x35, 0x6d, 0x6d, 0x51, 0xc2, 0x45,
	0xe4, 0x85, 0xb5, 0x76, 0x62, 0x5e, 0x7e, 0xc6, 0xf4, 0x4c, 0x42, 0xe9,
	0xa6, 0x37, 0xed, 0x6b, 0x0b, 0xff, 0x5c, 0xb6, 0xf4, 0x06, 0xb7, 0xed,
	0xee, 0x38, 0x6b, 0xfb, 0x5a, 0x89, 0x9f, 0xa5, 0xae, 0x9f, 0x24, 0x11,
	0x7c, 0x4b, 0x1f, 0xe6, 0x49, 0x28, 0x66, 0x51, 0xec, 0xe4, 0x5b, 0x3d,
	0xc2, 0x00, 0x7c, 0xb8, 0xa1, 0x63, 0xbf, 0x05, 0x98, 0xda, 0x48, 0x36,
	0x1c, 0x55, 0xd3, 0x9a, 0x69, 0x16, 0x3f, 0xa8, 0xfd, 0x24, 0xcf, 0x5f,
	0x83, 0x65, 0x5d, 0x23, 0xdc, 0xa3, 0xad, 0x96, 0x1c, 0x62, 0xf3, 0x56,
	0x20, 0x85, 0x52, 0xbb, 0x9e, 0xd5, 0x29, 0x07, 0x70, 0x96, 0x96, 0x6d,
	0x67, 0x0c, 0x35, 0x4e, 0x4a, 0xbc, 0x98, 0x04, 0xf1, 0x74, 0x6c, 0x08,
	0xca, 0x18, 0x21, 0x7c, 0x32, 0x90, 0x5e, 0x46, 0x2e, 0x36, 0xce, 0x3b,
	0xe3, 0x9e, 0x77, 0x2c, 0x18, 0x0e, 0x86, 0x03, 0x9b, 0x27, 0x83, 0xa2,
	0xec, 0x07, 0xa2, 0x8f, 0xb5, 0xc5, 0x5d, 0xf0, 0x6f, 0x4c, 0x52, 0xc9,
	0xde, 0x2b, 0xcb, 0xf6, 0x95, 0x58, 0x17, 0x18, 0x39, 0x95, 0x49, 0x7c,
	0xea, 0x95, 0x6a, 0xe5, 0x15, 0xd2, 0x26, 0x18, 0x98, 0xfa, 0x05, 0x10,
	0x15, 0x72, 0x8e, 0x5a, 0x8a, 0xaa, 0xc4, 0x2d, 0xad, 0x33, 0x17, 0x0d,
	0x04, 0x50, 0x7a, 0x33, 0xa8, 0x55, 0x21, 0xab, 0xdf, 0x1c, 0xba, 0x64,
	0xec, 0xfb, 0x85, 0x04, 0x58, 0xdb, 0xef, 0x0a, 0x8a, 0xea, 0x71, 0x57,
	0x5d, 0x06, 0x0c, 0x7d, 0xb3, 0x97, 0x0f, 0x85, 0xa6, 0xe1, 0xe4, 0xc7,
	0xab, 0xf5, 0xae, 0x8c, 0xdb, 0x09, 0x33, 0xd7, 0x1e, 0x8c, 0x94, 0xe0,
	0x4a, 0x25, 0x61, 0x9d, 0xce, 0xe3, 0xd2, 0x26, 0x1a, 0xd2, 0xee, 0x6b,
	0xf1, 0x2f, 0xfa, 0x06, 0xd9, 0x8a, 0x08, 0x64, 0xd8, 0x76, 0x02, 0x73,
	0x3e, 0xc8, 0x6a, 0x64, 0x52, 0x1f, 0x2b, 0x18, 0x17, 0x7b, 0x20, 0x0c,
	0xbb, 0xe1, 0x17, 0x57, 0x7a, 0x61, 0x5d, 0x6c, 0x77, 0x09, 0x88, 0xc0,
	0xba, 0xd9, 0x46, 0xe2, 0x08, 0xe2, 0x4f, 0xa0, 0x74, 0xe5, 0xab, 0x31,
	0x43, 0xdb, 0x5b, 0xfc, 0xe0, 0xfd, 0x10, 0x8e, 0x4b, 0x82, 0xd1, 0x20,
	0xa9, 0x3a, 0xd2, 0xca, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static const struct mipkex_dh_group mipkex_dh_groups[] = {
	{
		.id = MIPKEX_DH_GROUP_X25519,
		.strength = 128,
		.p_len = MIPKEX_X25519_LEN,
	}, {
		.id = MIPKEX_DH_GROUP_MODP3072,
		.strength = 128,
		.p = mipkex_modp3072_p,
		.p_len = sizeof(mipkex_modp3072_p),
		.g = mipkex_dh_g2,
		.g_len = sizeof(mipkex_dh_g2),
	}, {
		.id = MIPKEX_DH_GROUP_MODP2048,
		.strength = 112,
		.p = mipkex_modp2048_p,
		.p_len = sizeof(mipkex_modp2048_p),
		.g = mipkex_dh_g2,
		.g_len = sizeof(mipkex_dh_g2),
	}, {
		.id = MIPKEX_DH_GROUP_MODP1024,
		.strength = 80,
		.legacy = true,
		.p = mipkex_modp1024_p,
		.p_len = sizeof(mipkex_modp1024_p),
		.g = mipkex_dh_g2,
		.g_len = sizeof(mipkex_dh_g2),
	}, {
		.id = MIPKEX_DH_GROUP_MODP768,
		.strength = 64,
		.legacy = true,
		.p = mipkex_modp768_p,
		.p_len = sizeof(mipkex_modp768_p),
		.g = mipkex_dh_g2,
		.g_len = sizeof(mipkex_dh_g2),
	},
};

/**
 * mipkex_dh_group_find() - a predefined group by its number
 * @id: IANA IKEv2 DH group number (1, 2, 14, 15 or 31)
 *
 * The user-defined group (%MIPKEX_DH_GROUP_USER) is not predefined: its
 * owner fills a &struct mipkex_dh_group after mipkex_dh_user_group_check().
 *
 * Return: the group, or NULL if @id is not one mipkex knows.
 */
const struct mipkex_dh_group *mipkex_dh_group_find(u16 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mipkex_dh_groups); i++)
		if (mipkex_dh_groups[i].id == id)
			return &mipkex_dh_groups[i];
	return NULL;
}

/*
 * Compare the big-endian integers a and (b - bsub), where bsub is 0 or 1 and
 * b is odd when bsub is 1 (so that the subtraction never borrows); leading
 * zero bytes are allowed in both. Neither value is secret.
 */
static int mipkex_be_cmp(const u8 *a, unsigned int alen, const u8 *b,
			 unsigned int blen, u8 bsub)
{
	unsigned int i;
	u8 bv;

	for (; alen > blen; a++, alen--)
		if (*a)
			return 1;
	for (; blen > alen; b++, blen--)
		if (*b)
			return -1;
	for (i = 0; i < alen; i++) {
		bv = b[i] - (i == alen - 1 ? bsub : 0);
		if (a[i] != bv)
			return a[i] < bv ? -1 : 1;
	}
	return 0;
}

/* Whether 1 < y < p - 1, for a MODP group (p odd). */
static bool mipkex_dh_in_range(const struct mipkex_dh_group *group,
			       const u8 *y, unsigned int len)
{
	static const u8 one = 1;

	return mipkex_be_cmp(y, len, &one, 1, 0) > 0 &&
	       mipkex_be_cmp(y, len, group->p, group->p_len, 1) < 0;
}

static unsigned int mipkex_dh_bits(const u8 *p, unsigned int p_len)
{
	for (; p_len && !*p; p++, p_len--)
		;
	return p_len ? (p_len - 1) * 8 + fls(*p) : 0;
}

/**
 * mipkex_dh_user_strength() - security strength of a user-defined group
 * @p: its prime, big endian
 * @p_len: length of @p in bytes
 *
 * SP 800-57 part 1 table 2, rounded down to the bracket below the prime's
 * bit length: 2048 bits give 112, 3072 give 128, 7680 give 192.
 *
 * Return: the strength in bits, to be put in &mipkex_dh_group.strength.
 */
u16 mipkex_dh_user_strength(const u8 *p, unsigned int p_len)
{
	unsigned int bits = mipkex_dh_bits(p, p_len);

	if (bits >= 15360)
		return 256;
	if (bits >= 7680)
		return 192;
	if (bits >= 3072)
		return 128;
	if (bits >= 2048)
		return 112;
	if (bits >= 1024)
		return 80;
	return bits >= 768 ? 64 : 0;
}

/**
 * mipkex_dh_user_group_check() - validate a user-defined group
 * @p: the prime, big endian
 * @p_len: its length, 256 to %MIPKEX_DH_MAX_LEN bytes
 * @g: the generator, big endian
 * @g_len: its length, 1 to @p_len bytes
 *
 * protocol.rst 7.2 and 8.5: the prime has at least 2048 bits (its first byte
 * is not zero) and is odd, and 1 < g < p - 1. The prime is not tested for
 * primality: a user-defined group comes from the configuration, never from
 * the network.
 *
 * Return: 0 if the group is acceptable, else -EINVAL.
 */
int mipkex_dh_user_group_check(const u8 *p, unsigned int p_len,
			       const u8 *g, unsigned int g_len)
{
	static const u8 one = 1;

	if (!p || p_len < 256 || p_len > MIPKEX_DH_MAX_LEN || !p[0] ||
	    !(p[p_len - 1] & 1))
		return -EINVAL;
	if (!g || !g_len || g_len > p_len)
		return -EINVAL;
	if (mipkex_be_cmp(g, g_len, &one, 1, 0) <= 0 ||
	    mipkex_be_cmp(g, g_len, p, p_len, 1) >= 0)
		return -EINVAL;
	return 0;
}

static bool mipkex_dh_is_x25519(const struct mipkex_dh_group *group)
{
	return group->id == MIPKEX_DH_GROUP_X25519;
}

/* The kernel's "dh" refuses primes shorter than 1536 bits. */
static bool mipkex_dh_is_mpi(const struct mipkex_dh_group *group)
{
	return group->id == MIPKEX_DH_GROUP_MODP768 ||
	       group->id == MIPKEX_DH_GROUP_MODP1024;
}

/* Whether group is usable: a predefined group or a valid user group. */
static int mipkex_dh_group_check(const struct mipkex_dh_group *group)
{
	if (!group)
		return -EINVAL;
	if (group->id == MIPKEX_DH_GROUP_USER)
		return mipkex_dh_user_group_check(group->p, group->p_len,
						  group->g, group->g_len);
	return mipkex_dh_group_find(group->id) ? 0 : -EINVAL;
}

/**
 * mipkex_dh_check_public() - validate a peer's public value
 * @group: its group
 * @pub: the public value
 * @len: its length
 *
 * protocol.rst 7.1 and 8.5: an X25519 value is 32 bytes (the all-zero shared
 * secret of a small-order point is refused by mipkex_dh_compute()); a MODP
 * value is exactly @group->p_len bytes, big endian, with 1 < y < p - 1.
 *
 * Return: 0 if the value is acceptable, else -EINVAL.
 */
int mipkex_dh_check_public(const struct mipkex_dh_group *group,
			   const u8 *pub, unsigned int len)
{
	if (!group || !pub)
		return -EINVAL;
	if (mipkex_dh_is_x25519(group))
		return len == MIPKEX_X25519_LEN ? 0 : -EINVAL;
	if (!group->p || len != group->p_len ||
	    !mipkex_dh_in_range(group, pub, len))
		return -EINVAL;
	return 0;
}

/* out = base^key mod p, left-padded to p_len; base is g if peer is NULL. */
static int mipkex_dh_mpi(const struct mipkex_dh_group *group, const u8 *key,
			 unsigned int keylen, const u8 *peer, u8 *out)
{
	unsigned int plen = group->p_len, n;
	MPI p, base, x, r;
	int err = -ENOMEM;

	p = mpi_read_raw_data(group->p, plen);
	if (peer)
		base = mpi_read_raw_data(peer, plen);
	else
		base = mpi_read_raw_data(group->g, group->g_len);
	x = mpi_read_raw_data(key, keylen);
	r = mpi_alloc(0);
	if (!p || !base || !x || !r)
		goto out;

	err = mpi_powm(r, base, x, p);
	if (err)
		goto out;
	err = mpi_read_buffer(r, out, plen, &n, NULL);
	if (err)
		goto out;
	memmove(out + plen - n, out, n);
	memset(out, 0, plen - n);
out:
	mpi_free(r);
	mpi_free(x);
	mpi_free(base);
	mpi_free(p);
	return err;
}

/*
 * One kpp operation: the public value of the secret (peer NULL) or the shared
 * secret with peer, plen bytes into out. The secret is the kpp's encoding.
 */
static int mipkex_dh_run_kpp(const char *alg, const void *secret,
			     unsigned int slen, unsigned int plen,
			     const u8 *peer, u8 *out)
{
	struct scatterlist src, dst;
	struct kpp_request *req = NULL;
	struct crypto_kpp *tfm;
	DECLARE_CRYPTO_WAIT(wait);
	unsigned int max;
	u8 *buf = NULL;
	int err;

	tfm = crypto_alloc_kpp(alg, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_kpp_set_secret(tfm, secret, slen);
	if (err)
		goto out_tfm;

	/* The output, then a copy of the peer's value: never on the stack. */
	max = crypto_kpp_maxsize(tfm);
	if (max < plen) {
		err = -EINVAL;
		goto out_tfm;
	}
	buf = kzalloc(max + plen, GFP_KERNEL);
	req = kpp_request_alloc(tfm, GFP_KERNEL);
	if (!buf || !req) {
		err = -ENOMEM;
		goto out_req;
	}
	if (peer) {
		memcpy(buf + max, peer, plen);
		sg_init_one(&src, buf + max, plen);
		kpp_request_set_input(req, &src, plen);
	} else {
		kpp_request_set_input(req, NULL, 0);
	}
	sg_init_one(&dst, buf, max);
	kpp_request_set_output(req, &dst, max);
	kpp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				 CRYPTO_TFM_REQ_MAY_SLEEP, crypto_req_done,
				 &wait);
	if (peer)
		err = crypto_kpp_compute_shared_secret(req);
	else
		err = crypto_kpp_generate_public_key(req);
	err = crypto_wait_req(err, &wait);
	/* The value is left-padded to max bytes; it is below p. */
	if (!err && memchr_inv(buf, 0, max - plen))
		err = -EINVAL;
	if (!err)
		memcpy(out, buf + max - plen, plen);
out_req:
	if (req)
		kpp_request_free(req);
	kfree_sensitive(buf);
out_tfm:
	crypto_free_kpp(tfm);
	return err;
}

/* A MODP group through the kernel's "dh" kpp. */
static int mipkex_dh_kpp(const struct mipkex_dh_group *group, const u8 *key,
			 unsigned int keylen, const u8 *peer, u8 *out)
{
	struct dh params = {
		.key = key,
		.key_size = keylen,
		.p = group->p,
		.p_size = group->p_len,
		.g = group->g,
		.g_size = group->g_len,
	};
	unsigned int enclen;
	u8 *enc;
	int err;

	enclen = crypto_dh_key_len(&params);
	enc = kmalloc(enclen, GFP_KERNEL);
	if (!enc)
		return -ENOMEM;
	err = crypto_dh_encode_key(enc, enclen, &params);
	if (!err)
		err = mipkex_dh_run_kpp("dh", enc, enclen, group->p_len, peer,
					out);
	kfree_sensitive(enc);
	return err;
}

/*
 * X25519 through the "curve25519" kpp rather than lib/crypto's functions:
 * the crypto API loads the implementation on demand, so the module has no
 * symbol dependency and a plain insmod works. An all-zero shared secret (a
 * small-order peer point) is refused by the kpp.
 */
static int mipkex_dh_x25519(const u8 *key, const u8 *peer, u8 *out)
{
	int err;

	err = mipkex_dh_run_kpp("curve25519", key, MIPKEX_X25519_LEN,
				MIPKEX_X25519_LEN, peer, out);
	if (!err && !memchr_inv(out, 0, MIPKEX_X25519_LEN))
		err = -EINVAL;
	if (err && err != -ENOENT)
		err = -EINVAL;
	return err;
}

static int mipkex_dh_key_check(const struct mipkex_dh_group *group,
			       const u8 *key, unsigned int keylen)
{
	if (!key || !keylen)
		return -EINVAL;
	if (mipkex_dh_is_x25519(group))
		return keylen == MIPKEX_X25519_LEN ? 0 : -EINVAL;
	return keylen <= group->p_len ? 0 : -EINVAL;
}

/**
 * mipkex_dh_public_with_key() - the public value of a given private value
 * @group: the group
 * @key: the private value: an X25519 scalar (32 bytes, clamped by X25519
 *	itself), or a MODP exponent (1 to @group->p_len bytes, big endian)
 * @keylen: its length
 * @pub: the public value, @group->p_len bytes (left-padded)
 *
 * The part of mipkex_dh_generate() after the random private value: called
 * with a fixed value only by the self-tests and the testing build.
 *
 * Return: 0, -EINVAL for bad arguments, or the crypto API's error (-ENOENT
 * when the kernel offers no "dh", e.g. under fips=1).
 */
int mipkex_dh_public_with_key(const struct mipkex_dh_group *group,
			      const u8 *key, unsigned int keylen, u8 *pub)
{
	int err;

	err = mipkex_dh_group_check(group);
	if (!err)
		err = mipkex_dh_key_check(group, key, keylen);
	if (err || !pub)
		return err ?: -EINVAL;

	if (mipkex_dh_is_x25519(group))
		return mipkex_dh_x25519(key, NULL, pub);
	if (mipkex_dh_is_mpi(group))
		err = mipkex_dh_mpi(group, key, keylen, NULL, pub);
	else
		err = mipkex_dh_kpp(group, key, keylen, NULL, pub);
	/* x = 0 or x = (p - 1) / 2 would give 1 or p - 1: never send them. */
	if (!err && !mipkex_dh_in_range(group, pub, group->p_len))
		err = -EINVAL;
	return err;
}

/**
 * mipkex_dh_compute_with_key() - a shared secret from a given private value
 * @group: the group
 * @key: the private value, as for mipkex_dh_public_with_key()
 * @keylen: its length
 * @peer_pub: the peer's public value, validated here first
 * @len: its length
 * @z: the shared secret, @group->p_len bytes (left-padded)
 *
 * The work of mipkex_dh_compute(), which callers use; this one leaves the
 * private value alone and is called directly only by the self-tests and the
 * testing build. An all-zero X25519 secret (a small-order peer point) and a
 * MODP secret outside 1 < z < p - 1 are refused, and @z zeroised.
 *
 * Return: 0, -EINVAL for a bad public value, shared secret or argument, or
 * the crypto API's error.
 */
int mipkex_dh_compute_with_key(const struct mipkex_dh_group *group,
			       const u8 *key, unsigned int keylen,
			       const u8 *peer_pub, unsigned int len, u8 *z)
{
	int err;

	err = mipkex_dh_group_check(group);
	if (!err)
		err = mipkex_dh_key_check(group, key, keylen);
	if (!err)
		err = mipkex_dh_check_public(group, peer_pub, len);
	if (err || !z)
		return err ?: -EINVAL;

	if (mipkex_dh_is_x25519(group)) {
		err = mipkex_dh_x25519(key, peer_pub, z);
		if (err)
			memzero_explicit(z, MIPKEX_X25519_LEN);
		return err;
	}
	if (mipkex_dh_is_mpi(group))
		err = mipkex_dh_mpi(group, key, keylen, peer_pub, z);
	else
		err = mipkex_dh_kpp(group, key, keylen, peer_pub, z);
	if (!err && !mipkex_dh_in_range(group, z, group->p_len))
		err = -EINVAL;
	if (err)
		memzero_explicit(z, group->p_len);
	return err;
}

static void mipkex_dh_secret_zero(struct mipkex_dh_secret *secret)
{
	memzero_explicit(secret->key, sizeof(secret->key));
	secret->len = 0;
}

/**
 * mipkex_dh_generate() - a fresh ephemeral private value and its public value
 * @group: the group (predefined, or a user-defined group that passed
 *	mipkex_dh_user_group_check())
 * @secret: receives the private value; give it to mipkex_dh_compute() once
 * @pub: the public value, @group->p_len bytes (left-padded)
 *
 * An X25519 scalar, or a random 256-bit exponent for a MODP group. On error
 * @secret holds nothing. May wait for the random number generator to be
 * initialised.
 *
 * Return: 0, -EINVAL for a bad group, or the crypto API's error.
 */
int mipkex_dh_generate(const struct mipkex_dh_group *group,
		       struct mipkex_dh_secret *secret, u8 *pub)
{
	int err;

	if (!secret)
		return -EINVAL;
	mipkex_dh_secret_zero(secret);
	secret->group = group;
	err = mipkex_dh_group_check(group);
	if (err)
		return err;

	secret->len = MIPKEX_DH_PRIV_LEN;
	/* X25519 clamps the scalar itself. */
	err = get_random_bytes_wait(secret->key, secret->len);
	if (err)
		goto out;
	err = mipkex_dh_public_with_key(group, secret->key, secret->len, pub);
out:
	if (err)
		mipkex_dh_secret_zero(secret);
	return err;
}

/**
 * mipkex_dh_compute() - the shared secret with a peer, using up a secret
 * @secret: from mipkex_dh_generate(); zeroised here whatever happens, so it
 *	cannot be used twice
 * @peer_pub: the peer's public value, validated here first (see
 *	mipkex_dh_check_public())
 * @len: its length
 * @z: the shared secret, @secret->group->p_len bytes (left-padded); feed it
 *	to the KDF, never use it as a key
 *
 * Return: 0, -EINVAL for a bad or used secret, a bad public value or a
 * degenerate shared secret (@z is then zeroised), or the crypto API's error.
 */
int mipkex_dh_compute(struct mipkex_dh_secret *secret, const u8 *peer_pub,
		      unsigned int len, u8 *z)
{
	int err = -EINVAL;

	if (!secret)
		return -EINVAL;
	if (secret->group && secret->len && secret->len <= sizeof(secret->key))
		err = mipkex_dh_compute_with_key(secret->group, secret->key,
						 secret->len, peer_pub, len, z);
	mipkex_dh_secret_zero(secret);
	return err;
}
