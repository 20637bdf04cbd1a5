/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex tool: bindings, the XFRM SAs the module installed, and events.
 */
#ifndef MIPKEX_TOOL_BINDING_H
#define MIPKEX_TOOL_BINDING_H

int mk_binding_show(int argc, char **argv);
int cmd_binding(int argc, char **argv);
int mk_sa_show(int argc, char **argv);
int cmd_sa(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

#endif
