#!/usr/bin/env bash
# The .deb on a clean Debian 12: `cpack -G DEB` in BUILD-DIR, check the control fields and the
# file list, then install it with apt into a fresh `debootstrap --variant=minbase bookworm` root
# (no build tools, no source tree) and run the three installed tools there: --version, --help,
# `modversions --dump` of a small symvers file, and `mkmod` of a small object with --symvers,
# which only works if mkmod finds the installed /usr/share/modver/linker-scripts/modver.lds.
#
# Usage: packaging/test-deb.sh [BUILD-DIR]     (default: build-pkg next to this script's tree)
# Env:   MODVER_DEB_MIRROR   mirror for debootstrap (default: the first Debian URI apt uses)
#        MODVER_DEB_CACHE    where the pristine debootstrap root is kept as a tar (default
#                            /var/cache/modver-debootstrap); delete it to debootstrap again
#        MODVER_DEB_MODE     chroot (default) or dpkg-x: without chroot/debootstrap, unpack the
#                            .deb with dpkg -x into an empty prefix and check it with ldd
#        MODVER_KEEP_WORK=1  keep the temp dir
# Needs root (debootstrap, chroot, mount); installs debootstrap with apt-get if missing.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=$(cd "${1:-$src/build-pkg}" && pwd) || exit 2
mode=${MODVER_DEB_MODE:-chroot}
cache=${MODVER_DEB_CACHE:-/var/cache/modver-debootstrap}
t0=$(date +%s)
W=$(mktemp -d "${TMPDIR:-/tmp}/modver-deb.XXXXXX")
R="$W/root"
cleanup() {
  mountpoint -q "$R/proc" 2>/dev/null && umount "$R/proc"
  [ "${MODVER_KEEP_WORK:-0}" = 1 ] && { echo "kept $W"; return; }
  rm -rf "$W"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
finish() { echo "wall time: $(( $(date +%s) - t0 )) s"; echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

# --- the package ---
echo "== building $build (cpack builds 'all' anyway; configure it with -DMODVER_BUILD_TESTS=OFF) and cpack -G DEB"
cmake --build "$build" -j"$(nproc)" >"$W/build.log" 2>&1 || { tail -30 "$W/build.log"; ko "build failed"; finish; }
rm -f "$build"/modver_*.deb
(cd "$build" && cpack -G DEB) >"$W/cpack.log" 2>&1 || { cat "$W/cpack.log"; ko "cpack -G DEB failed"; finish; }
deb=$(ls "$build"/modver_*.deb 2>/dev/null | head -n1)
[ -f "$deb" ] && ok "cpack wrote $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)" || { ko "no .deb in $build"; finish; }
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for d in libllvm22 zlib1g liblzma5 libzstd1 liblz4-1 libc6 libstdc++6; do
  check "Depends names $d" grep -qxF "$d" < <(sed 's/ *([^)]*)//g; s/, */\n/g' <<<"$depends")
done
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' > "$W/files"
for f in /usr/bin/mkmod /usr/bin/modcheck /usr/bin/modversions \
         /usr/share/modver/linker-scripts/modver.lds /usr/share/modver/modver.mk \
         /usr/share/modver/modver-modpost /usr/share/modver/modver-upgrade \
         /usr/share/man/man1/mkmod.1.gz /usr/share/man/man1/modcheck.1.gz \
         /usr/share/man/man1/modversions.1.gz /usr/share/doc/modver/README.md; do
  check "package holds $f" grep -qxF "$f" "$W/files"
done
# The plugin path the documentation tells users to pass to ld is the one the package installs.
for f in $(grep -ohE -- '-plugin /usr/[^ "]*libmodver-ld\.so' "$src/README.md" "$src"/docs/*.md \
             "$src"/docs/recipes/*.md "$src"/man/*.scd | sed 's/^-plugin //' | sort -u); do
  check "the documented plugin path $f is in the package" grep -qxF "$f" "$W/files"
done
outside=$(grep -v '^/usr/' "$W/files" | grep -v '^/$' || true)
check "package installs only under /usr${outside:+ (also: $outside)}" test -z "$outside"

# --- test inputs, made on the host (the clean root has no compiler) ---
mkdir -p "$W/t"
printf '0x00000100\timp_a\tvmlinux\tEXPORT_SYMBOL\t\n0x00000101\timp_b\tvmlinux\tEXPORT_SYMBOL_GPL\t\n0x00000103\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n' > "$W/t/Module.symvers"
cat > "$W/t/quux.c" <<'C'
extern int imp_a(int);
extern int imp_b(int);
__attribute__((section(".modinfo"), used)) static const char lic[] = "license=GPL";
int init_module(void) { return imp_a(1) + imp_b(2); }
C
gcc -c -O1 -o "$W/t/quux.o" "$W/t/quux.c" || { ko "cannot compile the test object"; finish; }

if [ "$mode" = chroot ]; then
  # --- a clean Debian 12 root ---
  if [ ! -s "$cache/bookworm-minbase.tar" ]; then
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    mirror=${MODVER_DEB_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | sed -n 's/^URIs: *\(\S*\/debian\)\/\?$/\1/p; s/^deb \(\[[^]]*\] \)\?\(\S*\/debian\)\/\? bookworm .*/\2/p' | head -n1)}
    mirror=${mirror:-http://deb.debian.org/debian}
    echo "== debootstrap --variant=minbase bookworm from $mirror (cached in $cache)"
    mkdir -p "$cache"
    if ! debootstrap --variant=minbase bookworm "$W/boot-root" "$mirror" >"$W/debootstrap.log" 2>&1; then
      tail -20 "$W/debootstrap.log"; ko "debootstrap failed (MODVER_DEB_MODE=dpkg-x tests without it)"; finish
    fi
    tar -C "$W/boot-root" -cf "$cache/bookworm-minbase.tar.$$" . && mv "$cache/bookworm-minbase.tar.$$" "$cache/bookworm-minbase.tar"
    rm -rf "$W/boot-root"
  fi
  mkdir -p "$R"
  tar -C "$R" -xf "$cache/bookworm-minbase.tar"
  check "fresh root has no modver and no compiler" sh -c "! test -e '$R/usr/bin/mkmod' && ! test -e '$R/usr/bin/gcc' && ! test -e '$R/usr/bin/ld'"
  cp /etc/resolv.conf "$R/etc/resolv.conf"
  mount -t proc proc "$R/proc"
  mkdir -p "$R/tmp/t"
  cp "$deb" "$R/tmp/"
  cp "$W/t/Module.symvers" "$W/t/quux.o" "$R/tmp/t/"
  in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
  echo "== apt-get install ./$(basename "$deb") in the clean root"
  if in_root apt-get update -qq >"$W/apt.log" 2>&1 &&
     in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "/tmp/$(basename "$deb")" >>"$W/apt.log" 2>&1; then
    ok "apt-get installs the package and its Depends ($(grep -c '^Setting up' "$W/apt.log") packages set up)"
  else
    tail -25 "$W/apt.log"; ko "apt-get install failed"; finish
  fi
  grep '^Setting up' "$W/apt.log" | sed 's/^/    /'
  for t in mkmod modcheck modversions; do
    missing=$(in_root ldd "/usr/bin/$t" | grep 'not found' || true)
    check "ldd /usr/bin/$t: every library found${missing:+ ($missing)}" test -z "$missing"
  done
  run() { in_root "$@"; }
  T=/tmp/t
else
  # --- no chroot: unpack into an empty prefix, check libraries with the host's loader ---
  echo "== MODVER_DEB_MODE=dpkg-x: dpkg -x into $R (not a clean system: libraries come from the host)"
  dpkg -x "$deb" "$R"
  for t in mkmod modcheck modversions; do
    missing=$(ldd "$R/usr/bin/$t" | grep 'not found' || true)
    check "ldd $t: every library found${missing:+ ($missing)}" test -z "$missing"
  done
  run() { local p=$1; shift; "$R$p" "$@"; }
  T="$W/t"
fi

# --- run the installed tools ---
version=$(sed -n 's/^project(modver VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
for t in mkmod modcheck modversions; do
  out=$(run /usr/bin/$t --version 2>&1)
  check "installed $t --version: $out" test "$out" = "$t (modver) $version"
  rc=0; run /usr/bin/$t --help >/dev/null 2>&1 || rc=$?
  check "installed $t --help exits $rc" test "$rc" -eq 0
done
out=$(run /usr/bin/modversions --dump $T/Module.symvers 2>&1)
echo "$out" | sed 's/^/    /'
check "installed modversions --dump prints the three symbols" test "$(grep -cE 'imp_a|imp_b|module_layout' <<<"$out")" -eq 3
rc=0
run /usr/bin/mkmod $T/quux.o --symvers $T/Module.symvers -o $T/quux.ko >"$W/mkmod.out" 2>&1 || rc=$?
sed 's/^/    /' "$W/mkmod.out"
check "installed mkmod relinks quux.o (exit $rc): it found /usr/share/modver/linker-scripts/modver.lds" test "$rc" -eq 0
ko_file=$([ "$mode" = chroot ] && echo "$R$T/quux.ko" || echo "$T/quux.ko")
if [ -f "$ko_file" ]; then
  recs=$(modprobe --dump-modversions "$ko_file" | awk '{print $2}' | sort | paste -sd' ')
  check "quux.ko records: $recs" test "$recs" = "imp_a imp_b module_layout"
  rc=0
  run /usr/bin/modcheck $T/quux.ko --symvers $T/Module.symvers >"$W/modcheck.out" 2>&1 || rc=$?
  sed 's/^/    /' "$W/modcheck.out"
  check "installed modcheck reads quux.ko (exit $rc, 0 or 1)" test "$rc" -le 1
fi
finish
