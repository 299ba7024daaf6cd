// SPDX-License-Identifier: GPL-2.0
/*
 * modver kernel-test module: exports a symbol whose name (80 characters) does not fit
 * __versions' 56-byte name field, so only the extended table (__version_ext_names) can version
 * an import of it. The self-built kernel has no export that long of its own.
 */
#include <linux/module.h>

int modver_selfbuilt_provider_exports_a_name_far_longer_than_the_classic_table_holds(int x)
{
	return x + 42;
}
EXPORT_SYMBOL(modver_selfbuilt_provider_exports_a_name_far_longer_than_the_classic_table_holds);

static int __init longname_provider_init(void)
{
	return 0;
}

static void __exit longname_provider_exit(void)
{
}

module_init(longname_provider_init);
module_exit(longname_provider_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modver kernel-test provider of a long export name");
