#!/usr/bin/env bash
# Versioning a module that imports from another module (issue 5 scenario 3), newest ABI (B).
# provider (exports modver_provider_value GPL, modver_provider_name) and consumer (uses both) are
# built by kbuild (consumer with KBUILD_EXTRA_SYMBOLS=provider's Module.symvers); the consumer
# source is built under two module names so both mkmod ways load in one boot. All start from
# kbuild's .ko with __versions removed:
#   provider.ko     mkmod --kernel vmlinuz                                   -> loads, no F
#   consumer_sv.ko  mkmod --kernel vmlinuz --symvers <provider's Module.symvers> -> loads, no F
#   consumer_md.ko  mkmod --kernel vmlinuz --modules <dir with mkmod's provider.ko> -> loads, no F
# Each has the same records as kbuild's own; consumer without either option is refused by mkmod
# (exit 2, names the two unresolved imports); modcheck says compatible with --modules.
# Usage: tests/kernel/test-module-deps.sh   (env: MODVER_TOOLS_DIR, MODVER_KERNEL_ABIS,
# MODVER_KEEP_WORK=1 keeps the temp dir)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
kt_require_host
t0=$(date +%s.%N)

T=$(modver_tools_dir)
B=$(kernel_abi_newest)
VMLINUZ=$(kernel_vmlinuz "$B")
W=$(harness_workdir)
echo "module-deps: ABI $B, tools $T, work dir $W"

build_kmod "$B" "$here/modules/provider" "$W/kbprov"
stage="$W/src-consumer"
mkdir -p "$stage"
for v in consumer_sv consumer_md; do cp "$here/modules/consumer/consumer.c" "$stage/$v.c"; done
echo 'obj-m := consumer_sv.o consumer_md.o' > "$stage/Kbuild"
build_kmod "$B" "$stage" "$W/kbcons" KBUILD_EXTRA_SYMBOLS="$W/kbprov/Module.symvers"
echo "provider's Module.symvers:"
sed 's/^/    /' "$W/kbprov/Module.symvers"

PM="$W/provider-versioned"   # the --modules dir: only the versioned provider
O="$W/out"
mkdir -p "$PM" "$O"
dump() { modprobe --dump-modversions "$1" | LC_ALL=C sort; }
same_records() {  # same_records KBUILD.ko MKMOD.ko
  if diff <(dump "$1") <(dump "$2") >"$W/diff.txt"; then
    kt_pass "$(basename "$2"): records = kbuild's ($(dump "$2" | wc -l): $(dump "$2" | awk '{print $2}' | paste -sd' '))"
  else
    kt_fail "$(basename "$2"): records differ from kbuild's:"; sed 's/^/    /' "$W/diff.txt"
  fi
}
run_mkmod() {  # run_mkmod OUT ARGS...   PASS on exit 0
  local out=$1 rc=0
  shift
  "$T/mkmod" -q -o "$out" "$@" >"$W/mk.txt" 2>&1 || rc=$?
  sed 's/^/    /' "$W/mk.txt"
  kt_check "mkmod -o $(basename "$out") ${*//$W\//}: exit 0 (got $rc)" test "$rc" -eq 0
}

strip_versions "$W/kbprov/provider.ko" "$W/provider.nover.ko"
strip_versions "$W/kbcons/consumer_sv.ko" "$W/consumer_sv.nover.ko"
strip_versions "$W/kbcons/consumer_md.ko" "$W/consumer_md.nover.ko"

run_mkmod "$PM/provider.ko" "$W/provider.nover.ko" --kernel "$VMLINUZ"
same_records "$W/kbprov/provider.ko" "$PM/provider.ko"
cp "$PM/provider.ko" "$O/provider.ko"

rc=0
"$T/mkmod" -q -o "$W/never.ko" "$W/consumer_sv.nover.ko" --kernel "$VMLINUZ" >"$W/mk0.txt" 2>&1 || rc=$?
sed 's/^/    /' "$W/mk0.txt"
kt_check "mkmod consumer with vmlinuz only: exit 2 (got $rc)" test "$rc" -eq 2
kt_check "... naming modver_provider_value and modver_provider_name" \
  grep -q 'modver_provider_name.*modver_provider_value\|modver_provider_value.*modver_provider_name' "$W/mk0.txt"

run_mkmod "$O/consumer_sv.ko" "$W/consumer_sv.nover.ko" --kernel "$VMLINUZ" --symvers "$W/kbprov/Module.symvers"
same_records "$W/kbcons/consumer_sv.ko" "$O/consumer_sv.ko"
run_mkmod "$O/consumer_md.ko" "$W/consumer_md.nover.ko" --kernel "$VMLINUZ" --modules "$PM"
same_records "$W/kbcons/consumer_md.ko" "$O/consumer_md.ko"

rc=0
"$T/modcheck" "$O/provider.ko" "$O/consumer_sv.ko" "$O/consumer_md.ko" --kernel "$VMLINUZ" --modules "$PM" \
  >"$W/mc.txt" 2>&1 || rc=$?
sed 's/^/    /' "$W/mc.txt"
kt_check "modcheck with --modules: all three compatible (exit $rc)" test "$rc" -eq 0

# --- boot B: dependency order ---
out="$W/boot.out"
boot_and_load "$B" "$O/provider.ko" "$O/consumer_sv.ko" "$O/consumer_md.ko" \
  | tee "$out" || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
kt_expect_load "$out" provider.ko
kt_expect_said "$out" provider.ko "provider: ready"
kt_expect_load "$out" consumer_sv.ko
kt_expect_said "$out" consumer_sv.ko "consumer_sv: provider says 41"
kt_expect_load "$out" consumer_md.ko
kt_expect_said "$out" consumer_md.ko "consumer_md: provider says 41"
kt_expect_unforced "$out"

kt_summary "$t0"
