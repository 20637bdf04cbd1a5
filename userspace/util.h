/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: shared command-line helpers - words and their abbreviations,
 * numbers, addresses, the names of the uAPI's enums, and a small JSON writer.
 */
#ifndef MIPKEX_TOOL_UTIL_H
#define MIPKEX_TOOL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXIT_USAGE 2
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern bool json;
extern bool pretty;

__attribute__((format(printf, 1, 2)))
int usage_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void mk_err(const char *fmt, ...);

bool matches(const char *arg, const char *word);
int find_word(const char *arg, const char *const *words, size_t n);

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_ipv4(const char *s, uint32_t *be);
const char *ipv4_str(uint32_t be, char buf[16]);
int parse_bool(const char *s);
int parse_name(const char *s, const char *const *names, size_t n);
const char *enum_name(unsigned int v, const char *const *names, size_t n,
		      char buf[12]);
void hex_str(const uint8_t *b, size_t n, char *out);

/* Names of the uAPI's enums, indexed by value (NULL for unused values). */
extern const char *const role_names[4];
extern const char *const aead_names[3];
extern const char *const auth_names[3];
extern const char *const replay_names[3];
extern const char *const mode_names[4];
extern const char *const xform_names[5];
extern const char *const sa_mode_names[2];
extern const char *const sa_policy_names[3];
const char *group_name(unsigned int id);
int parse_group(const char *s);

/* JSON writer: objects and arrays nested at most 8 deep; -p indents. */
void jw_open(char c);
void jw_close(void);
void jw_key(const char *k);
void jw_str(const char *s);
void jw_uint(unsigned long long v);
void jw_int(long long v);
void jw_bool(bool v);
void jw_null(void);
void jw_end(void);

#endif
