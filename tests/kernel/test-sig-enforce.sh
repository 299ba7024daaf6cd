#!/usr/bin/env bash
# Module signatures (module_sig_check, the loader's first step) on Debian 12's 6.1, booted with
# module.sig_enforce=1 (what Secure Boot's lockdown or CONFIG_MODULE_SIG_FORCE do):
#   crc-itu-t.ko   Debian's own, signed by Debian's key     -> loads; modcheck --sig-enforce agrees
#   hello.ko       kbuild, relinked by mkmod: no signature  -> refused, errno 129 (EKEYREJECTED),
#                  "Loading of unsigned module is rejected"; modcheck --sig-enforce: incompatible
#   fat.ko         Debian's signed fat relinked by mkmod    -> mkmod warns that the signature is
#                  not carried over; the output is unsigned: refused by both
# Without enforcement modcheck says all three load (Debian's config: MODULE_SIG_FORCE not set).
# Debian's crc-itu-t.ko with its signature trailer edited (what mod_check_sig reads before any
# cryptography), checked with a second boot without enforcement:
#   -badlen   sig_len 0xffffffff         -> EBADMSG (74) enforcing or not; modcheck: bad_signature
#   -params   algo byte 1 (PKCS#7 wants 0) -> EBADMSG, "PKCS#7 signature info has unexpected
#             non-zero params", enforcing or not
#   -foreign  id_type 1 (not PKCS#7)     -> ENOPKG: loads without enforcement, refused (129,
#             "Loading of module with unsupported crypto is rejected") with it
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
# trailer FILE OUT OFFSET HEX: OUT is FILE with the signature trailer's bytes at OFFSET replaced.
trailer() {
  python3 - "$@" <<'PY'
import sys
src, dst, off, val = sys.argv[1], sys.argv[2], int(sys.argv[3]), bytes.fromhex(sys.argv[4])
b = bytearray(open(src, 'rb').read())
t = len(b) - len(b"~Module signature appended~\n") - 12
b[t + off:t + off + len(val)] = val
open(dst, 'wb').write(b)
PY
}
trailer "$O/crc-itu-t.ko" "$O/crc-itu-t-badlen.ko" 8 ffffffff
trailer "$O/crc-itu-t.ko" "$O/crc-itu-t-params.ko" 0 01
trailer "$O/crc-itu-t.ko" "$O/crc-itu-t-foreign.ko" 2 01
bad=("$O/crc-itu-t-badlen.ko" "$O/crc-itu-t-params.ko" "$O/crc-itu-t-foreign.ko")
mods=("${bad[@]}" "$O/crc-itu-t.ko" "$O/hello.ko" "$O/fat.ko")
"$T/modcheck" --json "${mods[@]}" --kernel "$VMLINUZ" >"$W/lax.json" || true
"$T/modcheck" --json --sig-enforce "${mods[@]}" --kernel "$VMLINUZ" >"$W/enforce.json" || true
verdicts "$W/lax.json" | sed 's/^/    lax: /'
verdicts "$W/enforce.json" | sed 's/^/    enforced: /'
kt_check "without enforcement crc-itu-t, hello, fat and the foreign-id copy are compatible" \
  test "$(verdicts "$W/lax.json" | awk '$2 == "compatible"' | LC_ALL=C sort | paste -sd' ')" = \
  "crc-itu-t-foreign.ko compatible True crc-itu-t.ko compatible True fat.ko compatible False hello.ko compatible False"
for f in crc-itu-t-badlen.ko crc-itu-t-params.ko; do
  for run in lax enforce; do
    kt_check "modcheck ($run): $f incompatible, bad_signature" python3 -c 'import json,sys
m=[m for m in json.load(open(sys.argv[1]))["modules"] if m["path"].endswith("/"+sys.argv[2])][0]
sys.exit(not (m["verdict"]=="incompatible" and [p["kind"] for p in m["problems"]]==["bad_signature"]))' "$W/$run.json" "$f"
  done
done
kt_check "modcheck --sig-enforce: crc-itu-t-foreign.ko incompatible (unsupported crypto)" \
  grep -q 'Loading of module with unsupported crypto is rejected' "$W/enforce.json"
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
kt_expect_refused "$out" crc-itu-t-badlen.ko 74
kt_expect_refused "$out" crc-itu-t-params.ko 74 "PKCS#7 signature info has unexpected non-zero params"
kt_expect_refused "$out" crc-itu-t-foreign.ko 129 "Loading of module with unsupported crypto is rejected"

# Without enforcement: the malformed trailers are still refused, the foreign kind loads.
out="$W/boot-lax.out"
boot_and_load "$abi" "${bad[@]}" | tee "$out" \
  || { kt_fail "the second boot did not complete"; kt_summary "$t0"; exit 1; }
kt_expect_refused "$out" crc-itu-t-badlen.ko 74
kt_expect_refused "$out" crc-itu-t-params.ko 74 "PKCS#7 signature info has unexpected non-zero params"
kt_expect_load "$out" crc-itu-t-foreign.ko
kt_summary "$t0"
