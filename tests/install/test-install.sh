#!/usr/bin/env bash
# `cmake --install BUILD --prefix P` into a fresh prefix: the layout is as documented
# (docs/install.md), nothing lands outside P, and the installed tools work from there with no
# source or build tree in reach: mkmod finds P/share/modver/linker-scripts/modver.lds (and says
# where it looked when it is missing), modversions --dump reads a symvers file.
# Usage: tests/install/test-install.sh BUILD-DIR
set -uo pipefail
build=$(cd "${1:?usage: $0 BUILD-DIR}" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/modver-install.XXXXXX")
trap 'rm -rf "$W"' EXIT
P="$W/prefix"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }

if cmake --install "$build" --prefix "$P" >"$W/install.log" 2>&1; then ok "cmake --install --prefix $P"
else ko "cmake --install failed:"; sed 's/^/    /' "$W/install.log"; echo "$pass passed, $fail failed"; exit 1; fi

for t in mkmod modcheck modversions; do check "bin/$t installed" test -x "$P/bin/$t"; done
check "share/modver/linker-scripts/modver.lds" test -f "$P/share/modver/linker-scripts/modver.lds"
check "share/modver/modver.mk" test -f "$P/share/modver/modver.mk"
check "share/modver/modver-upgrade (executable)" test -x "$P/share/modver/modver-upgrade"
check "share/modver/modver-modpost (executable)" test -x "$P/share/modver/modver-modpost"
check "share/doc/modver/README.md" test -f "$P/share/doc/modver/README.md"
check "share/doc/modver/recipes/" test -f "$P/share/doc/modver/recipes/kbuild.md"
if grep -q '^MODVER_SCDOC:FILEPATH=/' "$build/CMakeCache.txt" 2>/dev/null; then
  for t in mkmod modcheck modversions; do
    check "share/man/man1/$t.1.gz" test -s "$P/share/man/man1/$t.1.gz"
  done
  check "man renders mkmod.1.gz" sh -c "man -l '$P/share/man/man1/mkmod.1.gz' 2>/dev/null | grep -q -- --symvers"
else
  echo "note: $build was configured without scdoc, no man pages to check"
fi
outside=$(grep -v "^$P/" "$build/install_manifest.txt" || true)
check "every installed file is under the prefix${outside:+ (outside: $outside)}" test -z "$outside"

# A small module object and a symvers naming its imports.
cat > "$W/quux.c" <<'C'
extern int imp_a(int);
extern int imp_b(int);
__attribute__((section(".modinfo"), used)) static const char lic[] = "license=GPL";
int init_module(void) { return imp_a(1) + imp_b(2); }
C
gcc -c -O1 -o "$W/quux.o" "$W/quux.c"
printf '0x00000100\timp_a\tvmlinux\tEXPORT_SYMBOL\t\n0x00000101\timp_b\tvmlinux\tEXPORT_SYMBOL_GPL\t\n0x00000103\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n' > "$W/Module.symvers"

# Run from a folder with no CMakeCache.txt above it, so only the installed layout can be used.
cd "$W" || exit 2
check "installed modversions --dump reads a symvers file" \
  sh -c "'$P/bin/modversions' --dump '$W/Module.symvers' | grep -q 'imp_b'"
if "$P/bin/mkmod" -q "$W/quux.o" --symvers "$W/Module.symvers" -o "$W/quux.ko" 2>"$W/mkmod.err"; then
  ok "installed mkmod relinks with the installed linker script"
else
  ko "installed mkmod failed: $(cat "$W/mkmod.err")"
fi
if command -v modprobe >/dev/null && [ -f "$W/quux.ko" ]; then
  recs=$(modprobe --dump-modversions "$W/quux.ko" | awk '{print $2}' | sort | paste -sd' ')
  check "records of quux.ko: $recs" test "$recs" = "imp_a imp_b module_layout"
fi
mv "$P/share/modver/linker-scripts/modver.lds" "$W/moved.lds"
"$P/bin/mkmod" -q "$W/quux.o" --symvers "$W/Module.symvers" -o "$W/quux2.ko" 2>"$W/mkmod2.err"
rc=$?
check "without the installed script mkmod fails (exit $rc) naming $P/share/modver/linker-scripts" \
  grep -qF "$P/share/modver/linker-scripts/modver.lds" "$W/mkmod2.err"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
