// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: key distribution centre parameters - "mipkex kdc set|show"
 * and the [kdc] section of the configuration file.
 *
 * A user-defined Diffie-Hellman group is read from a PEM "DH PARAMETERS"
 * file as "openssl dhparam" writes it (PKCS #3 DHParameter: a DER SEQUENCE
 * of the prime, the generator and an optional private value length), with
 * the small DER reader below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "entry.h"
#include "genl.h"
#include "kdc.h"
#include "util.h"

const char *const kdc_words[MIPKEX_KDC_A_MAX + 1] = {
	[MIPKEX_KDC_A_MODE] = "mode",
	[MIPKEX_KDC_A_SEED] = "seed",
	[MIPKEX_KDC_A_DH_GROUPS] = "groups",
	[MIPKEX_KDC_A_MIN_DH_BITS] = "min-dh-bits",
	[MIPKEX_KDC_A_TRANSFORMS] = "transforms",
	[MIPKEX_KDC_A_LIFETIME] = "lifetime",
	[MIPKEX_KDC_A_LEGACY] = "legacy",
	[MIPKEX_KDC_A_INSECURE] = "insecure",
	[MIPKEX_KDC_A_USER_PRIME] = "user-group",
	[MIPKEX_KDC_A_SA_MODE] = "sa-mode",
	[MIPKEX_KDC_A_SA_POLICY] = "sa-policy",
	[MIPKEX_KDC_A_SA_AH] = "sa-ah",
};

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 of [s, end) into @out (room for @max). Return: length or -1. */
static long b64_decode(const char *s, const char *end, uint8_t *out,
		       size_t max)
{
	unsigned int acc = 0, bits = 0;
	size_t n = 0;
	bool pad = false;

	for (; s < end; s++) {
		int v = b64val((unsigned char)*s);

		if (*s == '=') {
			pad = true;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			continue;
		if (v < 0 || pad)
			return -1;
		acc = (acc << 6 | (unsigned int)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)n;
}

/* One DER element of type @tag at *@p: its content. Return: 0 or -1. */
static int der_get(const uint8_t **p, const uint8_t *end, uint8_t tag,
		   const uint8_t **val, size_t *len)
{
	const uint8_t *q = *p;
	size_t l, i, nb;

	if (end - q < 2 || *q++ != tag)
		return -1;
	l = *q++;
	if (l & 0x80) {
		nb = l & 0x7f;
		if (!nb || nb > 3 || (size_t)(end - q) < nb)
			return -1;
		for (l = 0, i = 0; i < nb; i++)
			l = l << 8 | *q++;
	}
	if (l > (size_t)(end - q))
		return -1;
	*val = q;
	*len = l;
	*p = q + l;
	return 0;
}

/* A positive DER INTEGER, without its leading zeros. Return: 0 or -1. */
static int der_uint(const uint8_t **p, const uint8_t *end, uint8_t *out,
		    size_t max, size_t *len)
{
	const uint8_t *v;
	size_t l;

	if (der_get(p, end, 0x02, &v, &l) || !l || (v[0] & 0x80))
		return -1;
	while (l > 1 && !v[0]) {
		v++;
		l--;
	}
	if (l > max)
		return -1;
	memcpy(out, v, l);
	*len = l;
	return 0;
}

/* The prime and generator of a PEM "DH PARAMETERS" file. */
static int read_dhparam(const char *path, struct mk_kdc *k, char *err,
			size_t n)
{
	static const char begin[] = "-----BEGIN DH PARAMETERS-----";
	static const char end_mark[] = "-----END DH PARAMETERS-----";
	uint8_t der[MK_DH_MAX_BYTES * 2 + 64];
	const uint8_t *p, *end, *seq;
	const char *b, *e;
	uint8_t *buf;
	size_t len, slen;
	long dlen;

	if (mk_file_read(path, 64 * 1024, false, &buf, &len, err, n))
		return -1;
	b = strstr((char *)buf, begin);
	e = b ? strstr(b, end_mark) : NULL;
	if (!b || !e) {
		snprintf(err, n, "%s: no \"DH PARAMETERS\" PEM block (as \"openssl dhparam\" writes)",
			 path);
		goto fail;
	}
	dlen = b64_decode(b + sizeof(begin) - 1, e, der, sizeof(der));
	p = der;
	end = der + (dlen > 0 ? dlen : 0);
	if (dlen <= 0 || der_get(&p, end, 0x30, &seq, &slen)) {
		snprintf(err, n, "%s: malformed PEM or DER", path);
		goto fail;
	}
	p = seq;
	end = seq + slen;
	if (der_uint(&p, end, k->p, sizeof(k->p), &k->plen) ||
	    der_uint(&p, end, k->g, sizeof(k->g), &k->glen)) {
		snprintf(err, n,
			 "%s: malformed DHParameter (a prime of up to 8192 bits and a generator)",
			 path);
		goto fail;
	}
	if (k->plen < 256) {
		snprintf(err, n, "%s: the prime has %zu bits: at least 2048 needed",
			 path, k->plen * 8 - (size_t)__builtin_clz(k->p[0]) + 24);
		goto fail;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

/* Comma-separated names (or group numbers). */
static int parse_groups(struct mk_kdc *k, const char *val, char *err, size_t n)
{
	char copy[256], *tok, *save;
	int g, i;

	if (strlen(val) >= sizeof(copy))
		goto bad;
	strcpy(copy, val);
	k->n_groups = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		g = parse_group(tok);
		if (g < 0) {
			snprintf(err, n,
				 "group \"%s\" is not x25519, modp3072, modp2048, modp1024, modp768 or a number",
				 tok);
			return -1;
		}
		for (i = 0; i < k->n_groups; i++)
			if (k->groups[i] == g) {
				snprintf(err, n, "group \"%s\" given twice",
					 tok);
				return -1;
			}
		if (k->n_groups == MIPKEX_DH_GROUPS_MAX) {
			snprintf(err, n, "at most %d groups",
				 MIPKEX_DH_GROUPS_MAX);
			return -1;
		}
		k->groups[k->n_groups++] = (uint16_t)g;
	}
	if (k->n_groups)
		return 0;
bad:
	snprintf(err, n, "groups: a comma-separated list of 1 to %d groups",
		 MIPKEX_DH_GROUPS_MAX);
	return -1;
}

static int parse_xforms(struct mk_kdc *k, const char *val, char *err, size_t n)
{
	char copy[256], *tok, *save;
	int x;

	if (strlen(val) >= sizeof(copy))
		goto bad;
	strcpy(copy, val);
	k->transforms = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		x = parse_name(tok, xform_names, ARRAY_SIZE(xform_names));
		if (x < 0) {
			snprintf(err, n,
				 "transform \"%s\" is not aes-gcm-128, aes-gcm-256, chacha20-poly1305, hmac-sha256-128 or hmac-sha1-96",
				 tok);
			return -1;
		}
		k->transforms |= 1u << x;
	}
	if (k->transforms)
		return 0;
bad:
	snprintf(err, n, "transforms: a comma-separated list");
	return -1;
}

/**
 * mk_kdc_set() - one parameter (not the seed) from its text
 * @k: the parameters
 * @attr: MIPKEX_KDC_A_* (USER_PRIME: a PEM file or "none")
 * @val: the text
 * @err: room for a message
 * @n: size of @err
 *
 * Return: 0 or -1 with @err set.
 */
int mk_kdc_set(struct mk_kdc *k, int attr, const char *val, char *err,
	       size_t n)
{
	int v;

	switch (attr) {
	case MIPKEX_KDC_A_MODE:
		v = parse_name(val, mode_names, ARRAY_SIZE(mode_names));
		if (v < 0) {
			snprintf(err, n, "mode \"%s\" is not stateful, semi or dh",
				 val);
			return -1;
		}
		k->mode = (uint8_t)v;
		break;
	case MIPKEX_KDC_A_DH_GROUPS:
		if (parse_groups(k, val, err, n))
			return -1;
		break;
	case MIPKEX_KDC_A_MIN_DH_BITS:
		if (parse_u32(val, 0, UINT32_MAX, &k->min_dh_bits)) {
			snprintf(err, n, "min-dh-bits \"%s\" is not a number", val);
			return -1;
		}
		break;
	case MIPKEX_KDC_A_TRANSFORMS:
		if (parse_xforms(k, val, err, n))
			return -1;
		break;
	case MIPKEX_KDC_A_LIFETIME:
		if (parse_u32(val, 60, 86400, &k->lifetime)) {
			snprintf(err, n, "lifetime \"%s\" is not 60 to 86400 seconds",
				 val);
			return -1;
		}
		break;
	case MIPKEX_KDC_A_LEGACY:
	case MIPKEX_KDC_A_INSECURE:
	case MIPKEX_KDC_A_SA_AH:
		v = parse_bool(val);
		if (v < 0) {
			snprintf(err, n, "%s \"%s\" is not on or off",
				 kdc_words[attr], val);
			return -1;
		}
		if (attr == MIPKEX_KDC_A_LEGACY)
			k->legacy = (uint8_t)v;
		else if (attr == MIPKEX_KDC_A_SA_AH)
			k->sa_ah = (uint8_t)v;
		else
			k->insecure = (uint8_t)v;
		break;
	case MIPKEX_KDC_A_USER_PRIME:
		k->plen = k->glen = 0;
		if (strcmp(val, "none") && read_dhparam(val, k, err, n))
			return -1;
		break;
	case MIPKEX_KDC_A_SA_MODE:
		v = parse_name(val, sa_mode_names, ARRAY_SIZE(sa_mode_names));
		if (v < 0) {
			snprintf(err, n, "sa-mode \"%s\" is not transport or tunnel",
				 val);
			return -1;
		}
		k->sa_mode = (uint8_t)v;
		break;
	case MIPKEX_KDC_A_SA_POLICY:
		v = parse_name(val, sa_policy_names, ARRAY_SIZE(sa_policy_names));
		if (v < 0) {
			snprintf(err, n, "sa-policy \"%s\" is not none, pair or tunnel",
				 val);
			return -1;
		}
		k->sa_policy = (uint8_t)v;
		break;
	default:
		snprintf(err, n, "internal error: parameter %d", attr);
		return -1;
	}
	k->have |= 1u << attr;
	return 0;
}

/* KDC_SET with what @k has. Return: 0 or -1 (message printed). */
int mk_kdc_send(const struct mk_kdc *k)
{
	struct nl_msg *msg = mk_genl_msg(MIPKEX_CMD_KDC_SET, 0);
	struct nlattr *nest;
	int ok = 1;

	if (!msg)
		return -1;
	nest = nla_nest_start(msg, MIPKEX_A_KDC);
	if (!nest)
		ok = 0;
	if (ok && HAVE(k, MIPKEX_KDC_A_MODE))
		ok = !nla_put_u8(msg, MIPKEX_KDC_A_MODE, k->mode);
	if (ok && HAVE(k, MIPKEX_KDC_A_SEED))
		ok = !nla_put(msg, MIPKEX_KDC_A_SEED, k->seed.len, k->seed.b);
	if (ok && HAVE(k, MIPKEX_KDC_A_DH_GROUPS))
		ok = !nla_put(msg, MIPKEX_KDC_A_DH_GROUPS,
			      k->n_groups * (int)sizeof(uint16_t), k->groups);
	if (ok && HAVE(k, MIPKEX_KDC_A_MIN_DH_BITS))
		ok = !nla_put_u32(msg, MIPKEX_KDC_A_MIN_DH_BITS, k->min_dh_bits);
	if (ok && HAVE(k, MIPKEX_KDC_A_TRANSFORMS))
		ok = !nla_put_u32(msg, MIPKEX_KDC_A_TRANSFORMS, k->transforms);
	if (ok && HAVE(k, MIPKEX_KDC_A_LIFETIME))
		ok = !nla_put_u32(msg, MIPKEX_KDC_A_LIFETIME, k->lifetime);
	if (ok && HAVE(k, MIPKEX_KDC_A_LEGACY))
		ok = !nla_put_u8(msg, MIPKEX_KDC_A_LEGACY, k->legacy);
	if (ok && HAVE(k, MIPKEX_KDC_A_INSECURE))
		ok = !nla_put_u8(msg, MIPKEX_KDC_A_INSECURE, k->insecure);
	if (ok && HAVE(k, MIPKEX_KDC_A_SA_MODE))
		ok = !nla_put_u8(msg, MIPKEX_KDC_A_SA_MODE, k->sa_mode);
	if (ok && HAVE(k, MIPKEX_KDC_A_SA_POLICY))
		ok = !nla_put_u8(msg, MIPKEX_KDC_A_SA_POLICY, k->sa_policy);
	if (ok && HAVE(k, MIPKEX_KDC_A_SA_AH))
		ok = !nla_put_u8(msg, MIPKEX_KDC_A_SA_AH, k->sa_ah);
	if (ok && HAVE(k, MIPKEX_KDC_A_USER_PRIME)) {
		ok = !nla_put(msg, MIPKEX_KDC_A_USER_PRIME, (int)k->plen, k->p);
		if (ok && k->plen)
			ok = !nla_put(msg, MIPKEX_KDC_A_USER_GENERATOR,
				      (int)k->glen, k->g);
	}
	if (!ok) {
		mk_msg_free(msg);
		mk_err("out of memory");
		return -1;
	}
	nla_nest_end(msg, nest);
	return mk_genl_call(msg, NULL, NULL) ? -1 : 0;
}

static struct nla_policy kdc_policy[MIPKEX_KDC_A_MAX + 1] = {
	[MIPKEX_KDC_A_MODE] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_SEED_FINGERPRINT] = { .minlen = MIPKEX_FINGERPRINT_LEN },
	[MIPKEX_KDC_A_MIN_DH_BITS] = { .type = NLA_U32 },
	[MIPKEX_KDC_A_TRANSFORMS] = { .type = NLA_U32 },
	[MIPKEX_KDC_A_LIFETIME] = { .type = NLA_U32 },
	[MIPKEX_KDC_A_LEGACY] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_INSECURE] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_SA_MODE] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_SA_POLICY] = { .type = NLA_U8 },
	[MIPKEX_KDC_A_SA_AH] = { .type = NLA_U8 },
};

/* The parameters as the kernel reports them. */
struct kdc_state {
	struct nlattr *tb[MIPKEX_KDC_A_MAX + 1];
	int conf;		/* print as a [kdc] section */
	int legacy;
};

static void print_list(const char *sep, const char *const *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (json)
			jw_str(items[i]);
		else
			printf("%s%s", i ? sep : "", items[i]);
	}
}

/* An XFRM parameter (u8 enum), absent from an older module's reply. */
static void print_sa_param(const struct kdc_state *st, struct nlattr *a,
			   const char *conf_key, const char *json_key,
			   const char *text_key, const char *const *names,
			   size_t n)
{
	char x[12];
	const char *v;

	if (!a)
		return;
	v = enum_name(nla_get_u8(a), names, n, x);
	if (json) {
		jw_key(json_key);
		jw_str(v);
	} else if (st->conf) {
		printf("%s = %s\n", conf_key, v);
	} else {
		printf("%s: %s\n", text_key, v);
	}
}

static int kdc_reply(struct nlattr **top, void *arg)
{
	struct kdc_state *st = arg;
	struct nlattr **tb = st->tb;
	const char *names[MIPKEX_DH_GROUPS_MAX + 32];
	char nums[MIPKEX_DH_GROUPS_MAX][8], x[12], fpr[17];
	const char *eq = st->conf ? " = " : ": ";
	uint16_t groups[MIPKEX_DH_GROUPS_MAX];
	size_t i, ng = 0, nx = 0;
	uint32_t xf = 0;

	if (!top[MIPKEX_A_KDC] ||
	    nla_parse_nested(tb, MIPKEX_KDC_A_MAX, top[MIPKEX_A_KDC], kdc_policy)) {
		mk_err("malformed KDC parameters from the kernel");
		return -EPROTO;
	}
	if (tb[MIPKEX_KDC_A_LEGACY])
		st->legacy = nla_get_u8(tb[MIPKEX_KDC_A_LEGACY]);
	if (st->conf < 0)
		return 0;	/* only read */

	if (json)
		jw_open('{');
	else if (st->conf)
		printf("\n[kdc]\n");
	if (tb[MIPKEX_KDC_A_MODE]) {
		const char *m = enum_name(nla_get_u8(tb[MIPKEX_KDC_A_MODE]),
					  mode_names, ARRAY_SIZE(mode_names), x);

		if (json) {
			jw_key("mode");
			jw_str(m);
		} else {
			printf("mode%s%s\n", eq, m);
		}
	}
	if (tb[MIPKEX_KDC_A_SEED_FINGERPRINT])
		hex_str(nla_data(tb[MIPKEX_KDC_A_SEED_FINGERPRINT]),
			MIPKEX_FINGERPRINT_LEN, fpr);
	if (json) {
		jw_key("seed_fingerprint");
		if (tb[MIPKEX_KDC_A_SEED_FINGERPRINT])
			jw_str(fpr);
		else
			jw_null();
	} else if (st->conf) {
		if (tb[MIPKEX_KDC_A_SEED_FINGERPRINT])
			printf("# seed fingerprint %s\n", fpr);
	} else {
		printf("seed: %s%s\n",
		       tb[MIPKEX_KDC_A_SEED_FINGERPRINT] ? "fingerprint " : "none",
		       tb[MIPKEX_KDC_A_SEED_FINGERPRINT] ? fpr : "");
	}
	if (tb[MIPKEX_KDC_A_DH_GROUPS]) {
		ng = (size_t)nla_len(tb[MIPKEX_KDC_A_DH_GROUPS]) / 2;
		if (ng > MIPKEX_DH_GROUPS_MAX)
			ng = MIPKEX_DH_GROUPS_MAX;
		memcpy(groups, nla_data(tb[MIPKEX_KDC_A_DH_GROUPS]), ng * 2);
		for (i = 0; i < ng; i++) {
			names[i] = group_name(groups[i]);
			if (!names[i]) {
				snprintf(nums[i], sizeof(nums[i]), "%u",
					 groups[i]);
				names[i] = nums[i];
			}
		}
		if (json) {
			jw_key("groups");
			jw_open('[');
		} else {
			printf("groups%s", eq);
		}
		print_list(",", names, ng);
		if (json)
			jw_close();
		else
			putchar('\n');
	}
	if (tb[MIPKEX_KDC_A_MIN_DH_BITS]) {
		if (json) {
			jw_key("min_dh_bits");
			jw_uint(nla_get_u32(tb[MIPKEX_KDC_A_MIN_DH_BITS]));
		} else {
			printf("%s%s%u\n", st->conf ? "min-dh-bits" : "min dh bits",
			       eq, nla_get_u32(tb[MIPKEX_KDC_A_MIN_DH_BITS]));
		}
	}
	if (tb[MIPKEX_KDC_A_TRANSFORMS]) {
		xf = nla_get_u32(tb[MIPKEX_KDC_A_TRANSFORMS]);
		for (i = 0; i < 32; i++)
			if (xf & (1u << i))
				names[nx++] = i < ARRAY_SIZE(xform_names) ?
					      xform_names[i] : "unknown";
		if (json) {
			jw_key("transforms");
			jw_open('[');
		} else {
			printf("transforms%s", eq);
		}
		print_list(",", names, nx);
		if (json)
			jw_close();
		else
			putchar('\n');
	}
	if (tb[MIPKEX_KDC_A_LIFETIME]) {
		if (json) {
			jw_key("lifetime");
			jw_uint(nla_get_u32(tb[MIPKEX_KDC_A_LIFETIME]));
		} else {
			printf("lifetime%s%u\n", eq,
			       nla_get_u32(tb[MIPKEX_KDC_A_LIFETIME]));
		}
	}
	if (tb[MIPKEX_KDC_A_LEGACY] || tb[MIPKEX_KDC_A_INSECURE]) {
		int l = tb[MIPKEX_KDC_A_LEGACY] ?
			nla_get_u8(tb[MIPKEX_KDC_A_LEGACY]) : 0;
		int s = tb[MIPKEX_KDC_A_INSECURE] ?
			nla_get_u8(tb[MIPKEX_KDC_A_INSECURE]) : 0;

		if (json) {
			jw_key("legacy");
			jw_bool(l);
			jw_key("insecure");
			jw_bool(s);
		} else {
			printf("legacy%s%s\ninsecure%s%s\n", eq, l ? "on" : "off",
			       eq, s ? "on" : "off");
		}
	}
	if (tb[MIPKEX_KDC_A_USER_PRIME] && nla_len(tb[MIPKEX_KDC_A_USER_PRIME])) {
		const uint8_t *p = nla_data(tb[MIPKEX_KDC_A_USER_PRIME]);
		unsigned int bits = (unsigned int)nla_len(tb[MIPKEX_KDC_A_USER_PRIME]) * 8;
		unsigned int g = 0;
		int j;

		if (p[0])
			bits -= (unsigned int)__builtin_clz(p[0]) - 24;
		if (tb[MIPKEX_KDC_A_USER_GENERATOR])
			for (j = 0; j < nla_len(tb[MIPKEX_KDC_A_USER_GENERATOR]) && j < 4; j++)
				g = g << 8 | ((uint8_t *)nla_data(tb[MIPKEX_KDC_A_USER_GENERATOR]))[j];
		if (json) {
			jw_key("user_group");
			jw_open('{');
			jw_key("bits");
			jw_uint(bits);
			jw_key("generator");
			jw_uint(g);
			jw_close();
		} else if (st->conf) {
			printf("# user-group: a %u-bit prime, generator %u (give its file to load it again)\n",
			       bits, g);
		} else {
			printf("user group: %u-bit prime, generator %u\n", bits, g);
		}
	} else if (json) {
		jw_key("user_group");
		jw_null();
	} else {
		printf("%s%snone\n", st->conf ? "user-group" : "user group", eq);
	}
	print_sa_param(st, tb[MIPKEX_KDC_A_SA_MODE], "sa-mode", "sa_mode",
		       "sa mode", sa_mode_names, ARRAY_SIZE(sa_mode_names));
	print_sa_param(st, tb[MIPKEX_KDC_A_SA_POLICY], "sa-policy", "sa_policy",
		       "sa policy", sa_policy_names,
		       ARRAY_SIZE(sa_policy_names));
	if (tb[MIPKEX_KDC_A_SA_AH]) {
		int ah = nla_get_u8(tb[MIPKEX_KDC_A_SA_AH]);

		if (json) {
			jw_key("sa_ah");
			jw_bool(ah);
		} else {
			printf("%s%s%s\n", st->conf ? "sa-ah" : "sa ah", eq,
			       ah ? "on" : "off");
		}
	}
	if (json) {
		jw_close();
		jw_end();
	}
	return 0;
}

static int kdc_get(struct kdc_state *st)
{
	struct nl_msg *msg = mk_genl_msg(MIPKEX_CMD_KDC_GET, 0);

	return msg && !mk_genl_call(msg, kdc_reply, st) ? 0 : -1;
}

/* The [kdc] section of "mipkex showconf" (socket open). */
int mk_kdc_print_conf(void)
{
	struct kdc_state st = { .conf = 1 };

	return kdc_get(&st);
}

/* Whether legacy algorithms are allowed now (socket open). */
int mk_kdc_get_legacy(int *legacy)
{
	struct kdc_state st = { .conf = -1 };

	if (kdc_get(&st))
		return -1;
	*legacy = st.legacy;
	return 0;
}

static int kdc_set_cmd(int argc, char **argv)
{
	struct mk_kdc *k;
	const char *seedfile = NULL;
	char err[256];
	int i, w, ret;

	if (argc < 1)
		return usage_error("kdc set: what to set?");
	k = calloc(1, sizeof(*k));
	if (!k) {
		mk_err("out of memory");
		return 1;
	}
	ret = EXIT_USAGE;
	for (i = 0; i < argc; i += 2) {
		w = find_word(argv[i], kdc_words, ARRAY_SIZE(kdc_words));
		if (w == -2) {
			usage_error("kdc set: \"%s\" is ambiguous", argv[i]);
			goto out;
		}
		if (w < 0) {
			usage_error("kdc set: unknown parameter \"%s\"", argv[i]);
			goto out;
		}
		if (i + 1 >= argc) {
			usage_error("kdc set: %s needs a value", kdc_words[w]);
			goto out;
		}
		if (HAVE(k, w) || (w == MIPKEX_KDC_A_SEED && seedfile)) {
			usage_error("kdc set: %s given twice", kdc_words[w]);
			goto out;
		}
		if (w == MIPKEX_KDC_A_SEED) {
			seedfile = argv[i + 1];
			continue;
		}
		if (mk_kdc_set(k, w, argv[i + 1], err, sizeof(err))) {
			if (w == MIPKEX_KDC_A_USER_PRIME) {
				mk_err("user-group: %s", err);
				ret = 1;
			} else {
				usage_error("kdc set: %s", err);
			}
			goto out;
		}
	}
	if (seedfile) {
		ret = mk_key_arg("seed", seedfile, &k->seed);
		if (ret)
			goto out;
		k->have |= 1u << MIPKEX_KDC_A_SEED;
	}
	ret = 1;
	if (!mk_genl_open()) {
		ret = mk_kdc_send(k) ? 1 : 0;
		mk_genl_close();
	}
out:
	explicit_bzero(k, sizeof(*k));
	free(k);
	return ret;
}

int cmd_kdc(int argc, char **argv)
{
	static const char *const verbs[] = { "set", "show" };
	struct kdc_state st = { 0 };
	int v, ret;

	if (argc < 1)
		return usage_error("kdc: set or show?");
	v = find_word(argv[0], verbs, ARRAY_SIZE(verbs));
	if (v == -2)
		return usage_error("kdc: \"%s\" is ambiguous", argv[0]);
	if (v == 0)
		return kdc_set_cmd(argc - 1, argv + 1);
	if (v < 0)
		return usage_error("kdc: unknown command \"%s\"", argv[0]);
	if (argc > 1)
		return usage_error("kdc show: unexpected \"%s\"", argv[1]);
	if (mk_genl_open())
		return 1;
	ret = kdc_get(&st) ? 1 : 0;
	mk_genl_close();
	return ret;
}
