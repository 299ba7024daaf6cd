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
kt_flat_image_check arm64 "${MODVER_TRIXIE_ARM64_KERNEL:-6.12.118+deb13-arm64}" vmlinuz \
  "ELF64 little-endian aarch64" 4000
kt_summary "$t0"
