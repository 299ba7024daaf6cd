# modver.mk - build an out-of-tree kernel module with kbuild, but give it its symbol version
# records (__versions) with mkmod instead of modpost. Include it from the module's Makefile:
#
#     obj-m := hello.o                      # (or in a Kbuild file next to the Makefile)
#     include /usr/share/modver/modver.mk   # installed by the modver package
#
# and run `make` (or `make modules`, `make clean`, `make install`). See docs/recipes/kbuild.md.
#
# What changes against a plain `make -C $(KDIR) M=$(PWD) modules`:
#  1. modpost runs through modver-modpost (next to this file): the kernel's own modpost with its
#     usual arguments, after which the table of imported symbol versions (____versions[]) is
#     deleted from each *.mod.c before kbuild compiles it. Everything else modpost writes stays:
#     vermagic, depends=, and the CRCs of the module's own exports (SYMBOL_CRC -> __kcrctab,
#     Module.symvers);
#  2. then every module of modules.order is relinked in place by
#     `mkmod --in-place --symvers $(KDIR)/Module.symvers [--symvers each KBUILD_EXTRA_SYMBOLS]
#      --symvers $(M)/Module.symvers`, i.e. from the same symvers files modpost reads.
#
# Variables (override on the command line or before the include):
#   KDIR                  the kernel's build tree (default /lib/modules/$(KERNELRELEASE)/build)
#   KERNELRELEASE_TARGET  release to build for (default: the running kernel)
#   MKMOD                 the mkmod program (default: mkmod from PATH)
#   MODVER_KERNEL         give mkmod this kernel (vmlinuz, modversions.o) instead of
#                         $(KDIR)/Module.symvers: the release check then has a release to check
#   MKMOD_FLAGS           extra mkmod options (e.g. --extended, --linker ld)
#   KBUILD_EXTRA_SYMBOLS  as for kbuild; also given to mkmod

ifneq ($(KERNELRELEASE),)
# Read again by kbuild itself (a Makefile without a Kbuild file): nothing to add there.
else

MODVER_MK_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
KERNELRELEASE_TARGET ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE_TARGET)/build
MKMOD ?= mkmod
MODVER_MODPOST ?= $(MODVER_MK_DIR)/modver-modpost
M ?= $(CURDIR)
MODVER_KBUILD = $(MAKE) -C $(KDIR) M=$(M) MODPOST=$(MODVER_MODPOST)
MODVER_SOURCES = $(if $(MODVER_KERNEL),--kernel $(MODVER_KERNEL),--symvers $(KDIR)/Module.symvers) \
  $(foreach s,$(KBUILD_EXTRA_SYMBOLS),--symvers $(s)) \
  $$(test -s $(M)/Module.symvers && echo --symvers $(M)/Module.symvers)

.PHONY: modules modver clean modules_install
modules:
	$(MODVER_KBUILD) modules
	@$(MODVER_CHECK_ORDER)
	$(MODVER_MKMOD)

# Version, again, every module kbuild linked (modules.order names them). mkmod replaces the
# records, so running it twice never stacks them.
modver:
	@$(MODVER_CHECK_ORDER)
	$(MODVER_MKMOD)

MODVER_CHECK_ORDER = test -s $(M)/modules.order || { echo "modver.mk: no $(M)/modules.order: run 'make modules'" >&2; exit 2; }
# modules.order names modules by absolute path (6.1) or relative to M (other kernels).
MODVER_MKMOD = $(MKMOD) -q --in-place $(MKMOD_FLAGS) $(MODVER_SOURCES) $$(sed 's|^\([^/]\)|$(M)/\1|' $(M)/modules.order)

clean:
	$(MAKE) -C $(KDIR) M=$(M) clean

modules_install:
	$(MAKE) -C $(KDIR) M=$(M) modules_install

endif
