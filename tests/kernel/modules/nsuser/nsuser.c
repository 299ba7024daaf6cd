// SPDX-License-Identifier: GPL-2.0
/* modver kernel-test module: imports anon_inode_make_secure_inode, which Debian 13's 6.12 and
 * sid's 7.x export only to the "module:kvm" namespace (EXPORT_SYMBOL_GPL_FOR_MODULES). Built under
 * the name kvm it is inside that list; under any other name it is not. It imports no namespace. */
#include <linux/module.h>
#include <linux/fs.h>

static int __init nsuser_init(void)
{
	pr_info("%s: uses %ps\n", KBUILD_MODNAME, anon_inode_make_secure_inode);
	return 0;
}

static void __exit nsuser_exit(void)
{
}

module_init(nsuser_init);
module_exit(nsuser_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modver kernel-test module: a user of a module: namespace");
