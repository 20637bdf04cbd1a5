/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: the cryptography of "mipkex decode --keys FILE"
 * (Documentation/protocol.rst section 8), in userspace through OpenSSL's
 * libcrypto, and the key table read from a configuration file
 * (Documentation/config.rst).
 *
 * The interface uses only standard C types, so that decode.c (built on the
 * module's codec headers) needs nothing from the tool's netlink headers.
 */
#ifndef MIPKEX_TOOL_DECRYPT_H
#define MIPKEX_TOOL_DECRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MK_AEAD_KEY_LEN		32
#define MK_AEAD_NONCE_LEN	12
#define MK_AEAD_TAG_LEN		16
#define MK_MAC_MAX_LEN		32
#define MK_FPR_LEN		8

enum mk_aead { MK_AEAD_AES_256_GCM, MK_AEAD_CHACHA20_POLY1305 };
enum mk_mac { MK_MAC_HMAC_SHA256, MK_MAC_HMAC_MD5 };

/**
 * struct mk_dkey - a key of the key table, as the decoder uses it
 * @key: the key (owned by the table)
 * @len: its length
 * @spi: the SPI of its security association
 * @addr: peers: the peer's IPv4 address, network order; KEY0: 0
 * @aead: &enum mk_aead
 * @mac: &enum mk_mac
 */
struct mk_dkey {
	const uint8_t *key;
	size_t len;
	uint32_t spi;
	uint32_t addr;
	int aead;
	int mac;
};

struct mk_keytab;

int mk_keytab_load(const char *path, struct mk_keytab **out,
		   uint32_t *vendor);
void mk_keytab_free(struct mk_keytab *t);
bool mk_keytab_key0(const struct mk_keytab *t, uint32_t spi,
		    struct mk_dkey *out);
size_t mk_keytab_peers(const struct mk_keytab *t, uint32_t spi,
		       const uint32_t *addrs, size_t n_addrs,
		       struct mk_dkey *out, size_t max);

const char *mk_aead_name(int aead);
const char *mk_mac_name(int mac);
size_t mk_mac_len(int mac);

int mk_kdf(const uint8_t *k, size_t k_len, const char *label,
	   const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len);
int mk_mac(int mac, const uint8_t *k, size_t k_len, const uint8_t *data,
	   size_t len, uint8_t *out);
int mk_aead_open(int aead, const uint8_t *key, const uint8_t *nonce,
		 const uint8_t *aad, size_t aad_len, const uint8_t *in,
		 size_t in_len, uint8_t *out);
int mk_fingerprint(const uint8_t *k, size_t len, uint8_t *out);
bool mk_equal(const void *a, const void *b, size_t n);
void mk_cleanse(void *p, size_t n);
void mk_crypto_cleanup(void);

#endif
