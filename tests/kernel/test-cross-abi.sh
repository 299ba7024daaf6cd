#!/usr/bin/env bash
# A module built for the oldest ABI (A) meets the newest kernel (B) (issue 5 scenario 2).
#   xabi-A.ko        hello built by kbuild against A's headers (module name xabi)
#     modcheck --kernel B      -> incompatible, first problem module_layout (--keep-going lists
#                                 every changed import)
#     kernel B                 -> refused (ENOEXEC) "xabi: disagrees about version of symbol
#                                 module_layout": the same symbol modcheck named first
#     mkmod --kernel B         -> refused (exit 1), its message lists the changed imports
#   xabi-A-nover.ko  the same with __versions removed
#     mkmod --kernel B         -> refused (exit 1): vermagic names A's release
#     modcheck, kernel B       -> refused (ENOEXEC) "version magic ... should be ..." (after
#                                 "module_layout: kernel tainted.": the kernel gets F anyway)
#   xabi-B.ko        the same source built against B's headers, __versions removed, re-made by
#                    mkmod from B's vmlinuz -> loads in B without F
# Usage: tests/kernel/test-cross-abi.sh   (env: MODVER_TOOLS_DIR, MODVER_KERNEL_ABIS,
# MODVER_KEEP_WORK=1 keeps the temp dir)
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
W=$(harness_workdir)
echo "cross-abi: module of ABI $A against kernel $B, tools $T, work dir $W"
if [ "$A" = "$B" ]; then echo "cross-abi: needs two ABIs in MODVER_KERNEL_ABIS"; echo "0 passed, 1 failed"; exit 1; fi

stage="$W/src"
mkdir -p "$stage"
cp "$here/modules/hello/hello.c" "$stage/xabi.c"
echo 'obj-m := xabi.o' > "$stage/Kbuild"
build_kmod "$A" "$stage" "$W/kbA"
build_kmod "$B" "$stage" "$W/kbB"
O="$W/out"
mkdir -p "$O"
cp "$W/kbA/xabi.ko" "$O/xabi-A.ko"
strip_versions "$W/kbA/xabi.ko" "$O/xabi-A-nover.ko"
echo "xabi-A.ko vermagic: $(modinfo -F vermagic "$O/xabi-A.ko")"

# --- modcheck's prediction ---
rc=0
"$T/modcheck" --json "$O/xabi-A.ko" --kernel "$VMLINUZ_B" >"$W/mc.json" 2>"$W/mc.err" || rc=$?
kt_check "modcheck xabi-A.ko against $B: exit 1 (incompatible; got $rc)" test "$rc" -eq 1
first=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["modules"][0]; print(m["verdict"], m["problems"][0]["symbol"], m["problems"][0]["message"], sep="|")' "$W/mc.json" 2>/dev/null || echo "||")
IFS='|' read -r verdict first_sym first_msg <<<"$first"
echo "modcheck: verdict=$verdict first problem: $first_msg"
kt_check "modcheck: verdict incompatible" test "$verdict" = incompatible
kt_check "modcheck: first problem is module_layout" test "$first_sym" = module_layout
"$T/modcheck" --keep-going "$O/xabi-A.ko" --kernel "$VMLINUZ_B" >"$W/mc-all.txt" 2>&1 || true
sed 's/^/    /' "$W/mc-all.txt"
changed=$(sed -n 's/.*disagrees about version of symbol \([^ ;]*\).*/\1/p' "$W/mc-all.txt" | sort -u)
echo "modcheck --keep-going: changed imports: $(echo "$changed" | paste -sd' ')"
kt_check "modcheck --keep-going: more than module_layout changed" test "$(echo "$changed" | wc -l)" -gt 1

# Compare with the CRCs themselves: the imports whose CRC differs between the module and B.
"$T/modversions" --dump "$VMLINUZ_B" >"$W/dbB.txt" 2>/dev/null || true
truth=$(modprobe --dump-modversions "$O/xabi-A.ko" | while read -r crc name; do
  kcrc=$(awk -F'\t' -v n="$name" '$2 == n {print $1; exit}' "$W/dbB.txt")  # symvers rows
  [ -n "$kcrc" ] && [ $((kcrc)) -ne $((crc)) ] && echo "$name"
done | sort -u)
if [ -n "$truth" ]; then
  kt_check "modcheck's changed imports = those whose CRC differs in modversions --dump ($(echo "$truth" | paste -sd' '))" \
    test "$changed" = "$truth"
else
  echo "note: could not read CRCs from modversions --dump; skipping the cross-check"
fi

# --- mkmod's guard ---
# shellcheck disable=SC2086  # one changed import per word
kt_mkmod_refuses "$O/xabi-A.ko" "$VMLINUZ_B" "" $changed
kt_mkmod_refuses "$O/xabi-A-nover.ko" "$VMLINUZ_B" "6.1.0-$A-amd64"

rc=0
"$T/modcheck" "$O/xabi-A-nover.ko" --kernel "$VMLINUZ_B" >"$W/mc2.txt" 2>&1 || rc=$?
sed 's/^/    /' "$W/mc2.txt"
kt_check "modcheck xabi-A-nover.ko against $B: exit 1 (got $rc)" test "$rc" -eq 1
kt_check "modcheck predicts the force-load of module_layout, then the vermagic refusal" \
  grep -qF "version magic '6.1.0-$A-amd64 " "$W/mc2.txt"

# --- the same source, built for B, stripped and re-made by mkmod ---
strip_versions "$W/kbB/xabi.ko" "$W/xabi-B.nover.ko"
rc=0
"$T/mkmod" -q "$W/xabi-B.nover.ko" -o "$O/xabi-B.ko" --kernel "$VMLINUZ_B" || rc=$?
kt_check "mkmod xabi (built for $B, stripped) from B's vmlinuz: exit 0 (got $rc)" test "$rc" -eq 0
kt_check "its records equal kbuild's for $B" \
  diff <(modprobe --dump-modversions "$W/kbB/xabi.ko" | LC_ALL=C sort) <(modprobe --dump-modversions "$O/xabi-B.ko" | LC_ALL=C sort)

# --- boot B ---
out="$W/boot.out"
boot_and_load "$B" "$O/xabi-A.ko" "$O/xabi-A-nover.ko" "$O/xabi-B.ko" \
  | tee "$out" || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
kt_expect_refused "$out" xabi-A.ko 8 "xabi: disagrees about version of symbol $first_sym"
kernel_sym=$(kt_kmsg "$out" xabi-A.ko | sed -n 's/.*disagrees about version of symbol \([^ ]*\).*/\1/p' | head -n1)
kt_check "kernel and modcheck name the same symbol (kernel: ${kernel_sym:-none}, modcheck: ${first_sym:-none})" \
  test -n "$kernel_sym" -a "$kernel_sym" = "$first_sym"
# Without __versions the kernel first force-accepts module_layout (taints the KERNEL with F even
# though this module is then refused), then compares the whole vermagic, release included.
kt_expect_refused "$out" xabi-A-nover.ko 8 "xabi: module_layout: kernel tainted." \
  "xabi: version magic '6.1.0-$A-amd64 " "should be '6.1.0-$B-amd64 "
kt_expect_load "$out" xabi-B.ko
kt_expect_said "$out" xabi-B.ko "xabi: hello from xabi"

kt_summary "$t0"
