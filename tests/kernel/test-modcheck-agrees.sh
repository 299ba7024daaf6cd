#!/usr/bin/env bash
# modcheck's verdict = the kernel's, on real Debian modules (issue 5 scenario 4).
# From a fixed list of small modules that load without hardware (nls tables, crc/textsearch
# libraries, crypto algorithms, simple file systems), take up to MODVER_AGREE_COUNT (default 12)
# of the oldest ABI (A) and of the newest (B) whose `modinfo -F depends` is empty. modcheck checks
# all of them against kernel B (its vmlinuz + B's module tree); kernel B then loads them in one
# boot, A's first (each A module is refused before it is registered, so B's copy of the same
# module can load afterwards). For every module:
#   compatible   -> the kernel loads it and its taint has no F
#   forced       -> the kernel loads it with F
#   incompatible -> the kernel refuses it and logs "<name>: <message>" for the message modcheck
#                   gave (e.g. "disagrees about version of symbol module_layout")
# Usage: tests/kernel/test-modcheck-agrees.sh   (env: MODVER_TOOLS_DIR, MODVER_KERNEL_ABIS,
# MODVER_AGREE_COUNT, MODVER_KEEP_WORK=1 keeps the temp dir)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
kt_require_host
t0=$(date +%s.%N)

T=$(modver_tools_dir)
A=$(kernel_abi_oldest)
B=$(kernel_abi_newest)
VMLINUZ_B=$(kernel_vmlinuz "$B")
MODS_B=$(kernel_modules_dir "$B")
count=${MODVER_AGREE_COUNT:-12}
W=$(harness_workdir)
echo "modcheck-agrees: modules of ABIs $A and $B against kernel $B, tools $T, work dir $W"

# Candidates, in order of preference (paths under lib/modules/R/kernel, without .ko).
candidates="fs/nls/nls_cp437 fs/nls/nls_iso8859-1 fs/nls/nls_utf8 fs/nls/nls_koi8-r
  lib/crc7 lib/crc8 lib/crc-itu-t lib/ts_kmp lib/ts_bm lib/ts_fsm
  crypto/md4 crypto/wp512 crypto/michael_mic
  fs/minix/minix fs/qnx4/qnx4 fs/bfs/bfs fs/efs/efs"

mods=()
for abi in $A $B; do
  md=$(kernel_modules_dir "$abi")
  mkdir -p "$W/$abi"
  n=0
  for c in $candidates; do
    [ "$n" -lt "$count" ] || break
    f="$md/kernel/$c.ko"
    [ -f "$f" ] || { echo "  skip $c (not in ABI $abi)"; continue; }
    deps=$(modinfo -F depends "$f")
    [ -z "$deps" ] || { echo "  skip $c (ABI $abi depends on $deps)"; continue; }
    dst="$W/$abi/$(basename "$c").$abi.ko"   # distinct file names: the loader reports by file
    cp "$f" "$dst"
    mods+=("$dst")
    n=$((n + 1))
  done
  echo "ABI $abi: $n modules: $(cd "$W/$abi" && ls | paste -sd' ')"
  kt_check "ABI $abi: found $count dependency-free modules (got $n)" test "$n" -eq "$count"
done

# --- modcheck's predictions ---
mc0=$(date +%s.%N)
rc=0
"$T/modcheck" --json "${mods[@]}" --kernel "$VMLINUZ_B" --modules "$MODS_B" >"$W/mc.json" 2>"$W/mc.err" || rc=$?
mc1=$(date +%s.%N)
printf 'modcheck: exit %d in %.1f s\n' "$rc" "$(echo "$mc1 - $mc0" | bc)"
cat "$W/mc.err" >&2
kt_check "modcheck exit 1 (some incompatible; got $rc)" test "$rc" -eq 1
modcheck_predictions "$W/mc.json" >"$W/predictions.tsv"
sed 's/^/    /' "$W/predictions.tsv"
kt_check "modcheck gave a verdict for each of the ${#mods[@]} modules" test "$(wc -l <"$W/predictions.tsv")" -eq "${#mods[@]}"

# --- the kernel's verdicts ---
out="$W/boot.out"
boot_and_load "$B" "${mods[@]}" | tee "$out" \
  || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }

kt_compare_verdicts "$W/predictions.tsv" "$out"
# Expected shape for two different ABIs: A's modules are all incompatible, B's all compatible.
if [ "$A" != "$B" ]; then
  kt_check "all of ABI $A's modules predicted incompatible" \
    test "$(grep -c "\.$A\.ko	.*	incompatible	" "$W/predictions.tsv")" -eq "$count"
fi
kt_check "all of ABI $B's modules predicted compatible" \
  test "$(grep -c "\.$B\.ko	.*	compatible	" "$W/predictions.tsv")" -eq "$count"
kt_expect_unforced "$out"

kt_summary "$t0"
