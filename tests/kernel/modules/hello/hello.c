// SPDX-License-Identifier: GPL-2.0
/* modver kernel-test module: printk + kmalloc/kfree, nothing exported. */
#include <linux/module.h>
#include <linux/slab.h>

static int __init hello_init(void)
{
	char *buf = kmalloc(64, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	snprintf(buf, 64, "hello from %s", KBUILD_MODNAME);
	pr_info("%s: %s\n", KBUILD_MODNAME, buf);
	kfree(buf);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("%s: bye\n", KBUILD_MODNAME);
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modver kernel-test hello module");
