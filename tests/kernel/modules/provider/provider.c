// SPDX-License-Identifier: GPL-2.0
/* modver kernel-test module: exports one function (GPL) and one (plain) for consumer.ko. */
#include <linux/module.h>

int modver_provider_value(int x)
{
	return x * 2 + 1;
}
EXPORT_SYMBOL_GPL(modver_provider_value);

const char *modver_provider_name(void)
{
	return KBUILD_MODNAME;
}
EXPORT_SYMBOL(modver_provider_name);

static int __init provider_init(void)
{
	pr_info("%s: ready\n", KBUILD_MODNAME);
	return 0;
}

static void __exit provider_exit(void)
{
}

module_init(provider_init);
module_exit(provider_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modver kernel-test provider module");
