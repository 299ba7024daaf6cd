#!/usr/bin/env bash
# Module signatures (module_sig_check, the loader's first step) on Debian 12's 6.1, booted with
# module.sig_enforce=1 (what Secure Boot's lockdown or CONFIG_MODULE_SIG_FORCE do):
#   crc-itu-t.ko   Debian's own, signed by Debian's key     -> loads; modcheck --sig-enforce agrees
#   hello.ko       kbuild, relinked by mkmod: no signature  -> refused, errno 129 (EKEYREJECTED),
#                  "Loading of unsigned module is rejected"; modcheck --sig-enforce: incompatible
#   fat.ko         Debian's signed fat relinked by mkmod    -> mkmod warns that the signature is
#                  not carried over; the output is unsigned: refused by both
# Without enforcement modcheck says all three load (Debian's config: MODULE_SIG_FORCE not set).
# Usage: tests/kernel/test-sig-enforce.sh   (env: MODVER_TOOLS_DIR, MODVER_KERNEL_ABIS,
# MODVER_KEEP_WORK=1 keeps the temp dir)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
kt_require_host
t0=$(date +%s.%N)

T=$(modver_tools_dir)
abi=$(kernel_abi_newest)
VMLINUZ=$(kernel_vmlinuz "$abi")
M=$(kernel_modules_dir "$abi")/kernel
W=$(harness_workdir)
O="$W/out"
mkdir -p "$O"
echo "sig-enforce: ABI $abi, tools $T, work dir $W"

build_kmod "$abi" "$here/modules/hello" "$W/kb"
strip_versions "$W/kb/hello.ko" "$W/hello-nover.ko"
"$T/mkmod" -q "$W/hello-nover.ko" -o "$O/hello.ko" --kernel "$VMLINUZ"
cp "$M/lib/crc-itu-t.ko" "$O/crc-itu-t.ko"
kt_check "Debian's crc-itu-t.ko is signed" grep -qa 'Module signature appended' "$O/crc-itu-t.ko"
rc=0
"$T/mkmod" "$M/fs/fat/fat.ko" -o "$O/fat.ko" --kernel "$VMLINUZ" 2>"$W/mkmod-fat.err" || rc=$?
sed 's/^/    /' "$W/mkmod-fat.err"
kt_check "mkmod fat.ko: exit 0 (got $rc)" test "$rc" -eq 0
kt_check "mkmod warns that fat.ko's signature is not carried over" \
  grep -q 'fat.ko: the appended signature is not carried over' "$W/mkmod-fat.err"
kt_check "the relinked fat.ko has no signature" sh -c "! grep -qa 'Module signature appended' '$O/fat.ko'"

verdicts() {  # verdicts JSON -> "file verdict" lines
  python3 -c 'import json,os,sys
for m in json.load(open(sys.argv[1]))["modules"]: print(os.path.basename(m["path"]), m["verdict"], m.get("signed"))' "$1"
}
mods=("$O/crc-itu-t.ko" "$O/hello.ko" "$O/fat.ko")
"$T/modcheck" --json "${mods[@]}" --kernel "$VMLINUZ" >"$W/lax.json" || true
"$T/modcheck" --json --sig-enforce "${mods[@]}" --kernel "$VMLINUZ" >"$W/enforce.json" || true
verdicts "$W/lax.json" | sed 's/^/    lax: /'
verdicts "$W/enforce.json" | sed 's/^/    enforced: /'
kt_check "without enforcement all three are compatible" \
  test "$(verdicts "$W/lax.json" | awk '$2 == "compatible"' | wc -l)" -eq 3
kt_check "modcheck --sig-enforce: crc-itu-t.ko compatible (signed)" \
  grep -qx 'crc-itu-t.ko compatible True' <(verdicts "$W/enforce.json")
for f in hello.ko fat.ko; do
  kt_check "modcheck --sig-enforce: $f incompatible (unsigned)" \
    grep -qx "$f incompatible False" <(verdicts "$W/enforce.json")
done
kt_check "modcheck names the rule" grep -q '"kind": *"unsigned"' <(python3 -m json.tool "$W/enforce.json")

out="$W/boot.out"
MODVER_BOOT_APPEND="module.sig_enforce=1 " boot_and_load "$abi" "${mods[@]}" | tee "$out" \
  || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
kt_expect_load "$out" crc-itu-t.ko
kt_expect_refused "$out" hello.ko 129 "Loading of unsigned module is rejected"
kt_expect_refused "$out" fat.ko 129 "Loading of unsigned module is rejected"
kt_summary "$t0"
