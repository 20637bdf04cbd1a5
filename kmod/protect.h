/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: the per-message cryptography of Documentation/protocol.rst 8.1-8.4
 * applied to message buffers: keys derived for one message, encrypted
 * elements sealed and opened in place, authentication extensions signed
 * and checked. Process context (the worker) only.
 */
#ifndef _MIPKEX_PROTECT_H
#define _MIPKEX_PROTECT_H

#include <linux/types.h>

#include <linux/mipkex.h>

#include "crypto.h"
#include "wire.h"

/* Length of a vendor extension's header: type through vendor type. */
#define MIPKEX_VSE_HDR_LEN	10
/* Length of an element's header: content type, flags, SPI. */
#define MIPKEX_GP_HDR_LEN	6

int mipkex_derive(const u8 *key, size_t keylen, const char *label, u32 spi,
		  u64 ident, __be32 home, __be32 ha, bool fa_ctx,
		  u8 out[MIPKEX_AEAD_KEY_LEN]);
int mipkex_vse_seal(enum mipkex_aead alg, const u8 key[MIPKEX_AEAD_KEY_LEN],
		    u64 ident, u8 dir, u8 index, const u8 *msg,
		    size_t fixed_len, size_t vse_off, size_t ptlen, u8 *buf);
int mipkex_vse_open(enum mipkex_aead alg, const u8 key[MIPKEX_AEAD_KEY_LEN],
		    u64 ident, u8 dir, u8 index, const u8 *msg,
		    size_t fixed_len, const struct mipkex_ext *ext, u8 *out,
		    size_t *outlen);
int mipkex_auth_sign(enum mipkex_auth alg, const u8 *key, size_t keylen,
		     u8 *msg, size_t covered);
bool mipkex_auth_check(enum mipkex_auth alg, const u8 *key, size_t keylen,
		       const u8 *msg, const struct mipkex_ext *ext);
u64 mipkex_ntp_now(void);

#endif /* _MIPKEX_PROTECT_H */
