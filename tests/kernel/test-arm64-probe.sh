#!/usr/bin/env bash
# arm64 probe built by kbuild (issue 17): tests/kernel/modules/hello cross-built against Debian
# 13's arm64 headers inside the trixie chroot (tests/kernel/debian-chroot: kbuild's host
# programs need glibc >= 2.38, the headers name aarch64-linux-gnu-gcc-14), its __versions
# stripped and written again by mkmod in-process (LLD, AArch64) from the flat Image: the
# records equal kbuild's, the module loads under qemu-system-aarch64 without F, and a copy
# with one CRC flipped is refused by modcheck and by the kernel. A third copy is linked again
# from kbuild's own .o and .mod.o (modpost's __versions removed) with kbuild's ld command line
# under the host's cross GNU ld and the ld plugin (libmodver-ld.so), which writes the records
# from the flat Image: the same records as kbuild's, and it loads in the same boot.
# Usage: tests/kernel/test-arm64-probe.sh  (env: MODVER_TOOLS_DIR, MODVER_KERNEL_CACHE,
# MODVER_TRIXIE_ARM64_KERNEL, MODVER_QEMU_TIMEOUT, MODVER_LD_PLUGIN)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
t0=$(date +%s.%N)
for p in qemu-system-aarch64 aarch64-linux-gnu-objcopy aarch64-linux-gnu-ld modprobe cpio xz readelf python3 bc unshare; do
  command -v "$p" >/dev/null 2>&1 || { echo "SKIP: $p not installed" >&2; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: the build chroot needs root" >&2; exit 77; }
T=$(modver_tools_dir)
plugin=$(modver_ld_plugin) || exit 1
R=${MODVER_TRIXIE_ARM64_KERNEL:-6.12.118+deb13-arm64}
K=$MODVER_KERNEL_CACHE/$R
[ -e "$K/.complete" ] || { echo "SKIP: $K absent (MODVER_DEBIAN_ARCH=arm64 tests/kernel/fetch-debian trixie fetches it)" >&2; exit 77; }
W=$(harness_workdir)
img=$K/boot/vmlinuz-$R

# The chroot gets the -common headers (architecture "all") and amd64's kbuild of this ABI, as
# kept by fetch-debian, and the cross compiler; the arm64 flavour's own headers dir is used in
# place, from the cache (its Makefile includes /usr/src/linux-headers-<abi>-common/Makefile).
debs=()
for p in $(awk '$1 == "package" && $2 ~ /^linux-(headers-.*-common|kbuild-)/ {print $5}' "$K/.debian-source"); do
  debs+=("$MODVER_KERNEL_CACHE/apt/archives/$p")
done
[ ${#debs[@]} -eq 2 ] || { echo "FAIL: no -common headers and kbuild .debs named in $K/.debian-source"; exit 1; }
root=$("$here/debian-chroot" trixie "${debs[@]}" gcc-14-aarch64-linux-gnu)

stage=$W/kb
mkdir -p "$stage"
for v in hello_arm hello_arm_bad hello_arm_ld; do cp "$here/modules/hello/hello.c" "$stage/$v.c"; done
echo "obj-m := hello_arm.o hello_arm_bad.o hello_arm_ld.o" > "$stage/Kbuild"
b0=$(date +%s.%N)
if debian_chroot_run "$root" "$stage $K" make -C "$K/usr/src/linux-headers-$R" M="$stage" modules >"$W/build.log" 2>&1; then
  kt_pass "kbuild cross-built the probes for arm64 ($(printf '%.1f' "$(echo "$(date +%s.%N) - $b0" | bc)") s)"
else
  cat "$W/build.log"; kt_fail "kbuild failed"; kt_summary "$t0"; exit 1
fi
kt_check "the probe is an AArch64 module" grep -q 'AArch64' <(readelf -h "$stage/hello_arm.ko")

dump() { modprobe --dump-modversions "$1" | LC_ALL=C sort; }
O=$W/out
mkdir -p "$O"
for v in hello_arm hello_arm_bad; do
  aarch64-linux-gnu-objcopy --strip-debug --remove-section __versions "$stage/$v.ko" "$W/$v.nover.ko"
  "$T/mkmod" -q "$W/$v.nover.ko" -o "$O/$v.ko" --kernel "$img"
done
if diff <(dump "$stage/hello_arm.ko") <(dump "$O/hello_arm.ko") > "$W/records.diff"; then
  kt_pass "mkmod's __versions from the flat Image = kbuild's ($(dump "$O/hello_arm.ko" | wc -l) records)"
else
  kt_fail "mkmod's records differ from kbuild's:"; cat "$W/records.diff"
fi

# The ld plugin in kbuild's final link, run again on the host: kbuild's saved command
# ("savedcmd_<ko> := aarch64-linux-gnu-ld -r ... -T scripts/module.lds -o <ko> <o> <mod.o>",
# relative to the headers tree) with the .mod.o whose __versions is removed and the output
# renamed. The plugin gets only the flat Image, as mkmod above.
hdr=$K/usr/src/linux-headers-$R
plugin_link() {
  local name=hello_arm_ld
  # Removing __versions needs --strip-debug: .rela.debug_info refers to its section symbol.
  aarch64-linux-gnu-objcopy --strip-debug --remove-section __versions "$stage/$name.mod.o" "$W/$name.nover.mod.o"
  # Else the plugin would find modpost's records, agree and add none: the test would prove nothing.
  if readelf -SW "$W/$name.nover.mod.o" | grep -q ' __versions '; then echo "__versions still in $name.nover.mod.o"; return 1; fi
  grep -q "^savedcmd_[^ ]* := aarch64-linux-gnu-ld " "$stage/.$name.ko.cmd" ||
    { echo "no aarch64-linux-gnu-ld command in .$name.ko.cmd: $(head -n1 "$stage/.$name.ko.cmd")"; return 1; }
  kbuild_link_again "$hdr" "$stage" "$name" "$O/$name.ko" "$W/$name.nover.mod.o" \
    aarch64-linux-gnu-ld -plugin "$plugin" "-plugin-opt=kernel=$img"
}
kt_check "the host's aarch64-linux-gnu-ld ($(aarch64-linux-gnu-ld --version | head -n1 | sed 's/.* //')) with the plugin links hello_arm_ld" plugin_link
if [ -f "$O/hello_arm_ld.ko" ] && diff <(dump "$stage/hello_arm_ld.ko") <(dump "$O/hello_arm_ld.ko") > "$W/plugin-records.diff"; then
  order=$(cmp -s <(modprobe --dump-modversions "$stage/hello_arm_ld.ko") <(modprobe --dump-modversions "$O/hello_arm_ld.ko") && echo "same order" || echo "another order")
  kt_pass "the plugin's __versions from the flat Image = kbuild's ($(dump "$O/hello_arm_ld.ko" | wc -l) records, $order)"
else
  kt_fail "the plugin's records differ from kbuild's:"; cat "$W/plugin-records.diff" 2>/dev/null || true
fi
versions() { aarch64-linux-gnu-objcopy -O binary --only-section=__versions "$1" "$2"; }
versions "$stage/hello_arm_ld.ko" "$W/kbuild-ld.bin" || true
versions "$O/hello_arm_ld.ko" "$W/plugin-ld.bin" || true
kt_check "the plugin's __versions equals kbuild's byte for byte" cmp -s "$W/kbuild-ld.bin" "$W/plugin-ld.bin"
kt_check "modcheck accepts the plugin-linked probe" "$T/modcheck" -q -k "$img" "$O/hello_arm_ld.ko"

flip_version_crc "$O/hello_arm_bad.ko" _printk
kt_check "modcheck accepts the relinked probe" "$T/modcheck" -q -k "$img" "$O/hello_arm.ko"
kt_check "modcheck refuses the flipped copy" bash -c '! "$1" -q -k "$2" "$3"' _ "$T/modcheck" "$img" "$O/hello_arm_bad.ko"

out=$W/boot.txt
boot_and_load_arch arm64 "$R" "$O/hello_arm_bad.ko" "$O/hello_arm.ko" "$O/hello_arm_ld.ko" | tee "$out"
kt_expect_load "$out" hello_arm.ko
kt_expect_said "$out" hello_arm.ko "hello from hello_arm"
kt_expect_load "$out" hello_arm_ld.ko
kt_expect_said "$out" hello_arm_ld.ko "hello from hello_arm_ld"
kt_expect_refused "$out" hello_arm_bad.ko 22 "hello_arm_bad: disagrees about version of symbol _printk"
kt_expect_unforced "$out"
kt_summary "$t0"
