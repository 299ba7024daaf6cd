#!/usr/bin/env bash
# riscv64 from Debian's packages (issue 17): Debian 13's riscv64 kernel ships its flat Image as
# /boot/vmlinux-R (uncompressed, an EFI stub's PE header at 0, the RISC-V header's "RSC\x05" at
# 0x38; no ELF, no section headers). The exports read from it (lib/Kernel/FlatImage) equal the
# vmlinux rows of its Module.symvers in every column (CRC, name, exporter, GPL-ness,
# namespace), and modcheck says every module of the tree loads against that Image.
# Usage: tests/kernel/test-riscv64-image.sh  (env: MODVER_TOOLS_DIR, MODVER_KERNEL_CACHE,
# MODVER_TRIXIE_RISCV64_KERNEL, default 6.12.118+deb13-riscv64)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)
T=$(modver_tools_dir)
R=${MODVER_TRIXIE_RISCV64_KERNEL:-6.12.118+deb13-riscv64}
K=$MODVER_KERNEL_CACHE/$R
[ -e "$K/.complete" ] || { echo "SKIP: $K absent (MODVER_DEBIAN_ARCH=riscv64 tests/kernel/fetch-debian trixie fetches it)" >&2; exit 77; }
W=$(harness_workdir)
img=$K/boot/vmlinux-$R
symvers=$K/usr/src/linux-headers-$R/Module.symvers
kt_check "the image is a RISC-V flat Image (\"RSC\\x05\" at 0x38)" \
  test "$(od -An -tx1 -j 0x38 -N 4 "$img" | tr -d ' ')" = 52534305

"$T/modversions" --dump "$img" | LC_ALL=C sort > "$W/image.txt"
awk -F'\t' '$3 == "vmlinux"' "$symvers" | LC_ALL=C sort > "$W/symvers.txt"
n=$(wc -l < "$W/symvers.txt")
kt_check "Module.symvers has vmlinux rows ($n)" test "$n" -gt 1000
if cmp -s "$W/image.txt" "$W/symvers.txt"; then kt_pass "the Image's $n exports equal Module.symvers (CRC, name, GPL, namespace)"
else kt_fail "the Image's exports differ from Module.symvers:"; diff "$W/symvers.txt" "$W/image.txt" | head -n 20; fi
kt_check "GPL-only exports ($(grep -c 'EXPORT_SYMBOL_GPL' "$W/image.txt" || true)) and namespaced ones ($(awk -F'\t' '$5 != ""' "$W/image.txt" | wc -l)) among them" \
  test "$(grep -c 'EXPORT_SYMBOL_GPL' "$W/image.txt")" -gt 0 -a "$(awk -F'\t' '$5 != ""' "$W/image.txt" | wc -l)" -gt 0
kt_check "release and target read from the Image" \
  grep -q '"target": "ELF64 little-endian riscv"' <("$T/modversions" --dump "$img" --json | tail -n 5)

mods=$K/usr/lib/modules/$R/kernel
count=$(find "$mods" -name '*.ko.xz' | wc -l)
kt_check "the tree has 3000+ modules ($count)" test "$count" -ge 3000
m0=$(date +%s.%N)
out=$("$T/modcheck" -k "$img" -m "$mods" "$mods" | tail -n 1)
echo "$out ($(printf '%.1f' "$(echo "$(date +%s.%N) - $m0" | bc)") s)"
kt_check "every module of the tree loads against the Image" \
  grep -q "^$count modules checked against $R .*: $count compatible, 0 incompatible, 0 force-loaded" <<<"$out"
kt_summary "$t0"
