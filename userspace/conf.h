/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: the configuration file - "mipkex load FILE" and
 * "mipkex showconf" (Documentation/config.rst).
 */
#ifndef MIPKEX_TOOL_CONF_H
#define MIPKEX_TOOL_CONF_H

int cmd_load(int argc, char **argv);
int cmd_showconf(int argc, char **argv);

#endif
