/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: known-answer tests of the module's cryptography, run once at load.
 */
#ifndef _MIPKEX_SELFTEST_H
#define _MIPKEX_SELFTEST_H

#include <linux/skbuff.h>

int mipkex_selftest_run(void);
int mipkex_selftest_put(struct sk_buff *msg);

#endif /* _MIPKEX_SELFTEST_H */
