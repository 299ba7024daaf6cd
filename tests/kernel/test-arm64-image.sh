#!/usr/bin/env bash
# arm64 from Debian's packages (issue 17): the exports read from the flat arm64 Image (no ELF,
# no section headers; lib/Kernel/FlatImage) equal the vmlinux rows of its Module.symvers in
# every column (CRC, name, exporter, GPL-ness, namespace), and modcheck says every module of
# the tree loads against that Image.
# Usage: tests/kernel/test-arm64-image.sh  (env: MODVER_TOOLS_DIR, MODVER_KERNEL_CACHE,
# MODVER_TRIXIE_ARM64_KERNEL, default 6.12.118+deb13-arm64)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)
T=$(modver_tools_dir)
R=${MODVER_TRIXIE_ARM64_KERNEL:-6.12.118+deb13-arm64}
K=$MODVER_KERNEL_CACHE/$R
[ -e "$K/.complete" ] || { echo "SKIP: $K absent (MODVER_DEBIAN_ARCH=arm64 tests/kernel/fetch-debian trixie fetches it)" >&2; exit 77; }
W=$(harness_workdir)
img=$K/boot/vmlinuz-$R
symvers=$K/usr/src/linux-headers-$R/Module.symvers

"$T/modversions" --dump "$img" | LC_ALL=C sort > "$W/image.txt"
awk -F'\t' '$3 == "vmlinux"' "$symvers" | LC_ALL=C sort > "$W/symvers.txt"
n=$(wc -l < "$W/symvers.txt")
kt_check "Module.symvers has vmlinux rows ($n)" test "$n" -gt 1000
if cmp -s "$W/image.txt" "$W/symvers.txt"; then kt_pass "the Image's $n exports equal Module.symvers (CRC, name, GPL, namespace)"
else kt_fail "the Image's exports differ from Module.symvers:"; diff "$W/symvers.txt" "$W/image.txt" | head -n 20; fi
kt_check "release and target read from the Image" \
  grep -q '"target": "ELF64 little-endian aarch64"' <("$T/modversions" --dump "$img" --json | tail -n 5)

mods=$K/usr/lib/modules/$R/kernel
count=$(find "$mods" -name '*.ko.xz' | wc -l)
kt_check "the tree has 4000+ modules ($count)" test "$count" -ge 4000
out=$("$T/modcheck" -k "$img" -m "$mods" "$mods" | tail -n 1)
echo "$out"
kt_check "every module of the tree loads against the Image" \
  grep -q "^$count modules checked against $R .*: $count compatible, 0 incompatible, 0 force-loaded" <<<"$out"
kt_summary "$t0"
