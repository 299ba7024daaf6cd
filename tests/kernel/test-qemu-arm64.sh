#!/usr/bin/env bash
# arm64 under QEMU (issue 17): Debian 13's arm64 kernel boots under qemu-system-aarch64 (virt,
# -cpu max, TCG) with the static loader, cross-built, as init. Three of its own modules load
# in dependency order (crc-itu-t; fat, then vfat, which needs fat) without taint; a copy of vfat
# with one __versions CRC flipped is refused by the kernel ("disagrees about version of
# symbol", EINVAL on 6.12) and by modcheck against the flat Image. One boot; its time is printed (BOOT line).
# Usage: tests/kernel/test-qemu-arm64.sh  (env: MODVER_TOOLS_DIR, MODVER_KERNEL_CACHE,
# MODVER_TRIXIE_ARM64_KERNEL, MODVER_QEMU_TIMEOUT)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)
for p in qemu-system-aarch64 aarch64-linux-gnu-objcopy cpio xz readelf python3 bc; do
  command -v "$p" >/dev/null 2>&1 || { echo "SKIP: $p not installed (qemu-system-arm, binutils-aarch64-linux-gnu)" >&2; exit 77; }
done
T=$(modver_tools_dir)
R=${MODVER_TRIXIE_ARM64_KERNEL:-6.12.118+deb13-arm64}
K=$MODVER_KERNEL_CACHE/$R
[ -e "$K/.complete" ] || { echo "SKIP: $K absent (MODVER_DEBIAN_ARCH=arm64 tests/kernel/fetch-debian trixie fetches it)" >&2; exit 77; }
W=$(harness_workdir)
M=$K/usr/lib/modules/$R/kernel
img=$K/boot/vmlinuz-$R

kt_flipped_vfat aarch64-linux-gnu-objcopy "$M" "$img"

# The flipped copy goes after fat (its imports resolve only then) and before the real vfat.
out=$W/boot.txt
boot_and_load_arch arm64 "$R" "$M/lib/crc-itu-t.ko.xz" "$M/fs/fat/fat.ko.xz" \
  "$W/vfat-flipped.ko" "$M/fs/fat/vfat.ko.xz" | tee "$out"
kt_expect_load "$out" crc-itu-t.ko
kt_expect_load "$out" fat.ko
kt_expect_refused "$out" vfat-flipped.ko 22 "vfat: disagrees about version of symbol fat_fill_super"
kt_expect_load "$out" vfat.ko
kt_expect_unforced "$out"
kt_summary "$t0"
