// SPDX-License-Identifier: GPL-2.0
/* The bundled example: an out-of-tree module that examples/run versions with mkmod. */
#include <linux/module.h>
#include <linux/slab.h>

static int __init hello_init(void)
{
	char *buf = kmalloc(64, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	snprintf(buf, 64, "versioned by relinking, not recompiling");
	pr_info("hello: %s\n", buf);
	kfree(buf);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("hello: bye\n");
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modver example module");
