// SPDX-License-Identifier: GPL-2.0
/*
 * mipkex: per-namespace state, its lifetime, and the namespace's role.
 *
 * A namespace without a role has no hook registered, so its traffic pays
 * nothing. Teardown happens in .pre_exit: the core unregisters the network
 * devices of a dying namespace before any .exit of ours could run, and queued
 * datagrams hold references on those devices.
 *
 * The stores (KEY0 entries, FA-HA peers, KDC parameters) live as long as the
 * namespace; a role change leaves them alone. They are freed in .exit, after
 * the core's grace period that follows .pre_exit, keys zeroised.
 *
 * Bindings belong to the role that accepted them: a role change removes them
 * all, with an event each; namespace exit frees them without events.
 */

#include <linux/netfilter.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>

#include "binding.h"
#include "ha.h"
#include "mipkex.h"
#include "mnfa.h"
#include "xfrm.h"

static unsigned int mipkex_net_id __read_mostly;

/**
 * mipkex_net() - the module's state in a namespace
 * @net: the namespace
 *
 * Return: the state; valid as long as @net is.
 */
struct mipkex_net *mipkex_net(const struct net *net)
{
	return net_generic(net, mipkex_net_id);
}

/* Remove the hooks, then hand back everything they had taken. */
static void mipkex_net_unhook(struct mipkex_net *mn)
{
	lockdep_assert_held(&mn->lock);

	if (!mn->hooks_registered)
		return;
	nf_unregister_net_hooks(mn->net, mn->ops, ARRAY_SIZE(mn->ops));
	mn->hooks_registered = false;
	/* After this no hook of ours runs, so nothing new can be queued. */
	synchronize_net();
	mipkex_queue_drain(&mn->queue);
}

/* Free what a role's handlers keep (pending requests, replay state). */
static void mipkex_net_role_uninit(struct mipkex_net *mn, u8 role)
{
	switch (role) {
	case MIPKEX_ROLE_MN:
		mipkex_mn_uninit(mn);
		break;
	case MIPKEX_ROLE_FA:
		mipkex_fa_uninit(mn);
		break;
	case MIPKEX_ROLE_HA:
		mipkex_ha_uninit(mn);
		break;
	}
}

/**
 * mipkex_net_set_role() - set a namespace's role
 * @mn: the namespace's state
 * @role: the new role, at most %MIPKEX_ROLE_MAX
 * @extack: where to report an error
 *
 * Registers the hooks when the namespace gets a role; unregisters them, after
 * re-injecting every datagram already taken, when it goes back to none. A
 * change of role removes every binding, with a %MIPKEX_EVENT_REMOVED event
 * of reason %MIPKEX_REASON_ROLE_CHANGE each.
 *
 * Context: process context; sleeps.
 * Return: 0, or a negative errno with nothing changed.
 */
int mipkex_net_set_role(struct mipkex_net *mn, u8 role,
			struct netlink_ext_ack *extack)
{
	int err = 0;
	u8 old;

	mutex_lock(&mn->lock);
	old = mn->role;
	if (role != MIPKEX_ROLE_NONE && !mn->hooks_registered) {
		err = nf_register_net_hooks(mn->net, mn->ops,
					    ARRAY_SIZE(mn->ops));
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "cannot register the netfilter hooks");
			goto out;
		}
		mn->hooks_registered = true;
	} else if (role == MIPKEX_ROLE_NONE) {
		mipkex_net_unhook(mn);
	}
	WRITE_ONCE(mn->role, role);
	if (old != role) {
		/* No handler of the old role runs after this. */
		flush_work(&mn->queue.work);
		mipkex_net_role_uninit(mn, old);
	}
	/* After the role: a binding accepted from now on has the new one. */
	if (old != role)
		mipkex_binding_flush(mn, MIPKEX_REASON_ROLE_CHANGE);
out:
	mutex_unlock(&mn->lock);
	return err;
}

static int __net_init mipkex_net_init(struct net *net)
{
	struct mipkex_net *mn = mipkex_net(net);
	int err;

	mn->net = net;
	mutex_init(&mn->lock);
	mutex_init(&mn->conf_lock);
	mn->role = MIPKEX_ROLE_NONE;
	err = mipkex_key0_init(&mn->key0);
	if (err)
		goto err_mutex;
	err = mipkex_peer_init(&mn->peers);
	if (err)
		goto err_key0;
	err = mipkex_config_init(mn);
	if (err)
		goto err_peer;
	err = mipkex_binding_init(mn);
	if (err)
		goto err_config;
	err = mipkex_xfrm_net_init(mn);
	if (err)
		goto err_binding;
	mipkex_queue_init(&mn->queue);
	mipkex_hooks_init(mn);
	pr_debug("netns created\n");
	return 0;

err_binding:
	mipkex_binding_uninit(mn);
err_config:
	mipkex_config_uninit(mn);
err_peer:
	mipkex_peer_destroy(&mn->peers);
err_key0:
	mipkex_key0_destroy(&mn->key0);
err_mutex:
	mutex_destroy(&mn->conf_lock);
	mutex_destroy(&mn->lock);
	return err;
}

static void __net_exit mipkex_net_pre_exit(struct net *net)
{
	struct mipkex_net *mn = mipkex_net(net);

	mutex_lock(&mn->lock);
	mipkex_net_unhook(mn);
	WRITE_ONCE(mn->role, MIPKEX_ROLE_NONE);
	mutex_unlock(&mn->lock);
}

static void __net_exit mipkex_net_exit(struct net *net)
{
	struct mipkex_net *mn = mipkex_net(net);

	WARN_ON_ONCE(!list_empty(&mn->queue.list));
	/*
	 * No hook or worker of this namespace runs any more, no socket is
	 * left in it, and the core waited for a grace period after .pre_exit:
	 * nothing can still be reading the stores.
	 */
	mipkex_net_role_uninit(mn, MIPKEX_ROLE_MN);
	mipkex_net_role_uninit(mn, MIPKEX_ROLE_FA);
	mipkex_net_role_uninit(mn, MIPKEX_ROLE_HA);
	mipkex_binding_uninit(mn);
	mipkex_xfrm_net_uninit(mn);
	mipkex_key0_destroy(&mn->key0);
	mipkex_peer_destroy(&mn->peers);
	mipkex_config_uninit(mn);
	mutex_destroy(&mn->conf_lock);
	mutex_destroy(&mn->lock);
	pr_debug("netns destroyed\n");
}

static struct pernet_operations mipkex_net_ops = {
	.init = mipkex_net_init,
	.pre_exit = mipkex_net_pre_exit,
	.exit = mipkex_net_exit,
	.id = &mipkex_net_id,
	.size = sizeof(struct mipkex_net),
};

/**
 * mipkex_netns_init() - create the state of every namespace, now and later
 *
 * Return: 0 or a negative errno.
 */
int mipkex_netns_init(void)
{
	return register_pernet_subsys(&mipkex_net_ops);
}

/**
 * mipkex_netns_uninit() - tear down the state of every namespace
 *
 * Also waits for the RCU callbacks that free replaced or deleted entries, so
 * that none runs after the module is gone, then checks that every binding
 * was freed.
 */
void mipkex_netns_uninit(void)
{
	unregister_pernet_subsys(&mipkex_net_ops);
	rcu_barrier();
	mipkex_binding_check_leaks();
}
