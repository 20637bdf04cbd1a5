// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: test-only controls. Compiled only into the testing build of the
 * module ("make testing-module", MIPKEX_TESTING=y), never into the one that is
 * installed: selftests load it from build/testing/.
 *
 * /sys/kernel/debug/mipkex/hold_worker
 *	While 1, workers leave queued datagrams in their queue, so that a test
 *	can fill a queue and then change the role, delete the namespace or
 *	unload the module with datagrams queued. Teardown drains regardless.
 *	Back to 0, a queue resumes at its next datagram.
 *
 * Generic netlink family "mipkex_test" (testing.h)
 *	Runs one cryptographic construction of crypto.c or dh.c on inputs the
 *	test supplies and returns its output, for selftests/kernel/crypto.py;
 *	and reports bindings and denials as role handlers do, from fields the
 *	test supplies, for selftests/kernel/bindings.sh.
 */

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/genetlink.h>

#include "binding.h"
#include "crypto.h"
#include "dh.h"
#include "mipkex.h"
#include "testing.h"

bool mipkex_testing_hold;

static struct dentry *mipkex_testing_dir;
static struct genl_family mipkex_test_family;

#define MIPKEX_TEST_MAX		MIPKEX_TEST_MAX_DATA
#define MIPKEX_TEST_MAX_DH	(2 * MIPKEX_DH_MAX_LEN)

static const struct nla_policy mipkex_test_policy[MIPKEX_TEST_A_MAX + 1] = {
	[MIPKEX_TEST_A_OP] = NLA_POLICY_RANGE(NLA_U8, 1,
					      __MIPKEX_TEST_OP_MAX - 1),
	[MIPKEX_TEST_A_ALG] = { .type = NLA_U8 },
	[MIPKEX_TEST_A_KEY] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX },
	[MIPKEX_TEST_A_LABEL] = { .type = NLA_NUL_STRING, .len = 128 },
	[MIPKEX_TEST_A_CONTEXT] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX },
	[MIPKEX_TEST_A_LENGTH] = { .type = NLA_U32 },
	[MIPKEX_TEST_A_IDENT] = { .type = NLA_U64 },
	[MIPKEX_TEST_A_DIR] = { .type = NLA_U8 },
	[MIPKEX_TEST_A_INDEX] = { .type = NLA_U8 },
	[MIPKEX_TEST_A_NONCE] = NLA_POLICY_EXACT_LEN(MIPKEX_AEAD_NONCE_LEN),
	[MIPKEX_TEST_A_AAD] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX },
	[MIPKEX_TEST_A_DATA] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX },
	[MIPKEX_TEST_A_MAC] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX },
	[MIPKEX_TEST_A_GROUP] = { .type = NLA_U16 },
	[MIPKEX_TEST_A_PRIME] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX_DH },
	[MIPKEX_TEST_A_GENERATOR] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX_DH },
	[MIPKEX_TEST_A_PRIVATE] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX_DH },
	[MIPKEX_TEST_A_PEER] = { .type = NLA_BINARY, .len = MIPKEX_TEST_MAX_DH },
	[MIPKEX_TEST_A_BINDING] = { .type = NLA_NESTED },
	[MIPKEX_TEST_A_CODE] = { .type = NLA_U8 },
	[MIPKEX_TEST_A_MESSAGE] = { .type = NLA_NUL_STRING, .len = 256 },
};

static const struct nla_policy mipkex_test_sa_policy[MIPKEX_SA_A_MAX + 1] = {
	[MIPKEX_SA_A_PAIR] = { .type = NLA_U8 },
	[MIPKEX_SA_A_PROTOCOL] = { .type = NLA_U8 },
	[MIPKEX_SA_A_ENCR] = { .type = NLA_U16 },
	[MIPKEX_SA_A_ENCR_BITS] = { .type = NLA_U16 },
	[MIPKEX_SA_A_INTEG] = { .type = NLA_U16 },
	[MIPKEX_SA_A_SPI_IN] = { .type = NLA_U32 },
	[MIPKEX_SA_A_SPI_OUT] = { .type = NLA_U32 },
	[MIPKEX_SA_A_LIFETIME] = { .type = NLA_U32 },
};

static const struct nla_policy mipkex_test_binding_policy[MIPKEX_BINDING_A_MAX + 1] = {
	[MIPKEX_BINDING_A_HOME_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_BINDING_A_HA_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_BINDING_A_COA] = { .type = NLA_BE32 },
	[MIPKEX_BINDING_A_FA_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_BINDING_A_KEY0_SPI] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_NAI] = { .type = NLA_NUL_STRING,
				   .len = MIPKEX_NAI_MAX_LEN },
	[MIPKEX_BINDING_A_MODE] = { .type = NLA_U8 },
	[MIPKEX_BINDING_A_DH_GROUP] = { .type = NLA_U16 },
	[MIPKEX_BINDING_A_LIFETIME] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_IDENT] = { .type = NLA_U64 },
	[MIPKEX_BINDING_A_SA] = NLA_POLICY_NESTED(mipkex_test_sa_policy),
};

/* The pieces of the repeatable attributes, in message order. */
struct mipkex_test_pieces {
	struct kvec ctx[MIPKEX_TEST_MAX_PIECES];
	struct kvec aad[MIPKEX_TEST_MAX_PIECES];
	struct kvec data[MIPKEX_TEST_MAX_PIECES];
	unsigned int nctx, naad, ndata;
};

static int mipkex_test_gather(struct genl_info *info,
			      struct mipkex_test_pieces *p)
{
	struct nlattr *nla;
	struct kvec *v;
	unsigned int *n;
	int rem;

	nla_for_each_attr(nla, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		switch (nla_type(nla)) {
		case MIPKEX_TEST_A_CONTEXT:
			v = p->ctx;
			n = &p->nctx;
			break;
		case MIPKEX_TEST_A_AAD:
			v = p->aad;
			n = &p->naad;
			break;
		case MIPKEX_TEST_A_DATA:
			v = p->data;
			n = &p->ndata;
			break;
		default:
			continue;
		}
		if (*n == MIPKEX_TEST_MAX_PIECES) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "too many pieces");
			return -E2BIG;
		}
		v[*n].iov_base = nla_data(nla);
		v[(*n)++].iov_len = nla_len(nla);
	}
	return 0;
}

static const u8 *mipkex_test_bin(struct genl_info *info, int type,
				 unsigned int *len)
{
	struct nlattr *nla = info->attrs[type];

	*len = nla ? nla_len(nla) : 0;
	return nla ? nla_data(nla) : NULL;
}

/* A reply with up to three binary attributes and an optional u8. */
static int mipkex_test_reply(struct genl_info *info, int t1, const u8 *d1,
			     unsigned int l1, int t2, const u8 *d2,
			     unsigned int l2, int result)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(l1) + nla_total_size(l2) +
			  nla_total_size(1), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mipkex_test_family, 0,
				MIPKEX_TEST_CMD_RUN);
	if (!hdr)
		goto err;
	if ((d1 && nla_put(msg, t1, l1, d1)) ||
	    (d2 && nla_put(msg, t2, l2, d2)) ||
	    (result >= 0 && nla_put_u8(msg, MIPKEX_TEST_A_RESULT, result)))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int mipkex_test_output(struct genl_info *info, const u8 *out,
			      unsigned int len)
{
	return mipkex_test_reply(info, MIPKEX_TEST_A_OUTPUT, out, len, 0, NULL,
				 0, -1);
}

static int mipkex_test_kdf(struct genl_info *info,
			   const struct mipkex_test_pieces *p)
{
	u8 out[MIPKEX_KDF_MAX_OUT];
	unsigned int keylen, len;
	const char *label;
	const u8 *key;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_KEY) ||
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_LABEL) ||
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_LENGTH))
		return -EINVAL;
	key = mipkex_test_bin(info, MIPKEX_TEST_A_KEY, &keylen);
	len = nla_get_u32(info->attrs[MIPKEX_TEST_A_LENGTH]);
	label = nla_data(info->attrs[MIPKEX_TEST_A_LABEL]);
	err = mipkex_kdf(key, keylen, label, p->ctx, p->nctx, out, len);
	if (!err)
		err = mipkex_test_output(info, out, len);
	memzero_explicit(out, sizeof(out));
	return err;
}

static int mipkex_test_fingerprint(struct genl_info *info)
{
	u8 out[MIPKEX_FINGERPRINT_LEN];
	unsigned int keylen;
	const u8 *key;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_KEY))
		return -EINVAL;
	key = mipkex_test_bin(info, MIPKEX_TEST_A_KEY, &keylen);
	err = mipkex_fingerprint(key, keylen, out);
	return err ?: mipkex_test_output(info, out, sizeof(out));
}

static int mipkex_test_nonce(struct genl_info *info)
{
	u8 nonce[MIPKEX_AEAD_NONCE_LEN];

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_IDENT) ||
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_DIR) ||
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_INDEX))
		return -EINVAL;
	mipkex_aead_nonce(nonce, nla_get_u64(info->attrs[MIPKEX_TEST_A_IDENT]),
			  nla_get_u8(info->attrs[MIPKEX_TEST_A_DIR]),
			  nla_get_u8(info->attrs[MIPKEX_TEST_A_INDEX]));
	return mipkex_test_output(info, nonce, sizeof(nonce));
}

static int mipkex_test_aead(struct genl_info *info,
			    const struct mipkex_test_pieces *p, bool seal)
{
	const u8 *key, *nonce, *in = NULL;
	unsigned int keylen, len = 0, outlen;
	u8 *out, alg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_ALG) ||
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_KEY) ||
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_NONCE))
		return -EINVAL;
	key = mipkex_test_bin(info, MIPKEX_TEST_A_KEY, &keylen);
	if (keylen != MIPKEX_AEAD_KEY_LEN || p->ndata > 1)
		return -EINVAL;
	if (p->ndata) {
		in = p->data[0].iov_base;
		len = p->data[0].iov_len;
	}
	if (!seal && len < MIPKEX_AEAD_TAG_LEN)
		return -EINVAL;
	outlen = seal ? len + MIPKEX_AEAD_TAG_LEN : len - MIPKEX_AEAD_TAG_LEN;
	out = kmalloc(outlen + 1, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	alg = nla_get_u8(info->attrs[MIPKEX_TEST_A_ALG]);
	nonce = nla_data(info->attrs[MIPKEX_TEST_A_NONCE]);
	if (seal)
		err = mipkex_aead_seal(alg, key, nonce, p->aad, p->naad, in, len,
				       out);
	else
		err = mipkex_aead_open(alg, key, nonce, p->aad, p->naad, in, len,
				       out);
	if (!err)
		err = mipkex_test_output(info, out, outlen);
	kfree_sensitive(out);
	return err;
}

static int mipkex_test_auth(struct genl_info *info,
			    const struct mipkex_test_pieces *p, bool verify)
{
	unsigned int keylen, maclen;
	u8 out[MIPKEX_AUTH_MAX_LEN];
	const u8 *key, *mac;
	u8 alg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_ALG) ||
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_KEY) ||
	    (verify && GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_MAC)))
		return -EINVAL;
	alg = nla_get_u8(info->attrs[MIPKEX_TEST_A_ALG]);
	key = mipkex_test_bin(info, MIPKEX_TEST_A_KEY, &keylen);
	if (verify) {
		mac = mipkex_test_bin(info, MIPKEX_TEST_A_MAC, &maclen);
		return mipkex_test_reply(info, 0, NULL, 0, 0, NULL, 0,
					 mipkex_auth_verify(alg, key, keylen,
							    p->data, p->ndata,
							    mac, maclen));
	}
	err = mipkex_auth(alg, key, keylen, p->data, p->ndata, out);
	return err ?: mipkex_test_output(info, out, mipkex_auth_len(alg));
}

/* The group of a request: predefined, or the user-defined one it gives. */
static int mipkex_test_group(struct genl_info *info,
			     struct mipkex_dh_group *user,
			     const struct mipkex_dh_group **group)
{
	u16 id;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_GROUP))
		return -EINVAL;
	id = nla_get_u16(info->attrs[MIPKEX_TEST_A_GROUP]);
	if (id != MIPKEX_DH_GROUP_USER) {
		*group = mipkex_dh_group_find(id);
		return *group ? 0 : -ENOENT;
	}
	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_PRIME) ||
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_GENERATOR))
		return -EINVAL;
	user->id = MIPKEX_DH_GROUP_USER;
	user->p = mipkex_test_bin(info, MIPKEX_TEST_A_PRIME, &user->p_len);
	user->g = mipkex_test_bin(info, MIPKEX_TEST_A_GENERATOR, &user->g_len);
	err = mipkex_dh_user_group_check(user->p, user->p_len, user->g,
					 user->g_len);
	if (err)
		return err;
	user->strength = mipkex_dh_user_strength(user->p, user->p_len);
	*group = user;
	return 0;
}

static int mipkex_test_dh(struct genl_info *info, bool check_only)
{
	const struct mipkex_dh_group *group;
	struct mipkex_dh_group user = { };
	struct mipkex_dh_secret secret;
	unsigned int privlen, peerlen;
	const u8 *priv, *peer;
	u8 *pub, *z;
	int err, result = -1;

	err = mipkex_test_group(info, &user, &group);
	if (err)
		return err;
	priv = mipkex_test_bin(info, MIPKEX_TEST_A_PRIVATE, &privlen);
	peer = mipkex_test_bin(info, MIPKEX_TEST_A_PEER, &peerlen);
	if (check_only) {
		if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_PEER))
			return -EINVAL;
		return mipkex_dh_check_public(group, peer, peerlen) ?:
		       mipkex_test_reply(info, 0, NULL, 0, 0, NULL, 0, -1);
	}

	/* public value, shared secret, scratch */
	pub = kzalloc(3 * group->p_len, GFP_KERNEL);
	if (!pub)
		return -ENOMEM;
	z = pub + group->p_len;
	if (priv) {
		/* The peer's value first: a bad one fails before any work. */
		if (peer)
			err = mipkex_dh_compute_with_key(group, priv, privlen,
							 peer, peerlen, z);
		if (!err)
			err = mipkex_dh_public_with_key(group, priv, privlen,
							pub);
	} else {
		err = mipkex_dh_generate(group, &secret, pub);
		if (!err && peer) {
			err = mipkex_dh_compute(&secret, peer, peerlen, z);
			/* Used up: zeroised, and refused a second time. */
			result = !secret.len &&
				 !memchr_inv(secret.key, 0,
					     sizeof(secret.key)) &&
				 mipkex_dh_compute(&secret, peer, peerlen,
						   z + group->p_len) == -EINVAL;
		}
		memzero_explicit(&secret, sizeof(secret));
	}
	if (!err)
		err = mipkex_test_reply(info, MIPKEX_TEST_A_PUBLIC, pub,
					group->p_len, MIPKEX_TEST_A_SHARED,
					peer ? z : NULL, group->p_len, result);
	kfree_sensitive(pub);
	return err;
}

static int mipkex_test_available(struct genl_info *info)
{
	const char *name;

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_LABEL))
		return -EINVAL;
	name = nla_data(info->attrs[MIPKEX_TEST_A_LABEL]);
	return mipkex_test_reply(info, 0, NULL, 0, 0, NULL, 0,
				 mipkex_crypto_available(name));
}

static u32 mipkex_test_u32(struct nlattr **tb, int type, unsigned int size)
{
	if (!tb[type])
		return 0;
	switch (size) {
	case 1:
		return nla_get_u8(tb[type]);
	case 2:
		return nla_get_u16(tb[type]);
	}
	return nla_get_u32(tb[type]);
}

/* A binding's fields from the request; the keys zeroised in it once copied. */
static int mipkex_test_binding_info(struct genl_info *info,
				    struct mipkex_binding_info *bi)
{
	struct nlattr *tb[MIPKEX_BINDING_A_MAX + 1], *st[MIPKEX_SA_A_MAX + 1];
	struct nlattr *nla;
	unsigned int nkey = 0;
	int rem, err;

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_BINDING))
		return -EINVAL;
	err = nla_parse_nested(tb, MIPKEX_BINDING_A_MAX,
			       info->attrs[MIPKEX_TEST_A_BINDING],
			       mipkex_test_binding_policy, info->extack);
	if (err)
		return err;
	if (tb[MIPKEX_BINDING_A_HOME_ADDR])
		bi->home_addr = nla_get_in_addr(tb[MIPKEX_BINDING_A_HOME_ADDR]);
	if (tb[MIPKEX_BINDING_A_HA_ADDR])
		bi->ha_addr = nla_get_in_addr(tb[MIPKEX_BINDING_A_HA_ADDR]);
	if (tb[MIPKEX_BINDING_A_COA])
		bi->coa = nla_get_in_addr(tb[MIPKEX_BINDING_A_COA]);
	if (tb[MIPKEX_BINDING_A_FA_ADDR])
		bi->fa_addr = nla_get_in_addr(tb[MIPKEX_BINDING_A_FA_ADDR]);
	bi->key0_spi = mipkex_test_u32(tb, MIPKEX_BINDING_A_KEY0_SPI, 4);
	if (tb[MIPKEX_BINDING_A_NAI]) {
		bi->nai_len = nla_len(tb[MIPKEX_BINDING_A_NAI]) - 1;
		memcpy(bi->nai, nla_data(tb[MIPKEX_BINDING_A_NAI]), bi->nai_len);
	}
	bi->mode = mipkex_test_u32(tb, MIPKEX_BINDING_A_MODE, 1);
	bi->dh_group = mipkex_test_u32(tb, MIPKEX_BINDING_A_DH_GROUP, 2);
	bi->lifetime = min_t(u32, mipkex_test_u32(tb, MIPKEX_BINDING_A_LIFETIME,
						  4), U16_MAX);
	if (tb[MIPKEX_BINDING_A_IDENT])
		bi->ident = nla_get_u64(tb[MIPKEX_BINDING_A_IDENT]);

	nla_for_each_nested(nla, info->attrs[MIPKEX_TEST_A_BINDING], rem) {
		struct mipkex_sa_info *sa;

		if (nla_type(nla) != MIPKEX_BINDING_A_SA)
			continue;
		if (bi->n_sa == ARRAY_SIZE(bi->sa))
			return -E2BIG;
		err = nla_parse_nested(st, MIPKEX_SA_A_MAX, nla,
				       mipkex_test_sa_policy, info->extack);
		if (err)
			return err;
		sa = &bi->sa[bi->n_sa++];
		sa->pair = mipkex_test_u32(st, MIPKEX_SA_A_PAIR, 1);
		sa->protocol = mipkex_test_u32(st, MIPKEX_SA_A_PROTOCOL, 1);
		sa->encr_id = mipkex_test_u32(st, MIPKEX_SA_A_ENCR, 2);
		sa->encr_bits = mipkex_test_u32(st, MIPKEX_SA_A_ENCR_BITS, 2);
		sa->integ_id = mipkex_test_u32(st, MIPKEX_SA_A_INTEG, 2);
		sa->spi_in = mipkex_test_u32(st, MIPKEX_SA_A_SPI_IN, 4);
		sa->spi_out = mipkex_test_u32(st, MIPKEX_SA_A_SPI_OUT, 4);
		sa->lifetime = mipkex_test_u32(st, MIPKEX_SA_A_LIFETIME, 4);
	}

	nla_for_each_attr(nla, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		struct mipkex_sa_info *sa;

		if (nla_type(nla) != MIPKEX_TEST_A_KEY)
			continue;
		if (nkey == bi->n_sa)
			return -E2BIG;
		sa = &bi->sa[nkey++];
		if (!nla_len(nla))
			continue;
		if (nla_len(nla) != sizeof(sa->key))
			return -EINVAL;
		memcpy(sa->key, nla_data(nla), sizeof(sa->key));
		memzero_explicit(nla_data(nla), nla_len(nla));
		sa->has_key = true;
	}
	return 0;
}

static int mipkex_test_binding(struct genl_info *info, u8 op)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct mipkex_binding_info *bi;
	const char *msg;
	int err;

	bi = kzalloc(sizeof(*bi), GFP_KERNEL);
	if (!bi)
		return -ENOMEM;
	err = mipkex_test_binding_info(info, bi);
	if (err)
		goto out;
	switch (op) {
	case MIPKEX_TEST_OP_BINDING_ACCEPT:
		err = mipkex_binding_accept(mn, bi);
		break;
	case MIPKEX_TEST_OP_BINDING_REMOVE:
		err = mipkex_binding_remove(mn, bi->home_addr, bi->ha_addr);
		break;
	default:
		msg = info->attrs[MIPKEX_TEST_A_MESSAGE] ?
		      nla_data(info->attrs[MIPKEX_TEST_A_MESSAGE]) : "";
		mipkex_event_denied(mn, bi->home_addr, bi->ha_addr,
				    bi->nai_len ? bi->nai : NULL,
				    mipkex_test_u32(info->attrs,
						    MIPKEX_TEST_A_CODE, 1),
				    msg);
	}
out:
	kfree_sensitive(bi);
	return err;
}

static int mipkex_test_run(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_test_pieces *p;
	int err;
	u8 op;

	if (GENL_REQ_ATTR_CHECK(info, MIPKEX_TEST_A_OP))
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = mipkex_test_gather(info, p);
	if (err)
		goto out;

	op = nla_get_u8(info->attrs[MIPKEX_TEST_A_OP]);
	switch (op) {
	case MIPKEX_TEST_OP_KDF:
		err = mipkex_test_kdf(info, p);
		break;
	case MIPKEX_TEST_OP_FINGERPRINT:
		err = mipkex_test_fingerprint(info);
		break;
	case MIPKEX_TEST_OP_NONCE:
		err = mipkex_test_nonce(info);
		break;
	case MIPKEX_TEST_OP_SEAL:
	case MIPKEX_TEST_OP_OPEN:
		err = mipkex_test_aead(info, p, op == MIPKEX_TEST_OP_SEAL);
		break;
	case MIPKEX_TEST_OP_AUTH:
	case MIPKEX_TEST_OP_VERIFY:
		err = mipkex_test_auth(info, p, op == MIPKEX_TEST_OP_VERIFY);
		break;
	case MIPKEX_TEST_OP_DH:
	case MIPKEX_TEST_OP_DH_CHECK:
		err = mipkex_test_dh(info, op == MIPKEX_TEST_OP_DH_CHECK);
		break;
	case MIPKEX_TEST_OP_AVAILABLE:
		err = mipkex_test_available(info);
		break;
	case MIPKEX_TEST_OP_BINDING_ACCEPT:
	case MIPKEX_TEST_OP_BINDING_REMOVE:
	case MIPKEX_TEST_OP_DENIED:
		err = mipkex_test_binding(info, op);
		break;
	default:
		err = -EOPNOTSUPP;
	}
out:
	kfree(p);
	return err;
}

static const struct genl_small_ops mipkex_test_ops[] = {
	{
		.cmd = MIPKEX_TEST_CMD_RUN,
		.doit = mipkex_test_run,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family mipkex_test_family __ro_after_init = {
	.name = MIPKEX_TEST_GENL_NAME,
	.version = MIPKEX_TEST_GENL_VERSION,
	.maxattr = MIPKEX_TEST_A_MAX,
	.policy = mipkex_test_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = mipkex_test_ops,
	.n_small_ops = ARRAY_SIZE(mipkex_test_ops),
	.resv_start_op = MIPKEX_TEST_CMD_RUN + 1,
};

static bool mipkex_test_registered;

/**
 * mipkex_testing_init() - create the debugfs controls and register the
 *	"mipkex_test" generic netlink family
 */
void mipkex_testing_init(void)
{
	mipkex_testing_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_bool("hold_worker", 0600, mipkex_testing_dir,
			    &mipkex_testing_hold);
	if (genl_register_family(&mipkex_test_family))
		pr_warn("cannot register the %s family\n",
			MIPKEX_TEST_GENL_NAME);
	else
		mipkex_test_registered = true;
}

/**
 * mipkex_testing_uninit() - undo mipkex_testing_init()
 */
void mipkex_testing_uninit(void)
{
	if (mipkex_test_registered)
		genl_unregister_family(&mipkex_test_family);
	debugfs_remove_recursive(mipkex_testing_dir);
}

MODULE_INFO(test, "Y");
