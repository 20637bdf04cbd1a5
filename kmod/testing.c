// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: test-only controls. Compiled only into the testing build of the
 * module ("make testing-module", MIPKEX_TESTING=y), never into the one that is
 * installed: selftests load it from build/testing/.
 *
 * /sys/kernel/debug/mipkex/hold_worker
 *	While 1, workers leave queued datagrams in their queue, so that a test
 *	can fill a queue and then change the role, delete the namespace or
 *	unload the module with datagrams queued. Teardown drains regardless.
 *	Back to 0, a queue resumes at its next datagram.
 */

#include <linux/debugfs.h>
#include <linux/module.h>

#include "mipkex.h"

bool mipkex_testing_hold;

static struct dentry *mipkex_testing_dir;

/**
 * mipkex_testing_init() - create the debugfs controls
 */
void mipkex_testing_init(void)
{
	mipkex_testing_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_bool("hold_worker", 0600, mipkex_testing_dir,
			    &mipkex_testing_hold);
}

/**
 * mipkex_testing_uninit() - remove the debugfs controls
 */
void mipkex_testing_uninit(void)
{
	debugfs_remove_recursive(mipkex_testing_dir);
}

MODULE_INFO(test, "Y");
