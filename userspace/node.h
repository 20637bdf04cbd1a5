/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: the namespace's node settings and state.
 */
#ifndef MIPKEX_TOOL_NODE_H
#define MIPKEX_TOOL_NODE_H

#include <stdint.h>

int mk_parse_role(const char *arg);
int mk_node_send(int role, uint32_t vendor);
int mk_node_print_conf(void);
int cmd_show(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_selftest(int argc, char **argv);

#endif
