// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: the cryptography of "mipkex decode --keys FILE".
 *
 * Primitives come from OpenSSL's libcrypto, nothing is written by hand:
 * the KDF of protocol.rst 8.1 is libcrypto's SP 800-108 KBKDF (EVP_KDF
 * "KBKDF": mode counter, mac HMAC, digest SHA256), whose input to the PRF
 * is i(4) || label || 0x00 || context || L(4) with a 32-bit counter first
 * and L the output length in bits - section 8.1's layout exactly (label is
 * the KDF's "salt", context its "info"); the document's vectors check it
 * (selftests/host/decode.sh). AEADs through EVP_CIPHER, authenticators
 * through HMAC(). Every key, derived key and plaintext is zeroised with
 * OPENSSL_cleanse() once used.
 *
 * The key table is what the configuration file parser (conf.c) reads: KEY0
 * entries by SPI, FA-HA peers by address and SPI.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "conf.h"
#include "decrypt.h"
#include "entry.h"

struct mk_keytab {
	struct mk_key0 *k0;	/* sorted by SPI */
	size_t nk0;
	struct mk_peer *pe;
	size_t npe;
};

static int cmp_spi(const void *a, const void *b)
{
	const struct mk_key0 *x = a, *y = b;

	return x->spi < y->spi ? -1 : x->spi > y->spi;
}

/**
 * mk_keytab_load() - read the keys of a configuration file
 * @path: the file (Documentation/config.rst)
 * @out: the table
 * @vendor: the file's [node] vendor, 0 if it has none
 *
 * Return: 0, or -1 with the parser's messages printed.
 */
int mk_keytab_load(const char *path, struct mk_keytab **out, uint32_t *vendor)
{
	struct mk_keytab *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	if (mk_conf_keys(path, &t->k0, &t->nk0, &t->pe, &t->npe, vendor)) {
		free(t);
		return -1;
	}
	if (t->nk0)
		qsort(t->k0, t->nk0, sizeof(*t->k0), cmp_spi);
	*out = t;
	return 0;
}

void mk_keytab_free(struct mk_keytab *t)
{
	if (!t)
		return;
	if (t->k0)
		OPENSSL_cleanse(t->k0, t->nk0 * sizeof(*t->k0));
	if (t->pe)
		OPENSSL_cleanse(t->pe, t->npe * sizeof(*t->pe));
	free(t->k0);
	free(t->pe);
	free(t);
}

static int aead_of(bool have, uint8_t v)
{
	return have && v == MIPKEX_AEAD_CHACHA20_POLY1305 ?
	       MK_AEAD_CHACHA20_POLY1305 : MK_AEAD_AES_256_GCM;
}

static int mac_of(bool have, uint8_t v)
{
	return have && v == MIPKEX_AUTH_HMAC_MD5 ? MK_MAC_HMAC_MD5 :
	       MK_MAC_HMAC_SHA256;
}

/* Return: whether the table has a KEY0 entry for @spi, then in @out. */
bool mk_keytab_key0(const struct mk_keytab *t, uint32_t spi,
		    struct mk_dkey *out)
{
	struct mk_key0 probe = { .spi = spi };
	const struct mk_key0 *e;

	if (!t || !t->nk0)
		return false;
	e = bsearch(&probe, t->k0, t->nk0, sizeof(*t->k0), cmp_spi);
	if (!e)
		return false;
	out->key = e->key.b;
	out->len = e->key.len;
	out->spi = e->spi;
	out->addr = 0;
	out->aead = aead_of(HAVE(e, MIPKEX_KEY0_A_AEAD), e->aead);
	out->mac = mac_of(HAVE(e, MIPKEX_KEY0_A_AUTH), e->auth);
	return true;
}

/*
 * The peers with SPI @spi whose address is one of @addrs (any address if
 * @n_addrs is 0), at most @max of them in @out, in file order.
 * Return: how many.
 */
size_t mk_keytab_peers(const struct mk_keytab *t, uint32_t spi,
		       const uint32_t *addrs, size_t n_addrs,
		       struct mk_dkey *out, size_t max)
{
	size_t i, j, n = 0;
	bool hit;

	if (!t)
		return 0;
	for (i = 0; i < t->npe && n < max; i++) {
		const struct mk_peer *e = &t->pe[i];

		if (e->spi != spi)
			continue;
		hit = !n_addrs;
		for (j = 0; j < n_addrs; j++)
			hit |= e->addr == addrs[j];
		if (!hit)
			continue;
		out[n].key = e->key.b;
		out[n].len = e->key.len;
		out[n].spi = e->spi;
		out[n].addr = e->addr;
		out[n].aead = aead_of(HAVE(e, MIPKEX_PEER_A_AEAD), e->aead);
		out[n].mac = mac_of(HAVE(e, MIPKEX_PEER_A_AUTH), e->auth);
		n++;
	}
	return n;
}

const char *mk_aead_name(int aead)
{
	return aead == MK_AEAD_CHACHA20_POLY1305 ? "ChaCha20-Poly1305" :
						   "AES-256-GCM";
}

const char *mk_mac_name(int mac)
{
	return mac == MK_MAC_HMAC_MD5 ? "HMAC-MD5" : "HMAC-SHA256";
}

size_t mk_mac_len(int mac)
{
	return mac == MK_MAC_HMAC_MD5 ? 16 : 32;
}

static EVP_KDF *kbkdf;

/**
 * mk_kdf() - KDF(K, label, context, L) of protocol.rst 8.1
 * @k: K
 * @k_len: its length
 * @label: the label, ASCII
 * @ctx: the context
 * @ctx_len: its length (may be 0)
 * @out: the output
 * @out_len: its length, L / 8
 *
 * Return: 0, or -1.
 */
int mk_kdf(const uint8_t *k, size_t k_len, const char *label,
	   const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len)
{
	OSSL_PARAM params[8], *p = params;
	EVP_KDF_CTX *kc;
	int ret;

	if (!kbkdf)
		kbkdf = EVP_KDF_fetch(NULL, "KBKDF", NULL);
	if (!kbkdf)
		return -1;
	kc = EVP_KDF_CTX_new(kbkdf);
	if (!kc)
		return -1;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE,
						(char *)"counter", 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC,
						(char *)"HMAC", 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)k, k_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						 (void *)label, strlen(label));
	if (ctx_len)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
							 (void *)ctx, ctx_len);
	*p = OSSL_PARAM_construct_end();
	ret = EVP_KDF_derive(kc, out, out_len, params) > 0 ? 0 : -1;
	EVP_KDF_CTX_free(kc);
	if (ret)
		OPENSSL_cleanse(out, out_len);
	return ret;
}

/**
 * mk_mac() - an authenticator (protocol.rst 8.3)
 * @mac: &enum mk_mac
 * @k: the key
 * @k_len: its length
 * @data: the covered bytes
 * @len: their length
 * @out: mk_mac_len(@mac) bytes
 *
 * Return: 0, or -1.
 */
int mk_mac(int mac, const uint8_t *k, size_t k_len, const uint8_t *data,
	   size_t len, uint8_t *out)
{
	unsigned int n = 0;

	if (!HMAC(mac == MK_MAC_HMAC_MD5 ? EVP_md5() : EVP_sha256(), k,
		  (int)k_len, data, len, out, &n) || n != mk_mac_len(mac))
		return -1;
	return 0;
}

/**
 * mk_aead_open() - decrypt and authenticate (protocol.rst 8.2, 8.4)
 * @aead: &enum mk_aead
 * @key: MK_AEAD_KEY_LEN bytes
 * @nonce: MK_AEAD_NONCE_LEN bytes
 * @aad: the associated data
 * @aad_len: its length
 * @in: ciphertext || tag
 * @in_len: its length, more than MK_AEAD_TAG_LEN
 * @out: @in_len - MK_AEAD_TAG_LEN bytes of plaintext
 *
 * Return: 0; -EBADMSG if the tag does not match (@out zeroised); -EIO if
 * libcrypto failed otherwise.
 */
int mk_aead_open(int aead, const uint8_t *key, const uint8_t *nonce,
		 const uint8_t *aad, size_t aad_len, const uint8_t *in,
		 size_t in_len, uint8_t *out)
{
	const EVP_CIPHER *c = aead == MK_AEAD_CHACHA20_POLY1305 ?
			      EVP_chacha20_poly1305() : EVP_aes_256_gcm();
	size_t ct_len = in_len - MK_AEAD_TAG_LEN;
	EVP_CIPHER_CTX *cc;
	int n, ret = -EIO;

	if (in_len <= MK_AEAD_TAG_LEN || ct_len > INT32_MAX ||
	    aad_len > INT32_MAX)
		return -EIO;
	cc = EVP_CIPHER_CTX_new();
	if (!cc)
		return -EIO;
	if (EVP_DecryptInit_ex(cc, c, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_AEAD_SET_IVLEN,
				MK_AEAD_NONCE_LEN, NULL) != 1 ||
	    EVP_DecryptInit_ex(cc, NULL, NULL, key, nonce) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_AEAD_SET_TAG, MK_AEAD_TAG_LEN,
				(void *)(in + ct_len)) != 1 ||
	    EVP_DecryptUpdate(cc, NULL, &n, aad, (int)aad_len) != 1 ||
	    EVP_DecryptUpdate(cc, out, &n, in, (int)ct_len) != 1)
		goto out;
	ret = EVP_DecryptFinal_ex(cc, out + n, &n) == 1 ? 0 : -EBADMSG;
out:
	EVP_CIPHER_CTX_free(cc);
	if (ret)
		OPENSSL_cleanse(out, ct_len);
	return ret;
}

/* protocol.rst 8.6.5: the 8 bytes of KDF(key, "mipkex fingerprint", "", 64). */
int mk_fingerprint(const uint8_t *k, size_t len, uint8_t *out)
{
	return mk_kdf(k, len, "mipkex fingerprint", NULL, 0, out, MK_FPR_LEN);
}

/* In constant time. */
bool mk_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void mk_cleanse(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

void mk_crypto_cleanup(void)
{
	EVP_KDF_free(kbkdf);
	kbkdf = NULL;
}
