/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: key distribution centre parameters - "mipkex kdc ..." and
 * the [kdc] section of the configuration file.
 */
#ifndef MIPKEX_TOOL_KDC_H
#define MIPKEX_TOOL_KDC_H

#include <stddef.h>
#include <stdint.h>

#include <linux/mipkex.h>

#include "keyfile.h"

#define MK_DH_MAX_BYTES 1024

/**
 * struct mk_kdc - KDC parameters to set; @have has a bit
 *	(1 << MIPKEX_KDC_A_*) per one given (USER_PRIME for the user group,
 *	with @plen 0 to remove it)
 */
struct mk_kdc {
	unsigned int have;
	uint8_t mode;
	uint8_t legacy, insecure;
	uint8_t sa_mode, sa_policy, sa_ah;
	uint8_t n_groups;
	uint16_t groups[MIPKEX_DH_GROUPS_MAX];
	uint32_t min_dh_bits;
	uint32_t transforms;
	uint32_t lifetime;
	struct mk_key seed;
	size_t plen, glen;
	uint8_t p[MK_DH_MAX_BYTES];
	uint8_t g[MK_DH_MAX_BYTES];
};

/* Words of "kdc set" and keys of [kdc], by MIPKEX_KDC_A_* ("user-group"
 * for USER_PRIME, "sa-mode" and "sa-policy" for SA_MODE and SA_POLICY). */
extern const char *const kdc_words[MIPKEX_KDC_A_MAX + 1];

int mk_kdc_set(struct mk_kdc *k, int attr, const char *val, char *err,
	       size_t n);
int mk_kdc_send(const struct mk_kdc *k);
int mk_kdc_print_conf(void);
int mk_kdc_get_legacy(int *legacy);
int cmd_kdc(int argc, char **argv);

#endif
