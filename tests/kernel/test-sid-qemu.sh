#!/usr/bin/env bash
# Debian sid 7.x (MODVERSIONS off, __kflagstab, module: namespaces): modcheck's verdicts = the
# kernel's, in one boot of sid's own kernel (issue 15 item 6). The offline side over the whole
# tree is SidKernelTest (unit label kernel); this script adds the kernel's word.
#   own modules, no dependencies or loaded after them (fat then vfat, autofs4, nls tables, crc,
#   md4, ...)                        -> modcheck compatible, the kernel loads each without F
#   fat-xyz.ko   fat.ko with .modinfo license=GPL changed to license=XYZ (same length): its
#                GPL-only imports are hidden -> modcheck incompatible, kernel refuses (ENOENT,
#                "fat: Unknown symbol ...")
#   autofs5.ko   autofs4.ko renamed (.modinfo name= and the name in .gnu.linkonce.this_module):
#                it imports a symbol of namespace module:autofs4 -> both refuse ("module autofs5
#                uses symbol ... from namespace module:autofs4, but does not import it.")
#   nls_cp437-612.ko   Debian 13's (MODVER_TRIXIE_KERNEL) nls_cp437 -> both refuse by vermagic
#   sidhello.ko  tests/kernel/modules/hello built by kbuild in the sid chroot (debian-chroot) against
#                sid's headers: no __versions (MODVERSIONS off) -> compatible, loads without F
#   sidkvm.ko / sidkvx.ko  modules/nsuser built as kvm: its import is exported to "module:kvm" only
#                -> kvm loads (its name is in the list, no import needed); the same renamed kvx
#                (modpost refuses to build an outsider, so the rename is done on the .ko) is
#                refused; modcheck must say the same
# Every refused module is loaded before its original, so a refusal never meets EEXIST.
# Env: MODVER_TOOLS_DIR, MODVER_SID_KERNEL, MODVER_TRIXIE_KERNEL, MODVER_KEEP_WORK=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
kt_require_host
t0=$(date +%s.%N)

T=$(modver_tools_dir)
S=${MODVER_SID_KERNEL:-debian-sid}
X=${MODVER_TRIXIE_KERNEL:-debian-trixie}
VMLINUZ=$(kernel_vmlinuz "$S")
MODS=$(kernel_modules_dir "$S")
W=$(harness_workdir)
echo "sid-qemu: kernel $(kernel_release "$S"), tools $T, work dir $W"

# ko NAME DIR: the module file NAME.ko* under DIR (first match).
ko() { find "$2" -name "$1.ko*" | LC_ALL=C sort | head -n1; }

# --- the edited modules ---
E="$W/edited"
mkdir -p "$E"
xz -dc "$(ko fat "$MODS")" > "$E/fat-xyz.ko"
ko_replace_string "$E/fat-xyz.ko" license=GPL license=XYZ .modinfo
kt_check "fat-xyz.ko: modinfo says license XYZ" test "$(modinfo -F license "$E/fat-xyz.ko")" = XYZ
xz -dc "$(ko autofs4 "$MODS")" > "$E/autofs5.ko"
ko_replace_string "$E/autofs5.ko" name=autofs4 name=autofs5 .modinfo
ko_replace_string "$E/autofs5.ko" autofs4 autofs5 .gnu.linkonce.this_module
kt_check "autofs5.ko: modinfo says name autofs5" test "$(modinfo -F name "$E/autofs5.ko")" = autofs5
xz -dc "$(ko nls_cp437 "$(kernel_modules_dir "$X")")" > "$E/nls_cp437-612.ko"

sb=$(date +%s.%N)
mkdir -p "$W/src"
cp "$here/modules/hello/hello.c" "$W/src/sidhello.c"
cp "$here/modules/nsuser/nsuser.c" "$W/src/kvm.c"
echo 'obj-m := sidhello.o kvm.o' > "$W/src/Kbuild"
build_kmod "$S" "$W/src" "$W/kb"
printf 'kbuild in the sid chroot: %.1f s\n' "$(echo "$(date +%s.%N) - $sb" | bc)"
cp "$W/kb/sidhello.ko" "$E/sidhello.ko"
cp "$W/kb/kvm.ko" "$E/sidkvm.ko"
cp "$W/kb/kvm.ko" "$E/sidkvx.ko"
ko_replace_string "$E/sidkvx.ko" name=kvm name=kvx .modinfo
ko_replace_string "$E/sidkvx.ko" kvm kvx .gnu.linkonce.this_module
kt_check "sidhello.ko has no __versions (sid builds without MODVERSIONS)" \
  test -z "$(readelf -SW "$E/sidhello.ko" | grep -F __versions)"

own=("$E/sidhello.ko")
for m in fat vfat autofs4 nls_cp437 nls_utf8 nls_iso8859-1 crc-itu-t md4 minix; do
  f=$(ko "$m" "$MODS")
  [ -n "$f" ] || { kt_fail "no $m.ko* in $MODS"; continue; }
  own+=("$f")
done
mods=("$E/fat-xyz.ko" "$E/autofs5.ko" "$E/nls_cp437-612.ko" "$E/sidkvx.ko" "${own[@]}" "$E/sidkvm.ko")

# --- modcheck's predictions ---
rc=0
"$T/modcheck" --json "${mods[@]}" --kernel "$VMLINUZ" --modules "$MODS" >"$W/mc.json" 2>"$W/mc.err" || rc=$?
cat "$W/mc.err" >&2
kt_check "modcheck exit 1 (some incompatible; got $rc)" test "$rc" -eq 1
modcheck_predictions "$W/mc.json" >"$W/predictions.tsv"
sed 's/^/    /' "$W/predictions.tsv"
kt_check "modcheck gave a verdict for each of the ${#mods[@]} modules" test "$(wc -l <"$W/predictions.tsv")" -eq "${#mods[@]}"
verdict_of() { awk -F'\t' -v f="$1" '$1 == f {print $3}' "$W/predictions.tsv"; }
for f in fat-xyz.ko autofs5.ko nls_cp437-612.ko sidkvx.ko; do
  kt_check "modcheck: $f incompatible" test "$(verdict_of "$f")" = incompatible
done
n_ok=$(awk -F'\t' '$3 == "compatible"' "$W/predictions.tsv" | wc -l)
kt_check "modcheck: the ${#own[@]} own modules, the probe and sidkvm.ko compatible (got $n_ok)" test "$n_ok" -eq $((${#own[@]} + 1))
gen=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel"]["loader"]["generation"])' "$W/mc.json" 2>/dev/null || echo "?")
echo "modcheck's loader generation for $(kernel_release "$S"): $gen"

# --- the kernel's verdicts ---
out="$W/boot.out"
boot_and_load "$S" "${mods[@]}" | tee "$out" \
  || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
kt_compare_verdicts "$W/predictions.tsv" "$out"
kt_expect_refused "$out" fat-xyz.ko 2 "fat: Unknown symbol"
kt_expect_refused "$out" autofs5.ko 22 "from namespace module:autofs4, but does not import it"
kt_expect_refused "$out" nls_cp437-612.ko 8 "version magic '6.12."
kt_expect_said "$out" sidhello.ko "sidhello: hello from sidhello"
kt_expect_load "$out" sidkvm.ko
kt_expect_refused "$out" sidkvx.ko 22 "kvx: module uses symbol (anon_inode_make_secure_inode) from namespace module:kvm, but does not import it."
kt_expect_unforced "$out"
kt_summary "$t0"
