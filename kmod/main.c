// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: Mobile IPv4 key exchange (WO 01/26322) - module init and exit order.
 */

#include <linux/module.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

#include "mipkex.h"
#include "crypto.h"
#include "selftest.h"
#include "xfrm.h"

struct workqueue_struct *mipkex_wq;

static int __init mipkex_init(void)
{
	int err;

	if (mipkex_max_queue < 1 || mipkex_max_queue > 65536) {
		pr_err("max_queue must be between 1 and 65536\n");
		return -EINVAL;
	}

	err = mipkex_crypto_init();
	if (err)
		return err;

	err = mipkex_selftest_run();
	if (err)
		goto err_crypto;

	mipkex_wq = alloc_workqueue("mipkex", WQ_UNBOUND, 0);
	if (!mipkex_wq) {
		err = -ENOMEM;
		goto err_crypto;
	}

	err = mipkex_netns_init();
	if (err)
		goto err_wq;

	mipkex_xfrm_init();

	err = mipkex_genl_init();
	if (err)
		goto err_netns;

	mipkex_testing_init();
	pr_info("loaded\n");
	return 0;

err_netns:
	mipkex_xfrm_uninit();
	mipkex_netns_uninit();
err_wq:
	destroy_workqueue(mipkex_wq);
err_crypto:
	mipkex_crypto_uninit();
	return err;
}

static void __exit mipkex_exit(void)
{
	mipkex_testing_uninit();
	mipkex_genl_uninit();
	mipkex_xfrm_uninit();
	mipkex_netns_uninit();
	destroy_workqueue(mipkex_wq);
	mipkex_crypto_uninit();
	pr_info("unloaded\n");
}

module_init(mipkex_init);
module_exit(mipkex_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mobile IPv4 key exchange (WO 01/26322)");
MODULE_AUTHOR("mipkex developers");
MODULE_ALIAS_GENL_FAMILY(MIPKEX_GENL_NAME);
