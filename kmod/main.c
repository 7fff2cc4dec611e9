// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: module entry and exit.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "tandem.h"
#include "control.h"
#include "device.h"

static int __init tdm_init(void)
{
	int ret;

	ret = tdm_blkdev_init();
	if (ret)
		return ret;
	ret = tdm_genl_init();
	if (ret)
		goto err_blkdev;
	pr_info("loaded, netlink family %s v%d\n",
		TANDEM_GENL_NAME, TANDEM_GENL_VERSION);
	return 0;

err_blkdev:
	tdm_blkdev_exit();
	return ret;
}

/*
 * Unload tears down every resource left attached. None can be open: an open
 * /dev/tandemN holds a reference on this module.
 */
static void __exit tdm_exit(void)
{
	struct tdm_device *dev, *tmp;
	LIST_HEAD(doomed);

	tdm_genl_exit();

	mutex_lock(&tdm_devices_lock);
	list_for_each_entry_safe(dev, tmp, &tdm_devices, node) {
		if (WARN_ON(tdm_device_start_teardown(dev, NULL)))
			continue;
		list_move(&dev->node, &doomed);
	}
	mutex_unlock(&tdm_devices_lock);

	list_for_each_entry_safe(dev, tmp, &doomed, node)
		tdm_device_destroy(dev);
	tdm_blkdev_exit();
	pr_info("unloaded\n");
}

module_init(tdm_init);
module_exit(tdm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The tandem developers");
MODULE_DESCRIPTION("tandem: block device replicated to a peer over TCP");
MODULE_ALIAS_GENL_FAMILY(TANDEM_GENL_NAME);
