// SPDX-License-Identifier: GPL-2.0
/* modver kernel-test module: uses the exports of provider.ko (build with
 * KBUILD_EXTRA_SYMBOLS=<provider build dir>/Module.symvers). */
#include <linux/module.h>

int modver_provider_value(int x);
const char *modver_provider_name(void);

static int __init consumer_init(void)
{
	pr_info("%s: %s says %d\n", KBUILD_MODNAME, modver_provider_name(),
		modver_provider_value(20));
	return 0;
}

static void __exit consumer_exit(void)
{
}

module_init(consumer_init);
module_exit(consumer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modver kernel-test consumer module");
