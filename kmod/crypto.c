// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the cryptographic constructions of Documentation/protocol.rst
 * section 8 over the kernel crypto API.
 */

#include <crypto/hash.h>
#include <crypto/kdf_sp800108.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "crypto.h"

/**
 * mipkex_kdf() - KDF(K, label, context, L) of protocol.rst section 8.1
 * @key: K
 * @keylen: its length, at least 32 bytes
 * @label: ASCII label, without terminator on the wire
 * @ctx: the context, as consecutive pieces
 * @nctx: number of pieces in @ctx (at most 4)
 * @out: output
 * @outlen: output length L/8, 1 to %MIPKEX_KDF_MAX_OUT bytes
 *
 * SP 800-108 counter mode with HMAC-SHA256, the fixed input being
 * label || 0x00 || context || L (32-bit, in bits). Process context.
 *
 * Return: 0, -EINVAL for bad lengths, or the crypto API's error.
 */
int mipkex_kdf(const u8 *key, size_t keylen, const char *label,
	       const struct kvec *ctx, unsigned int nctx, u8 *out,
	       size_t outlen)
{
	static const u8 zero;
	struct crypto_shash *tfm;
	struct kvec info[7];
	__be32 bits;
	unsigned int i, n = 0;
	int err;

	if (keylen < 32 || !outlen || outlen > MIPKEX_KDF_MAX_OUT || nctx > 4)
		return -EINVAL;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_kdf108_setkey(tfm, key, keylen, NULL, 0);
	if (err)
		goto out;

	bits = cpu_to_be32((u32)outlen * 8);
	info[n].iov_base = (void *)label;
	info[n++].iov_len = strlen(label);
	info[n].iov_base = (void *)&zero;
	info[n++].iov_len = 1;
	for (i = 0; i < nctx; i++)
		info[n++] = ctx[i];
	info[n].iov_base = &bits;
	info[n++].iov_len = sizeof(bits);

	err = crypto_kdf108_ctr_generate(tfm, info, n, out, outlen);
out:
	crypto_free_shash(tfm);
	return err;
}

/**
 * mipkex_fingerprint() - the non-secret fingerprint of a configured key
 * @key: the key
 * @keylen: its length, at least 32 bytes
 * @out: the first %MIPKEX_FINGERPRINT_LEN bytes of
 *	KDF(key, "mipkex fingerprint", empty, 64)
 *
 * Return: 0 or a negative errno.
 */
int mipkex_fingerprint(const u8 *key, size_t keylen,
		       u8 out[MIPKEX_FINGERPRINT_LEN])
{
	return mipkex_kdf(key, keylen, MIPKEX_LABEL_FPR, NULL, 0, out,
			  MIPKEX_FINGERPRINT_LEN);
}
