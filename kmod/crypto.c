// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the cryptographic constructions of Documentation/protocol.rst
 * section 8 over the kernel crypto API.
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/kdf_sp800108.h>
#include <linux/err.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "crypto.h"

/*
 * HMAC-SHA256 transforms, one per CPU, allocated at load: the KDF and the
 * HMAC-SHA256 authenticator run on every key added and on every message, and
 * allocating a transform each time costs more than the computation. Keying
 * and hashing an shash never sleeps, so a caller keeps its CPU's transform
 * with preemption disabled, and rekeys it with zeros before letting it go so
 * that no key state stays behind.
 */
static struct crypto_shash * __percpu *mipkex_hmac_sha256;
static const u8 mipkex_wipe_key[32];

static struct crypto_shash *mipkex_hmac_sha256_get(void)
{
	preempt_disable();
	return *this_cpu_ptr(mipkex_hmac_sha256);
}

static void mipkex_hmac_sha256_put(struct crypto_shash *tfm)
{
	crypto_shash_setkey(tfm, mipkex_wipe_key, sizeof(mipkex_wipe_key));
	preempt_enable();
}

/**
 * mipkex_crypto_init() - allocate the per-CPU HMAC-SHA256 transforms
 *
 * Return: 0 or a negative errno.
 */
int mipkex_crypto_init(void)
{
	struct crypto_shash *tfm;
	int cpu;

	mipkex_hmac_sha256 = alloc_percpu(struct crypto_shash *);
	if (!mipkex_hmac_sha256)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(tfm)) {
			mipkex_crypto_uninit();
			return PTR_ERR(tfm);
		}
		*per_cpu_ptr(mipkex_hmac_sha256, cpu) = tfm;
	}
	return 0;
}

/**
 * mipkex_crypto_uninit() - free what mipkex_crypto_init() allocated
 */
void mipkex_crypto_uninit(void)
{
	int cpu;

	if (!mipkex_hmac_sha256)
		return;
	for_each_possible_cpu(cpu)
		crypto_free_shash(*per_cpu_ptr(mipkex_hmac_sha256, cpu));
	free_percpu(mipkex_hmac_sha256);
	mipkex_hmac_sha256 = NULL;
}

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

	bits = cpu_to_be32((u32)outlen * 8);
	info[n].iov_base = (void *)label;
	info[n++].iov_len = strlen(label);
	info[n].iov_base = (void *)&zero;
	info[n++].iov_len = 1;
	for (i = 0; i < nctx; i++)
		info[n++] = ctx[i];
	info[n].iov_base = &bits;
	info[n++].iov_len = sizeof(bits);

	tfm = mipkex_hmac_sha256_get();
	err = crypto_kdf108_setkey(tfm, key, keylen, NULL, 0);
	if (!err)
		err = crypto_kdf108_ctr_generate(tfm, info, n, out, outlen);
	mipkex_hmac_sha256_put(tfm);
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

/**
 * mipkex_aead_nonce() - the AEAD nonce of protocol.rst section 8.2
 * @nonce: output, Identification(8) || direction(1) || index(1) || 0x0000
 * @ident: the Identification field of the message, as sent
 * @dir: %MIPKEX_DIR_MN_HA, %MIPKEX_DIR_HA_MN or %MIPKEX_DIR_HA_FA
 * @index: position of the element among the message's encrypted elements
 *	that travel in direction @dir
 */
void mipkex_aead_nonce(u8 nonce[MIPKEX_AEAD_NONCE_LEN], u64 ident, u8 dir,
		       u8 index)
{
	put_unaligned_be64(ident, nonce);
	nonce[8] = dir;
	nonce[9] = index;
	nonce[10] = 0;
	nonce[11] = 0;
}

static const char *mipkex_aead_name(enum mipkex_aead alg)
{
	switch (alg) {
	case MIPKEX_AEAD_AES_256_GCM:
		return "gcm(aes)";
	case MIPKEX_AEAD_CHACHA20_POLY1305:
		return "rfc7539(chacha20,poly1305)";
	default:
		return NULL;
	}
}

/* Longest associated data and longest text: a UDP payload. */
#define MIPKEX_AEAD_MAX_LEN	65535

/* Total length of v[0..n), or SIZE_MAX if longer than max. */
static size_t mipkex_kvec_len(const struct kvec *v, unsigned int n,
			      size_t max)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (v[i].iov_len > max - len)
			return SIZE_MAX;
		len += v[i].iov_len;
	}
	return len;
}

/*
 * One AEAD operation, in place on a kmalloc'd copy of AAD || in (|| room for
 * the tag), with the IV after it: no scatterlist ever points to the stack.
 */
static int mipkex_aead_crypt(bool enc, enum mipkex_aead alg,
			     const u8 key[MIPKEX_AEAD_KEY_LEN],
			     const u8 nonce[MIPKEX_AEAD_NONCE_LEN],
			     const struct kvec *aad, unsigned int naad,
			     const u8 *in, size_t inlen, u8 *out)
{
	const char *name = mipkex_aead_name(alg);
	struct crypto_aead *tfm;
	struct aead_request *req;
	struct scatterlist sg;
	size_t alen, buflen;
	unsigned int i;
	u8 *buf, *p;
	int err;

	if (!name || !key || !nonce || (naad && !aad) || (inlen && !in) ||
	    !out)
		return -EINVAL;
	alen = mipkex_kvec_len(aad, naad, MIPKEX_AEAD_MAX_LEN);
	if (alen == SIZE_MAX || inlen > MIPKEX_AEAD_MAX_LEN ||
	    (!enc && inlen < MIPKEX_AEAD_TAG_LEN))
		return -EINVAL;
	buflen = alen + inlen + (enc ? MIPKEX_AEAD_TAG_LEN : 0);

	buf = kmalloc(buflen + MIPKEX_AEAD_NONCE_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (p = buf, i = 0; i < naad; p += aad[i].iov_len, i++)
		memcpy(p, aad[i].iov_base, aad[i].iov_len);
	if (inlen)
		memcpy(p, in, inlen);
	memcpy(buf + buflen, nonce, MIPKEX_AEAD_NONCE_LEN);

	tfm = crypto_alloc_aead(name, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm)) {
		err = PTR_ERR(tfm);
		goto out_buf;
	}
	err = -EINVAL;
	if (crypto_aead_ivsize(tfm) != MIPKEX_AEAD_NONCE_LEN)
		goto out_tfm;
	err = crypto_aead_setkey(tfm, key, MIPKEX_AEAD_KEY_LEN);
	if (!err)
		err = crypto_aead_setauthsize(tfm, MIPKEX_AEAD_TAG_LEN);
	if (err)
		goto out_tfm;
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req) {
		err = -ENOMEM;
		goto out_tfm;
	}

	sg_init_one(&sg, buf, buflen);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, alen);
	/* Decryption's length includes the tag. */
	aead_request_set_crypt(req, &sg, &sg, inlen, buf + buflen);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	if (!err)
		memcpy(out, buf + alen, enc ? inlen + MIPKEX_AEAD_TAG_LEN :
					      inlen - MIPKEX_AEAD_TAG_LEN);
	aead_request_free(req);
out_tfm:
	crypto_free_aead(tfm);
out_buf:
	kfree_sensitive(buf);
	return err;
}

/**
 * mipkex_aead_seal() - encrypt and authenticate (protocol.rst 8.2, 8.4)
 * @alg: the AEAD
 * @key: the key, from mipkex_kdf()
 * @nonce: the nonce, from mipkex_aead_nonce()
 * @aad: the associated data, as consecutive pieces
 * @naad: number of pieces in @aad
 * @pt: the plaintext
 * @ptlen: its length
 * @out: ciphertext || tag, @ptlen + %MIPKEX_AEAD_TAG_LEN bytes; may be @pt
 *
 * Return: 0, -EINVAL for a bad argument or a length over 64 KiB, -ENOENT if
 * the kernel lacks the algorithm (ChaCha20-Poly1305 under fips=1), or
 * another negative errno.
 */
int mipkex_aead_seal(enum mipkex_aead alg, const u8 key[MIPKEX_AEAD_KEY_LEN],
		     const u8 nonce[MIPKEX_AEAD_NONCE_LEN],
		     const struct kvec *aad, unsigned int naad,
		     const u8 *pt, size_t ptlen, u8 *out)
{
	return mipkex_aead_crypt(true, alg, key, nonce, aad, naad, pt, ptlen,
				 out);
}

/**
 * mipkex_aead_open() - verify and decrypt (protocol.rst 8.2, 8.4)
 * @alg: the AEAD
 * @key: the key, from mipkex_kdf()
 * @nonce: the nonce, from mipkex_aead_nonce()
 * @aad: the associated data, as consecutive pieces
 * @naad: number of pieces in @aad
 * @ct: ciphertext || tag
 * @ctlen: its length, at least %MIPKEX_AEAD_TAG_LEN
 * @out: the plaintext, @ctlen - %MIPKEX_AEAD_TAG_LEN bytes, written only
 *	if the tag verifies; may be @ct
 *
 * Return: 0, -EBADMSG if the tag does not verify, -EINVAL for a bad
 * argument (@ctlen shorter than the tag), -ENOENT if the kernel lacks the
 * algorithm, or another negative errno.
 */
int mipkex_aead_open(enum mipkex_aead alg, const u8 key[MIPKEX_AEAD_KEY_LEN],
		     const u8 nonce[MIPKEX_AEAD_NONCE_LEN],
		     const struct kvec *aad, unsigned int naad,
		     const u8 *ct, size_t ctlen, u8 *out)
{
	return mipkex_aead_crypt(false, alg, key, nonce, aad, naad, ct, ctlen,
				 out);
}

static const char *mipkex_auth_name(enum mipkex_auth alg)
{
	switch (alg) {
	case MIPKEX_AUTH_HMAC_SHA256:
		return "hmac(sha256)";
	case MIPKEX_AUTH_HMAC_MD5:
		return "hmac(md5)";
	default:
		return NULL;
	}
}

/**
 * mipkex_auth_len() - length of an authenticator (protocol.rst 8.3)
 * @alg: the algorithm
 *
 * Return: 32 for HMAC-SHA256, 16 for HMAC-MD5, 0 for anything else.
 */
unsigned int mipkex_auth_len(enum mipkex_auth alg)
{
	switch (alg) {
	case MIPKEX_AUTH_HMAC_SHA256:
		return 32;
	case MIPKEX_AUTH_HMAC_MD5:
		return 16;
	default:
		return 0;
	}
}

/* The digest of data[0..n) under a keyed shash. */
static int mipkex_shash_digest(struct crypto_shash *tfm,
			       const struct kvec *data, unsigned int n, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	unsigned int i;
	int err;

	desc->tfm = tfm;
	err = crypto_shash_init(desc);
	for (i = 0; !err && i < n; i++)
		err = crypto_shash_update(desc, data[i].iov_base,
					  data[i].iov_len);
	if (!err)
		err = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return err;
}

/**
 * mipkex_auth() - compute an authenticator (protocol.rst 8.3)
 * @alg: the algorithm
 * @key: its key
 * @keylen: the key's length
 * @data: the covered bytes, as consecutive pieces
 * @ndata: number of pieces in @data
 * @out: the authenticator, mipkex_auth_len(@alg) bytes
 *
 * Return: 0, -EINVAL for an unknown algorithm, -ENOENT if the kernel lacks
 * it (HMAC-MD5 under fips=1), or the crypto API's error.
 */
int mipkex_auth(enum mipkex_auth alg, const u8 *key, size_t keylen,
		const struct kvec *data, unsigned int ndata, u8 *out)
{
	const char *name = mipkex_auth_name(alg);
	struct crypto_shash *tfm;
	int err;

	if (!name || (keylen && !key) || (ndata && !data) || !out)
		return -EINVAL;
	if (alg == MIPKEX_AUTH_HMAC_SHA256) {
		tfm = mipkex_hmac_sha256_get();
		err = crypto_shash_setkey(tfm, key, keylen);
		if (!err)
			err = mipkex_shash_digest(tfm, data, ndata, out);
		mipkex_hmac_sha256_put(tfm);
		return err;
	}
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (crypto_shash_digestsize(tfm) != mipkex_auth_len(alg)) {
		err = -EINVAL;
		goto out;
	}
	err = crypto_shash_setkey(tfm, key, keylen);
	if (!err)
		err = mipkex_shash_digest(tfm, data, ndata, out);
out:
	crypto_free_shash(tfm);
	return err;
}

/**
 * mipkex_auth_verify() - check an authenticator in constant time
 * @alg: the algorithm
 * @key: its key
 * @keylen: the key's length
 * @data: the covered bytes, as consecutive pieces
 * @ndata: number of pieces in @data
 * @mac: the authenticator received
 * @maclen: its length; anything but mipkex_auth_len(@alg) fails
 *
 * Return: true only if @mac is the authenticator of @data under @key.
 */
bool mipkex_auth_verify(enum mipkex_auth alg, const u8 *key, size_t keylen,
			const struct kvec *data, unsigned int ndata,
			const u8 *mac, size_t maclen)
{
	u8 expect[MIPKEX_AUTH_MAX_LEN];
	unsigned int len = mipkex_auth_len(alg);
	bool ok;

	if (!len || !mac || maclen != len)
		return false;
	ok = !mipkex_auth(alg, key, keylen, data, ndata, expect) &&
	     !crypto_memneq(expect, mac, len);
	memzero_explicit(expect, sizeof(expect));
	return ok;
}

/**
 * mipkex_crypto_available() - whether the kernel offers a synchronous
 *	implementation of an algorithm
 * @alg_name: a crypto API name, e.g. "rfc7539(chacha20,poly1305)",
 *	"hmac(md5)" or "dh"
 *
 * May load a module. Under fips=1 the algorithms that are not FIPS-approved
 * are reported unavailable.
 *
 * Return: true if a transform of that name can be allocated.
 */
bool mipkex_crypto_available(const char *alg_name)
{
	return alg_name && crypto_has_alg(alg_name, 0, CRYPTO_ALG_ASYNC);
}
