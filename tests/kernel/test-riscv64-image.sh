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
R=${MODVER_TRIXIE_RISCV64_KERNEL:-6.12.118+deb13-riscv64}
img=$MODVER_KERNEL_CACHE/$R/boot/vmlinux-$R
[ ! -e "$img" ] || kt_check "the image is a RISC-V flat Image (\"RSC\\x05\" at 0x38)" \
  test "$(od -An -tx1 -j 0x38 -N 4 "$img" | tr -d ' ')" = 52534305
kt_flat_image_check riscv64 "$R" vmlinux "ELF64 little-endian riscv" 3000
kt_summary "$t0"
