// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the per-message cryptography of Documentation/protocol.rst 8.1-8.4
 * on message buffers, shared by the role handlers (mn.c, fa.c, ha.c).
 */

#include <linux/ktime.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uio.h>
#include <asm/unaligned.h>

#include "protect.h"

/**
 * mipkex_derive() - a key for one message (protocol.rst 8.1)
 * @key: KEY0 or the FA-HA key
 * @keylen: its length (32-64)
 * @label: %MIPKEX_LABEL_ID_ENC, %MIPKEX_LABEL_WRAP or %MIPKEX_LABEL_MN_HA
 * @spi: the SPI of @key
 * @ident: the Identification of the message being protected, as sent
 * @home: with @fa_ctx: the message's home address
 * @ha: with @fa_ctx: the message's home agent address
 * @fa_ctx: the FA context (8.1: elements wrapped for the FA), whose context
 *	is SPI || Identification || home address || HA address; otherwise
 *	SPI || Identification
 * @out: the 32-byte key
 *
 * Return: 0 or a negative errno.
 */
int mipkex_derive(const u8 *key, size_t keylen, const char *label, u32 spi,
		  u64 ident, __be32 home, __be32 ha, bool fa_ctx,
		  u8 out[MIPKEX_AEAD_KEY_LEN])
{
	u8 ctx[4 + 8 + 4 + 4];
	struct kvec v = { .iov_base = ctx, .iov_len = 12 };

	put_unaligned_be32(spi, ctx);
	put_unaligned_be64(ident, ctx + 4);
	if (fa_ctx) {
		memcpy(ctx + 12, &home, 4);
		memcpy(ctx + 16, &ha, 4);
		v.iov_len = sizeof(ctx);
	}
	return mipkex_kdf(key, keylen, label, &v, 1, out, MIPKEX_AEAD_KEY_LEN);
}

/* The associated data of an element (8.2): fixed part, VSE and GP headers. */
static void mipkex_vse_aad(struct kvec aad[2], const u8 *msg,
			   size_t fixed_len, size_t vse_off)
{
	aad[0].iov_base = (void *)msg;
	aad[0].iov_len = fixed_len;
	aad[1].iov_base = (void *)(msg + vse_off);
	aad[1].iov_len = MIPKEX_VSE_HDR_LEN + MIPKEX_GP_HDR_LEN;
}

/**
 * mipkex_vse_seal() - encrypt an element's INFO in place (8.2, 8.4)
 * @alg: the AEAD
 * @key: the derived key
 * @ident: the message's Identification, as sent
 * @dir: %MIPKEX_DIR_MN_HA, %MIPKEX_DIR_HA_MN or %MIPKEX_DIR_HA_FA
 * @index: the element's index among the message's encrypted elements of
 *	direction @dir
 * @msg: the message being built; its fixed part and the element's vendor
 *	extension and element headers are final
 * @fixed_len: length of the fixed part
 * @vse_off: offset of the vendor extension's type byte in @msg
 * @ptlen: length of the plaintext INFO, which follows the element header
 *	and is followed by %MIPKEX_AEAD_TAG_LEN bytes of room
 * @buf: @msg, writable
 *
 * Return: 0 or a negative errno.
 */
int mipkex_vse_seal(enum mipkex_aead alg, const u8 key[MIPKEX_AEAD_KEY_LEN],
		    u64 ident, u8 dir, u8 index, const u8 *msg,
		    size_t fixed_len, size_t vse_off, size_t ptlen, u8 *buf)
{
	u8 nonce[MIPKEX_AEAD_NONCE_LEN];
	size_t info = vse_off + MIPKEX_VSE_HDR_LEN + MIPKEX_GP_HDR_LEN;
	struct kvec aad[2];

	mipkex_aead_nonce(nonce, ident, dir, index);
	mipkex_vse_aad(aad, msg, fixed_len, vse_off);
	return mipkex_aead_seal(alg, key, nonce, aad, 2, buf + info, ptlen,
				buf + info);
}

/**
 * mipkex_vse_open() - decrypt an element's INFO (8.2, 8.4)
 * @alg: the AEAD
 * @key: the derived key
 * @ident: the message's Identification, as received
 * @dir: the direction
 * @index: the element's index among the message's encrypted elements of
 *	direction @dir
 * @msg: the message
 * @fixed_len: length of its fixed part
 * @ext: the element's vendor extension, from mipkex_ext_next()
 * @out: the plaintext INFO; room for the INFO's length minus the tag
 * @outlen: set to the plaintext's length
 *
 * Return: 0, -EBADMSG if it does not decrypt, -EINVAL if the element is
 * too short to hold a tag and one byte, or another negative errno.
 */
int mipkex_vse_open(enum mipkex_aead alg, const u8 key[MIPKEX_AEAD_KEY_LEN],
		    u64 ident, u8 dir, u8 index, const u8 *msg,
		    size_t fixed_len, const struct mipkex_ext *ext, u8 *out,
		    size_t *outlen)
{
	u8 nonce[MIPKEX_AEAD_NONCE_LEN];
	struct kvec aad[2];
	size_t ctlen;
	int err;

	if (ext->value_len < MIPKEX_GP_HDR_LEN + MIPKEX_AEAD_TAG_LEN + 1)
		return -EINVAL;
	ctlen = ext->value_len - MIPKEX_GP_HDR_LEN;
	mipkex_aead_nonce(nonce, ident, dir, index);
	mipkex_vse_aad(aad, msg, fixed_len, ext->off);
	err = mipkex_aead_open(alg, key, nonce, aad, 2,
			       ext->value + MIPKEX_GP_HDR_LEN, ctlen, out);
	if (!err)
		*outlen = ctlen - MIPKEX_AEAD_TAG_LEN;
	return err;
}

/**
 * mipkex_auth_sign() - fill in an authentication extension's authenticator
 * @alg: the algorithm
 * @key: the key
 * @keylen: its length
 * @msg: the message; the extension's type, length and SPI are final, and
 *	its authenticator (mipkex_auth_len(@alg) bytes) follows them
 * @covered: the bytes it covers: the message up to and including the SPI
 *	(mipkex_wire_put_auth() gives it)
 *
 * Return: 0 or a negative errno.
 */
int mipkex_auth_sign(enum mipkex_auth alg, const u8 *key, size_t keylen,
		     u8 *msg, size_t covered)
{
	struct kvec v = { .iov_base = msg, .iov_len = covered };

	return mipkex_auth(alg, key, keylen, &v, 1, msg + covered);
}

/**
 * mipkex_auth_check() - verify an authentication extension
 * @alg: the algorithm
 * @key: the key
 * @keylen: its length
 * @msg: the message
 * @ext: the extension, from mipkex_ext_next()
 *
 * An authenticator of the wrong length for @alg fails (8.3).
 *
 * Return: true if it verifies.
 */
bool mipkex_auth_check(enum mipkex_auth alg, const u8 *key, size_t keylen,
		       const u8 *msg, const struct mipkex_ext *ext)
{
	struct kvec v = {
		.iov_base = (void *)msg,
		.iov_len = mipkex_wire_auth_covered(ext),
	};

	return mipkex_auth_verify(alg, key, keylen, &v, 1, ext->auth,
				  ext->auth_len);
}

/* Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
#define MIPKEX_NTP_UNIX_OFFSET	2208988800ULL

/**
 * mipkex_ntp_now() - the time as an RFC 5944 timestamp Identification
 *
 * Return: NTP seconds in the high 32 bits, the fraction in the low 32.
 */
u64 mipkex_ntp_now(void)
{
	struct timespec64 ts;

	ktime_get_real_ts64(&ts);
	return ((u64)(ts.tv_sec + MIPKEX_NTP_UNIX_OFFSET) << 32) |
	       div_u64((u64)ts.tv_nsec << 32, NSEC_PER_SEC);
}
