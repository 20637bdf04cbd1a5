// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: bindings (the registrations the module accepted), the XFRM
 * SAs the module installed for them, and events - "mipkex binding show|del",
 * "mipkex show bindings", "mipkex show sa" ("sa show") and "mipkex monitor".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/mipkex.h>

#include "binding.h"
#include "genl.h"
#include "util.h"

/* IKEv2 transform ids (RFC 7296, IANA) the module negotiates. */
#define IKEV2_ENCR_AES_GCM_16		20
#define IKEV2_ENCR_CHACHA20_POLY1305	28
#define IKEV2_AUTH_HMAC_SHA1_96		2
#define IKEV2_AUTH_HMAC_SHA2_256_128	12

static struct nla_policy binding_policy[MIPKEX_BINDING_A_MAX + 1] = {
	[MIPKEX_BINDING_A_HOME_ADDR] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_HA_ADDR] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_COA] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_FA_ADDR] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_KEY0_SPI] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_NAI] = { .type = NLA_STRING,
				   .maxlen = MIPKEX_NAI_MAX_LEN + 1 },
	[MIPKEX_BINDING_A_ROLE] = { .type = NLA_U8 },
	[MIPKEX_BINDING_A_STATE] = { .type = NLA_U8 },
	[MIPKEX_BINDING_A_MODE] = { .type = NLA_U8 },
	[MIPKEX_BINDING_A_DH_GROUP] = { .type = NLA_U16 },
	[MIPKEX_BINDING_A_LIFETIME] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_REMAINING] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_AGE] = { .type = NLA_U32 },
	[MIPKEX_BINDING_A_IDENT] = { .type = NLA_U64 },
	[MIPKEX_BINDING_A_SA] = { .type = NLA_NESTED },
};

static struct nla_policy sa_policy[MIPKEX_SA_A_MAX + 1] = {
	[MIPKEX_SA_A_PAIR] = { .type = NLA_U8 },
	[MIPKEX_SA_A_PROTOCOL] = { .type = NLA_U8 },
	[MIPKEX_SA_A_ENCR] = { .type = NLA_U16 },
	[MIPKEX_SA_A_ENCR_BITS] = { .type = NLA_U16 },
	[MIPKEX_SA_A_INTEG] = { .type = NLA_U16 },
	[MIPKEX_SA_A_SPI_IN] = { .type = NLA_U32 },
	[MIPKEX_SA_A_SPI_OUT] = { .type = NLA_U32 },
	[MIPKEX_SA_A_LIFETIME] = { .type = NLA_U32 },
	[MIPKEX_SA_A_FINGERPRINT] = { .minlen = MIPKEX_FINGERPRINT_LEN },
	[MIPKEX_SA_A_XFRM] = { .type = NLA_U8 },
};

static struct nla_policy xsa_policy[MIPKEX_XSA_A_MAX + 1] = {
	[MIPKEX_XSA_A_HOME_ADDR] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_HA_ADDR] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_PAIR] = { .type = NLA_U8 },
	[MIPKEX_XSA_A_DIR] = { .type = NLA_U8 },
	[MIPKEX_XSA_A_STATE] = { .type = NLA_U8 },
	[MIPKEX_XSA_A_PROTOCOL] = { .type = NLA_U8 },
	[MIPKEX_XSA_A_SPI] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_SRC] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_DST] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_MODE] = { .type = NLA_U8 },
	[MIPKEX_XSA_A_ALG] = { .type = NLA_STRING },
	[MIPKEX_XSA_A_REQID] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_HARD] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_SOFT] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_AGE] = { .type = NLA_U32 },
	[MIPKEX_XSA_A_PACKETS] = { .type = NLA_U64 },
	[MIPKEX_XSA_A_BYTES] = { .type = NLA_U64 },
	[MIPKEX_XSA_A_DYING] = { .type = NLA_U8 },
};

static struct nla_policy event_policy[MIPKEX_EVENT_A_MAX + 1] = {
	[MIPKEX_EVENT_A_TYPE] = { .type = NLA_U8 },
	[MIPKEX_EVENT_A_REASON] = { .type = NLA_U8 },
	[MIPKEX_EVENT_A_ROLE] = { .type = NLA_U8 },
	[MIPKEX_EVENT_A_CODE] = { .type = NLA_U8 },
	[MIPKEX_EVENT_A_MESSAGE] = { .type = NLA_STRING },
	[MIPKEX_EVENT_A_HOME_ADDR] = { .type = NLA_U32 },
	[MIPKEX_EVENT_A_HA_ADDR] = { .type = NLA_U32 },
	[MIPKEX_EVENT_A_NAI] = { .type = NLA_STRING,
				 .maxlen = MIPKEX_NAI_MAX_LEN + 1 },
};

/* A foreign agent does not learn how the keys were made: mode 0. */
static const char *const binding_mode_names[4] = {
	[0] = "unknown",
	[MIPKEX_KDC_MODE_STATEFUL] = "stateful",
	[MIPKEX_KDC_MODE_SEMI] = "semi",
	[MIPKEX_KDC_MODE_DH] = "dh",
};

static const char *const pair_names[4] = {
	[MIPKEX_PAIR_MN_HA] = "mn-ha",
	[MIPKEX_PAIR_MN_FA] = "mn-fa",
	[MIPKEX_PAIR_FA_HA] = "fa-ha",
};

static const char *const state_names[2] = {
	[MIPKEX_BINDING_STATE_ACCEPTED] = "accepted",
};

static const char *const event_names[8] = {
	[MIPKEX_EVENT_ACCEPTED] = "accepted",
	[MIPKEX_EVENT_DENIED] = "denied",
	[MIPKEX_EVENT_REMOVED] = "removed",
	[MIPKEX_EVENT_SA_INSTALLED] = "sa-installed",
	[MIPKEX_EVENT_SA_REKEYED] = "sa-rekeyed",
	[MIPKEX_EVENT_SA_EXPIRED] = "sa-expired",
	[MIPKEX_EVENT_SA_REMOVED] = "sa-removed",
};

static const char *const xsa_dir_names[3] = {
	[MIPKEX_XSA_DIR_IN] = "in",
	[MIPKEX_XSA_DIR_OUT] = "out",
};

static const char *const xsa_state_names[6] = {
	[MIPKEX_XSA_STATE_INSTALLED] = "installed",
	[MIPKEX_XSA_STATE_STANDBY] = "standby",
	[MIPKEX_XSA_STATE_RETIRING] = "retiring",
	[MIPKEX_XSA_STATE_REMOVED] = "removed",
	[MIPKEX_XSA_STATE_EXPIRED] = "expired",
};

static const char *const reason_names[10] = {
	[MIPKEX_REASON_NEW] = "new",
	[MIPKEX_REASON_REPLACED] = "replaced",
	[MIPKEX_REASON_DEREGISTERED] = "deregistered",
	[MIPKEX_REASON_EXPIRED] = "expired",
	[MIPKEX_REASON_DELETED] = "deleted",
	[MIPKEX_REASON_ROLE_CHANGE] = "role-change",
	[MIPKEX_REASON_SHUTDOWN] = "shutdown",
	[MIPKEX_REASON_KEY_DELETED] = "key-deleted",
	[MIPKEX_REASON_XFRM_DELETED] = "xfrm-deleted",
};

static const char *protocol_name(unsigned int p, char buf[12])
{
	if (p == 50)
		return "esp";
	if (p == 51)
		return "ah";
	snprintf(buf, 12, "%u", p);
	return buf;
}

/* "aes-gcm-256", as the KDC's transform names; or the IKEv2 id. */
static const char *encr_name(unsigned int id, unsigned int bits, char buf[24])
{
	if (id == IKEV2_ENCR_AES_GCM_16 && (bits == 128 || bits == 256))
		snprintf(buf, 24, "aes-gcm-%u", bits);
	else if (id == IKEV2_ENCR_CHACHA20_POLY1305)
		snprintf(buf, 24, "chacha20-poly1305");
	else
		snprintf(buf, 24, "encr-%u/%u", id, bits);
	return buf;
}

static const char *integ_name(unsigned int id, char buf[24])
{
	if (id == IKEV2_AUTH_HMAC_SHA2_256_128)
		snprintf(buf, 24, "hmac-sha256-128");
	else if (id == IKEV2_AUTH_HMAC_SHA1_96)
		snprintf(buf, 24, "hmac-sha1-96");
	else
		snprintf(buf, 24, "integ-%u", id);
	return buf;
}

static uint32_t get_u32(struct nlattr **tb, int t)
{
	return tb[t] ? nla_get_u32(tb[t]) : 0;
}

static void json_addr(const char *key, uint32_t be)
{
	char a[16];

	jw_key(key);
	jw_str(ipv4_str(be, a));
}

static void print_sa_json(struct nlattr **t)
{
	unsigned int encr = t[MIPKEX_SA_A_ENCR] ?
			    nla_get_u16(t[MIPKEX_SA_A_ENCR]) : 0;
	unsigned int bits = t[MIPKEX_SA_A_ENCR_BITS] ?
			    nla_get_u16(t[MIPKEX_SA_A_ENCR_BITS]) : 0;
	unsigned int integ = t[MIPKEX_SA_A_INTEG] ?
			     nla_get_u16(t[MIPKEX_SA_A_INTEG]) : 0;
	unsigned int proto = t[MIPKEX_SA_A_PROTOCOL] ?
			     nla_get_u8(t[MIPKEX_SA_A_PROTOCOL]) : 0;
	unsigned int pair = t[MIPKEX_SA_A_PAIR] ?
			    nla_get_u8(t[MIPKEX_SA_A_PAIR]) : 0;
	char b[24], fpr[2 * MIPKEX_FINGERPRINT_LEN + 1];

	jw_open('{');
	jw_key("pair");
	jw_str(enum_name(pair, pair_names, ARRAY_SIZE(pair_names), b));
	jw_key("protocol");
	jw_str(protocol_name(proto, b));
	jw_key("encr");
	if (encr)
		jw_str(encr_name(encr, bits, b));
	else
		jw_null();
	jw_key("encr_id");
	jw_uint(encr);
	jw_key("encr_bits");
	jw_uint(bits);
	jw_key("integ");
	if (integ)
		jw_str(integ_name(integ, b));
	else
		jw_null();
	jw_key("integ_id");
	jw_uint(integ);
	jw_key("spi_in");
	jw_uint(get_u32(t, MIPKEX_SA_A_SPI_IN));
	jw_key("spi_out");
	jw_uint(get_u32(t, MIPKEX_SA_A_SPI_OUT));
	jw_key("lifetime");
	jw_uint(get_u32(t, MIPKEX_SA_A_LIFETIME));
	jw_key("fingerprint");
	if (t[MIPKEX_SA_A_FINGERPRINT]) {
		hex_str(nla_data(t[MIPKEX_SA_A_FINGERPRINT]),
			MIPKEX_FINGERPRINT_LEN, fpr);
		jw_str(fpr);
	} else {
		jw_null();
	}
	jw_key("xfrm");
	if (t[MIPKEX_SA_A_XFRM])
		jw_str(enum_name(nla_get_u8(t[MIPKEX_SA_A_XFRM]), xsa_state_names,
				 ARRAY_SIZE(xsa_state_names), b));
	else
		jw_null();
	jw_close();
}

static void print_sa_text(struct nlattr **t, const char *indent)
{
	unsigned int encr = t[MIPKEX_SA_A_ENCR] ?
			    nla_get_u16(t[MIPKEX_SA_A_ENCR]) : 0;
	unsigned int bits = t[MIPKEX_SA_A_ENCR_BITS] ?
			    nla_get_u16(t[MIPKEX_SA_A_ENCR_BITS]) : 0;
	unsigned int integ = t[MIPKEX_SA_A_INTEG] ?
			     nla_get_u16(t[MIPKEX_SA_A_INTEG]) : 0;
	unsigned int proto = t[MIPKEX_SA_A_PROTOCOL] ?
			     nla_get_u8(t[MIPKEX_SA_A_PROTOCOL]) : 0;
	unsigned int pair = t[MIPKEX_SA_A_PAIR] ?
			    nla_get_u8(t[MIPKEX_SA_A_PAIR]) : 0;
	char b1[24], b2[24], fpr[2 * MIPKEX_FINGERPRINT_LEN + 1];

	printf("%ssa %s %s", indent,
	       enum_name(pair, pair_names, ARRAY_SIZE(pair_names), b1),
	       protocol_name(proto, b2));
	if (encr)
		printf(" %s", encr_name(encr, bits, b1));
	if (integ)
		printf(" %s", integ_name(integ, b1));
	printf(" spi in 0x%08x out 0x%08x lifetime %u",
	       get_u32(t, MIPKEX_SA_A_SPI_IN), get_u32(t, MIPKEX_SA_A_SPI_OUT),
	       get_u32(t, MIPKEX_SA_A_LIFETIME));
	if (t[MIPKEX_SA_A_FINGERPRINT]) {
		hex_str(nla_data(t[MIPKEX_SA_A_FINGERPRINT]),
			MIPKEX_FINGERPRINT_LEN, fpr);
		printf(" key %s", fpr);
	} else {
		printf(" key none");
	}
	if (t[MIPKEX_SA_A_XFRM])
		printf(" xfrm %s",
		       enum_name(nla_get_u8(t[MIPKEX_SA_A_XFRM]), xsa_state_names,
				 ARRAY_SIZE(xsa_state_names), b2));
	putchar(strcmp(indent, " ") ? '\n' : ';');
}

/*
 * Print one binding (the %MIPKEX_A_BINDING nest): a JSON object, or text,
 * on several lines (@oneline false) or one.
 */
static int print_binding(struct nlattr *nest, bool oneline)
{
	struct nlattr *tb[MIPKEX_BINDING_A_MAX + 1], *t[MIPKEX_SA_A_MAX + 1];
	struct nlattr *a;
	unsigned int lifetime, group;
	char b1[16], b2[16], b3[16], b4[16], e[12];
	const char *sep = oneline ? " " : "\n\t";
	int rem;

	if (!nest || nla_parse_nested(tb, MIPKEX_BINDING_A_MAX, nest,
				      binding_policy) ||
	    !tb[MIPKEX_BINDING_A_HOME_ADDR] || !tb[MIPKEX_BINDING_A_HA_ADDR]) {
		mk_err("malformed binding from the kernel");
		return -EPROTO;
	}
	lifetime = get_u32(tb, MIPKEX_BINDING_A_LIFETIME);
	group = tb[MIPKEX_BINDING_A_DH_GROUP] ?
		nla_get_u16(tb[MIPKEX_BINDING_A_DH_GROUP]) : 0;
	if (json) {
		jw_open('{');
		json_addr("home", get_u32(tb, MIPKEX_BINDING_A_HOME_ADDR));
		json_addr("ha", get_u32(tb, MIPKEX_BINDING_A_HA_ADDR));
		json_addr("coa", get_u32(tb, MIPKEX_BINDING_A_COA));
		json_addr("fa", get_u32(tb, MIPKEX_BINDING_A_FA_ADDR));
		jw_key("nai");
		if (tb[MIPKEX_BINDING_A_NAI])
			jw_str(nla_get_string(tb[MIPKEX_BINDING_A_NAI]));
		else
			jw_null();
		jw_key("key0_spi");
		if (tb[MIPKEX_BINDING_A_KEY0_SPI])
			jw_uint(get_u32(tb, MIPKEX_BINDING_A_KEY0_SPI));
		else
			jw_null();
		jw_key("role");
		jw_str(enum_name(tb[MIPKEX_BINDING_A_ROLE] ?
				 nla_get_u8(tb[MIPKEX_BINDING_A_ROLE]) : 0,
				 role_names, ARRAY_SIZE(role_names), e));
		jw_key("state");
		jw_str(enum_name(tb[MIPKEX_BINDING_A_STATE] ?
				 nla_get_u8(tb[MIPKEX_BINDING_A_STATE]) : 0,
				 state_names, ARRAY_SIZE(state_names), e));
		jw_key("mode");
		jw_str(enum_name(tb[MIPKEX_BINDING_A_MODE] ?
				 nla_get_u8(tb[MIPKEX_BINDING_A_MODE]) : 0,
				 mode_names, ARRAY_SIZE(mode_names), e));
		jw_key("dh_group");
		if (group)
			jw_uint(group);
		else
			jw_null();
		jw_key("dh_group_name");
		if (group && group_name(group))
			jw_str(group_name(group));
		else
			jw_null();
		jw_key("lifetime");
		jw_uint(lifetime);
		jw_key("remaining");
		if (tb[MIPKEX_BINDING_A_REMAINING])
			jw_uint(get_u32(tb, MIPKEX_BINDING_A_REMAINING));
		else
			jw_null();
		jw_key("age");
		jw_uint(get_u32(tb, MIPKEX_BINDING_A_AGE));
		jw_key("ident");
		jw_uint(tb[MIPKEX_BINDING_A_IDENT] ?
			(unsigned long long)nla_get_u64(tb[MIPKEX_BINDING_A_IDENT]) : 0);
		jw_key("sa");
		jw_open('[');
	} else {
		printf("%s ha %s coa %s fa %s",
		       ipv4_str(get_u32(tb, MIPKEX_BINDING_A_HOME_ADDR), b1),
		       ipv4_str(get_u32(tb, MIPKEX_BINDING_A_HA_ADDR), b2),
		       ipv4_str(get_u32(tb, MIPKEX_BINDING_A_COA), b3),
		       ipv4_str(get_u32(tb, MIPKEX_BINDING_A_FA_ADDR), b4));
		if (tb[MIPKEX_BINDING_A_NAI])
			printf(" nai %s", nla_get_string(tb[MIPKEX_BINDING_A_NAI]));
		if (tb[MIPKEX_BINDING_A_KEY0_SPI])
			printf(" spi %u", get_u32(tb, MIPKEX_BINDING_A_KEY0_SPI));
		printf("%srole %s state %s mode %s", sep,
		       enum_name(tb[MIPKEX_BINDING_A_ROLE] ?
				 nla_get_u8(tb[MIPKEX_BINDING_A_ROLE]) : 0,
				 role_names, ARRAY_SIZE(role_names), e),
		       enum_name(tb[MIPKEX_BINDING_A_STATE] ?
				 nla_get_u8(tb[MIPKEX_BINDING_A_STATE]) : 0,
				 state_names, ARRAY_SIZE(state_names), b1),
		       enum_name(tb[MIPKEX_BINDING_A_MODE] ?
				 nla_get_u8(tb[MIPKEX_BINDING_A_MODE]) : 0,
				 binding_mode_names,
				 ARRAY_SIZE(binding_mode_names), b2));
		if (group) {
			if (group_name(group))
				printf(" group %s", group_name(group));
			else
				printf(" group %u", group);
		}
		if (lifetime == MIPKEX_LIFETIME_INFINITE)
			printf(" lifetime infinite");
		else
			printf(" lifetime %u remaining %u", lifetime,
			       get_u32(tb, MIPKEX_BINDING_A_REMAINING));
		printf(" age %u ident 0x%016llx",
		       get_u32(tb, MIPKEX_BINDING_A_AGE),
		       tb[MIPKEX_BINDING_A_IDENT] ?
		       (unsigned long long)nla_get_u64(tb[MIPKEX_BINDING_A_IDENT]) : 0ULL);
		putchar(oneline ? ';' : '\n');
	}
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MIPKEX_BINDING_A_SA ||
		    nla_parse_nested(t, MIPKEX_SA_A_MAX, a, sa_policy))
			continue;
		if (json)
			print_sa_json(t);
		else
			print_sa_text(t, oneline ? " " : "\t");
	}
	if (json) {
		jw_close();
		jw_close();
	}
	return 0;
}

/* ---- XFRM SAs ------------------------------------------------------------ */

static unsigned int get_u8(struct nlattr **tb, int t)
{
	return tb[t] ? nla_get_u8(tb[t]) : 0;
}

/* A u32 or u64 attribute that may be absent: its value, or null. */
static void json_opt(const char *key, struct nlattr *a, bool u64)
{
	jw_key(key);
	if (!a)
		jw_null();
	else if (u64)
		jw_uint((unsigned long long)nla_get_u64(a));
	else
		jw_uint(nla_get_u32(a));
}

static int parse_xsa(struct nlattr *nest, struct nlattr **t)
{
	if (!nest || nla_parse_nested(t, MIPKEX_XSA_A_MAX, nest, xsa_policy) ||
	    !t[MIPKEX_XSA_A_HOME_ADDR] || !t[MIPKEX_XSA_A_HA_ADDR]) {
		mk_err("malformed SA from the kernel");
		return -EPROTO;
	}
	return 0;
}

/*
 * Print one XFRM SA (the %MIPKEX_A_XSA nest): a JSON object, or text, on
 * one line that starts with its binding (@oneline), or as two indented lines
 * under a line that names its binding (show sa prints that line).
 */
static int print_xsa(struct nlattr *nest, bool oneline)
{
	struct nlattr *t[MIPKEX_XSA_A_MAX + 1];
	char b1[16], b2[16], e1[12], e2[12], e3[12], e4[12], e5[12];
	const char *pair, *dir, *state, *proto, *mode, *alg;
	struct nlattr *hard, *soft;
	bool dying;

	if (parse_xsa(nest, t))
		return -EPROTO;
	pair = enum_name(get_u8(t, MIPKEX_XSA_A_PAIR), pair_names,
			 ARRAY_SIZE(pair_names), e1);
	dir = enum_name(get_u8(t, MIPKEX_XSA_A_DIR), xsa_dir_names,
			ARRAY_SIZE(xsa_dir_names), e2);
	state = enum_name(get_u8(t, MIPKEX_XSA_A_STATE), xsa_state_names,
			  ARRAY_SIZE(xsa_state_names), e3);
	proto = protocol_name(get_u8(t, MIPKEX_XSA_A_PROTOCOL), e4);
	mode = enum_name(get_u8(t, MIPKEX_XSA_A_MODE), sa_mode_names,
			 ARRAY_SIZE(sa_mode_names), e5);
	alg = t[MIPKEX_XSA_A_ALG] ? nla_get_string(t[MIPKEX_XSA_A_ALG]) : "";
	hard = t[MIPKEX_XSA_A_HARD];
	soft = t[MIPKEX_XSA_A_SOFT];
	dying = get_u8(t, MIPKEX_XSA_A_DYING);
	if (json) {
		jw_open('{');
		json_addr("home", get_u32(t, MIPKEX_XSA_A_HOME_ADDR));
		json_addr("ha", get_u32(t, MIPKEX_XSA_A_HA_ADDR));
		jw_key("pair");
		jw_str(pair);
		jw_key("dir");
		jw_str(dir);
		jw_key("state");
		jw_str(state);
		jw_key("protocol");
		jw_str(proto);
		jw_key("spi");
		jw_uint(get_u32(t, MIPKEX_XSA_A_SPI));
		json_addr("src", get_u32(t, MIPKEX_XSA_A_SRC));
		json_addr("dst", get_u32(t, MIPKEX_XSA_A_DST));
		jw_key("mode");
		jw_str(mode);
		jw_key("alg");
		jw_str(alg);
		jw_key("reqid");
		jw_uint(get_u32(t, MIPKEX_XSA_A_REQID));
		json_opt("hard", hard, false);
		json_opt("soft", soft, false);
		jw_key("age");
		jw_uint(get_u32(t, MIPKEX_XSA_A_AGE));
		json_opt("packets", t[MIPKEX_XSA_A_PACKETS], true);
		json_opt("bytes", t[MIPKEX_XSA_A_BYTES], true);
		jw_key("dying");
		jw_bool(dying);
		jw_close();
		return 0;
	}
	if (oneline)
		printf("%s ha %s ",
		       ipv4_str(get_u32(t, MIPKEX_XSA_A_HOME_ADDR), b1),
		       ipv4_str(get_u32(t, MIPKEX_XSA_A_HA_ADDR), b2));
	else
		putchar('\t');
	/* "in " under "out", in a listing */
	printf("%s %-*s %s spi 0x%08x %s -> %s %s %s %s%s", pair,
	       oneline ? 0 : 3, dir, proto, get_u32(t, MIPKEX_XSA_A_SPI),
	       ipv4_str(get_u32(t, MIPKEX_XSA_A_SRC), b1),
	       ipv4_str(get_u32(t, MIPKEX_XSA_A_DST), b2), mode,
	       *alg ? alg : "-", state, dying ? " dying" : "");
	fputs(oneline ? " " : "\n\t\t", stdout);
	if (!hard && !soft) {
		printf("lifetime none");
	} else {
		snprintf(e1, sizeof(e1), "%u", hard ? nla_get_u32(hard) : 0);
		snprintf(e2, sizeof(e2), "%u", soft ? nla_get_u32(soft) : 0);
		printf("lifetime hard %s soft %s", hard ? e1 : "none",
		       soft ? e2 : "none");
	}
	printf(" age %u", get_u32(t, MIPKEX_XSA_A_AGE));
	if (t[MIPKEX_XSA_A_PACKETS] && t[MIPKEX_XSA_A_BYTES])
		printf(" packets %llu bytes %llu",
		       (unsigned long long)nla_get_u64(t[MIPKEX_XSA_A_PACKETS]),
		       (unsigned long long)nla_get_u64(t[MIPKEX_XSA_A_BYTES]));
	printf(" reqid 0x%08x", get_u32(t, MIPKEX_XSA_A_REQID));
	if (!oneline)
		putchar('\n');
	return 0;
}

/* ---- show ---------------------------------------------------------------- */

/* The nests of a dump: one %MIPKEX_A_BINDING or %MIPKEX_A_XSA (@attr) each. */
struct nest_list {
	int attr;
	struct nlattr **v;
	size_t n, cap;
};

static int nest_collect(struct nlattr **tb, void *arg)
{
	struct nest_list *l = arg;
	struct nlattr *a = tb[l->attr], *copy;

	if (!a) {
		mk_err("incomplete reply from the kernel");
		return -EPROTO;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct nlattr **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			mk_err("out of memory");
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	copy = malloc(nla_total_size(nla_len(a)));
	if (!copy) {
		mk_err("out of memory");
		return -ENOMEM;
	}
	memcpy(copy, a, nla_total_size(nla_len(a)));
	l->v[l->n++] = copy;
	return 0;
}

static void nest_list_clear(struct nest_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

/* Sort key: home address, then HA address, in host order. */
static uint64_t binding_key(const struct nlattr *nest)
{
	struct nlattr *tb[MIPKEX_BINDING_A_MAX + 1];

	if (nla_parse_nested(tb, MIPKEX_BINDING_A_MAX, (struct nlattr *)nest,
			     binding_policy))
		return 0;
	return (uint64_t)ntohl(get_u32(tb, MIPKEX_BINDING_A_HOME_ADDR)) << 32 |
	       ntohl(get_u32(tb, MIPKEX_BINDING_A_HA_ADDR));
}

static int binding_cmp(const void *a, const void *b)
{
	uint64_t ka = binding_key(*(struct nlattr *const *)a);
	uint64_t kb = binding_key(*(struct nlattr *const *)b);

	return ka < kb ? -1 : ka > kb;
}

/* Dump @cmd into @l; @what names the entries for a message. */
static int nest_dump(struct nest_list *l, int cmd, const char *what)
{
	struct nl_msg *msg;
	int err, tries;

	msg = mk_genl_msg(cmd, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	err = mk_genl_call(msg, nest_collect, l);
	for (tries = 0; err == -EAGAIN && tries < 10; tries++) {
		nest_list_clear(l);	/* changed meanwhile: again */
		msg = mk_genl_msg(cmd, NLM_F_DUMP);
		err = msg ? mk_genl_call(msg, nest_collect, l) : -ENOMEM;
	}
	if (err == -EAGAIN)
		mk_err("the %s kept changing during the dump", what);
	return err;
}

static struct nl_msg *binding_msg(int cmd, uint32_t home, uint32_t ha,
				  bool have_ha)
{
	struct nl_msg *msg = mk_genl_msg(cmd, 0);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, MIPKEX_A_BINDING);
	if (!nest || nla_put_u32(msg, MIPKEX_BINDING_A_HOME_ADDR, home) < 0 ||
	    (have_ha && nla_put_u32(msg, MIPKEX_BINDING_A_HA_ADDR, ha) < 0)) {
		nlmsg_free(msg);
		mk_err("out of memory");
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

/* [HOME [ha HA]]. Return: 0, or a usage error's exit status. */
static int parse_sel(const char *cmd, int argc, char **argv, uint32_t *home,
		     uint32_t *ha, bool *have_ha)
{
	*have_ha = false;
	if (argc >= 1 && parse_ipv4(argv[0], home))
		return usage_error("%s: \"%s\" is not an IPv4 home address",
				   cmd, argv[0]);
	if (argc >= 2) {
		if (!matches(argv[1], "ha"))
			return usage_error("%s: unexpected \"%s\" (ha ADDR?)",
					   cmd, argv[1]);
		if (argc < 3)
			return usage_error("%s: ha: which address?", cmd);
		if (parse_ipv4(argv[2], ha))
			return usage_error("%s: \"%s\" is not an IPv4 address",
					   cmd, argv[2]);
		*have_ha = true;
	}
	if (argc > 3)
		return usage_error("%s: unexpected \"%s\"", cmd, argv[3]);
	return 0;
}

static int binding_show_one(struct nlattr **tb, void *arg)
{
	(void)arg;
	if (json)
		jw_open('[');
	if (print_binding(tb[MIPKEX_A_BINDING], false))
		return -EPROTO;
	if (json) {
		jw_close();
		jw_end();
	}
	return 0;
}

/**
 * mk_binding_show() - "binding show [HOME [ha HA]]", "show bindings ..."
 * @argc: arguments after "show"
 * @argv: them
 *
 * Return: the exit status.
 */
int mk_binding_show(int argc, char **argv)
{
	struct nest_list l = { .attr = MIPKEX_A_BINDING };
	uint32_t home = 0, ha = 0;
	bool have_ha;
	size_t i;
	int ret;

	ret = parse_sel("binding show", argc, argv, &home, &ha, &have_ha);
	if (ret)
		return ret;
	if (mk_genl_open())
		return 1;
	if (argc >= 1) {
		struct nl_msg *msg = binding_msg(MIPKEX_CMD_BINDING_GET, home,
						 ha, have_ha);

		ret = msg && !mk_genl_call(msg, binding_show_one, NULL) ? 0 : 1;
		mk_genl_close();
		return ret;
	}
	ret = nest_dump(&l, MIPKEX_CMD_BINDING_GET, "bindings") ? 1 : 0;
	mk_genl_close();
	if (!ret) {
		if (l.n)
			qsort(l.v, l.n, sizeof(*l.v), binding_cmp);
		if (json)
			jw_open('[');
		for (i = 0; i < l.n && !ret; i++)
			ret = print_binding(l.v[i], false) ? 1 : 0;
		if (json) {
			jw_close();
			jw_end();
		}
	}
	nest_list_clear(&l);
	free(l.v);
	return ret;
}

static int binding_del(int argc, char **argv)
{
	uint32_t home = 0, ha = 0;
	struct nl_msg *msg;
	bool have_ha;
	int ret;

	if (argc < 1)
		return usage_error("binding del: which home address?");
	ret = parse_sel("binding del", argc, argv, &home, &ha, &have_ha);
	if (ret)
		return ret;
	if (!have_ha)
		return usage_error("binding del: ha ADDR is required");
	if (mk_genl_open())
		return 1;
	msg = binding_msg(MIPKEX_CMD_BINDING_DEL, home, ha, true);
	ret = msg && !mk_genl_call(msg, NULL, NULL) ? 0 : 1;
	mk_genl_close();
	return ret;
}

/**
 * cmd_binding() - "mipkex binding show|del ..."
 * @argc: arguments after "binding"
 * @argv: them
 *
 * Return: the exit status.
 */
int cmd_binding(int argc, char **argv)
{
	static const char *const subs[] = { "show", "del", "list" };
	int c;

	if (argc < 1)
		return mk_binding_show(0, NULL);
	c = find_word(argv[0], subs, ARRAY_SIZE(subs));
	if (c == -2)
		return usage_error("binding: \"%s\" is ambiguous", argv[0]);
	if (c < 0)
		return usage_error("binding: show or del? (not \"%s\")", argv[0]);
	if (c == 1)
		return binding_del(argc - 1, argv + 1);
	return mk_binding_show(argc - 1, argv + 1);
}

/* ---- show sa ------------------------------------------------------------- */

/* Sort key of an SA: its binding, pair, direction (in first), state, SPI. */
struct xsa_key {
	uint32_t home, ha;	/* host order */
	unsigned int pair, dir, state;
	uint32_t spi;
};

static void get_xsa_key(const struct nlattr *nest, struct xsa_key *k)
{
	struct nlattr *t[MIPKEX_XSA_A_MAX + 1];

	memset(k, 0, sizeof(*k));
	if (nla_parse_nested(t, MIPKEX_XSA_A_MAX, (struct nlattr *)nest,
			     xsa_policy))
		return;
	k->home = ntohl(get_u32(t, MIPKEX_XSA_A_HOME_ADDR));
	k->ha = ntohl(get_u32(t, MIPKEX_XSA_A_HA_ADDR));
	k->pair = get_u8(t, MIPKEX_XSA_A_PAIR);
	k->dir = get_u8(t, MIPKEX_XSA_A_DIR);
	k->state = get_u8(t, MIPKEX_XSA_A_STATE);
	k->spi = get_u32(t, MIPKEX_XSA_A_SPI);
}

static int xsa_cmp(const void *a, const void *b)
{
	struct xsa_key x, y;

	get_xsa_key(*(struct nlattr *const *)a, &x);
	get_xsa_key(*(struct nlattr *const *)b, &y);
#define XSA_CMP(f) do { if (x.f != y.f) return x.f < y.f ? -1 : 1; } while (0)
	XSA_CMP(home);
	XSA_CMP(ha);
	XSA_CMP(pair);
	XSA_CMP(dir);
	XSA_CMP(state);
	XSA_CMP(spi);
#undef XSA_CMP
	return 0;
}

/**
 * mk_sa_show() - "show sa [HOME [ha HA]]", "sa show ...": the XFRM SAs the
 *	module installed, grouped by binding
 * @argc: arguments after "sa"
 * @argv: them
 *
 * Return: the exit status.
 */
int mk_sa_show(int argc, char **argv)
{
	struct nest_list l = { .attr = MIPKEX_A_XSA };
	struct nlattr *t[MIPKEX_XSA_A_MAX + 1];
	uint32_t home = 0, ha = 0, h, a, last_h = 0, last_a = 0;
	char b1[16], b2[16];
	bool have_ha, first = true;
	size_t i;
	int ret;

	ret = parse_sel("show sa", argc, argv, &home, &ha, &have_ha);
	if (ret)
		return ret;
	if (mk_genl_open())
		return 1;
	ret = nest_dump(&l, MIPKEX_CMD_SA_GET, "SAs") ? 1 : 0;
	mk_genl_close();
	if (!ret) {
		if (l.n)
			qsort(l.v, l.n, sizeof(*l.v), xsa_cmp);
		if (json)
			jw_open('[');
		for (i = 0; i < l.n && !ret; i++) {
			if (parse_xsa(l.v[i], t)) {
				ret = 1;
				break;
			}
			h = get_u32(t, MIPKEX_XSA_A_HOME_ADDR);
			a = get_u32(t, MIPKEX_XSA_A_HA_ADDR);
			if ((argc >= 1 && h != home) || (have_ha && a != ha))
				continue;
			if (!json && (first || h != last_h || a != last_a))
				printf("%s ha %s\n", ipv4_str(h, b1),
				       ipv4_str(a, b2));
			first = false;
			last_h = h;
			last_a = a;
			ret = print_xsa(l.v[i], false) ? 1 : 0;
		}
		if (json) {
			jw_close();
			jw_end();
		}
	}
	nest_list_clear(&l);
	free(l.v);
	return ret;
}

/**
 * cmd_sa() - "mipkex sa [show [HOME [ha HA]]]"
 * @argc: arguments after "sa"
 * @argv: them
 *
 * Return: the exit status.
 */
int cmd_sa(int argc, char **argv)
{
	static const char *const subs[] = { "show", "list" };
	int c;

	if (argc < 1)
		return mk_sa_show(0, NULL);
	c = find_word(argv[0], subs, ARRAY_SIZE(subs));
	if (c < 0)
		return usage_error("sa: show? (not \"%s\")", argv[0]);
	return mk_sa_show(argc - 1, argv + 1);
}

/* ---- monitor ------------------------------------------------------------- */

static volatile sig_atomic_t monitor_stop;

static void on_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static int monitor_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[MIPKEX_A_MAX + 1], *ev[MIPKEX_EVENT_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	unsigned int type, reason, role;
	char b1[12], b2[12], b3[12], a[16];

	(void)arg;
	if (gh->cmd != MIPKEX_CMD_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIPKEX_A_MAX, NULL) ||
	    !tb[MIPKEX_A_EVENT] ||
	    nla_parse_nested(ev, MIPKEX_EVENT_A_MAX, tb[MIPKEX_A_EVENT],
			     event_policy) || !ev[MIPKEX_EVENT_A_TYPE])
		return NL_SKIP;
	type = nla_get_u8(ev[MIPKEX_EVENT_A_TYPE]);
	reason = ev[MIPKEX_EVENT_A_REASON] ?
		 nla_get_u8(ev[MIPKEX_EVENT_A_REASON]) : 0;
	role = ev[MIPKEX_EVENT_A_ROLE] ? nla_get_u8(ev[MIPKEX_EVENT_A_ROLE]) : 0;
	if (json) {
		jw_open('{');
		jw_key("event");
		jw_str(enum_name(type, event_names, ARRAY_SIZE(event_names), b1));
		if (reason) {
			jw_key("reason");
			jw_str(enum_name(reason, reason_names,
					 ARRAY_SIZE(reason_names), b2));
		}
		jw_key("role");
		jw_str(enum_name(role, role_names, ARRAY_SIZE(role_names), b3));
	} else {
		printf("%s", enum_name(type, event_names,
				       ARRAY_SIZE(event_names), b1));
		if (reason)
			printf(" %s", enum_name(reason, reason_names,
						ARRAY_SIZE(reason_names), b2));
		printf(" (%s):", enum_name(role, role_names,
					   ARRAY_SIZE(role_names), b3));
	}
	if (type == MIPKEX_EVENT_DENIED) {
		unsigned int code = ev[MIPKEX_EVENT_A_CODE] ?
				    nla_get_u8(ev[MIPKEX_EVENT_A_CODE]) : 0;
		const char *why = ev[MIPKEX_EVENT_A_MESSAGE] ?
				  nla_get_string(ev[MIPKEX_EVENT_A_MESSAGE]) : "";

		if (json) {
			jw_key("code");
			jw_uint(code);
			jw_key("message");
			jw_str(why);
			if (ev[MIPKEX_EVENT_A_HOME_ADDR])
				json_addr("home",
					  nla_get_u32(ev[MIPKEX_EVENT_A_HOME_ADDR]));
			if (ev[MIPKEX_EVENT_A_HA_ADDR])
				json_addr("ha",
					  nla_get_u32(ev[MIPKEX_EVENT_A_HA_ADDR]));
			if (ev[MIPKEX_EVENT_A_NAI]) {
				jw_key("nai");
				jw_str(nla_get_string(ev[MIPKEX_EVENT_A_NAI]));
			}
		} else {
			printf(" code %u", code);
			if (ev[MIPKEX_EVENT_A_HOME_ADDR])
				printf(" home %s",
				       ipv4_str(nla_get_u32(ev[MIPKEX_EVENT_A_HOME_ADDR]), a));
			if (ev[MIPKEX_EVENT_A_HA_ADDR])
				printf(" ha %s",
				       ipv4_str(nla_get_u32(ev[MIPKEX_EVENT_A_HA_ADDR]), a));
			if (ev[MIPKEX_EVENT_A_NAI])
				printf(" nai %s",
				       nla_get_string(ev[MIPKEX_EVENT_A_NAI]));
			printf(" \"%s\"", why);
		}
	}
	if (tb[MIPKEX_A_BINDING]) {
		if (json)
			jw_key("binding");
		else
			putchar(' ');
		print_binding(tb[MIPKEX_A_BINDING], true);
	}
	if (tb[MIPKEX_A_XSA]) {
		if (json)
			jw_key("sa");
		else
			putchar(' ');
		print_xsa(tb[MIPKEX_A_XSA], true);
	}
	if (json) {
		jw_close();
		jw_end();
	} else {
		putchar('\n');
	}
	fflush(stdout);
	return NL_OK;
}

static int monitor_loop(struct nl_sock *sk)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
	int err;

	while (!monitor_stop) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			mk_err("poll: %s", strerror(errno));
			return 1;
		}
		err = nl_recvmsgs_default(sk);
		if (err == -NLE_AGAIN || err >= 0)
			continue;
		if (err == -NLE_NOMEM) {	/* ENOBUFS: we were too slow */
			if (json) {
				jw_open('{');
				jw_key("event");
				jw_str("lost");
				jw_close();
				jw_end();
			} else {
				printf("lost: events dropped (receive buffer full)\n");
			}
			fflush(stdout);
			continue;
		}
		mk_err("cannot receive: %s", nl_geterror(err));
		return 1;
	}
	return 0;
}

/**
 * cmd_monitor() - "mipkex monitor": print events until interrupted
 * @argc: arguments after "monitor" (none)
 * @argv: them
 *
 * Return: the exit status (0 on SIGINT or SIGTERM).
 */
int cmd_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct nl_sock *sk;
	int grp, err, ret;

	if (argc > 0)
		return usage_error("monitor: unexpected \"%s\"", argv[0]);
	if (mk_genl_open())
		return 1;
	sk = mk_genl_sock();
	grp = genl_ctrl_resolve_grp(sk, MIPKEX_GENL_NAME,
				    MIPKEX_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		mk_err("the module has no \"%s\" group: %s",
		       MIPKEX_GENL_MCGRP_EVENTS, nl_geterror(grp));
		mk_genl_close();
		return 1;
	}
	err = nl_socket_add_membership(sk, grp);
	if (err < 0) {
		mk_err("cannot listen to events: %s%s", nl_geterror(err),
		       err == -NLE_PERM ?
		       " (needs CAP_NET_ADMIN in the namespace's user namespace)" :
		       "");
		mk_genl_close();
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, monitor_event, NULL);
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	nl_socket_set_nonblocking(sk);
	/* Subscribed: from here on no event is missed (a test waits for it). */
	fprintf(stderr, "mipkex: monitoring events\n");
	ret = monitor_loop(sk);
	mk_genl_close();
	return ret;
}
