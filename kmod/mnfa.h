/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: what the mobile node (mn.c) and foreign agent (fa.c) roles keep
 * between a request and its reply, and its teardown.
 */
#ifndef _MIPKEX_MNFA_H
#define _MIPKEX_MNFA_H

#include "binding.h"
#include "kdc.h"
#include "mipkex.h"
#include "negotiate.h"

/* How long a request stays pending, and how many one namespace holds. */
#define MIPKEX_PENDING_TIMEOUT	(30 * HZ)
#define MIPKEX_PENDING_MAX	64

void mipkex_mn_uninit(struct mipkex_net *mn);
void mipkex_fa_uninit(struct mipkex_net *mn);

/* The policy of a namespace's KDC configuration, for negotiate.c. */
static inline void mipkex_policy_from(struct mipkex_nego_policy *pol,
				      const struct mipkex_kdc_conf *conf)
{
	memset(pol, 0, sizeof(*pol));
	pol->transforms = conf->transforms;
	pol->lifetime = conf->lifetime;
	pol->legacy = conf->legacy;
	pol->n_groups = conf->n_groups;
	memcpy(pol->groups, conf->groups, sizeof(pol->groups));
	pol->min_dh_bits = conf->min_dh_bits;
	pol->user_group = !!conf->user_group.p;
	pol->user_strength = conf->user_group.strength;
	pol->ah = conf->sa_ah;
}

#endif /* _MIPKEX_MNFA_H */
