/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: the configuration file - "mipkex load FILE" and
 * "mipkex showconf" (Documentation/config.rst).
 */
#ifndef MIPKEX_TOOL_CONF_H
#define MIPKEX_TOOL_CONF_H

#include <stddef.h>
#include <stdint.h>

struct mk_key0;
struct mk_peer;

int cmd_load(int argc, char **argv);
int mk_conf_keys(const char *path, struct mk_key0 **k0, size_t *nk0,
		 struct mk_peer **pe, size_t *npe, uint32_t *vendor);
int cmd_showconf(int argc, char **argv);

#endif
