// SPDX-License-Identifier: GPL-2.0
/* modver kernel-test module: imports longname_provider's long export and a few of vmlinux's. */
#include <linux/module.h>
#include <linux/slab.h>

int modver_selfbuilt_provider_exports_a_name_far_longer_than_the_classic_table_holds(int x);

static int __init longname_probe_init(void)
{
	void *p = kmalloc(16, GFP_KERNEL);

	kfree(p);
	pr_info("%s: %d\n", KBUILD_MODNAME,
		modver_selfbuilt_provider_exports_a_name_far_longer_than_the_classic_table_holds(1));
	return 0;
}

static void __exit longname_probe_exit(void)
{
}

module_init(longname_probe_init);
module_exit(longname_probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modver kernel-test importer of a long export name");
