#!/usr/bin/env bash
# The man pages are in step with the tools: every long option that `<tool> --help` lists appears
# in man/<tool>.1.scd as an option heading (*--opt* or *-x, --opt*), and every option heading of
# the page is one --help lists. Also: --help and --version exit 0 on every tool, --version prints
# "<tool> (modver) <version>".
# Usage: tests/install/test-man-options.sh [BUILD-DIR]   (env: MODVER_TOOLS_DIR)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tools=${MODVER_TOOLS_DIR:-${1:+$1/tools}}
[ -n "$tools" ] || { echo "usage: $0 BUILD-DIR (or set MODVER_TOOLS_DIR)"; exit 2; }
version=$(sed -n 's/^project(modver VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

for t in mkmod modcheck modversions; do
  page="$src/man/$t.1.scd"
  help=$("$tools/$t" --help 2>&1); rc=$?
  [ "$rc" -eq 0 ] && ok "$t --help exits 0" || ko "$t --help exits $rc"
  ver=$("$tools/$t" --version 2>&1); rc=$?
  [ "$rc" -eq 0 ] && [ "$ver" = "$t (modver) $version" ] && ok "$t --version: $ver" \
    || ko "$t --version exits $rc and says '$ver' (expected '$t (modver) $version')"
  [ -f "$page" ] || { ko "no man page source $page"; continue; }
  # Long options of the help's option lines ("  -o,--output TEXT", "  --json").
  help_opts=$(grep -E '^ +(-[A-Za-z0-9],)?--[a-z]' <<<"$help" | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)
  # Option headings of the page: lines starting with *-x, --opt* or *--opt*.
  page_opts=$(grep -E '^\*(-[A-Za-z0-9], )?--[a-z]' "$page" | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)
  [ -n "$help_opts" ] || ko "$t: no options found in --help"
  for o in $help_opts; do
    grep -qxF -- "$o" <<<"$page_opts" && ok "$t $o documented" || ko "$t $o is in --help but not in man/$t.1.scd"
  done
  for o in $page_opts; do
    grep -qxF -- "$o" <<<"$help_opts" || ko "$t $o is in man/$t.1.scd but not in --help"
  done
  # Short forms agree too: "-o,--output" in --help <-> "*-o, --output*" in the page.
  while read -r s l; do
    grep -qE -- "^\*$s, $l\*" "$page" && ok "$t $s,$l documented with its short form" \
      || ko "$t: man page lacks \"*$s, $l*\""
  done < <(grep -oE -- '^ +-[A-Za-z0-9],--[a-z0-9-]+' <<<"$help" | sed 's/^ *//; s/,/ /')
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
