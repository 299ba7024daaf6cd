#!/usr/bin/env bash
# Real-kernel smoke test: does the Debian 6.1 kernel accept / refuse what we expect?
# One QEMU boot loads, in order:
#   hello.ko          kbuild output as is                      -> loads, taint has no F
#   hello_nover.ko    __versions removed (objcopy)             -> loads WITH F (forced)
#   hello_noalloc.ko  __versions kept but SHF_ALLOC cleared    -> loads WITH F (kernel ignores it)
#   hello_badcrc.ko   one CRC byte of _printk flipped          -> refused, "disagrees about version
#                                                                 of symbol _printk", errno 22
#   consumer.ko       before its provider                      -> refused, Unknown symbol, errno 2
#   provider.ko, consumer.ko (dependency order)                -> both load without F
# The hello variants are the same source built under different module names (one kbuild run), so
# they can share a boot. Usage: tests/kernel/test-qemu-smoke.sh   (env: MODVER_SMOKE_ABI, default
# 56 or the last of MODVER_KERNEL_ABIS; MODVER_KEEP_WORK=1 keeps the temp dir).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)

abis=$(echo "${MODVER_KERNEL_ABIS:-56}" | tr ';,' '  ')
abi=${MODVER_SMOKE_ABI:-}
if [ -z "$abi" ]; then
  case " $abis " in *" 56 "*) abi=56 ;; *) abi=${abis##* } ;; esac
fi
W=$(harness_workdir)
echo "smoke: ABI $abi, work dir $W"

# --- build ---
stage="$W/src-hello"
mkdir -p "$stage"
for v in hello hello_nover hello_noalloc hello_badcrc; do cp "$here/modules/hello/hello.c" "$stage/$v.c"; done
echo 'obj-m := hello.o hello_nover.o hello_noalloc.o hello_badcrc.o' > "$stage/Kbuild"
build_kmod "$abi" "$stage" "$W/hello"
build_kmod "$abi" "$here/modules/provider" "$W/provider"
build_kmod "$abi" "$here/modules/consumer" "$W/consumer" KBUILD_EXTRA_SYMBOLS="$W/provider/Module.symvers"
H="$W/hello"

# --- variants ---
# Removing __versions needs --strip-debug: .rela.debug_info refers to the section symbol.
objcopy --strip-debug --remove-section __versions "$H/hello_nover.ko" "$H/hello_nover.stripped.ko"
mv "$H/hello_nover.stripped.ko" "$H/hello_nover.ko"
objcopy --set-section-flags __versions=contents,readonly "$H/hello_noalloc.ko" "$H/hello_noalloc.tmp.ko"
mv "$H/hello_noalloc.tmp.ko" "$H/hello_noalloc.ko"

flip_version_crc "$H/hello_badcrc.ko" _printk
modprobe --dump-modversions "$W/consumer/consumer.ko" 2>/dev/null | grep -q modver_provider_value \
  || { echo "smoke: consumer.ko has no __versions entry for modver_provider_value" >&2; exit 1; }

# --- boot ---
boot_out="$W/boot.out"
mkdir -p "$W/early"
cp "$W/consumer/consumer.ko" "$W/early/consumer.ko"
boot_and_load "$abi" "$H/hello.ko" "$H/hello_nover.ko" "$H/hello_noalloc.ko" "$H/hello_badcrc.ko" \
  "$W/early/consumer.ko" "$W/provider/provider.ko" "$W/consumer/consumer.ko" | tee "$boot_out" \
  || { echo "smoke: FAIL: the boot did not complete" >&2; echo "0 passed, 1 failed"; exit 1; }

# --- check ---
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# result N -> the Nth RESULT line (loads are reported in order; consumer.ko appears twice)
result() { grep '^RESULT ' "$boot_out" | sed -n "${1}p"; }
# kmsg N -> the KMSG lines following the Nth RESULT line
kmsg() { awk -v n="$1" '/^RESULT /{i++} i==n && /^KMSG /' "$boot_out"; }

expect_load() {  # expect_load N FILE yes|no  (yes: forced, F in taint; no: loaded without F)
  local r taint
  r=$(result "$1")
  case "$r" in
    "RESULT $2 ok "*) ;;
    *) bad "$2 should load, got: ${r:-nothing}"; return ;;
  esac
  taint=$(sed 's/.* taint=\([^ ]*\).*/\1/' <<<"$r")
  if [ "$3" = yes ]; then
    if [[ $taint == *F* ]]; then ok "$2 loads with F (taint=$taint)"; else bad "$2 loaded without F (taint=$taint)"; fi
  else
    if [[ $taint != *F* ]]; then ok "$2 loads without F (taint=$taint)"; else bad "$2 loaded with F (taint=$taint)"; fi
  fi
}
expect_refused() {  # expect_refused N FILE ERRNO MESSAGE...
  local r n=$1 file=$2 errno=$3 m
  shift 3
  r=$(result "$n")
  if [[ $r == "RESULT $file fail errno=$errno "* ]]; then ok "$file refused with errno $errno"
  else bad "$file should be refused with errno $errno, got: ${r:-nothing}"; fi
  for m in "$@"; do expect_said "$n" "$file" "$m"; done
}

expect_load 1 hello.ko no
expect_load 2 hello_nover.ko yes
expect_said() {  # expect_said N FILE MESSAGE
  if kmsg "$1" | grep -qF -- "$3"; then ok "$2: kernel said \"$3\""; else bad "$2: kernel did not say \"$3\""; fi
}
expect_said 2 hello_nover.ko "hello_nover: module_layout: kernel tainted."
expect_load 3 hello_noalloc.ko yes
expect_refused 4 hello_badcrc.ko 22 \
  "hello_badcrc: disagrees about version of symbol _printk" \
  "hello_badcrc: Unknown symbol _printk (err -22)"
expect_refused 5 consumer.ko 2 "consumer: Unknown symbol modver_provider_value (err -2)"
expect_load 6 provider.ko no
expect_load 7 consumer.ko no
expect_said 7 consumer.ko "consumer: provider says 41"

t1=$(date +%s.%N)
printf 'smoke: total %.1f s (%s)\n' "$(echo "$t1 - $t0" | bc)" "$(grep '^BOOT ' "$boot_out")"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
