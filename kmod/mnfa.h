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

/* One negotiated pair of a choice, as the binding records it. */
static inline void mipkex_sa_info_from(struct mipkex_sa_info *sa, u8 pair,
				       const struct mipkex_nego_sa *c,
				       const u8 *key)
{
	sa->pair = pair;
	sa->protocol = c->protocol;
	sa->encr_id = c->encr.number ? c->encr.id : 0;
	sa->encr_bits = c->encr.number ? c->encr.key_bits : 0;
	sa->integ_id = c->integ.number ? c->integ.id : 0;
	sa->spi_in = c->own_spi;
	sa->spi_out = c->peer_spi;
	sa->lifetime = c->lifetime;
	memcpy(sa->key, key, sizeof(sa->key));
	sa->has_key = true;
}

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
}

#endif /* _MIPKEX_MNFA_H */
