#!/usr/bin/env bash
# mkmod against kbuild (issue 3 acceptance, issue 5 scenario 1), newest ABI (B) only.
# The hello source is built by kbuild under five module names in one run, so all variants share
# one boot. Each mkmod variant starts from kbuild's .ko with __versions removed:
#   hello_kb.ko    kbuild output as is (reference)                   -> loads, no F
#   hello_mk.ko    mkmod --kernel vmlinuz (built-in LLD)             -> records == kbuild's; loads, no F
#   hello_ld.ko    mkmod --kernel vmlinuz --linker ld (GNU ld)       -> records == kbuild's; loads, no F
#   hello_ext.ko   mkmod --kernel vmlinuz --extended                 -> __versions + __version_ext_*;
#                                                                       loads, no F (6.1 ignores ext)
#   hello_bad.ko   mkmod output with kmalloc_trace's CRC flipped     -> modcheck and the kernel refuse,
#                                                                       both naming kmalloc_trace
# Usage: tests/kernel/test-mkmod-kbuild.sh   (env: MODVER_TOOLS_DIR, MODVER_KERNEL_ABIS,
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
echo "mkmod-kbuild: ABI $B ($VMLINUZ), tools $T, work dir $W"

names="hello_kb hello_mk hello_ld hello_ext hello_bad"
stage="$W/src-hello"
mkdir -p "$stage"
for v in $names; do cp "$here/modules/hello/hello.c" "$stage/$v.c"; done
echo "obj-m := $(for v in $names; do printf '%s.o ' "$v"; done)" > "$stage/Kbuild"
build_kmod "$B" "$stage" "$W/kb"
K="$W/kb"
O="$W/out"
mkdir -p "$O"
cp "$K/hello_kb.ko" "$O/hello_kb.ko"

dump() { modprobe --dump-modversions "$1" | LC_ALL=C sort; }

# mkmod_variant NAME ARGS...: strip NAME's kbuild .ko, re-make it with mkmod, compare the records.
mkmod_variant() {
  local n=$1 rc=0
  shift
  strip_versions "$K/$n.ko" "$W/$n.nover.ko"
  if modprobe --dump-modversions "$W/$n.nover.ko" >/dev/null 2>&1; then
    kt_fail "$n: stripped object still has __versions"
  fi
  "$T/mkmod" -q "$W/$n.nover.ko" -o "$O/$n.ko" --kernel "$VMLINUZ" "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then kt_fail "mkmod $* for $n exited $rc"; return 0; fi
  kt_pass "mkmod ${*:-(built-in LLD)} for $n exited 0"
  if diff <(dump "$K/$n.ko") <(dump "$O/$n.ko") >"$W/$n.diff"; then
    kt_pass "$n: mkmod's __versions = kbuild's ($(dump "$O/$n.ko" | wc -l) records, same names and CRCs)"
  else
    kt_fail "$n: mkmod's records differ from kbuild's:"; sed 's/^/    /' "$W/$n.diff"
  fi
}
echo "kbuild's records for hello_mk:"
dump "$K/hello_mk.ko" | sed 's/^/    /'
mkmod_variant hello_mk
mkmod_variant hello_ld --linker ld
mkmod_variant hello_ext --extended
mkmod_variant hello_bad

# --extended: the basic table is still there and the extended pair has one entry per record.
if [ -f "$O/hello_ext.ko" ]; then
  secs=$(readelf -SW "$O/hello_ext.ko" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 ~ /^__version/{print $1, $5}')
  echo "hello_ext.ko sections: $(echo "$secs" | paste -sd' ')"
  nbasic=$(awk '$1=="__versions"{print $2}' <<<"$secs")
  next=$(awk '$1=="__version_ext_crcs"{print $2}' <<<"$secs")
  [ -n "$nbasic" ] && nbasic=$((16#$nbasic / 64))
  [ -n "$next" ] && next=$((16#$next / 4))
  if [ -n "$nbasic" ] && [ "$nbasic" = "$next" ] && grep -q '^__version_ext_names ' <<<"$secs"; then
    kt_pass "hello_ext.ko has __versions ($nbasic) and __version_ext_crcs/names ($next)"
  else
    kt_fail "hello_ext.ko: expected __versions and an extended pair of equal count (got: $secs)"
  fi
fi

# One CRC changed in mkmod's output.
bad_sym=kmalloc_trace
echo "hello_bad.ko: $(flip_version_crc "$O/hello_bad.ko" "$bad_sym")"

# modcheck agrees before the boot: four compatible, hello_bad incompatible naming the symbol.
rc=0
"$T/modcheck" "$O"/hello_{kb,mk,ld,ext}.ko --kernel "$VMLINUZ" >"$W/modcheck-good.txt" 2>&1 || rc=$?
sed 's/^/    /' "$W/modcheck-good.txt"
kt_check "modcheck: kbuild and mkmod outputs all compatible (exit $rc)" test "$rc" -eq 0
rc=0
"$T/modcheck" "$O/hello_bad.ko" --kernel "$VMLINUZ" >"$W/modcheck-bad.txt" 2>&1 || rc=$?
sed 's/^/    /' "$W/modcheck-bad.txt"
kt_check "modcheck: hello_bad.ko incompatible (exit $rc)" test "$rc" -eq 1
kt_check "modcheck: names $bad_sym" grep -qF "disagrees about version of symbol $bad_sym" "$W/modcheck-bad.txt"

# --- boot B ---
out="$W/boot.out"
boot_and_load "$B" "$O/hello_kb.ko" "$O/hello_mk.ko" "$O/hello_ld.ko" "$O/hello_ext.ko" "$O/hello_bad.ko" \
  | tee "$out" || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
kt_expect_load "$out" hello_kb.ko
kt_expect_load "$out" hello_mk.ko
kt_expect_said "$out" hello_mk.ko "hello_mk: hello from hello_mk"
kt_expect_load "$out" hello_ld.ko
kt_expect_load "$out" hello_ext.ko
kt_expect_refused "$out" hello_bad.ko 22 \
  "hello_bad: disagrees about version of symbol $bad_sym" \
  "hello_bad: Unknown symbol $bad_sym (err -22)"

kt_expect_unforced "$out"
kt_summary "$t0"
