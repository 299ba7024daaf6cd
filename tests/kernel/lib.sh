# shellcheck shell=bash
# modver real-kernel harness. Source this file; see docs/kernel-tests.md.
#
#   ABI is a Debian 12 ABI number (56 = 6.1.0-56-amd64), a cached release of fetch-debian
#   (6.12.118+deb13-amd64, 7.2.13+deb14-amd64) or a cache link (debian-trixie, debian-sid).
#   kernel_release ABI                  -> prints the kernel release (6.1.0-56-amd64, ...)
#   kernel_dir ABI                      -> prints the unpacked cache dir (fetches it if absent)
#   kernel_headers_tree ABI             -> prints a kbuild-usable headers dir (private copy, see below)
#   build_kmod ABI SRCDIR OUTDIR [MAKE-ARGS...]
#                                       -> copies SRCDIR to OUTDIR, builds it there with kbuild
#                                          (newer than 6.1: inside the suite's debian-chroot)
#   debian_chroot_run ROOT DIRS CMD...  -> runs CMD in chroot ROOT, DIRS (space-separated) bound
#   kernel_boot_image ABI               -> prints the image qemu boots (decompressed PVH vmlinux)
#   boot_and_load ABI KO...             -> boots the ABI's kernel with the modules in an initramfs,
#                                          loads them in order, prints RESULT/KMSG lines
#   boot_image_and_load IMAGE KO...     -> the same for a kernel image given by path
#   harness_workdir                     -> prints the temp dir made at source time, removed at exit
#
# Environment: MODVER_KERNEL_CACHE (default /var/cache/modver-kernels); MODVER_QEMU_TIMEOUT
# (seconds per boot, default 180); MODVER_BOOT_BZIMAGE=1 boots vmlinuz instead of the PVH vmlinux;
# MODVER_QEMU_EXTRA (extra qemu arguments, word-split); MODVER_KEEP_WORK=1 keeps the temp dir.
# Nothing is written into the source tree: builds go to OUTDIR / the temp dir, the headers copy
# goes to the cache.

: "${MODVER_KERNEL_CACHE:=/var/cache/modver-kernels}"
: "${MODVER_QEMU_TIMEOUT:=180}"
MODVER_KTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${MODVER_SOURCE_DIR:=$(cd "$MODVER_KTEST_DIR/../.." && pwd)}"

harness_die() { echo "kernel-harness: $*" >&2; return 1; }

# One temp dir per sourcing shell, created when lib.sh is sourced and removed when that shell
# exits (lib.sh sets an EXIT trap), unless MODVER_KEEP_WORK=1.
if [ -z "${MODVER_HARNESS_WORK:-}" ] || [ ! -d "$MODVER_HARNESS_WORK" ]; then
  MODVER_HARNESS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/modver-ktest.XXXXXX")
  if [ "${MODVER_KEEP_WORK:-0}" != 1 ]; then
    # shellcheck disable=SC2064
    trap "rm -rf '$MODVER_HARNESS_WORK'" EXIT
  fi
fi
harness_workdir() { echo "$MODVER_HARNESS_WORK"; }

kernel_release() {
  local abi=${1:?kernel_release ABI} link
  case "$abi" in
    "" | *[!0-9]*) ;;
    *) echo "6.1.0-$abi-amd64"; return 0 ;;
  esac
  case "$abi" in
    debian-*)
      link="$MODVER_KERNEL_CACHE/$abi"
      if [ ! -L "$link" ]; then
        "$MODVER_KTEST_DIR/fetch-debian" "${abi#debian-}" newest "$MODVER_KERNEL_CACHE" >/dev/null &&
          ln -sfn "$(basename "$("$MODVER_KTEST_DIR/fetch-debian" "${abi#debian-}" newest "$MODVER_KERNEL_CACHE")")" "$link" ||
          harness_die "fetch-debian ${abi#debian-} failed" || return 1
      fi
      basename "$(readlink "$link")" ;;
    *) echo "$abi" ;;
  esac
}

# The Debian suite a fetch-debian release comes from (deb13 = trixie, deb14 = sid).
kernel_suite() {
  case "$(kernel_release "${1:?kernel_suite ABI}")" in
    6.1.0-*) echo bookworm ;;
    *+deb13-*) echo trixie ;;
    *) echo sid ;;
  esac
}

kernel_dir() {
  local abi=${1:?kernel_dir ABI} rel dir
  rel=$(kernel_release "$abi") || return 1
  dir="$MODVER_KERNEL_CACHE/$rel"
  if [ ! -e "$dir/.complete" ] || [ ! -e "$dir/.kbuild-version" ]; then
    case "$rel" in
      6.1.0-*) "$MODVER_KTEST_DIR/fetch-kernel" "$(echo "$rel" | cut -d- -f2)" "$MODVER_KERNEL_CACHE" >/dev/null ;;
      *) "$MODVER_KTEST_DIR/fetch-debian" "$(kernel_suite "$rel")" "$rel" "$MODVER_KERNEL_CACHE" >/dev/null ;;
    esac || harness_die "fetching $rel failed" || return 1
  fi
  echo "$dir"
}

# Debian splits the kbuild tree in three packages that expect to live at fixed system paths:
#   /usr/src/linux-headers-R           Makefile is "include /usr/src/linux-headers-<abi>-common/Makefile"
#                                      (absolute), plus .config, Module.symvers, include/generated, ...
#   /usr/src/linux-headers-<abi>-common  the kernel's top Makefile, include/, arch/*/include
#   /usr/lib/linux-kbuild-6.1          scripts/ (modpost, fixdep, genksyms) and tools/
# Both headers dirs reach kbuild through relative symlinks (scripts -> ../../lib/linux-kbuild-6.1/...),
# which already resolve inside the unpacked cache dir; only the absolute include in the Makefile
# (and lib/modules/R/build, which we never use) points outside. So we make a private copy of the
# small per-flavour dir, CACHE/R/modver-headers/linux-headers-R, whose Makefile includes the cached
# -common Makefile and whose scripts/tools symlinks point (absolutely) at this ABI's own cached
# kbuild (fetch-kernel unpacks, per ABI, the linux-kbuild-6.1 version matching its headers, or the
# nearest the archive has; see CACHE/R/.kbuild-version). The unpacked packages stay untouched and
# nothing is installed system-wide. The copy is made once, under a lock, and stamped with the
# kbuild version it was made for.
kernel_headers_tree() {
  local abi=${1:?kernel_headers_tree ABI} dir rel tree stamp kver
  dir=$(kernel_dir "$abi") || return 1
  rel=$(kernel_release "$abi")
  case "$rel" in 6.1.0-*) abi=$(echo "$rel" | cut -d- -f2) ;;
    *) harness_die "kernel_headers_tree: only for Debian 12 ABIs ($rel builds in debian-chroot)"; return 1 ;;
  esac
  tree="$dir/modver-headers/linux-headers-$rel"
  stamp="$dir/modver-headers/.stamp"
  kver="layout-1 kbuild $(cat "$dir/.kbuild-version")"  # bump layout-N when the recipe changes
  if [ "$(cat "$stamp" 2>/dev/null)" != "$kver" ]; then
    (
      exec 9>"$MODVER_KERNEL_CACHE/.lock-headers-$rel"
      flock 9
      [ "$(cat "$stamp" 2>/dev/null)" = "$kver" ] && exit 0
      rm -rf "$dir/modver-headers"
      mkdir -p "$dir/modver-headers"
      cp -a "$dir/usr/src/linux-headers-$rel" "$tree"
      printf 'include %s/usr/src/linux-headers-6.1.0-%s-common/Makefile\n' "$dir" "$abi" > "$tree/Makefile"
      ln -sfn "$dir/usr/lib/linux-kbuild-6.1/scripts" "$tree/scripts"
      ln -sfn "$dir/usr/lib/linux-kbuild-6.1/tools" "$tree/tools"
      [ -x "$tree/scripts/mod/modpost" ] || { echo "kernel-harness: no modpost in $tree/scripts" >&2; exit 1; }
      echo "$kver" > "$stamp"
    ) || return 1
  fi
  echo "$tree"
}

# build_kmod ABI SRCDIR OUTDIR [MAKE-ARGS...]
# Copies SRCDIR (a Kbuild/Makefile + sources) into OUTDIR and runs
#   make -C <headers> M=OUTDIR modules MAKE-ARGS...
# e.g. KBUILD_EXTRA_SYMBOLS=/path/provider/Module.symvers for a module using another's exports.
# Build output goes to OUTDIR/build.log (shown on failure). Prints nothing on success.
build_kmod() {
  local abi=${1:?build_kmod ABI SRCDIR OUTDIR} src=${2:?SRCDIR} out=${3:?OUTDIR}
  shift 3
  local tree rel root=""
  [ -d "$src" ] || harness_die "build_kmod: no source dir $src" || return 1
  rel=$(kernel_release "$abi") || return 1
  case "$rel" in
    6.1.0-*) tree=$(kernel_headers_tree "$abi") || return 1 ;;
    *) root=$(kernel_chroot "$abi") || return 1
       tree="/usr/src/linux-headers-$rel" ;;
  esac
  mkdir -p "$out"
  cp -a "$src/." "$out/"
  out=$(cd "$out" && pwd)
  if ! ${root:+debian_chroot_run "$root" "$out $(harness_workdir)"} \
       make -C "$tree" M="$out" -j"$(nproc)" modules "$@" >"$out/build.log" 2>&1; then
    cat "$out/build.log" >&2
    harness_die "build_kmod: kbuild failed for $src against ABI $abi"
    return 1
  fi
}

# kernel_chroot ABI -> the chroot (tests/kernel/debian-chroot) of a Debian 13 / sid release, with
# that release's headers and kbuild installed from the .debs fetch-debian keeps; prints its path.
kernel_chroot() {
  local rel dir debs=() p
  rel=$(kernel_release "${1:?kernel_chroot ABI}") || return 1
  dir=$(kernel_dir "$rel") || return 1
  for p in $(awk '$1 == "package" && $2 ~ /^linux-(headers|kbuild|base)-/ {print $5}' "$dir/.debian-source"); do
    debs+=("$MODVER_KERNEL_CACHE/apt/archives/$p")
  done
  [ ${#debs[@]} -ge 3 ] || harness_die "kernel_chroot: no headers/kbuild packages in $dir/.debian-source" || return 1
  "$MODVER_KTEST_DIR/debian-chroot" "$(kernel_suite "$rel")" "${debs[@]}"
}

# debian_chroot_run ROOT "DIR..." CMD... : runs CMD (cwd: the first DIR) inside chroot ROOT in a
# private mount namespace with /proc, /dev and each DIR bind-mounted at its own path, so paths
# on the command line mean the same inside; everything is unmounted when CMD exits.
debian_chroot_run() {
  local root=${1:?debian_chroot_run ROOT DIRS CMD...} dirs=${2:?DIRS}
  shift 2
  unshare -m --propagation private bash -c '
    set -e
    r=$1 dirs=$2; shift 2
    mount -t proc proc "$r/proc"
    mount --rbind /dev "$r/dev"
    for d in $dirs; do mkdir -p "$r$d"; mount --bind "$d" "$r$d"; done
    cwd=${dirs%% *}
    exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
      sh -c '"'"'cd "$0" && exec "$@"'"'"' "$cwd" "$@"
  ' bash "$root" "$dirs" "$@"
}

# kernel_boot_image ABI -> the file boot_and_load gives to qemu -kernel.
# Under TCG (no KVM) the bzImage's own XZ decompressor is the slowest part of a boot (seconds, far
# more on a loaded machine). Debian's kernels are built with CONFIG_PVH, so QEMU can start the
# decompressed ELF vmlinux directly through its PVH entry note. We unpack it once into
# CACHE/R/modver-boot/vmlinux (about 65 MiB): the bzImage setup header gives the payload's offset
# (setup_sects at 0x1f1, payload_offset/length at 0x248/0x24c), the payload is xz/gzip/zstd.
# Falls back to the bzImage if anything is missing (no PVH note, unknown format) or when
# MODVER_BOOT_BZIMAGE=1.
kernel_boot_image() {
  local abi=${1:?kernel_boot_image ABI} dir bz out
  dir=$(kernel_dir "$abi") || return 1
  bz=$(kernel_vmlinuz "$abi") || return 1
  out="$dir/modver-boot/vmlinux"
  if [ "${MODVER_BOOT_BZIMAGE:-0}" = 1 ]; then echo "$bz"; return 0; fi
  if [ ! -e "$dir/modver-boot/.stamp" ]; then
    (
      exec 9>"$MODVER_KERNEL_CACHE/.lock-boot-$(kernel_release "$abi")"
      flock 9
      [ -e "$dir/modver-boot/.stamp" ] && exit 0
      mkdir -p "$dir/modver-boot"
      rm -f "$out" "$out.tmp"
      # shellcheck disable=SC2046
      read -r off len < <(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | { read -r s; [ "$s" -eq 0 ] && s=4
        set -- $(od -An -tu4 -j $((0x248)) -N8 "$bz"); echo $(( (s + 1) * 512 + $1 )) "$2"; })
      magic=$(od -An -tx1 -j "$off" -N4 "$bz" | tr -d ' \n')
      case "$magic" in
        fd377a58) unz="xz -dc --single-stream" ;;
        1f8b*)    unz="gzip -dc" ;;
        28b52ffd) unz="zstd -dcq" ;;
        *) unz="" ;;
      esac
      # The payload may carry trailing bytes (appended size): ignore the decompressor's status and
      # judge the result by its PVH note (XEN_ELFNOTE_PHYS32_ENTRY, type 18) instead.
      [ -n "$unz" ] && { tail -c +$((off + 1)) "$bz" | head -c "$len" | $unz > "$out.tmp" 2>/dev/null || true; }
      if [ -s "$out.tmp" ] && readelf -n "$out.tmp" 2>/dev/null | grep -q 'Xen.*0x00000012\|Unknown note type: (0x00000012)'; then
        mv "$out.tmp" "$out"
      else
        rm -f "$out.tmp"
        echo "kernel-harness: no PVH vmlinux for ABI $abi (payload magic $magic); booting the bzImage" >&2
      fi
      touch "$dir/modver-boot/.stamp"
    ) || return 1
  fi
  if [ -e "$out" ]; then echo "$out"; else echo "$bz"; fi
}

# Build the static loader once per work dir (for the host: amd64).
harness_loader() { harness_loader_arch amd64; }

# boot_and_load ABI KO...
# Boots the ABI's kernel (kernel_boot_image: the PVH vmlinux, or boot/vmlinuz-*) under QEMU (TCG,
# no KVM) with an initramfs holding the static loader (as init) and the given modules; the loader
# loads them in the order given, then powers off. Prints on stdout:
#   RESULT <file>.ko ok taint=<module taint flags, e.g. OE> name=<module name>
#   RESULT <file>.ko fail errno=<n> name=<module name>
#   KMSG <file>.ko <kernel log message produced by that load>      (zero or more per module)
#   KTAINT <hex kernel taint mask after all loads>
#   LOADER-START uptime=<guest /proc/uptime when init starts: kernel boot cost inside the guest>
#   BOOT abi=<abi> seconds=<wall time of qemu> modules=<n>
# Returns 0 when the boot ran to completion (whatever the modules did), 1 otherwise; the full
# serial log is kept as <workdir>/boot-XXXX/console.log and its tail is shown on failure.
boot_and_load() {
  local abi=${1:?boot_and_load ABI KO...} kernel
  shift
  kernel_dir "$abi" >/dev/null || return 1
  kernel=$(kernel_boot_image "$abi") || return 1
  MODVER_BOOT_LABEL=$abi boot_image_and_load "$kernel" "$@"
}

# boot_image_and_load IMAGE KO...: boot_and_load for any amd64 kernel image qemu can start (a
# bzImage or a PVH vmlinux, e.g. one tests/kernel/build-kernel made). Same output; the BOOT line's
# abi= is $MODVER_BOOT_LABEL, else the image's path. MODVER_BOOT_END=reboot ends with a reboot
# instead of a power-off (for a kernel without ACPI, where power-off only halts).
boot_image_and_load() {
  local kernel=${1:?boot_image_and_load IMAGE KO...}
  shift
  harness_boot amd64 "$kernel" "${MODVER_BOOT_LABEL:-$kernel}" "$@"
}

# ---------------------------------------------------------------------------------------------
# Helpers for the scenario tests that drive the modver tools (test-mkmod-kbuild.sh,
# test-cross-abi.sh, test-module-deps.sh, test-modcheck-agrees.sh). Nothing above uses them.
#
#   modver_tools_dir                    -> dir holding mkmod/modcheck/modversions
#   kernel_abi_oldest / kernel_abi_newest -> first / last of MODVER_KERNEL_ABIS ("47;56")
#   kernel_vmlinuz ABI                  -> the ABI's boot/vmlinuz-*
#   kernel_modules_dir ABI              -> the ABI's lib/modules/<release>
#   strip_versions IN.ko OUT.ko         -> copy without __versions (and without debug info)
#   flip_version_crc KO SYMBOL          -> flip the low CRC byte of SYMBOL's __versions entry
#   kt_pass/kt_fail MSG, kt_summary     -> PASS:/FAIL: lines, "N passed, M failed", exit status
#   kt_result OUT FILE / kt_kmsg OUT FILE -> RESULT line / KMSG lines of FILE in boot output OUT
#   kt_expect_load OUT FILE             -> PASS when FILE loaded and its taint has no F
#   kt_expect_refused OUT FILE ERRNO MSG... -> PASS when FILE failed with ERRNO and said each MSG

# $MODVER_TOOLS_DIR (set by CTest); for manual runs the first build*/tools of the source tree
# that has the three tools.
modver_tools_dir() {
  local d
  if [ -n "${MODVER_TOOLS_DIR:-}" ]; then echo "$MODVER_TOOLS_DIR"; return 0; fi
  for d in "$MODVER_SOURCE_DIR"/build/tools "$MODVER_SOURCE_DIR"/build*/tools; do
    if [ -x "$d/mkmod" ] && [ -x "$d/modcheck" ] && [ -x "$d/modversions" ]; then echo "$d"; return 0; fi
  done
  harness_die "no built tools: set MODVER_TOOLS_DIR (CTest does) or build into $MODVER_SOURCE_DIR/build/tools"
}

kernel_abi_oldest() { local a; a=$(echo "${MODVER_KERNEL_ABIS:-47;56}" | tr ';,' '  '); set -- $a; echo "$1"; }
kernel_abi_newest() { local a; a=$(echo "${MODVER_KERNEL_ABIS:-47;56}" | tr ';,' '  '); set -- $a; echo "${!#}"; }

# Debian 12/13 ship boot/vmlinuz-R; sid's split packages only usr/lib/modules/R/vmlinuz(.unsigned).
kernel_vmlinuz() {
  local dir rel f
  dir=$(kernel_dir "${1:?kernel_vmlinuz ABI}") || return 1
  rel=$(kernel_release "$1")
  for f in "$dir/boot/vmlinuz-$rel" "$dir/usr/lib/modules/$rel/vmlinuz.unsigned" "$dir/usr/lib/modules/$rel/vmlinuz"; do
    [ -f "$f" ] && { echo "$f"; return 0; }
  done
  harness_die "no vmlinuz for $rel in $dir"
}

kernel_modules_dir() {
  local dir rel
  dir=$(kernel_dir "${1:?kernel_modules_dir ABI}") || return 1
  rel=$(kernel_release "$1")
  if [ -d "$dir/lib/modules/$rel" ]; then echo "$dir/lib/modules/$rel"; else echo "$dir/usr/lib/modules/$rel"; fi
}

# A plain `objcopy --remove-section __versions` fails (.rela.debug_info uses the section symbol),
# hence --strip-debug.
strip_versions() {
  objcopy --strip-debug --remove-section __versions "${1:?strip_versions IN OUT}" "${2:?OUT}"
}

# flip_version_crc KO SYMBOL: entries are an 8-byte little-endian CRC and a 56-byte NUL-padded
# name; the section's file offset and size come from readelf. Prints "SYMBOL CRC old -> new".
flip_version_crc() {
  local ko=${1:?flip_version_crc KO SYMBOL} sym=${2:?SYMBOL} off size
  read -r off size < <(readelf -SW "$ko" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1=="__versions"{print $4, $5}')
  [ -n "$off" ] || harness_die "flip_version_crc: no __versions in $ko" || return 1
  python3 - "$ko" "$sym" "$((16#$off))" "$((16#$size))" <<'PYEOF'
import sys
path, sym, off, size = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), int(sys.argv[4])
data = bytearray(open(path, 'rb').read())
for e in range(off, off + size, 64):
    if data[e + 8:e + 64].split(b'\0', 1)[0] == sym:
        before = int.from_bytes(data[e:e + 8], 'little')
        data[e] ^= 0xFF
        print(f"{sym.decode()} CRC {before:#010x} -> {int.from_bytes(data[e:e + 8], 'little'):#010x}")
        open(path, 'wb').write(data)
        sys.exit(0)
sys.exit(f"flip_version_crc: {sym.decode()} not in __versions of {path}")
PYEOF
}

KT_PASS=0
KT_FAIL=0
kt_pass() { KT_PASS=$((KT_PASS + 1)); echo "PASS: $*"; }
kt_fail() { KT_FAIL=$((KT_FAIL + 1)); echo "FAIL: $*"; }
kt_check() {  # kt_check "DESCRIPTION" COMMAND...   PASS when the command succeeds
  local what=$1
  shift
  if "$@"; then kt_pass "$what"; else kt_fail "$what"; fi
}
# kt_summary [T0]: prints the wall time since T0 (date +%s.%N) and "N passed, M failed";
# returns non-zero when something failed.
kt_summary() {
  if [ -n "${1:-}" ]; then printf 'wall time: %.1f s\n' "$(echo "$(date +%s.%N) - $1" | bc)"; fi
  echo "$KT_PASS passed, $KT_FAIL failed"
  [ "$KT_FAIL" -eq 0 ]
}

# Boot output lookups by module file name (give every loaded file a distinct basename).
kt_result() { grep -F "RESULT $2 " "$1" | head -n1; }
kt_kmsg() { grep -F "KMSG $2 " "$1" | sed "s/^KMSG [^ ]* //"; }
kt_expect_load() {
  local r taint
  r=$(kt_result "$1" "$2")
  case "$r" in
    "RESULT $2 ok "*) ;;
    *) kt_fail "$2 should load, got: ${r:-nothing}"; return ;;
  esac
  taint=$(sed 's/.* taint=\([^ ]*\).*/\1/' <<<"$r")
  if [[ $taint != *F* ]]; then kt_pass "$2 loads without F (taint=$taint)"
  else kt_fail "$2 loaded but forced (taint=$taint)"; fi
}
kt_expect_said() {
  if kt_kmsg "$1" "$2" | grep -qF -- "$3"; then kt_pass "$2: kernel said \"$3\""
  else kt_fail "$2: kernel did not say \"$3\" (said: $(kt_kmsg "$1" "$2" | paste -sd'|'))"; fi
}
kt_expect_refused() {
  local out=$1 file=$2 errno=$3 r m
  shift 3
  r=$(kt_result "$out" "$file")
  if [[ $r == "RESULT $file fail errno=$errno "* ]]; then kt_pass "$file refused with errno $errno"
  else kt_fail "$file should be refused with errno $errno, got: ${r:-nothing}"; fi
  for m in "$@"; do kt_expect_said "$out" "$file" "$m"; done
}
# kt_expect_unforced OUT: the kernel's taint mask after all loads has no F (TAINT_FORCED_MODULE, bit 1).
kt_expect_unforced() {
  local t
  t=$(sed -n 's/^KTAINT //p' "$1" | head -n1)
  if [ -n "$t" ] && [ $((16#$t & 2)) -eq 0 ]; then kt_pass "kernel taint mask $t has no F"
  else kt_fail "kernel taint mask ${t:-missing} has F (or is missing)"; fi
}
# kt_require_host: exit 77 (CTest skip) when a host program the scenario tests need is missing.
kt_require_host() {
  local p
  for p in qemu-system-x86_64 gcc make objcopy readelf modprobe modinfo python3 bc cpio; do
    command -v "$p" >/dev/null 2>&1 || { echo "SKIP: $p not installed" >&2; exit 77; }
  done
}

# ---------------------------------------------------------------------------------------------
# Architectures (issue 17): amd64 (the host) and others. One boot for all: harness_boot.
#
#   harness_loader_arch ARCH            -> the loader built static for ARCH (Debian name)
#   arch_qemu ARCH                      -> the qemu command line (program, machine, memory)
#   arch_console ARCH                   -> the kernel's serial console (and arch options)
#   boot_and_load_arch ARCH RELEASE KO... -> boots CACHE/RELEASE/boot/vmlinuz-RELEASE
#   harness_boot ARCH IMAGE LABEL KO... -> boots IMAGE under qemu-system-<arch> (TCG) with the
#                                          loader as init; prints the RESULT/KMSG/KTAINT/
#                                          LOADER-START/BOOT lines described at boot_and_load.
# The cross compiler for ARCH, as the Debian package names it. It runs inside the trixie chroot
# (tests/kernel/debian-chroot): on Debian 12 the host's gcc-multilib, which the -m32 fixtures need,
# conflicts with every gcc-<ver>-<arch>-linux-gnu cross compiler.
arch_cross_gcc() {
  case "$1" in
    amd64) echo gcc ;;  # the host's own
    arm64) echo aarch64-linux-gnu-gcc ;;
    s390x) echo s390x-linux-gnu-gcc ;;
    riscv64) echo riscv64-linux-gnu-gcc ;;
    *) harness_die "no cross compiler known for $1"; return 1 ;;
  esac
}
arch_cross_packages() {
  case "$1" in
    arm64) echo gcc-aarch64-linux-gnu libc6-dev-arm64-cross ;;
    s390x) echo gcc-s390x-linux-gnu libc6-dev-s390x-cross ;;
    riscv64) echo gcc-riscv64-linux-gnu libc6-dev-riscv64-cross ;;
    *) harness_die "no cross packages known for $1"; return 1 ;;
  esac
}
arch_qemu() {
  case "$1" in
    amd64) echo "qemu-system-x86_64 -m 512" ;;
    # -cpu max with the cheap pointer-authentication algorithm: QARMA costs TCG dearly.
    arm64) echo "qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -smp 1 -m 1024" ;;
    # -serial becomes the machine's SCLP VT220 console (ttysclp0), also under -nodefaults.
    s390x) echo "qemu-system-s390x -M s390-ccw-virtio -smp 1 -m 512" ;;
    # -bios default: the OpenSBI firmware QEMU ships (qemu-system-data) starts the Image.
    riscv64) echo "qemu-system-riscv64 -M virt -bios default -smp 1 -m 1024" ;;
    *) harness_die "no qemu machine known for $1"; return 1 ;;
  esac
}
# The kernel command line's console and anything the arch needs besides.
arch_console() {
  case "$1" in
    # no_timer_check: under software emulation on a loaded host the IO-APIC timer check can miss
    # its ticks and panic ("IO-APIC + timer doesn't work!"), as seen on a 2-core CI machine.
    amd64) echo "console=ttyS0 no_timer_check" ;;
    arm64) echo console=ttyAMA0 ;;
    s390x) echo console=ttysclp0 ;;
    riscv64) echo console=ttyS0 ;;
    *) harness_die "no console known for $1"; return 1 ;;
  esac
}
harness_loader_arch() {
  local arch=${1:?harness_loader_arch ARCH} w bin cc
  w=$(harness_workdir)
  bin="$w/loader-$arch"
  if [ ! -x "$bin" ]; then
    cc=$(arch_cross_gcc "$arch") || return 1
    if [ "$arch" = amd64 ]; then
      gcc -static -Os -Wall -o "$bin" "$MODVER_KTEST_DIR/loader.c" >&2 || harness_die "cannot build loader" || return 1
    else
      local root pkgs
      pkgs=$(arch_cross_packages "$arch") || return 1
      # shellcheck disable=SC2086  # the package list is split into words on purpose
      root=$("$MODVER_KTEST_DIR/debian-chroot" trixie $pkgs) || harness_die "no trixie chroot with $pkgs" || return 1
      cp "$MODVER_KTEST_DIR/loader.c" "$w/loader-$arch.c"
      debian_chroot_run "$root" "$w" "$cc" -static -Os -Wall -o "$bin" "$w/loader-$arch.c" >&2 ||
        harness_die "cannot cross-build the loader for $arch" || return 1
    fi
  fi
  echo "$bin"
}

# boot_and_load_arch ARCH RELEASE KO...: boot_and_load for the cached Debian kernel RELEASE of
# another architecture (its boot/vmlinuz-RELEASE; riscv64's is boot/vmlinux-RELEASE).
boot_and_load_arch() {
  local arch=${1:?boot_and_load_arch ARCH RELEASE KO...} release=${2:?boot_and_load_arch ARCH RELEASE KO...}
  local img=$MODVER_KERNEL_CACHE/$release/boot/vmlinuz-$release
  shift 2
  [ -e "$img" ] || img=$MODVER_KERNEL_CACHE/$release/boot/vmlinux-$release
  harness_boot "$arch" "$img" "$release" "$@"
}

# harness_boot ARCH IMAGE LABEL KO...: the one boot every test uses. The initramfs holds only the
# static loader, as init (it mounts /proc, /sys, /dev and powers off or, with
# MODVER_BOOT_END=reboot, reboots: qemu -no-reboot then exits), and the modules; .ko.xz/.zst/.gz
# are decompressed here, as kmod does in user space before finit_module. Prints the
# LOADER-START/RESULT/KMSG/KTAINT lines and "BOOT abi=LABEL arch=ARCH seconds=S modules=N
# image=FILE"; returns 1 when the boot did not complete, keeping the console log.
# MODVER_BOOT_APPEND: more kernel parameters (e.g. "module.sig_enforce=1 ").
harness_boot() {
  local arch=${1:?harness_boot ARCH IMAGE LABEL KO...} kernel=${2:?harness_boot ARCH IMAGE LABEL KO...} label=${3:?harness_boot ARCH IMAGE LABEL KO...}
  shift 3
  local loader w bw root n=0 ko f list="" start end rc qemu console end_with=""
  [ -f "$kernel" ] || harness_die "harness_boot: no kernel image $kernel" || return 1
  qemu=$(arch_qemu "$arch") || return 1
  console=$(arch_console "$arch") || return 1
  loader=$(harness_loader_arch "$arch") || return 1
  [ "${MODVER_BOOT_END:-poweroff}" = reboot ] && end_with=" modver_end=reboot"
  w=$(harness_workdir)
  bw=$(mktemp -d "$w/boot-$arch-XXXX")
  root="$bw/root"
  mkdir -p "$root"/{bin,dev,proc,sys,modules}
  cp "$loader" "$root/bin/loader"
  for ko in "$@"; do
    [ -f "$ko" ] || harness_die "harness_boot: no such module file $ko" || return 1
    n=$((n + 1))
    # Keep the file name (the loader reports it) less .xz/.zst/.gz; the position allows duplicates.
    mkdir -p "$root/modules/$n"
    f=$(basename "$ko")
    case "$f" in
      *.ko.xz)  f=${f%.xz};  xz -dc "$ko" > "$root/modules/$n/$f" ;;
      *.ko.zst) f=${f%.zst}; zstd -dcq "$ko" > "$root/modules/$n/$f" ;;
      *.ko.gz)  f=${f%.gz};  gzip -dc "$ko" > "$root/modules/$n/$f" ;;
      *) cp "$ko" "$root/modules/$n/" ;;
    esac || harness_die "harness_boot: cannot decompress $ko" || return 1
    list="$list /modules/$n/$f"
  done
  (cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet --reproducible) > "$bw/initramfs.cpio"
  start=$(date +%s.%N)
  rc=0
  # shellcheck disable=SC2086  # $qemu, $console and MODVER_QEMU_EXTRA are split into words on purpose
  timeout --foreground -k 5 "$MODVER_QEMU_TIMEOUT" \
    $qemu -nographic -nodefaults -serial stdio -no-reboot \
      -kernel "$kernel" -initrd "$bw/initramfs.cpio" ${MODVER_QEMU_EXTRA:-} \
      -append "$console quiet panic=-1 oops=panic$end_with ${MODVER_BOOT_APPEND:-}rdinit=/bin/loader --$list" \
      </dev/null >"$bw/console.log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  # Firmware may leave terminal escapes in front of the first line init prints, hence no ^ there.
  tr -d '\r' < "$bw/console.log" | sed -n 's/.*\(LOADER-START .*\)/\1/p; /^\(RESULT\|KMSG\|KTAINT\) /p'
  printf 'BOOT abi=%s arch=%s seconds=%.1f modules=%d image=%s\n' "$label" "$arch" "$(echo "$end - $start" | bc)" "$n" "$(basename "$kernel")"
  if [ "$rc" -ne 0 ] || ! grep -q '^LOADER-DONE' "$bw/console.log"; then
    echo "kernel-harness: $arch boot of $label did not complete (qemu exit $rc; 124 = timeout)." \
         "Console log: $bw/console.log (MODVER_KEEP_WORK=1 keeps it). Tail:" >&2
    tail -n 30 "$bw/console.log" | tr -d '\r' >&2
    return 1
  fi
}

# kt_mkmod_refuses KO KERNEL NAME [IMPORT...]: mkmod KO --kernel KERNEL must refuse (exit 1),
# write nothing, name NAME (if not empty) and list each IMPORT whose CRC changed with its CRC.
# The guard that keeps a module built for one kernel from being relinked for another.
kt_mkmod_refuses() {
  local ko=${1:?kt_mkmod_refuses KO KERNEL NAME [IMPORT...]} kernel=${2:?} name=$3 out rc=0 s
  shift 3
  out="$(harness_workdir)/refused-$(basename "$ko" .ko)"
  "$(modver_tools_dir)/mkmod" -q "$ko" -o "$out.ko" --kernel "$kernel" >"$out.txt" 2>&1 || rc=$?
  sed 's/^/    /' "$out.txt"
  kt_check "mkmod $(basename "$ko") for $(basename "$kernel"): refused, exit 1 (got $rc)" test "$rc" -eq 1
  kt_check "mkmod wrote no output" test ! -e "$out.ko"
  [ -z "$name" ] || kt_check "mkmod's refusal names $name" grep -qF "$name" "$out.txt"
  for s in "$@"; do
    kt_check "mkmod's refusal lists changed import $s" grep -qE "(^|[ ,:])$s \(0x" "$out.txt"
  done
}

# kt_flat_image_check ARCH RELEASE IMAGE-NAME TARGET MIN-MODULES: a Debian kernel shipped as a
# flat Image (no ELF: arm64's boot/vmlinuz-R, riscv64's boot/vmlinux-R), cached by fetch-debian.
# The exports modversions reads from it equal the vmlinux rows of its Module.symvers in every
# column (CRC, name, exporter, GPL-ness, namespace), it is read as TARGET ("ELF64 little-endian
# aarch64"), and modcheck says every module of its tree (MIN-MODULES or more) loads against it.
# Exits 77 (skip) when the kernel is not cached.
kt_flat_image_check() {
  local arch=$1 R=$2 name=$3 target=$4 min=$5 T K W img symvers n mods count out m0
  T=$(modver_tools_dir)
  K=$MODVER_KERNEL_CACHE/$R
  [ -e "$K/.complete" ] || { echo "SKIP: $K absent (MODVER_DEBIAN_ARCH=$arch tests/kernel/fetch-debian trixie fetches it)" >&2; exit 77; }
  W=$(harness_workdir)
  img=$K/boot/$name-$R
  symvers=$K/usr/src/linux-headers-$R/Module.symvers
  "$T/modversions" --dump "$img" | LC_ALL=C sort > "$W/image.txt"
  awk -F'\t' '$3 == "vmlinux"' "$symvers" | LC_ALL=C sort > "$W/symvers.txt"
  n=$(wc -l < "$W/symvers.txt")
  kt_check "Module.symvers has vmlinux rows ($n)" test "$n" -gt 1000
  if cmp -s "$W/image.txt" "$W/symvers.txt"; then kt_pass "the Image's $n exports equal Module.symvers (CRC, name, GPL, namespace)"
  else kt_fail "the Image's exports differ from Module.symvers:"; diff "$W/symvers.txt" "$W/image.txt" | head -n 20; fi
  kt_check "GPL-only exports ($(grep -c 'EXPORT_SYMBOL_GPL' "$W/image.txt" || true)) and namespaced ones ($(awk -F'\t' '$5 != ""' "$W/image.txt" | wc -l)) among them" \
    test "$(grep -c 'EXPORT_SYMBOL_GPL' "$W/image.txt")" -gt 0 -a "$(awk -F'\t' '$5 != ""' "$W/image.txt" | wc -l)" -gt 0
  kt_check "release and target read from the Image" \
    grep -q "\"target\": \"$target\"" <("$T/modversions" --dump "$img" --json | tail -n 5)
  mods=$K/usr/lib/modules/$R/kernel
  count=$(find "$mods" -name '*.ko.xz' | wc -l)
  kt_check "the tree has $min+ modules ($count)" test "$count" -ge "$min"
  m0=$(date +%s.%N)
  out=$("$T/modcheck" -k "$img" -m "$mods" "$mods" | tail -n 1)
  echo "$out ($(printf '%.1f' "$(echo "$(date +%s.%N) - $m0" | bc)") s)"
  kt_check "every module of the tree loads against the Image" \
    grep -q "^$count modules checked against $R .*: $count compatible, 0 incompatible, 0 force-loaded" <<<"$out"
}

# kt_flipped_vfat OBJCOPY MODULES IMAGE: WORK/vfat-flipped.ko, a copy of the tree's fs/fat/vfat
# with its record for fat_fill_super (exported by fat) made wrong. OBJCOPY (any that knows the
# target) drops Debian's appended signature first: a signature that no longer matches is refused
# (EKEYREJECTED) before the versions are looked at; a missing one is not (no sig_enforce).
# modcheck against IMAGE must refuse the copy, naming the symbol, and accept the original.
kt_flipped_vfat() {
  local objcopy=$1 mods=$2 img=$3 W T
  W=$(harness_workdir)
  T=$(modver_tools_dir)
  xz -dc "$mods/fs/fat/vfat.ko.xz" > "$W/vfat.ko"
  "$objcopy" "$W/vfat.ko" "$W/vfat-flipped.ko"
  flip_version_crc "$W/vfat-flipped.ko" fat_fill_super
  kt_check "modcheck refuses the flipped copy against the Image" \
    bash -c '! "$1/modcheck" -q -k "$2" -m "$3" "$4" > "$5/modcheck.txt"' _ "$T" "$img" "$mods" "$W/vfat-flipped.ko" "$W"
  kt_check "modcheck names the flipped symbol" grep -q fat_fill_super "$W/modcheck.txt"
  kt_check "modcheck accepts the original against the Image" \
    "$T/modcheck" -q -k "$img" -m "$mods" "$mods/fs/fat/vfat.ko.xz"
}

# kbuild_link_args KB NAME OUT-KO MOD-O: kbuild's own final link of module NAME in folder KB
# (from KB/.NAME.ko.cmd, "ld -r ... -o NAME.ko NAME.o NAME.mod.o ..." run in KB, any ld
# program), without the ld, with NAME.ko and NAME.mod.o replaced by OUT-KO and MOD-O.
kbuild_link_args() {
  local kb=$1 name=$2 w words=()
  for w in $(sed -n 's/^savedcmd_[^ ]* := [^ ]*ld \(.*\)$/\1/p; s/^cmd_[^ ]* := [^ ]*ld \(.*\)$/\1/p' "$kb/.$name.ko.cmd" | head -n1 | sed 's/;.*//'); do
    case "$w" in
      "$name.mod.o" | "$kb/$name.mod.o") words+=("$4") ;;
      "$name.ko" | "$kb/$name.ko") words+=("$3") ;;
      *) words+=("$w") ;;
    esac
  done
  echo "${words[*]}"
}

# kbuild_link_again DIR KB NAME OUT-KO MOD-O LD [LD-ARGS...]: kbuild's final link of NAME run
# again in DIR (where kbuild ran it) by LD, LD-ARGS first, writing OUT-KO from MOD-O (e.g. a
# .mod.o without version tables). Its output goes to WORK/NAME.link.log, shown on failure.
kbuild_link_again() {
  local dir=$1 kb=$2 name=$3 out=$4 modo=$5 log args
  shift 5
  log="$(harness_workdir)/$name.link.log"
  args=$(kbuild_link_args "$kb" "$name" "$out" "$modo")
  # shellcheck disable=SC2086  # kbuild's command line is a word list
  (cd "$dir" && "$@" $args) >"$log" 2>&1 || { cat "$log" >&2; return 1; }
}

# modver_ld_plugin: the absolute path of the built ld plugin ($MODVER_LD_PLUGIN, else beside the
# tools: ../plugin/libmodver-ld.so), or an error naming where it was looked for.
modver_ld_plugin() {
  local plugin
  plugin=${MODVER_LD_PLUGIN:-$(modver_tools_dir)/../plugin/libmodver-ld.so}
  [ -f "$plugin" ] || harness_die "no ld plugin at $plugin (build target modver-ld)" || return 1
  echo "$(cd "$(dirname "$plugin")" && pwd)/$(basename "$plugin")"
}

# modcheck_predictions MODCHECK.json > TSV: one line per module FILE<TAB>NAME<TAB>VERDICT<TAB>MESSAGES
# (FILE as boot_and_load reports it, i.e. without .xz/.zst/.gz; MESSAGES: the fatal problem's
# message split at "; " into what the kernel logs, less modcheck's "[...]" notes, joined with "|").
modcheck_predictions() {
  python3 - "${1:?modcheck_predictions JSON}" <<'PYEOF'
import json, os, re, sys
doc = json.load(open(sys.argv[1]))
for m in doc["modules"]:
    msgs = []
    for p in m.get("problems", []):
        if p.get("fatal"):
            # A trailing "[...]" is modcheck's explanation (e.g. "[GPL-only export, module
            # license is not GPL-compatible]"), not part of what the kernel logs.
            msgs = [re.sub(r'\s*\[[^]]*\]$', '', s.strip()) for s in p["message"].split(";")]
            break
    file = re.sub(r'\.(xz|zst|gz)$', '', os.path.basename(m["path"]))
    print(file, m.get("module", ""), m["verdict"], "|".join(msgs), sep="\t")
PYEOF
}

# kt_compare_verdicts PREDICTIONS.tsv BOOT-OUTPUT: one PASS/FAIL per module, modcheck's verdict
# against what the kernel did:
#   compatible   -> loaded, taint without F;   forced -> loaded with F;
#   incompatible -> refused, and the kernel logged "<name>: <message>" for each of modcheck's
#                   messages. Prints "verdicts: N agree, M disagree".
kt_compare_verdicts() {
  local pred=${1:?kt_compare_verdicts PREDICTIONS OUT} out=${2:?OUT}
  local agree=0 disagree=0 file name verdict msgs r taint missing m parts
  while IFS=$'\t' read -r file name verdict msgs; do
    r=$(kt_result "$out" "$file")
    case "$verdict" in
      compatible|forced)
        if [[ $r == "RESULT $file ok "* ]]; then
          taint=$(sed 's/.* taint=\([^ ]*\).*/\1/' <<<"$r")
          if { [ "$verdict" = compatible ] && [[ $taint != *F* ]]; } || { [ "$verdict" = forced ] && [[ $taint == *F* ]]; }; then
            kt_pass "$file: modcheck $verdict, kernel loaded it (taint=$taint)"; agree=$((agree + 1)); continue
          fi
        fi
        kt_fail "$file: modcheck $verdict, kernel: ${r:-nothing}"; disagree=$((disagree + 1)) ;;
      incompatible)
        if [[ $r != "RESULT $file fail "* ]]; then
          kt_fail "$file: modcheck incompatible ($msgs), kernel: ${r:-nothing}"; disagree=$((disagree + 1)); continue
        fi
        missing=""
        IFS='|' read -r -a parts <<<"$msgs"
        for m in "${parts[@]}"; do
          kt_kmsg "$out" "$file" | grep -qxF -- "$name: $m" || missing="$missing \"$name: $m\""
        done
        if [ -z "$missing" ] && [ "${#parts[@]}" -gt 0 ]; then
          kt_pass "$file: modcheck incompatible, kernel refused it (${r#RESULT "$file" fail }) saying \"$name: ${parts[*]}\""
          agree=$((agree + 1))
        else
          kt_fail "$file: kernel refused it but did not say${missing:- what modcheck predicted} (said: $(kt_kmsg "$out" "$file" | paste -sd'|'))"
          disagree=$((disagree + 1))
        fi ;;
      *) kt_fail "$file: unexpected modcheck verdict '$verdict'"; disagree=$((disagree + 1)) ;;
    esac
  done <"$pred"
  echo "verdicts: $agree agree, $disagree disagree"
}

# ko_replace_string FILE OLD NEW SECTION...: replace a NUL-terminated string by one of the same length in the
# named sections. Debian's modules are signed (PKCS#7 appended after the ELF): an edited module
# with its old signature is refused as EKEYREJECTED before any check we mean to test, so the
# signature is cut off first (the kernel, without MODULE_SIG_FORCE, then only taints it E).
ko_replace_string() {
  python3 - "$@" <<'PYEOF'
import subprocess, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new)
sections = sys.argv[4:]
data = bytearray(open(path, 'rb').read())
magic = b'~Module signature appended~\n'
if data.endswith(magic):
    # struct module_signature (12 bytes) precedes the magic; sig_len is big-endian at offset 8.
    info = data[-len(magic) - 12:-len(magic)]
    del data[len(data) - len(magic) - 12 - int.from_bytes(info[8:12], 'big'):]
out = subprocess.run(['readelf', '-SW', path], capture_output=True, text=True, check=True).stdout
done = 0
for line in out.splitlines():
    f = line.replace('[ ', '[').split()
    if len(f) > 5 and f[1] in sections:
        off, size = int(f[4], 16), int(f[5], 16)
        chunk = bytes(data[off:off + size])
        n = chunk.count(old + b'\0')
        data[off:off + size] = chunk.replace(old + b'\0', new + b'\0')
        done += n
if not done:
    sys.exit(f'{path}: {old!r} not found in {sections}')
open(path, 'wb').write(data)
print(f'{path}: {old.decode()} -> {new.decode()} in {" ".join(sections)} ({done}x)')
PYEOF
}
