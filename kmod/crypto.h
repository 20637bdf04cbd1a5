/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the cryptographic constructions of Documentation/protocol.rst
 * section 8, over the kernel crypto API. Every function here may sleep
 * (transform allocation, DH): call them from process context only, i.e. from
 * a genetlink handler or the per-namespace worker, never from a hook.
 */
#ifndef _MIPKEX_CRYPTO_H
#define _MIPKEX_CRYPTO_H

#include <linux/types.h>
#include <linux/uio.h>

#include <linux/mipkex.h>

#define MIPKEX_AEAD_KEY_LEN	32
#define MIPKEX_AEAD_NONCE_LEN	12
#define MIPKEX_AEAD_TAG_LEN	16
#define MIPKEX_AUTH_MAX_LEN	32	/* HMAC-SHA256 */
#define MIPKEX_KDF_MAX_OUT	64

/* Directions of the AEAD nonce (protocol.rst 8.2). */
#define MIPKEX_DIR_MN_HA	1
#define MIPKEX_DIR_HA_MN	2
#define MIPKEX_DIR_HA_FA	3

/* KDF labels (protocol.rst 8.1). */
#define MIPKEX_LABEL_ID_ENC	"mipkex id-enc"
#define MIPKEX_LABEL_WRAP	"mipkex wrap"
#define MIPKEX_LABEL_MN_HA	"mipkex mn-ha"
#define MIPKEX_LABEL_KEY1	"mipkex key1"
#define MIPKEX_LABEL_KEY3	"mipkex key3"
#define MIPKEX_LABEL_SEMI	"mipkex semi"
#define MIPKEX_LABEL_FPR	"mipkex fingerprint"

int mipkex_crypto_init(void);
void mipkex_crypto_uninit(void);
int mipkex_kdf(const u8 *key, size_t keylen, const char *label,
	       const struct kvec *ctx, unsigned int nctx, u8 *out,
	       size_t outlen);
int mipkex_fingerprint(const u8 *key, size_t keylen,
		       u8 out[MIPKEX_FINGERPRINT_LEN]);

void mipkex_aead_nonce(u8 nonce[MIPKEX_AEAD_NONCE_LEN], u64 ident, u8 dir,
		       u8 index);
int mipkex_aead_seal(enum mipkex_aead alg, const u8 key[MIPKEX_AEAD_KEY_LEN],
		     const u8 nonce[MIPKEX_AEAD_NONCE_LEN],
		     const struct kvec *aad, unsigned int naad,
		     const u8 *pt, size_t ptlen, u8 *out);
int mipkex_aead_open(enum mipkex_aead alg, const u8 key[MIPKEX_AEAD_KEY_LEN],
		     const u8 nonce[MIPKEX_AEAD_NONCE_LEN],
		     const struct kvec *aad, unsigned int naad,
		     const u8 *ct, size_t ctlen, u8 *out);

unsigned int mipkex_auth_len(enum mipkex_auth alg);
int mipkex_auth(enum mipkex_auth alg, const u8 *key, size_t keylen,
		const struct kvec *data, unsigned int ndata, u8 *out);
bool mipkex_auth_verify(enum mipkex_auth alg, const u8 *key, size_t keylen,
			const struct kvec *data, unsigned int ndata,
			const u8 *mac, size_t maclen);

bool mipkex_crypto_available(const char *alg_name);

#endif /* _MIPKEX_CRYPTO_H */
