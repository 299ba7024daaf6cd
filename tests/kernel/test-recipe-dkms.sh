#!/usr/bin/env bash
# docs/recipes/dkms.md: docs/recipes/modver-upgrade carries the out-of-tree modules of kernel A
# (oldest ABI) over to a newly installed kernel B (newest), in a fake root:
#   ROOT/lib/modules/<A>/extra/{hello,provider,consumer}.ko   built by kbuild for A (consumer
#                                                     with provider's symbols: depends=provider)
#   ROOT/lib/modules/<A>/updates/hello_new.ko          hello built for B (as if a package had
#                                                     already built it for the new headers):
#                                                     the one module that passes as it is
#   ROOT/usr/src/modver/<name>/                         the kbuild sources
#   ROOT/lib/modules/<B>/kernel -> the cached tree of B
# Expected: hello_new is linked into <B>/weak-updates (relative symlink, not rebuilt); hello,
# provider, consumer are refused by B (module_layout changed) and rebuilt into <B>/updates,
# provider before consumer; the report lists, for each rebuild, module_layout with A's CRC ->
# B's CRC (checked against the .ko records), and the rebuilt modules plus the linked one load
# under QEMU (kernel B) without F, consumer after provider ("consumer: provider says 41").
# Usage: tests/kernel/test-recipe-dkms.sh   (env: MODVER_TOOLS_DIR, MODVER_KERNEL_ABIS,
# MODVER_KEEP_WORK=1 keeps the temp dir)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)
T=$(modver_tools_dir)
A=$(kernel_abi_oldest)
B=$(kernel_abi_newest)
RA=6.1.0-$A-amd64 RB=6.1.0-$B-amd64
W=$(harness_workdir)
R="$W/root"
upgrade="$MODVER_SOURCE_DIR/docs/recipes/modver-upgrade"
echo "recipe-dkms: $RA -> $RB, tools $T, work dir $W"
record() { modprobe --dump-modversions "$1" | awk -v s="$2" '$2==s{print $1}'; }

# --- the fake root ---
mkdir -p "$R/lib/modules/$RA/extra" "$R/lib/modules/$RA/updates" "$R/lib/modules/$RB" "$R/usr/src/modver"
ln -s "$(kernel_modules_dir "$B")/kernel" "$R/lib/modules/$RB/kernel"
build_kmod "$A" "$here/modules/hello" "$W/a-hello"
build_kmod "$A" "$here/modules/provider" "$W/a-provider"
build_kmod "$A" "$here/modules/consumer" "$W/a-consumer" KBUILD_EXTRA_SYMBOLS="$W/a-provider/Module.symvers"
for m in hello provider consumer; do
  cp "$W/a-$m/$m.ko" "$R/lib/modules/$RA/extra/"
  cp -a "$here/modules/$m" "$R/usr/src/modver/$m"
done
mkdir -p "$W/src-new"; cp "$here/modules/hello/hello.c" "$W/src-new/hello_new.c"; echo 'obj-m := hello_new.o' > "$W/src-new/Kbuild"
build_kmod "$B" "$W/src-new" "$W/b-new"
cp "$W/b-new/hello_new.ko" "$R/lib/modules/$RA/updates/"

# --- the upgrade ---
rc=0
MKMOD="$T/mkmod" MODCHECK="$T/modcheck" MODVERSIONS="$T/modversions" \
  "$upgrade" --root "$R" --to "$RB" --kernel "$(kernel_vmlinuz "$B")" --headers "$(kernel_headers_tree "$B")" \
  --no-depmod --report "$W/report.txt" >"$W/upgrade.out" 2>&1 || rc=$?
sed 's/^/    /' "$W/upgrade.out"
kt_check "modver-upgrade exits 0 (exit $rc)" test "$rc" -eq 0
rep="$W/report.txt"
line() { grep "^$1: " "$rep" || true; }

kt_check "hello_new: linked" grep -q "^hello_new: linked: /lib/modules/$RB/weak-updates/hello_new.ko -> /lib/modules/$RA/updates/hello_new.ko" "$rep"
link="$R/lib/modules/$RB/weak-updates/hello_new.ko"
kt_check "weak-updates/hello_new.ko is a relative symlink to the installed file" \
  sh -c "[ -L '$link' ] && case \$(readlink '$link') in /*) false ;; esac && cmp -s '$link' '$R/lib/modules/$RA/updates/hello_new.ko'"
kt_check "hello_new was not rebuilt" test ! -e "$R/lib/modules/$RB/updates/hello_new.ko"
for m in hello provider consumer; do
  l=$(line "$m")
  kt_check "$m: rebuilt into /lib/modules/$RB/updates/$m.ko" grep -q "^$m: rebuilt: /lib/modules/$RB/updates/$m.ko " <<<"$l"
  old=$(record "$R/lib/modules/$RA/extra/$m.ko" module_layout)
  new=$(record "$R/lib/modules/$RB/updates/$m.ko" module_layout)
  kt_check "$m: report names module_layout $old -> $new" grep -qF "module_layout $old -> $new" <<<"$l"
  kt_check "$m: module_layout CRCs differ between $RA and $RB" test -n "$old" -a -n "$new" -a "$old" != "$new"
  kt_check "$m: no weak-updates link" test ! -e "$R/lib/modules/$RB/weak-updates/$m.ko"
done
# Every other changed import of hello, as the records say (kmalloc_trace, kmalloc_caches on 6.1).
for s in $(modprobe --dump-modversions "$R/lib/modules/$RA/extra/hello.ko" | awk '{print $2}'); do
  o=$(record "$R/lib/modules/$RA/extra/hello.ko" "$s"); n=$(record "$R/lib/modules/$RB/updates/hello.ko" "$s")
  if [ "$o" != "$n" ]; then
    kt_check "hello: report names changed import $s $o -> $n" grep -qF "$s $o -> $n" <<<"$(line hello)"
  elif grep -qF " $s " <<<"$(line hello)"; then
    kt_fail "hello: report names $s, whose CRC did not change"
  fi
done
kt_check "provider is handled before consumer" \
  test "$(grep -n '^provider: ' "$rep" | cut -d: -f1)" -lt "$(grep -n '^consumer: ' "$rep" | cut -d: -f1)"
kt_check "the rebuilt consumer depends on provider" \
  sh -c "modinfo -F depends '$R/lib/modules/$RB/updates/consumer.ko' | grep -qx provider"

# --- boot B with what the new kernel would now find ---
out="$W/boot.out"
boot_and_load "$B" "$(readlink -f "$link")" "$R/lib/modules/$RB/updates/hello.ko" \
  "$R/lib/modules/$RB/updates/provider.ko" "$R/lib/modules/$RB/updates/consumer.ko" \
  | tee "$out" || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
for f in hello_new.ko hello.ko provider.ko consumer.ko; do kt_expect_load "$out" "$f"; done
kt_expect_said "$out" consumer.ko "consumer: provider says 41"
kt_expect_unforced "$out"
kt_summary "$t0"
