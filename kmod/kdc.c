// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the key distribution centre of Documentation/protocol.rst section
 * 8.6. KEY1 (MN-HA), KEY2 (FA-HA) and KEY3 (MN-FA) of one registration, in
 * the stateful mode (random keys the home agent keeps with the binding), the
 * semi-stateful mode (derived from the seed and the registration) and the
 * Diffie-Hellman mode (KEY1 and KEY3 from the shared secret and the
 * negotiation transcript, KEY2 random). Process context only: the KDF may
 * allocate a transform.
 */

#include <asm/unaligned.h>
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "crypto.h"
#include "kdc.h"

/* Longest NAI (protocol.rst 5.1), so that its length fits one byte. */
#define MIPKEX_KDC_NAI_MAX	253

/* Context pieces (protocol.rst 8.6.2) around the NAI. */
#define MIPKEX_SEMI_HEAD_LEN	6	/* n(1) HA address(4) NAI length(1) */
#define MIPKEX_SEMI_TAIL_LEN	16	/* home(4) care-of(4) Identification(8) */

/*
 * KEYn = KDF(seed, "mipkex semi", n || HA address || len(NAI) || NAI ||
 *	      home address || care-of address || Identification, 256)
 */
static int mipkex_kdc_semi_key(const struct mipkex_kdc_conf *conf,
			       const struct mipkex_kdc_reg *reg, u8 n, u8 *key)
{
	u8 head[MIPKEX_SEMI_HEAD_LEN];
	u8 tail[MIPKEX_SEMI_TAIL_LEN];
	struct kvec ctx[3];

	head[0] = n;
	memcpy(head + 1, &reg->ha_addr, 4);
	head[5] = (u8)reg->mn_nai_len;
	memcpy(tail, &reg->home_addr, 4);
	memcpy(tail + 4, &reg->coa, 4);
	put_unaligned_be64(reg->ident, tail + 8);

	ctx[0].iov_base = head;
	ctx[0].iov_len = sizeof(head);
	ctx[1].iov_base = (void *)reg->mn_nai;
	ctx[1].iov_len = reg->mn_nai_len;
	ctx[2].iov_base = tail;
	ctx[2].iov_len = sizeof(tail);

	return mipkex_kdf(conf->seed, conf->seed_len, MIPKEX_LABEL_SEMI, ctx,
			  ARRAY_SIZE(ctx), key, MIPKEX_KDC_KEY_LEN);
}

static int mipkex_kdc_semi(const struct mipkex_kdc_conf *conf,
			   const struct mipkex_kdc_reg *reg,
			   struct mipkex_kdc_keys *keys)
{
	int err;

	if (!conf->seed_len)
		return -ENOKEY;
	if (!reg->mn_nai || !reg->mn_nai_len ||
	    reg->mn_nai_len > MIPKEX_KDC_NAI_MAX)
		return -EINVAL;

	err = mipkex_kdc_semi_key(conf, reg, 1, keys->key1);
	if (!err)
		err = mipkex_kdc_semi_key(conf, reg, 2, keys->key2);
	if (!err)
		err = mipkex_kdc_semi_key(conf, reg, 3, keys->key3);
	return err;
}

/**
 * mipkex_kdc_generate() - KEY1, KEY2 and KEY3 of a registration in the
 *	stateful or semi-stateful mode (protocol.rst 8.6.1, 8.6.2)
 * @conf: the namespace's KDC parameters; @conf->mode selects the mode
 * @reg: the registration, as the home agent has it from the request (the
 *	semi-stateful mode derives from it; the stateful mode ignores it)
 * @keys: where the keys go; zeroised on failure
 *
 * In the stateful mode the keys are random and the caller keeps them with
 * the binding. In the semi-stateful mode each KEYn is derived from the seed
 * and the registration, so that the KDC can recompute it from the request.
 * The Diffie-Hellman mode has its own function, mipkex_kdc_dh_keys().
 * Process context.
 *
 * Return: 0; -ENOKEY in the semi-stateful mode without a seed; -EINVAL for
 * the Diffie-Hellman or an unknown mode, or a missing or over-long NAI in
 * the semi-stateful mode; or the KDF's error.
 */
int mipkex_kdc_generate(const struct mipkex_kdc_conf *conf,
			const struct mipkex_kdc_reg *reg,
			struct mipkex_kdc_keys *keys)
{
	int err;

	switch (conf->mode) {
	case MIPKEX_KDC_MODE_STATEFUL:
		get_random_bytes(keys->key1, sizeof(keys->key1));
		get_random_bytes(keys->key2, sizeof(keys->key2));
		get_random_bytes(keys->key3, sizeof(keys->key3));
		return 0;
	case MIPKEX_KDC_MODE_SEMI:
		err = mipkex_kdc_semi(conf, reg, keys);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err)
		mipkex_kdc_keys_zero(keys);
	return err;
}

/* The transcript as one piece when it has more than mipkex_kdf() takes. */
static void *mipkex_kdc_flatten(const struct kvec *iov, unsigned int n,
				size_t *len)
{
	size_t total = 0, off = 0;
	unsigned int i;
	u8 *buf;

	for (i = 0; i < n; i++)
		if (check_add_overflow(total, iov[i].iov_len, &total))
			return NULL;
	buf = kvmalloc(total ? total : 1, GFP_KERNEL);
	if (!buf)
		return NULL;
	for (i = 0; i < n; i++) {
		memcpy(buf + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	*len = total;
	return buf;
}

/**
 * mipkex_kdc_dh_keys() - the keys of a registration in the Diffie-Hellman
 *	mode (protocol.rst 8.6.3)
 * @z: the shared secret Z, as mipkex_dh_compute() gives it (32 bytes for
 *	X25519, the prime's length for a MODP group)
 * @z_len: its length, at least 32 bytes
 * @transcript: the transcript of protocol.rst 8.6.3, as consecutive pieces
 *	(typically one per payload)
 * @n: number of pieces in @transcript
 * @keys: where the keys go; zeroised on failure
 *
 * KEY1 = KDF(Z, "mipkex key1", transcript, 256) and KEY3 = KDF(Z,
 * "mipkex key3", transcript, 256), which the mobile node derives too; KEY2
 * is random. The caller zeroises @z. Process context.
 *
 * Return: 0, -EINVAL for a short @z, -ENOMEM, or the KDF's error.
 */
int mipkex_kdc_dh_keys(const u8 *z, unsigned int z_len,
		       const struct kvec *transcript, unsigned int n,
		       struct mipkex_kdc_keys *keys)
{
	const struct kvec *ctx = transcript;
	struct kvec flat;
	void *buf = NULL;
	int err;

	if (z_len < 32) {
		err = -EINVAL;
		goto out;
	}
	/* mipkex_kdf() takes at most four context pieces. */
	if (n > 4) {
		buf = mipkex_kdc_flatten(transcript, n, &flat.iov_len);
		if (!buf) {
			err = -ENOMEM;
			goto out;
		}
		flat.iov_base = buf;
		ctx = &flat;
		n = 1;
	}

	err = mipkex_kdf(z, z_len, MIPKEX_LABEL_KEY1, ctx, n, keys->key1,
			 MIPKEX_KDC_KEY_LEN);
	if (!err)
		err = mipkex_kdf(z, z_len, MIPKEX_LABEL_KEY3, ctx, n,
				 keys->key3, MIPKEX_KDC_KEY_LEN);
	if (!err)
		get_random_bytes(keys->key2, sizeof(keys->key2));
	kvfree(buf);
out:
	if (err)
		mipkex_kdc_keys_zero(keys);
	return err;
}

/**
 * mipkex_kdc_keys_zero() - zeroise the keys of a registration
 * @keys: the keys; may be NULL
 *
 * Uses memzero_explicit(), which the compiler cannot optimise away.
 */
void mipkex_kdc_keys_zero(struct mipkex_kdc_keys *keys)
{
	if (keys)
		memzero_explicit(keys, sizeof(*keys));
}
