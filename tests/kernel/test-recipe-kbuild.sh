#!/usr/bin/env bash
# docs/recipes/kbuild.md: an out-of-tree module built by kbuild with docs/recipes/modver.mk, so
# that modpost writes no __versions and mkmod writes them after the link. ABI B (newest) only:
#   hello and provider (tests/kernel/modules) each built twice: plain kbuild (reference) and with
#   a Makefile that is `include .../modver.mk` (the recipe). The recipe's *.mod.c have no versions
#   table; its .ko files have the same records as kbuild's (sorted modprobe --dump-modversions);
#   provider keeps its export CRCs (Module.symvers, __kcrctab*); `make modver` again leaves the
#   records unchanged (replaced, not stacked); both load under QEMU without F.
# Usage: tests/kernel/test-recipe-kbuild.sh   (env: MODVER_TOOLS_DIR, MODVER_KERNEL_ABIS,
# MODVER_KEEP_WORK=1 keeps the temp dir)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)
T=$(modver_tools_dir)
B=$(kernel_abi_newest)
W=$(harness_workdir)
KDIR=$(kernel_headers_tree "$B")
recipe="$MODVER_SOURCE_DIR/docs/recipes/modver.mk"
echo "recipe-kbuild: ABI $B, tools $T, recipe $recipe, work dir $W"
dump() { modprobe --dump-modversions "$1" | LC_ALL=C sort; }

# build_both NAME: kbuild's own build (reference) in kb-NAME, the recipe's in recipe-NAME (the
# module as an author would write it: its Kbuild, plus a Makefile that includes the recipe).
build_both() {
  local m=$1 rc=0
  build_kmod "$B" "$here/modules/$m" "$W/kb-$m"
  mkdir -p "$W/recipe-$m"
  cp -a "$here/modules/$m/." "$W/recipe-$m/"
  printf 'include %s\n' "$recipe" > "$W/recipe-$m/Makefile"
  make -C "$W/recipe-$m" KDIR="$KDIR" MKMOD="$T/mkmod" >"$W/recipe-$m.log" 2>&1 || rc=$?
  sed 's/^/    /' "$W/recipe-$m.log"
  kt_check "$m: make (recipe) exits 0 (exit $rc)" test "$rc" -eq 0
  kt_check "$m: kbuild ran modpost through modver-modpost" grep -q "MODPOST=.*modver-modpost" "$W/recipe-$m.log"
  kt_check "$m: the recipe's $m.mod.c has no versions table" sh -c "! grep -q '__versions' '$W/recipe-$m/$m.mod.c'"
  kt_check "$m: kbuild's own $m.mod.c has one (the reference is versioned)" grep -q '__versions' "$W/kb-$m/$m.mod.c"
  echo "kbuild's records for $m:"; dump "$W/kb-$m/$m.ko" | sed 's/^/    /'
  if diff <(dump "$W/kb-$m/$m.ko") <(dump "$W/recipe-$m/$m.ko") >"$W/$m.diff"; then
    kt_pass "$m: recipe's records = kbuild's ($(dump "$W/recipe-$m/$m.ko" | wc -l) records, same names and CRCs)"
  else
    kt_fail "$m: recipe's records differ from kbuild's:"; sed 's/^/    /' "$W/$m.diff"
  fi
  rc=0
  make -C "$W/recipe-$m" KDIR="$KDIR" MKMOD="$T/mkmod" modver >"$W/again-$m.log" 2>&1 || rc=$?
  kt_check "$m: make modver again exits 0 and leaves the same records" \
    bash -c "[ $rc -eq 0 ] && diff <(modprobe --dump-modversions '$W/kb-$m/$m.ko' | LC_ALL=C sort) <(modprobe --dump-modversions '$W/recipe-$m/$m.ko' | LC_ALL=C sort) >/dev/null"
}
build_both hello
build_both provider
# The exports keep their CRCs: same Module.symvers CRC columns, and __kcrctab(_gpl) is there.
kt_check "provider: the recipe's Module.symvers has kbuild's export CRCs" \
  bash -c "diff <(cut -f1,2,4 '$W/kb-provider/Module.symvers' | sort) <(cut -f1,2,4 '$W/recipe-provider/Module.symvers' | sort)"
kt_check "provider: the recipe's provider.ko has __kcrctab and __kcrctab_gpl" \
  bash -c "readelf -SW '$W/recipe-provider/provider.ko' | grep -q '__kcrctab ' && readelf -SW '$W/recipe-provider/provider.ko' | grep -q '__kcrctab_gpl '"
rc=0
"$T/modcheck" "$W/recipe-hello/hello.ko" "$W/recipe-provider/provider.ko" --kernel "$(kernel_vmlinuz "$B")" >"$W/modcheck.txt" 2>&1 || rc=$?
sed 's/^/    /' "$W/modcheck.txt"
kt_check "modcheck: the recipe's modules are compatible (exit $rc)" test "$rc" -eq 0

mkdir -p "$W/boot"
cp "$W/recipe-hello/hello.ko" "$W/boot/hello_recipe.ko"
cp "$W/recipe-provider/provider.ko" "$W/boot/provider_recipe.ko"
out="$W/boot.out"
boot_and_load "$B" "$W/boot/hello_recipe.ko" "$W/boot/provider_recipe.ko" | tee "$out" || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
kt_expect_load "$out" hello_recipe.ko
kt_expect_said "$out" hello_recipe.ko "hello: hello from hello"
kt_expect_load "$out" provider_recipe.ko
kt_expect_unforced "$out"
kt_summary "$t0"
