// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex tool: shared command-line helpers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/mipkex.h>

#include "util.h"

bool json;
bool pretty;

const char *const role_names[4] = {
	[MIPKEX_ROLE_NONE] = "none",
	[MIPKEX_ROLE_MN] = "mn",
	[MIPKEX_ROLE_FA] = "fa",
	[MIPKEX_ROLE_HA] = "ha",
};

const char *const aead_names[3] = {
	[MIPKEX_AEAD_AES_256_GCM] = "aes-256-gcm",
	[MIPKEX_AEAD_CHACHA20_POLY1305] = "chacha20-poly1305",
};

const char *const auth_names[3] = {
	[MIPKEX_AUTH_HMAC_SHA256] = "hmac-sha256",
	[MIPKEX_AUTH_HMAC_MD5] = "hmac-md5",
};

const char *const replay_names[3] = {
	[MIPKEX_REPLAY_TIMESTAMP] = "timestamp",
	[MIPKEX_REPLAY_NONCE] = "nonce",
};

const char *const mode_names[4] = {
	[MIPKEX_KDC_MODE_STATEFUL] = "stateful",
	[MIPKEX_KDC_MODE_SEMI] = "semi",
	[MIPKEX_KDC_MODE_DH] = "dh",
};

const char *const xform_names[5] = {
	[MIPKEX_XFORM_AES_GCM_128] = "aes-gcm-128",
	[MIPKEX_XFORM_AES_GCM_256] = "aes-gcm-256",
	[MIPKEX_XFORM_CHACHA20_POLY1305] = "chacha20-poly1305",
	[MIPKEX_XFORM_HMAC_SHA256_128] = "hmac-sha256-128",
	[MIPKEX_XFORM_HMAC_SHA1_96] = "hmac-sha1-96",
};

const char *const sa_mode_names[2] = {
	[MIPKEX_SA_MODE_TRANSPORT] = "transport",
	[MIPKEX_SA_MODE_TUNNEL] = "tunnel",
};

const char *const sa_policy_names[3] = {
	[MIPKEX_SA_POLICY_NONE] = "none",
	[MIPKEX_SA_POLICY_PAIR] = "pair",
	[MIPKEX_SA_POLICY_TUNNEL] = "tunnel",
};

static const struct {
	unsigned int id;
	const char *name;
} groups[] = {
	{ MIPKEX_DH_GROUP_X25519, "x25519" },
	{ MIPKEX_DH_GROUP_MODP3072, "modp3072" },
	{ MIPKEX_DH_GROUP_MODP2048, "modp2048" },
	{ MIPKEX_DH_GROUP_MODP1024, "modp1024" },
	{ MIPKEX_DH_GROUP_MODP768, "modp768" },
};

/* Return: the group's name, or NULL for a number mipkex has no name for. */
const char *group_name(unsigned int id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(groups); i++)
		if (groups[i].id == id)
			return groups[i].name;
	return NULL;
}

/* A group by name or by number (0-65535). Return: the number or -1. */
int parse_group(const char *s)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(groups); i++)
		if (!strcmp(s, groups[i].name))
			return (int)groups[i].id;
	if (parse_u32(s, 0, 65535, &v))
		return -1;
	return (int)v;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mipkex: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry \"mipkex --help\".\n");
	return EXIT_USAGE;
}

/* An error message on stderr, "mipkex: " first, newline added. */
void mk_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mipkex: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Words may be abbreviated to any unambiguous prefix, as with ip(8). */
bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

/*
 * Return: the index of @arg in @words (exact, or an unambiguous prefix),
 * -1 if unknown, -2 if ambiguous. NULL entries are skipped.
 */
int find_word(const char *arg, const char *const *words, size_t n)
{
	int found = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!words[i])
			continue;
		if (!strcmp(arg, words[i]))
			return (int)i;
		if (matches(arg, words[i]))
			found = found == -1 ? (int)i : -2;
	}
	return found;
}

/* Decimal (or 0x hex) in [min, max]. Return: 0 or -1. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A dotted-quad IPv4 address, in network order. Return: 0 or -1. */
int parse_ipv4(const char *s, uint32_t *be)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*be = a.s_addr;
	return 0;
}

const char *ipv4_str(uint32_t be, char buf[16])
{
	struct in_addr a = { .s_addr = be };

	return inet_ntop(AF_INET, &a, buf, 16);
}

/* Return: 1 for on/yes/true/1, 0 for off/no/false/0, -1 otherwise. */
int parse_bool(const char *s)
{
	static const char *const t[] = { "on", "yes", "true", "1" };
	static const char *const f[] = { "off", "no", "false", "0" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (!strcmp(s, t[i]))
			return 1;
		if (!strcmp(s, f[i]))
			return 0;
	}
	return -1;
}

/* A value of an enum by its exact name. Return: the value or -1. */
int parse_name(const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return (int)i;
	return -1;
}

/* The name of an enum value, or its number for one the tool does not know. */
const char *enum_name(unsigned int v, const char *const *names, size_t n,
		      char buf[12])
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, 12, "%u", v);
	return buf;
}

/* @out holds 2 * @n + 1 characters. */
void hex_str(const uint8_t *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* JSON writer state: the open containers and whether they hold anything. */
static char jw_stack[8];
static bool jw_any[8];
static int jw_depth;
static bool jw_after_key;

static void jw_indent(void)
{
	int i;

	putchar('\n');
	for (i = 0; i < jw_depth; i++)
		fputs("  ", stdout);
}

/* Before a value or a key: the separator and the indentation. */
static void jw_pre(void)
{
	if (jw_after_key) {
		jw_after_key = false;
		return;
	}
	if (!jw_depth)
		return;
	if (jw_any[jw_depth - 1])
		putchar(',');
	jw_any[jw_depth - 1] = true;
	if (pretty)
		jw_indent();
}

void jw_open(char c)
{
	jw_pre();
	putchar(c);
	if (jw_depth < (int)sizeof(jw_stack)) {
		jw_stack[jw_depth] = c;
		jw_any[jw_depth] = false;
		jw_depth++;
	}
}

void jw_close(void)
{
	if (!jw_depth)
		return;
	jw_depth--;
	if (pretty && jw_any[jw_depth])
		jw_indent();
	putchar(jw_stack[jw_depth] == '{' ? '}' : ']');
}

void jw_key(const char *k)
{
	jw_pre();
	printf("\"%s\":%s", k, pretty ? " " : "");
	jw_after_key = true;
}

void jw_str(const char *s)
{
	const unsigned char *p;

	jw_pre();
	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

void jw_uint(unsigned long long v)
{
	jw_pre();
	printf("%llu", v);
}

void jw_int(long long v)
{
	jw_pre();
	printf("%lld", v);
}

void jw_bool(bool v)
{
	jw_pre();
	fputs(v ? "true" : "false", stdout);
}

void jw_null(void)
{
	jw_pre();
	fputs("null", stdout);
}

/* After the outermost container. */
void jw_end(void)
{
	putchar('\n');
}
