#!/usr/bin/env bash
# riscv64 under QEMU (issue 17): Debian 13's riscv64 kernel (boot/vmlinux-R, a flat Image)
# boots under qemu-system-riscv64 (virt, QEMU's OpenSBI as firmware, TCG) with the static
# loader, cross-built in the trixie chroot, as init. Its modules load in dependency order
# without F: crc-itu-t; fat as mkmod relinked it (its __versions stripped and written again
# from the Image by the in-process LLD, RISC-V: the records equal Debian's); then Debian's vfat
# on top of that fat. A copy of vfat with one
# __versions CRC flipped is refused by the kernel ("disagrees about version of symbol", EINVAL)
# and by modcheck against the Image. One boot; its time is printed (BOOT line).
# Usage: tests/kernel/test-qemu-riscv64.sh  (env: MODVER_TOOLS_DIR, MODVER_KERNEL_CACHE,
# MODVER_TRIXIE_RISCV64_KERNEL, MODVER_QEMU_TIMEOUT)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)
# llvm-objcopy: the host's binutils know no RISC-V, and no cross binutils are installed for it.
for p in qemu-system-riscv64 llvm-objcopy-22 modprobe cpio xz readelf python3 bc unshare; do
  command -v "$p" >/dev/null 2>&1 || { echo "SKIP: $p not installed (qemu-system-misc, llvm-22)" >&2; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: the loader's build chroot needs root" >&2; exit 77; }
T=$(modver_tools_dir)
R=${MODVER_TRIXIE_RISCV64_KERNEL:-6.12.118+deb13-riscv64}
K=$MODVER_KERNEL_CACHE/$R
[ -e "$K/.complete" ] || { echo "SKIP: $K absent (MODVER_DEBIAN_ARCH=riscv64 tests/kernel/fetch-debian trixie fetches it)" >&2; exit 77; }
W=$(harness_workdir)
M=$K/usr/lib/modules/$R/kernel
img=$K/boot/vmlinux-$R

kt_flipped_vfat llvm-objcopy-22 "$M" "$img"

# fat relinked by mkmod: its imports are all vmlinux's, so the Image alone gives the records.
xz -dc "$M/fs/fat/fat.ko.xz" > "$W/fat.ko"
llvm-objcopy-22 --strip-debug --remove-section __versions "$W/fat.ko" "$W/fat.nover.ko"
kt_check "mkmod relinks fat for riscv64 against the Image" "$T/mkmod" -q "$W/fat.nover.ko" -o "$W/fat_mk.ko" --kernel "$img"
dump() { modprobe --dump-modversions "$1" | LC_ALL=C sort; }
if diff <(dump "$W/fat.ko") <(dump "$W/fat_mk.ko") >"$W/records.diff"; then
  kt_pass "mkmod's __versions from the Image = Debian's ($(dump "$W/fat_mk.ko" | wc -l) records)"
else
  kt_fail "mkmod's records differ from Debian's:"; cat "$W/records.diff"
fi

# The flipped copy goes after fat (its imports resolve only then) and before the real vfat.
out=$W/boot.txt
boot_and_load_arch riscv64 "$R" "$M/lib/crc-itu-t.ko.xz" "$W/fat_mk.ko" \
  "$W/vfat-flipped.ko" "$M/fs/fat/vfat.ko.xz" | tee "$out"
kt_expect_load "$out" crc-itu-t.ko
kt_expect_load "$out" fat_mk.ko
kt_expect_refused "$out" vfat-flipped.ko 22 "vfat: disagrees about version of symbol fat_fill_super"
kt_expect_load "$out" vfat.ko
kt_expect_unforced "$out"
kt_summary "$t0"
