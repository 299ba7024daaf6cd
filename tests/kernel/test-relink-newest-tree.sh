#!/usr/bin/env bash
# The in-process linker on the newest toolchain's modules (issue 15): every module of Debian's
# newest kernel (CACHE/debian-sid, 7.x) is relinked by mkmod with in-process LLD. Modules built
# by that toolchain put __patchable_function_entries (SHF_LINK_ORDER) before the .text it links
# to, on which LLD 14 and 19 crash; this proves the LLD modver is built with does not.
# sid's kernels have no MODVERSIONS (every CRC is 0), so the records come from a copy of its
# Module.symvers with made-up non-zero CRCs: the point is the linker, not the versions. Each
# relinked module must then read back with one record per import the database knows
# (modcheck against the same made-up database: all compatible).
# Usage: tests/kernel/test-relink-newest-tree.sh  (env: MODVER_TOOLS_DIR, MODVER_KERNEL_CACHE,
# MODVER_RELINK_EVERY=N relinks every Nth module only, default 1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)
T=$(modver_tools_dir)
K=$MODVER_KERNEL_CACHE/debian-sid
[ -d "$K" ] || { echo "SKIP: $K absent (tests/kernel/fetch-all fetches it)" >&2; exit 77; }
R=$(basename "$(readlink -f "$K")")
W=$(harness_workdir)
every=${MODVER_RELINK_EVERY:-1}
echo "relink-newest-tree: Debian $R, every ${every}th module, tools $T, work dir $W"

awk 'BEGIN { FS = OFS = "\t" } { $1 = sprintf("0x%08x", (NR * 2654435761) % 4294967296); print }' \
  "$K/usr/src/linux-headers-$R/Module.symvers" > "$W/made-up.symvers"

mkdir -p "$W/out"
# mkmod reads the .ko.xz itself (the tree's basenames are unique, so -O keeps them apart).
mapfile -t all < <(find "$K/usr/lib/modules/$R/kernel" -name '*.ko.xz' | sort)
inputs=()
for i in "${!all[@]}"; do
  [ $(((i + 1) % every)) -eq 0 ] && inputs+=("${all[$i]}")
done
total=${#inputs[@]}
echo "modules: $total"

set +e
"$T/mkmod" -q -O "$W/out" "${inputs[@]}" -s "$W/made-up.symvers" --allow-unresolved 2> "$W/mkmod.err"
rc=$?
set -e
written=$(ls "$W/out" | wc -l)
kt_check "mkmod exits 0 (exit $rc; $(grep -c . "$W/mkmod.err" || true) lines on stderr)" test "$rc" -eq 0
grep -v "does not say which kernel release" "$W/mkmod.err" | head -5 || true
kt_check "every module relinked in-process ($written of $total)" test "$written" -eq "$total"
if grep -q "crashed" "$W/mkmod.err"; then kt_fail "LLD crashed: $(grep -m1 crashed "$W/mkmod.err")"; fi

set +e
"$T/modcheck" "$W/out" -s "$W/made-up.symvers" > "$W/modcheck.out" 2>&1
rc=$?
set -e
tail -n1 "$W/modcheck.out"
kt_check "modcheck: every relinked module carries the records it needs (exit $rc)" test "$rc" -eq 0
kt_summary "$t0"
