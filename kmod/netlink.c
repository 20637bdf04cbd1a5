// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: the "mipkex" generic netlink family (uapi/linux/mipkex.h).
 *
 * Every operation acts on the namespace of the requesting socket. Policies are
 * per operation and strictly validated; an operation without a policy accepts
 * no attribute. Writes need CAP_NET_ADMIN in the namespace's user namespace.
 *
 * Errors: an attribute of the wrong type or length is -EINVAL with the
 * kernel's generic message ("invalid attribute length", ...) and the
 * attribute's offset; every other rejection, a number out of its bounds
 * included, is -EINVAL with a message naming the attribute (and, for a
 * number, the values allowed), and the attribute's offset, or the missing
 * attribute, in the extended ack; except -EEXIST, -ENOENT (NLM_F_* semantics
 * of NEW, DEL and GET) and -ENOSPC (the max_key0 / max_peer bound). A
 * rejected request changes nothing: every check is made before anything is
 * applied.
 *
 * Keys (KEY0, FA-HA, KDC seed) are write only: they are zeroised in the
 * request once copied and never put into a reply. Bindings' keys never
 * leave the kernel either: replies and events carry fingerprints.
 *
 * Events go to the multicast group "events", which only listeners with
 * CAP_NET_ADMIN in the namespace's user namespace may join.
 */

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/in.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "binding.h"
#include "xfrm.h"
#include "kdc.h"
#include "key0.h"
#include "mipkex.h"
#include "peer.h"
#include "selftest.h"

static struct genl_family mipkex_genl_family;
/* Whether the family is registered: events are sent only then. */
static bool mipkex_genl_live;

/*
 * Checks too specific for a policy, with their own messages. Only binary and
 * string attributes get a validation function in a policy: 6.1's policy dump
 * (CTRL_CMD_GETPOLICY, and the extended ack of a type or length error) reads
 * the range of an integer attribute from the union that holds the function,
 * and warns. Integer checks are made in code, after parsing and before
 * anything is applied (mipkex_check_bounds(), mipkex_*_check()).
 */

static int mipkex_check_key_len(const struct nlattr *attr,
				struct netlink_ext_ack *extack,
				const char *msg)
{
	if (nla_len(attr) < MIPKEX_KEY_MIN_LEN ||
	    nla_len(attr) > MIPKEX_KEY_MAX_LEN) {
		mipkex_set_err(extack, attr, msg);
		return -EINVAL;
	}
	return 0;
}

static int mipkex_key0_key_validate(const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	return mipkex_check_key_len(attr, extack,
				    "KEY0 key must be 32 to 64 bytes");
}

/* The policy made sure of a NUL within 254 bytes and 253 bytes at most. */
static int mipkex_key0_nai_validate(const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	const char *nai = nla_data(attr);
	int len = nla_len(attr);

	if (!len || !nai[0]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "KEY0 NAI must not be empty");
		return -EINVAL;
	}
	if (strnlen(nai, len) != len - 1) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "KEY0 NAI must be one NUL-terminated string, without NUL inside");
		return -EINVAL;
	}
	return 0;
}

static int mipkex_peer_key_validate(const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	return mipkex_check_key_len(attr, extack,
				    "peer key must be 32 to 64 bytes");
}

static int mipkex_kdc_seed_validate(const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	return mipkex_check_key_len(attr, extack,
				    "KDC seed must be 32 to 64 bytes");
}

static int mipkex_kdc_prime_validate(const struct nlattr *attr,
				     struct netlink_ext_ack *extack)
{
	int len = nla_len(attr);

	if (len && (len < 256 || len > 1024)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "KDC user prime must be 256 to 1024 bytes, or empty to remove it");
		return -EINVAL;
	}
	return 0;
}

static int mipkex_kdc_generator_validate(const struct nlattr *attr,
					 struct netlink_ext_ack *extack)
{
	if (!nla_len(attr) || nla_len(attr) > 1024) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "KDC user generator must be 1 to 1024 bytes");
		return -EINVAL;
	}
	return 0;
}

/*
 * The bounds of integer attributes. The policies check only the type and
 * length of these: a policy range would refuse a number with -ERANGE and
 * "integer out of range", which does not say which attribute, nor what it
 * allows. A bound is a range, or with @mask the bits allowed (in @max).
 */
struct mipkex_bound {
	u16 type;
	bool mask;
	u32 min;
	u32 max;
	const char *msg;
};

#define MIPKEX_RANGE(t, lo, hi, m) \
	{ .type = (t), .min = (lo), .max = (hi), .msg = (m) }
#define MIPKEX_MASK(t, bits, m) \
	{ .type = (t), .mask = true, .max = (bits), .msg = (m) }

/* The messages spell out the values of the uAPI enums. */
static_assert(MIPKEX_ROLE_MAX == 3 && MIPKEX_AEAD_MAX == 2 &&
	      MIPKEX_AUTH_MAX == 2 && MIPKEX_REPLAY_MAX == 2 &&
	      MIPKEX_KDC_MODE_MAX == 3 && __MIPKEX_XFORM_MAX == 5);

static const struct mipkex_bound mipkex_node_bounds[] = {
	MIPKEX_RANGE(MIPKEX_A_ROLE, 0, MIPKEX_ROLE_MAX,
		     "role must be 0-3 (none, mn, fa, ha): out of range"),
	MIPKEX_RANGE(MIPKEX_A_VENDOR, 1, 0xffffff,
		     "vendor must be an SMI enterprise number, 1 to 16777215"),
};

static const struct mipkex_bound mipkex_key0_bounds[] = {
	MIPKEX_RANGE(MIPKEX_KEY0_A_AEAD, 1, MIPKEX_AEAD_MAX,
		     "KEY0 AEAD must be 1 (aes-256-gcm) or 2 (chacha20-poly1305)"),
	MIPKEX_RANGE(MIPKEX_KEY0_A_AUTH, 1, MIPKEX_AUTH_MAX,
		     "KEY0 auth must be 1 (hmac-sha256) or 2 (hmac-md5)"),
	MIPKEX_RANGE(MIPKEX_KEY0_A_REPLAY, 1, MIPKEX_REPLAY_MAX,
		     "KEY0 replay must be 1 (timestamp) or 2 (nonce)"),
	MIPKEX_RANGE(MIPKEX_KEY0_A_WINDOW, 1, 3600,
		     "KEY0 window must be 1 to 3600 seconds"),
};

static const struct mipkex_bound mipkex_peer_bounds[] = {
	MIPKEX_RANGE(MIPKEX_PEER_A_AEAD, 1, MIPKEX_AEAD_MAX,
		     "peer AEAD must be 1 (aes-256-gcm) or 2 (chacha20-poly1305)"),
	MIPKEX_RANGE(MIPKEX_PEER_A_AUTH, 1, MIPKEX_AUTH_MAX,
		     "peer auth must be 1 (hmac-sha256) or 2 (hmac-md5)"),
};

static const struct mipkex_bound mipkex_kdc_bounds[] = {
	MIPKEX_RANGE(MIPKEX_KDC_A_MODE, 1, MIPKEX_KDC_MODE_MAX,
		     "KDC mode must be 1 (stateful), 2 (semi) or 3 (dh)"),
	MIPKEX_RANGE(MIPKEX_KDC_A_MIN_DH_BITS, 0, 256,
		     "KDC minimum DH bits must be 0 to 256"),
	MIPKEX_MASK(MIPKEX_KDC_A_TRANSFORMS, BIT(__MIPKEX_XFORM_MAX) - 1,
		    "KDC transforms has unknown bits: only bits 0 to 4 are transforms"),
	MIPKEX_RANGE(MIPKEX_KDC_A_LIFETIME, 60, 86400,
		     "KDC lifetime must be 60 to 86400 seconds"),
	MIPKEX_RANGE(MIPKEX_KDC_A_LEGACY, 0, 1, "KDC legacy must be 0 or 1"),
	MIPKEX_RANGE(MIPKEX_KDC_A_INSECURE, 0, 1,
		     "KDC insecure must be 0 or 1"),
	MIPKEX_RANGE(MIPKEX_KDC_A_SA_MODE, 0, __MIPKEX_SA_MODE_MAX - 1,
		     "SA mode must be 0 (transport) or 1 (tunnel)"),
	MIPKEX_RANGE(MIPKEX_KDC_A_SA_POLICY, 0, __MIPKEX_SA_POLICY_MAX - 1,
		     "SA policy must be 0 (none), 1 (pair) or 2 (tunnel)"),
	MIPKEX_RANGE(MIPKEX_KDC_A_SA_AH, 0, 1, "SA AH must be 0 or 1"),
};

/*
 * Check the integer attributes of @tb present against @bounds: -EINVAL with
 * the bound's message and the attribute blamed for the first one out.
 */
static int mipkex_check_bounds(struct nlattr **tb,
			       const struct mipkex_bound *bounds,
			       unsigned int n, struct netlink_ext_ack *extack)
{
	const struct mipkex_bound *b;
	const struct nlattr *a;
	bool bad;
	u32 v;

	for (b = bounds; b < bounds + n; b++) {
		a = tb[b->type];
		if (!a)
			continue;
		/* The strict policy made sure of the length: a u8 or a u32. */
		v = nla_len(a) == sizeof(u8) ? nla_get_u8(a) : nla_get_u32(a);
		if (b->mask)
			bad = v & ~b->max;
		else
			bad = v < b->min || v > b->max;
		if (bad) {
			mipkex_set_err(extack, a, b->msg);
			return -EINVAL;
		}
	}
	return 0;
}

#define MIPKEX_REJECT(msg) { .type = NLA_REJECT, .reject_message = (msg) }

static const struct nla_policy mipkex_key0_new_policy[MIPKEX_KEY0_A_MAX + 1] = {
	[MIPKEX_KEY0_A_SPI] = { .type = NLA_U32 },
	[MIPKEX_KEY0_A_NAI] = NLA_POLICY_VALIDATE_FN(NLA_NUL_STRING,
						     mipkex_key0_nai_validate,
						     MIPKEX_NAI_MAX_LEN),
	[MIPKEX_KEY0_A_HOME_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_KEY0_A_HA_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_KEY0_A_KEY] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						     mipkex_key0_key_validate),
	[MIPKEX_KEY0_A_FINGERPRINT] =
		MIPKEX_REJECT("KEY0 fingerprint is read-only: it is computed from the key"),
	[MIPKEX_KEY0_A_AEAD] = { .type = NLA_U8 },
	[MIPKEX_KEY0_A_AUTH] = { .type = NLA_U8 },
	[MIPKEX_KEY0_A_REPLAY] = { .type = NLA_U8 },
	[MIPKEX_KEY0_A_WINDOW] = { .type = NLA_U32 },
};

#define MIPKEX_KEY0_BY_SPI "KEY0 entries are deleted and read by SPI alone"

static const struct nla_policy mipkex_key0_spi_policy[MIPKEX_KEY0_A_MAX + 1] = {
	[MIPKEX_KEY0_A_SPI] = { .type = NLA_U32 },
	[MIPKEX_KEY0_A_NAI] = MIPKEX_REJECT(MIPKEX_KEY0_BY_SPI),
	[MIPKEX_KEY0_A_HOME_ADDR] = MIPKEX_REJECT(MIPKEX_KEY0_BY_SPI),
	[MIPKEX_KEY0_A_HA_ADDR] = MIPKEX_REJECT(MIPKEX_KEY0_BY_SPI),
	[MIPKEX_KEY0_A_KEY] = MIPKEX_REJECT(MIPKEX_KEY0_BY_SPI),
	[MIPKEX_KEY0_A_FINGERPRINT] =
		MIPKEX_REJECT("KEY0 fingerprint is read-only: it is computed from the key"),
	[MIPKEX_KEY0_A_AEAD] = MIPKEX_REJECT(MIPKEX_KEY0_BY_SPI),
	[MIPKEX_KEY0_A_AUTH] = MIPKEX_REJECT(MIPKEX_KEY0_BY_SPI),
	[MIPKEX_KEY0_A_REPLAY] = MIPKEX_REJECT(MIPKEX_KEY0_BY_SPI),
	[MIPKEX_KEY0_A_WINDOW] = MIPKEX_REJECT(MIPKEX_KEY0_BY_SPI),
};

static const struct nla_policy mipkex_peer_new_policy[MIPKEX_PEER_A_MAX + 1] = {
	[MIPKEX_PEER_A_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_PEER_A_SPI] = { .type = NLA_U32 },
	[MIPKEX_PEER_A_KEY] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						     mipkex_peer_key_validate),
	[MIPKEX_PEER_A_FINGERPRINT] =
		MIPKEX_REJECT("peer fingerprint is read-only: it is computed from the key"),
	[MIPKEX_PEER_A_AEAD] = { .type = NLA_U8 },
	[MIPKEX_PEER_A_AUTH] = { .type = NLA_U8 },
};

#define MIPKEX_PEER_BY_ADDR "peers are deleted and read by address alone"

static const struct nla_policy mipkex_peer_addr_policy[MIPKEX_PEER_A_MAX + 1] = {
	[MIPKEX_PEER_A_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_PEER_A_SPI] = MIPKEX_REJECT(MIPKEX_PEER_BY_ADDR),
	[MIPKEX_PEER_A_KEY] = MIPKEX_REJECT(MIPKEX_PEER_BY_ADDR),
	[MIPKEX_PEER_A_FINGERPRINT] =
		MIPKEX_REJECT("peer fingerprint is read-only: it is computed from the key"),
	[MIPKEX_PEER_A_AEAD] = MIPKEX_REJECT(MIPKEX_PEER_BY_ADDR),
	[MIPKEX_PEER_A_AUTH] = MIPKEX_REJECT(MIPKEX_PEER_BY_ADDR),
};

static const struct nla_policy mipkex_kdc_policy[MIPKEX_KDC_A_MAX + 1] = {
	[MIPKEX_KDC_A_MODE] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_SEED] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						     mipkex_kdc_seed_validate),
	[MIPKEX_KDC_A_SEED_FINGERPRINT] =
		MIPKEX_REJECT("KDC seed fingerprint is read-only: it is computed from the seed"),
	[MIPKEX_KDC_A_DH_GROUPS] =
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, mipkex_kdc_groups_validate),
	[MIPKEX_KDC_A_MIN_DH_BITS] = { .type = NLA_U32 },
	[MIPKEX_KDC_A_TRANSFORMS] = { .type = NLA_U32 },
	[MIPKEX_KDC_A_LIFETIME] = { .type = NLA_U32 },
	[MIPKEX_KDC_A_LEGACY] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_INSECURE] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_SA_MODE] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_SA_POLICY] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_SA_AH] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_USER_PRIME] =
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, mipkex_kdc_prime_validate),
	[MIPKEX_KDC_A_USER_GENERATOR] =
		NLA_POLICY_VALIDATE_FN(NLA_BINARY,
				       mipkex_kdc_generator_validate),
};

#define MIPKEX_RESULT_RO MIPKEX_REJECT("result is read-only")
#define MIPKEX_COUNT_RO MIPKEX_REJECT("count is read-only")

static const struct nla_policy mipkex_key0_new_top[MIPKEX_A_MAX + 1] = {
	[MIPKEX_A_KEY0] = NLA_POLICY_NESTED(mipkex_key0_new_policy),
	[MIPKEX_A_RESULT] = MIPKEX_RESULT_RO,
	[MIPKEX_A_COUNT] = MIPKEX_COUNT_RO,
};

static const struct nla_policy mipkex_key0_spi_top[MIPKEX_A_MAX + 1] = {
	[MIPKEX_A_KEY0] = NLA_POLICY_NESTED(mipkex_key0_spi_policy),
	[MIPKEX_A_RESULT] = MIPKEX_RESULT_RO,
	[MIPKEX_A_COUNT] = MIPKEX_COUNT_RO,
};

static const struct nla_policy mipkex_peer_new_top[MIPKEX_A_MAX + 1] = {
	[MIPKEX_A_PEER] = NLA_POLICY_NESTED(mipkex_peer_new_policy),
	[MIPKEX_A_RESULT] = MIPKEX_RESULT_RO,
	[MIPKEX_A_COUNT] = MIPKEX_COUNT_RO,
};

static const struct nla_policy mipkex_peer_addr_top[MIPKEX_A_MAX + 1] = {
	[MIPKEX_A_PEER] = NLA_POLICY_NESTED(mipkex_peer_addr_policy),
	[MIPKEX_A_RESULT] = MIPKEX_RESULT_RO,
	[MIPKEX_A_COUNT] = MIPKEX_COUNT_RO,
};

static const struct nla_policy mipkex_kdc_set_top[MIPKEX_A_MAX + 1] = {
	[MIPKEX_A_KDC] = NLA_POLICY_NESTED(mipkex_kdc_policy),
};

#define MIPKEX_BINDING_BY_ADDR \
	"bindings are selected by home address and HA address alone"

static const struct nla_policy mipkex_binding_sel_policy[MIPKEX_BINDING_A_MAX + 1] = {
	[MIPKEX_BINDING_A_PAD] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_HOME_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_BINDING_A_HA_ADDR] = { .type = NLA_BE32 },
	[MIPKEX_BINDING_A_COA] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_FA_ADDR] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_KEY0_SPI] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_NAI] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_ROLE] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_STATE] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_MODE] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_DH_GROUP] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_LIFETIME] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_REMAINING] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_AGE] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_IDENT] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
	[MIPKEX_BINDING_A_SA] = MIPKEX_REJECT(MIPKEX_BINDING_BY_ADDR),
};

static const struct nla_policy mipkex_binding_top[MIPKEX_A_MAX + 1] = {
	[MIPKEX_A_BINDING] = NLA_POLICY_NESTED(mipkex_binding_sel_policy),
	[MIPKEX_A_EVENT] = MIPKEX_REJECT("events are sent by the module, never requested"),
};

/* Operations that take no attribute: each one is refused by name. */
static const struct nla_policy mipkex_no_attr_policy[MIPKEX_A_MAX + 1];

static const struct nla_policy mipkex_set_node_policy[MIPKEX_A_MAX + 1] = {
	[MIPKEX_A_ROLE] = { .type = NLA_U8 },
	[MIPKEX_A_VENDOR] = { .type = NLA_U32 },
	[MIPKEX_A_HOOKS] = {
		.type = NLA_REJECT,
		.reject_message = "hooks is read-only: it follows the role",
	},
	[MIPKEX_A_QUEUE_MAX] = {
		.type = NLA_REJECT,
		.reject_message = "queue max is read-only: it is the max_queue module parameter",
	},
	[MIPKEX_A_STATS] = {
		.type = NLA_REJECT,
		.reject_message = "stats are read-only",
	},
};

static struct sk_buff *mipkex_genl_reply_new(struct genl_info *info,
					     void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &mipkex_genl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int mipkex_genl_get_node(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&mn->lock);
	if (nla_put_u8(msg, MIPKEX_A_ROLE, mn->role) ||
	    nla_put_u8(msg, MIPKEX_A_HOOKS, mn->hooks_registered) ||
	    nla_put_u32(msg, MIPKEX_A_QUEUE_MAX, mipkex_max_queue) ||
	    nla_put_u32(msg, MIPKEX_A_VENDOR, READ_ONCE(mn->vendor))) {
		mutex_unlock(&mn->lock);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mutex_unlock(&mn->lock);

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mipkex_genl_set_node(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	int err;

	if (!info->attrs[MIPKEX_A_VENDOR] &&
	    GENL_REQ_ATTR_CHECK(info, MIPKEX_A_ROLE)) {
		GENL_SET_ERR_MSG(info, "the role attribute is required");
		return -EINVAL;
	}
	err = mipkex_check_bounds(info->attrs, mipkex_node_bounds,
				  ARRAY_SIZE(mipkex_node_bounds), info->extack);
	if (err)
		return err;
	/* The role first: it is the part that can fail. */
	if (info->attrs[MIPKEX_A_ROLE]) {
		err = mipkex_net_set_role(mn,
					  nla_get_u8(info->attrs[MIPKEX_A_ROLE]),
					  info->extack);
		if (err)
			return err;
	}
	if (info->attrs[MIPKEX_A_VENDOR])
		mipkex_vendor_set(mn, nla_get_u32(info->attrs[MIPKEX_A_VENDOR]));
	return 0;
}

static int mipkex_genl_put_stats(struct sk_buff *msg, struct mipkex_net *mn)
{
	struct nlattr *nest;
	u64 val;
	int i;

	nest = nla_nest_start(msg, MIPKEX_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = MIPKEX_STAT_PAD + 1; i <= MIPKEX_STAT_MAX; i++) {
		if (i == MIPKEX_STAT_QUEUED)
			val = READ_ONCE(mn->queue.len);
		else
			val = atomic64_read(&mn->stats[i]);
		if (nla_put_u64_64bit(msg, i, val, MIPKEX_STAT_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int mipkex_genl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = mipkex_genl_put_stats(msg, mn);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A reply holding one u8 or u32 attribute. */
static int mipkex_genl_reply_u32(struct genl_info *info, u16 type, u32 val,
				 bool is_u8)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = is_u8 ? nla_put_u8(msg, type, val) : nla_put_u32(msg, type, val);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static bool mipkex_addr_special(__be32 a)
{
	return ipv4_is_multicast(a) || ipv4_is_lbcast(a);
}

static int mipkex_key0_check(struct nlattr **tb,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *a;

	a = tb[MIPKEX_KEY0_A_SPI];
	if (a && nla_get_u32(a) < MIPKEX_SPI_MIN) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "KEY0 SPI is reserved: SPIs below 256 are reserved (RFC 5944)");
		return -EINVAL;
	}
	a = tb[MIPKEX_KEY0_A_HOME_ADDR];
	if (a && mipkex_addr_special(nla_get_in_addr(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "KEY0 home address must not be multicast or broadcast");
		return -EINVAL;
	}
	a = tb[MIPKEX_KEY0_A_HA_ADDR];
	if (a && (mipkex_addr_special(nla_get_in_addr(a)) ||
		  ipv4_is_zeronet(nla_get_in_addr(a)))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "KEY0 HA address must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

static int mipkex_peer_check(struct nlattr **tb,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *a;

	a = tb[MIPKEX_PEER_A_ADDR];
	if (a && (mipkex_addr_special(nla_get_in_addr(a)) ||
		  ipv4_is_zeronet(nla_get_in_addr(a)))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "peer address must be a unicast address");
		return -EINVAL;
	}
	a = tb[MIPKEX_PEER_A_SPI];
	if (a && nla_get_u32(a) < MIPKEX_SPI_MIN) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "peer SPI is reserved: SPIs below 256 are reserved (RFC 5944)");
		return -EINVAL;
	}
	return 0;
}

/*
 * Parse the nest @type of a request with @policy (already validated by the
 * operation's policy: this cannot fail on content), then check what the
 * policy does not: the bounds of its numbers, reserved SPIs and addresses.
 * Reports a missing nest.
 */
static int mipkex_genl_nest(struct genl_info *info, u16 type, int maxtype,
			    const struct nla_policy *policy,
			    struct nlattr **tb, const char *missing)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, type)) {
		mipkex_set_err(info->extack, NULL, missing);
		return -EINVAL;
	}
	err = nla_parse_nested(tb, maxtype, info->attrs[type], policy,
			       info->extack);
	if (err)
		return err;
	switch (type) {
	case MIPKEX_A_KEY0:
		err = mipkex_check_bounds(tb, mipkex_key0_bounds,
					  ARRAY_SIZE(mipkex_key0_bounds),
					  info->extack);
		return err ?: mipkex_key0_check(tb, info->extack);
	case MIPKEX_A_PEER:
		err = mipkex_check_bounds(tb, mipkex_peer_bounds,
					  ARRAY_SIZE(mipkex_peer_bounds),
					  info->extack);
		return err ?: mipkex_peer_check(tb, info->extack);
	case MIPKEX_A_KDC:
		return mipkex_check_bounds(tb, mipkex_kdc_bounds,
					   ARRAY_SIZE(mipkex_kdc_bounds),
					   info->extack);
	}
	return 0;
}

static int mipkex_genl_key0_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct nlattr *tb[MIPKEX_KEY0_A_MAX + 1];
	int ret;

	ret = mipkex_genl_nest(info, MIPKEX_A_KEY0, MIPKEX_KEY0_A_MAX,
			       mipkex_key0_new_policy, tb,
			       "the KEY0 attribute is required");
	if (ret)
		return ret;
	ret = mipkex_key0_new(mn, info->attrs[MIPKEX_A_KEY0], tb,
			      info->nlhdr->nlmsg_flags, info->extack);
	if (ret < 0)
		return ret;
	return mipkex_genl_reply_u32(info, MIPKEX_A_RESULT, ret, true);
}

static int mipkex_genl_key0_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct nlattr *tb[MIPKEX_KEY0_A_MAX + 1];
	const struct mipkex_key0 *e;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = mipkex_genl_nest(info, MIPKEX_A_KEY0, MIPKEX_KEY0_A_MAX,
			       mipkex_key0_spi_policy, tb,
			       "the KEY0 attribute is required");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[MIPKEX_A_KEY0], tb,
			      MIPKEX_KEY0_A_SPI)) {
		GENL_SET_ERR_MSG(info, "the KEY0 SPI is required");
		return -EINVAL;
	}
	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	e = mipkex_key0_lookup_spi(mn, nla_get_u32(tb[MIPKEX_KEY0_A_SPI]));
	if (!e) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MIPKEX_KEY0_A_SPI],
				    "KEY0 SPI not found");
		err = -ENOENT;
	} else {
		err = mipkex_key0_fill(msg, e);
	}
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mipkex_genl_peer_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct nlattr *tb[MIPKEX_PEER_A_MAX + 1];
	int ret;

	ret = mipkex_genl_nest(info, MIPKEX_A_PEER, MIPKEX_PEER_A_MAX,
			       mipkex_peer_new_policy, tb,
			       "the peer attribute is required");
	if (ret)
		return ret;
	ret = mipkex_peer_new(mn, info->attrs[MIPKEX_A_PEER], tb,
			      info->nlhdr->nlmsg_flags, info->extack);
	if (ret < 0)
		return ret;
	return mipkex_genl_reply_u32(info, MIPKEX_A_RESULT, ret, true);
}

static int mipkex_genl_peer_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct nlattr *tb[MIPKEX_PEER_A_MAX + 1];
	const struct mipkex_peer *p;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = mipkex_genl_nest(info, MIPKEX_A_PEER, MIPKEX_PEER_A_MAX,
			       mipkex_peer_addr_policy, tb,
			       "the peer attribute is required");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[MIPKEX_A_PEER], tb,
			      MIPKEX_PEER_A_ADDR)) {
		GENL_SET_ERR_MSG(info, "the peer address is required");
		return -EINVAL;
	}
	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	p = mipkex_peer_lookup(mn, nla_get_in_addr(tb[MIPKEX_PEER_A_ADDR]));
	if (!p) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MIPKEX_PEER_A_ADDR],
				    "peer address not found");
		err = -ENOENT;
	} else {
		err = mipkex_peer_fill(msg, p);
	}
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * A store whose entries, when they go, end the bindings that use them (KEY0
 * entries, FA-HA peers): what its del and flush operations differ in. @attr
 * is the nest of one entry, parsed with @policy up to @maxtype (@missing
 * when absent); @unbind ends the bindings of the entry @tb names, or of
 * every entry when @tb is NULL.
 */
struct mipkex_genl_store {
	u16 attr;
	int maxtype;
	const struct nla_policy *policy;
	const char *missing;
	int (*del)(struct mipkex_net *mn, struct nlattr *nest,
		   struct nlattr **tb, struct netlink_ext_ack *extack);
	unsigned int (*flush)(struct mipkex_net *mn);
	void (*unbind)(struct mipkex_net *mn, struct nlattr **tb);
};

/* Room for the attributes of either store's nest. */
#define MIPKEX_GENL_STORE_A_MAX	(MIPKEX_KEY0_A_MAX + MIPKEX_PEER_A_MAX)

static void mipkex_genl_key0_unbind(struct mipkex_net *mn, struct nlattr **tb)
{
	mipkex_binding_remove_key0(mn, tb ? nla_get_u32(tb[MIPKEX_KEY0_A_SPI]) :
				   0);
}

static void mipkex_genl_peer_unbind(struct mipkex_net *mn, struct nlattr **tb)
{
	mipkex_binding_remove_peer(mn, tb ?
				   nla_get_in_addr(tb[MIPKEX_PEER_A_ADDR]) : 0);
}

static const struct mipkex_genl_store mipkex_genl_key0_store = {
	.attr = MIPKEX_A_KEY0,
	.maxtype = MIPKEX_KEY0_A_MAX,
	.policy = mipkex_key0_spi_policy,
	.missing = "the KEY0 attribute is required",
	.del = mipkex_key0_del,
	.flush = mipkex_key0_flush,
	.unbind = mipkex_genl_key0_unbind,
};

static const struct mipkex_genl_store mipkex_genl_peer_store = {
	.attr = MIPKEX_A_PEER,
	.maxtype = MIPKEX_PEER_A_MAX,
	.policy = mipkex_peer_addr_policy,
	.missing = "the peer attribute is required",
	.del = mipkex_peer_del,
	.flush = mipkex_peer_flush,
	.unbind = mipkex_genl_peer_unbind,
};

/* Delete one entry of @st, then end the bindings that used it. */
static int mipkex_genl_store_del(const struct mipkex_genl_store *st,
				 struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct nlattr *tb[MIPKEX_GENL_STORE_A_MAX + 1];
	int err;

	err = mipkex_genl_nest(info, st->attr, st->maxtype, st->policy, tb,
			       st->missing);
	if (err)
		return err;
	err = st->del(mn, info->attrs[st->attr], tb, info->extack);
	if (!err)
		st->unbind(mn, tb);
	return err;
}

/* Delete every entry of @st, end every binding that used one. */
static int mipkex_genl_store_flush(const struct mipkex_genl_store *st,
				   struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	unsigned int n = st->flush(mn);

	st->unbind(mn, NULL);
	return mipkex_genl_reply_u32(info, MIPKEX_A_COUNT, n, false);
}

static int mipkex_genl_key0_del(struct sk_buff *skb, struct genl_info *info)
{
	return mipkex_genl_store_del(&mipkex_genl_key0_store, info);
}

static int mipkex_genl_key0_flush(struct sk_buff *skb, struct genl_info *info)
{
	return mipkex_genl_store_flush(&mipkex_genl_key0_store, info);
}

static int mipkex_genl_peer_del(struct sk_buff *skb, struct genl_info *info)
{
	return mipkex_genl_store_del(&mipkex_genl_peer_store, info);
}

static int mipkex_genl_peer_flush(struct sk_buff *skb, struct genl_info *info)
{
	return mipkex_genl_store_flush(&mipkex_genl_peer_store, info);
}

static int mipkex_genl_kdc_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct nlattr *tb[MIPKEX_KDC_A_MAX + 1];
	int err;

	err = mipkex_genl_nest(info, MIPKEX_A_KDC, MIPKEX_KDC_A_MAX,
			       mipkex_kdc_policy, tb,
			       "the KDC attribute is required");
	if (err)
		return err;
	return mipkex_kdc_set(mn, info->attrs[MIPKEX_A_KDC], tb, info->extack);
}

static int mipkex_genl_kdc_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = mipkex_kdc_fill(msg, mn);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mipkex_genl_get_selftest(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = mipkex_selftest_put(msg);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mipkex_genl_binding_get(struct sk_buff *skb,
				   struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct nlattr *tb[MIPKEX_BINDING_A_MAX + 1];
	const struct mipkex_binding *b;
	struct sk_buff *msg;
	bool several = false;
	__be32 home;
	void *hdr;
	int err;

	err = mipkex_genl_nest(info, MIPKEX_A_BINDING, MIPKEX_BINDING_A_MAX,
			       mipkex_binding_sel_policy, tb,
			       "the binding attribute is required");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[MIPKEX_A_BINDING], tb,
			      MIPKEX_BINDING_A_HOME_ADDR)) {
		GENL_SET_ERR_MSG(info, "the binding's home address is required");
		return -EINVAL;
	}
	home = nla_get_in_addr(tb[MIPKEX_BINDING_A_HOME_ADDR]);
	msg = mipkex_genl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	if (tb[MIPKEX_BINDING_A_HA_ADDR])
		b = mipkex_binding_lookup(mn, home,
					  nla_get_in_addr(tb[MIPKEX_BINDING_A_HA_ADDR]));
	else
		b = mipkex_binding_find_home(mn, home, &several);
	if (several) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MIPKEX_BINDING_A_HOME_ADDR],
				    "several bindings have this home address: give the HA address");
		err = -ENOTUNIQ;
	} else if (!b) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MIPKEX_BINDING_A_HOME_ADDR],
				    "binding not found");
		err = -ENOENT;
	} else {
		err = mipkex_binding_fill(msg, b);
	}
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mipkex_genl_binding_del(struct sk_buff *skb,
				   struct genl_info *info)
{
	struct mipkex_net *mn = mipkex_net(genl_info_net(info));
	struct nlattr *tb[MIPKEX_BINDING_A_MAX + 1];
	int err;

	err = mipkex_genl_nest(info, MIPKEX_A_BINDING, MIPKEX_BINDING_A_MAX,
			       mipkex_binding_sel_policy, tb,
			       "the binding attribute is required");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[MIPKEX_A_BINDING], tb,
			      MIPKEX_BINDING_A_HOME_ADDR)) {
		GENL_SET_ERR_MSG(info, "the binding's home address is required");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[MIPKEX_A_BINDING], tb,
			      MIPKEX_BINDING_A_HA_ADDR)) {
		GENL_SET_ERR_MSG(info, "the binding's HA address is required");
		return -EINVAL;
	}
	err = mipkex_binding_delete(mn,
				    nla_get_in_addr(tb[MIPKEX_BINDING_A_HOME_ADDR]),
				    nla_get_in_addr(tb[MIPKEX_BINDING_A_HA_ADDR]),
				    MIPKEX_REASON_DELETED);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MIPKEX_BINDING_A_HOME_ADDR],
				    "binding not found");
	return err;
}

/*
 * Dumps of a store: one message per entry, a walk of the store's rhashtable
 * kept across the dump's calls (the walker stays registered with the table,
 * so resizes and removals cannot leave it dangling). cb->seq is the store's
 * generation plus the number of times the walk had to rewind: a change during
 * the dump sets NLM_F_DUMP_INTR, and the reader starts again.
 */
struct mipkex_dump_ctx {
	struct rhashtable_iter *iter;
	u32 rewinds;
	bool checked;
};

static struct mipkex_dump_ctx *mipkex_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct mipkex_dump_ctx) > sizeof(cb->ctx));
	return (struct mipkex_dump_ctx *)cb->ctx;
}

static int mipkex_dump_start(struct netlink_callback *cb,
			     struct rhashtable *ht)
{
	struct mipkex_dump_ctx *ctx = mipkex_dump_ctx(cb);

	ctx->iter = kmalloc(sizeof(*ctx->iter), GFP_KERNEL);
	if (!ctx->iter)
		return -ENOMEM;
	ctx->rewinds = 0;
	ctx->checked = false;
	rhashtable_walk_enter(ht, ctx->iter);
	return 0;
}

static int mipkex_dump_done(struct netlink_callback *cb)
{
	struct mipkex_dump_ctx *ctx = mipkex_dump_ctx(cb);

	if (ctx->iter) {
		rhashtable_walk_exit(ctx->iter);
		kfree(ctx->iter);
		ctx->iter = NULL;
	}
	return 0;
}

static int mipkex_dump(struct sk_buff *skb, struct netlink_callback *cb,
		       const u32 *gen, u16 filter, const char *filter_msg,
		       int (*fill)(struct sk_buff *msg, const void *obj))
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct mipkex_dump_ctx *ctx = mipkex_dump_ctx(cb);
	struct rhashtable_iter *iter = ctx->iter;
	void *obj, *hdr;
	int err = 0;

	/* Here rather than in .start: 6.1 gives .start no extack. */
	if (!ctx->checked) {
		if (info->attrs && info->attrs[filter]) {
			mipkex_set_err(cb->extack, info->attrs[filter],
				       filter_msg);
			return -EINVAL;
		}
		ctx->checked = true;
	}

	if (rhashtable_walk_start_check(iter) == -EAGAIN)
		ctx->rewinds++;
	obj = rhashtable_walk_peek(iter);
	for (;;) {
		cb->seq = READ_ONCE(*gen) + ctx->rewinds;
		if (IS_ERR(obj)) {
			if (PTR_ERR(obj) != -EAGAIN) {
				err = PTR_ERR(obj);
				break;
			}
			ctx->rewinds++;
			obj = rhashtable_walk_next(iter);
			continue;
		}
		if (!obj)
			break;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &mipkex_genl_family,
				  NLM_F_MULTI, info->op.cmd);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (fill(skb, obj)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		obj = rhashtable_walk_next(iter);
	}
	rhashtable_walk_stop(iter);
	if (err)
		return err;
	/* Nothing fitted: the entry is larger than a message. */
	if (obj && !skb->len)
		return -EMSGSIZE;
	return skb->len;
}

static int mipkex_genl_key0_dump_start(struct netlink_callback *cb)
{
	struct mipkex_net *mn = mipkex_net(sock_net(cb->skb->sk));

	return mipkex_dump_start(cb, &mn->key0.by_spi);
}

static int mipkex_genl_key0_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct mipkex_net *mn = mipkex_net(sock_net(skb->sk));

	return mipkex_dump(skb, cb, &mn->key0.gen, MIPKEX_A_KEY0,
			   "KEY0 dumps take no attribute: they list every entry",
			   mipkex_key0_fill);
}

static int mipkex_genl_peer_dump_start(struct netlink_callback *cb)
{
	struct mipkex_net *mn = mipkex_net(sock_net(cb->skb->sk));

	return mipkex_dump_start(cb, &mn->peers.by_addr);
}

static int mipkex_genl_peer_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct mipkex_net *mn = mipkex_net(sock_net(skb->sk));

	return mipkex_dump(skb, cb, &mn->peers.gen, MIPKEX_A_PEER,
			   "peer dumps take no attribute: they list every peer",
			   mipkex_peer_fill);
}

static int mipkex_genl_binding_dump_start(struct netlink_callback *cb)
{
	struct mipkex_net *mn = mipkex_net(sock_net(cb->skb->sk));

	return mipkex_dump_start(cb, mipkex_binding_table(mn));
}

static int mipkex_genl_binding_dump(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct mipkex_net *mn = mipkex_net(sock_net(skb->sk));

	return mipkex_dump(skb, cb, mipkex_binding_gen(mn), MIPKEX_A_BINDING,
			   "binding dumps take no attribute: they list every binding (a get takes a home address)",
			   mipkex_binding_fill);
}

/*
 * The header checks genetlink makes for commands from resv_start_op on, made
 * here for every command, with NLM_F_CREATE, _EXCL and _REPLACE allowed where
 * the uAPI gives them a meaning (the NEW commands, "as for routes").
 */
static int mipkex_genl_pre_doit(const struct genl_ops *ops,
				struct sk_buff *skb, struct genl_info *info)
{
	u16 allowed = NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO;

	if (info->genlhdr->reserved) {
		GENL_SET_ERR_MSG(info, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}
	if (ops->cmd == MIPKEX_CMD_KEY0_NEW || ops->cmd == MIPKEX_CMD_PEER_NEW)
		allowed |= NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE;
	if (info->nlhdr->nlmsg_flags & ~allowed) {
		GENL_SET_ERR_MSG(info,
				 "ambiguous or reserved bits set in nlmsg_flags");
		return -EINVAL;
	}
	return 0;
}

static const struct genl_ops mipkex_genl_ops[] = {
	{
		.cmd = MIPKEX_CMD_GET_NODE,
		.doit = mipkex_genl_get_node,
		.policy = mipkex_no_attr_policy,
		.maxattr = MIPKEX_A_MAX,
	},
	{
		.cmd = MIPKEX_CMD_SET_NODE,
		.doit = mipkex_genl_set_node,
		.policy = mipkex_set_node_policy,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_GET_STATS,
		.doit = mipkex_genl_get_stats,
		.policy = mipkex_no_attr_policy,
		.maxattr = MIPKEX_A_MAX,
	},
	{
		.cmd = MIPKEX_CMD_KEY0_NEW,
		.doit = mipkex_genl_key0_new,
		.policy = mipkex_key0_new_top,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_KEY0_DEL,
		.doit = mipkex_genl_key0_del,
		.policy = mipkex_key0_spi_top,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_KEY0_GET,
		.doit = mipkex_genl_key0_get,
		.start = mipkex_genl_key0_dump_start,
		.dumpit = mipkex_genl_key0_dump,
		.done = mipkex_dump_done,
		.policy = mipkex_key0_spi_top,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_KEY0_FLUSH,
		.doit = mipkex_genl_key0_flush,
		.policy = mipkex_no_attr_policy,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_PEER_NEW,
		.doit = mipkex_genl_peer_new,
		.policy = mipkex_peer_new_top,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_PEER_DEL,
		.doit = mipkex_genl_peer_del,
		.policy = mipkex_peer_addr_top,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_PEER_GET,
		.doit = mipkex_genl_peer_get,
		.start = mipkex_genl_peer_dump_start,
		.dumpit = mipkex_genl_peer_dump,
		.done = mipkex_dump_done,
		.policy = mipkex_peer_addr_top,
		.maxattr = MIPKEX_A_MAX,
	},
	{
		.cmd = MIPKEX_CMD_PEER_FLUSH,
		.doit = mipkex_genl_peer_flush,
		.policy = mipkex_no_attr_policy,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_KDC_SET,
		.doit = mipkex_genl_kdc_set,
		.policy = mipkex_kdc_set_top,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_KDC_GET,
		.doit = mipkex_genl_kdc_get,
		.policy = mipkex_no_attr_policy,
		.maxattr = MIPKEX_A_MAX,
	},
	{
		.cmd = MIPKEX_CMD_GET_SELFTEST,
		.doit = mipkex_genl_get_selftest,
		.policy = mipkex_no_attr_policy,
		.maxattr = MIPKEX_A_MAX,
	},
	{
		.cmd = MIPKEX_CMD_BINDING_GET,
		.doit = mipkex_genl_binding_get,
		.start = mipkex_genl_binding_dump_start,
		.dumpit = mipkex_genl_binding_dump,
		.done = mipkex_dump_done,
		.policy = mipkex_binding_top,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_BINDING_DEL,
		.doit = mipkex_genl_binding_del,
		.policy = mipkex_binding_top,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIPKEX_CMD_SA_GET,
		.dumpit = mipkex_xfrm_dump,
		.policy = mipkex_no_attr_policy,
		.maxattr = MIPKEX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

enum mipkex_genl_mcgrp {
	MIPKEX_MCGRP_EVENTS,
};

/* Events tell who registered where: only administrators may listen. */
static const struct genl_multicast_group mipkex_genl_mcgrps[] = {
	[MIPKEX_MCGRP_EVENTS] = {
		.name = MIPKEX_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family mipkex_genl_family __ro_after_init = {
	.name = MIPKEX_GENL_NAME,
	.version = MIPKEX_GENL_VERSION,
	.maxattr = MIPKEX_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = mipkex_genl_ops,
	.n_ops = ARRAY_SIZE(mipkex_genl_ops),
	.mcgrps = mipkex_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mipkex_genl_mcgrps),
	.pre_doit = mipkex_genl_pre_doit,
	/*
	 * genetlink refuses NLM_F_CREATE, _EXCL and _REPLACE for commands from
	 * resv_start_op on; the NEW commands need them (uapi/linux/mipkex.h).
	 * Strict attribute validation does not depend on resv_start_op; the
	 * header checks are made by mipkex_genl_pre_doit(), and every
	 * operation has a policy, so nothing is lost.
	 */
	.resv_start_op = MIPKEX_CMD_PEER_NEW + 1,
};

/**
 * mipkex_genl_init() - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int mipkex_genl_init(void)
{
	int err;

	err = genl_register_family(&mipkex_genl_family);
	if (!err)
		WRITE_ONCE(mipkex_genl_live, true);
	return err;
}

/**
 * mipkex_genl_uninit() - unregister the family; waits for running operations
 *
 * Events stop first: none is sent to the family's group once it is gone.
 */
void mipkex_genl_uninit(void)
{
	WRITE_ONCE(mipkex_genl_live, false);
	synchronize_rcu();
	genl_unregister_family(&mipkex_genl_family);
}

/* Whether an event in a namespace has listeners. */
static bool mipkex_genl_event_wanted(struct net *net)
{
	return READ_ONCE(mipkex_genl_live) &&
	       genl_has_listeners(&mipkex_genl_family, net,
				  MIPKEX_MCGRP_EVENTS);
}

/**
 * mipkex_genl_dump_hdr() - start one message of a dump
 * @skb: the dump's buffer
 * @cb: the dump's state
 * @cmd: the command of the message
 *
 * Return: the generic netlink header, or NULL when @skb is full.
 */
void *mipkex_genl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
			   u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
			   cb->nlh->nlmsg_seq, &mipkex_genl_family,
			   NLM_F_MULTI, cmd);
}

/**
 * mipkex_genl_event_new() - start a %MIPKEX_CMD_EVENT message, if anyone
 *	listens in the namespace
 * @mn: the namespace's state
 * @type: &enum mipkex_event
 * @reason: &enum mipkex_reason, or 0 for none
 * @hdr: set to its generic netlink header, for mipkex_genl_event_send()
 * @nest: set to its %MIPKEX_A_EVENT nest, holding the type, reason and
 *	role; the caller adds what else it needs and ends it
 *
 * Context: process context (GFP_KERNEL).
 * Return: the message, or NULL (no listener, or no memory).
 */
struct sk_buff *mipkex_genl_event_new(struct mipkex_net *mn, u8 type,
				      u8 reason, void **hdr,
				      struct nlattr **nest)
{
	struct sk_buff *msg;

	if (!mipkex_genl_event_wanted(mn->net))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &mipkex_genl_family, 0,
			   MIPKEX_CMD_EVENT);
	*nest = *hdr ? nla_nest_start(msg, MIPKEX_A_EVENT) : NULL;
	if (!*nest ||
	    nla_put_u8(msg, MIPKEX_EVENT_A_TYPE, type) ||
	    (reason && nla_put_u8(msg, MIPKEX_EVENT_A_REASON, reason)) ||
	    nla_put_u8(msg, MIPKEX_EVENT_A_ROLE, READ_ONCE(mn->role))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * mipkex_genl_event_send() - send an event to a namespace's listeners
 * @net: the namespace
 * @msg: the message, from mipkex_genl_event_new(); consumed
 * @hdr: its header
 *
 * Nothing is sent once the family is being unregistered.
 */
void mipkex_genl_event_send(struct net *net, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	rcu_read_lock();
	if (READ_ONCE(mipkex_genl_live))
		genlmsg_multicast_netns(&mipkex_genl_family, net, msg, 0,
					MIPKEX_MCGRP_EVENTS, GFP_ATOMIC);
	else
		nlmsg_free(msg);
	rcu_read_unlock();
}
