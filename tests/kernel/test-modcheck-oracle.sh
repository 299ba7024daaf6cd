#!/usr/bin/env bash
# modcheck against an independent oracle, on the real Debian corpus.
#
#   A->B  the modules of ABI A (the oldest of MODVER_KERNEL_ABIS) against ABI B's (the newest)
#         kernel: every module is refused (module_layout differs between the ABIs), so beyond
#         the verdicts the test compares, per module, the SET of symbols whose CRC disagrees
#         (modcheck --keep-going reports past module_layout) and the set of missing symbols;
#   B->B  B's own modules against B: every one compatible, for both.
# The same for Debian 13 (MODVER_TRIXIE_OLD_KERNEL -> MODVER_TRIXIE_KERNEL, whose verdicts are
# mostly but not all "incompatible": a module importing only unchanged symbols loads, so both
# sides must agree module by module; and MODVER_TRIXIE_KERNEL -> itself) and sid
# (MODVER_SID_KERNEL -> itself: no __versions, so the oracle judges by missing symbols only).
# Their trees are .ko.xz: the facts are gathered from a decompressed copy (xz -dc), modcheck reads
# the .ko.xz files. MODVER_ORACLE_DEBIAN=0 leaves them out, =all adds the own-tree pairs
# (default: 6.12.107 -> 6.12.118 only); a pair whose kernel is not cached is skipped with a note.
#
# The oracle (oracle.py) reads nothing modver produced: the __versions records come from
# kmod (`modprobe --dump-modversions`), the undefined symbols from binutils (`readelf -sW`),
# the kernel's CRCs from B's Module.symvers, as RHEL's weak-modules judges modules via depmod.
# modcheck reads B's compressed vmlinuz and B's module tree instead.
#
# Environment: MODVER_TOOLS_DIR (modcheck's folder), MODVER_KERNEL_ABIS ("47;56"),
# MODVER_KERNEL_CACHE (/var/cache/modver-kernels), MODVER_ORACLE_JOBS (2),
# MODVER_KEEP_WORK=1 keeps the temporary folder. Exit 77 (skip) when the cache is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=${MODVER_TOOLS_DIR:-$here/../../build/tools}
cache=${MODVER_KERNEL_CACHE:-/var/cache/modver-kernels}
jobs=${MODVER_ORACLE_JOBS:-2}
read -r -a abis <<<"$(echo "${MODVER_KERNEL_ABIS:-47;56}" | tr ';,' '  ')"
A=${abis[0]}
B=${abis[${#abis[@]}-1]}
relA=6.1.0-$A-amd64
relB=6.1.0-$B-amd64
relTO=${MODVER_TRIXIE_OLD_KERNEL:-6.12.107+deb13-amd64}
relTN=${MODVER_TRIXIE_KERNEL:-6.12.118+deb13-amd64}
relS=${MODVER_SID_KERNEL:-7.2.13+deb14-amd64}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_all=$(now)

for tool in modprobe readelf python3 xargs; do
  command -v "$tool" >/dev/null || { echo "oracle: SKIP: $tool not installed" >&2; exit 77; }
done
[ -x "$tools/modcheck" ] || { echo "oracle: no modcheck in $tools (set MODVER_TOOLS_DIR)" >&2; exit 1; }
[ "$A" != "$B" ] || echo "oracle: only one ABI ($A): A->B is A->A"
# Where a release keeps its files: Debian 12 under lib/ and boot/, 13 under usr/lib and boot/,
# sid only under usr/lib/modules/R (vmlinuz.unsigned).
moddir() { if [ -d "$cache/$1/lib/modules/$1" ]; then echo "$cache/$1/lib/modules/$1"; else echo "$cache/$1/usr/lib/modules/$1"; fi; }
vmlinuz() {
  local f
  for f in "$cache/$1/boot/vmlinuz-$1" "$cache/$1/usr/lib/modules/$1/vmlinuz.unsigned" "$cache/$1/usr/lib/modules/$1/vmlinuz"; do
    [ -e "$f" ] && { echo "$f"; return; }
  done
  echo "$cache/$1/boot/vmlinuz-$1"
}
cached() {
  local p
  for p in "$(moddir "$1")/kernel" "$(vmlinuz "$1")" "$cache/$1/usr/src/linux-headers-$1/Module.symvers"; do
    [ -e "$p" ] || { echo "oracle: $p missing (run the kernel-fetch tests)" >&2; return 1; }
  done
}
for rel in "$relA" "$relB"; do cached "$rel" || { echo "oracle: SKIP" >&2; exit 77; }; done

W=$(mktemp -d "${TMPDIR:-/tmp}/modver-oracle.XXXXXX")
if [ "${MODVER_KEEP_WORK:-0}" = 1 ]; then echo "oracle: work dir $W"; else trap 'rm -rf "$W"' EXIT; fi

# facts DIR OUT: one file of fact lines (see oracle.py) per batch of modules, in OUT. A tree of
# .ko.xz is first decompressed to OUT.plain (readelf reads plain ELF only).
facts() {
  local dir=$1 out=$2
  mkdir -p "$out"
  if [ -n "$(find "$dir" -name '*.ko.xz' -print -quit)" ]; then
    # shellcheck disable=SC2016
    (cd "$dir" && find . -name '*.ko.xz' -print0 | xargs -0 -r -n 200 -P "$jobs" bash -c '
      for f; do mkdir -p "$0/$(dirname "$f")"; xz -dc "$f" > "$0/${f%.xz}"; done' "$out.plain")
    dir=$out.plain
  fi
  # shellcheck disable=SC2016  # the batch script expands its own arguments
  find "$dir" -name '*.ko' -print0 | sort -z |
    xargs -0 -r -n 250 -P "$jobs" bash -c '
      out=$1; shift
      f=$(mktemp "$out/batch.XXXXXX")
      {
        for ko; do
          printf "M\t%s\n" "$ko"
          # kmod prints "0x%08x\t%s"; no records at all is not an error here.
          modprobe --dump-modversions "$ko" 2>/dev/null | awk -v m="$ko" -F "\t" "{ print \"V\t\" m \"\t\" \$1 \"\t\" \$2 }" || true
        done
        # Undefined symbols: section UND, name not empty; binding GLOBAL or WEAK.
        readelf -sW "$@" | awk -v first="$1" "
          BEGIN { cur = first }
          /^File: / { cur = substr(\$0, 7); next }
          \$7 == \"UND\" && \$8 != \"\" { print (\$5 == \"WEAK\" ? \"W\" : \"U\") \"\t\" cur \"\t\" \$8 }"
      } >"$f"' _ "$out"
}

# compare LABEL MODULES KERNEL_REL EXPECT: modcheck and the oracle on the modules of one ABI
# against the kernel of another.
compare() {
  local label=$1 modrel=$2 krel=$3 expect=$4
  local mods
  mods="$(moddir "$modrel")/kernel"
  local t0 rc=0
  t0=$(now)
  "$tools/modcheck" --json --keep-going -j "$jobs" \
    --kernel "$(vmlinuz "$krel")" --modules "$(moddir "$krel")" \
    "$mods" >"$W/$label.json" || rc=$?
  # 0: all load; 1 (negative verdict) is what A->B must give; anything else is an error.
  if [ "$rc" -gt 1 ]; then echo "oracle: $label: modcheck failed ($rc)" >&2; return 1; fi
  echo "oracle: $label: modcheck $(since "$t0") s (exit $rc)"
  t0=$(now)
  local facts_root=$mods
  [ -d "$W/facts-$modrel.plain" ] && facts_root="$W/facts-$modrel.plain"
  python3 "$here/oracle.py" --label "$label" --facts "$W/facts-$modrel" --root "$mods" \
    --facts-root "$facts_root" --symvers "$cache/$krel/usr/src/linux-headers-$krel/Module.symvers" \
    --modcheck "$W/$label.json" ${expect:+--expect "$expect"} || return 1
  echo "oracle: $label: comparison $(since "$t0") s"
}

status=0
gather() {
  local rel t0
  for rel; do
    [ -d "$W/facts-$rel" ] && continue
    t0=$(now)
    facts "$(moddir "$rel")/kernel" "$W/facts-$rel"
    echo "oracle: facts of $rel (modprobe --dump-modversions, readelf -sW; -P $jobs): $(since "$t0") s"
  done
}
gather "$relA" "$relB"
expectAB=all-incompatible
[ "$A" != "$B" ] || expectAB=all-compatible
compare "$A-to-$B" "$relA" "$relB" "$expectAB" || status=1
if [ "$A" != "$B" ]; then compare "$B-to-$B" "$relB" "$relB" all-compatible || status=1; fi
# Facts are gathered only for the trees whose modules are judged (the kernel side is its
# Module.symvers): about 25 min per .ko.xz tree on a 2-core host at load 17, so by default only
# 6.12.107 -> 6.12.118; the own-tree pairs (also SidKernelTest / CorpusKernelTest offline) with
# MODVER_ORACLE_DEBIAN=all.
debian=${MODVER_ORACLE_DEBIAN:-1}
if [ "$debian" != 0 ]; then
  if cached "$relTO" && cached "$relTN"; then
    gather "$relTO"
    compare "$relTO-to-$relTN" "$relTO" "$relTN" "" || status=1
    if [ "$debian" = all ]; then
      gather "$relTN"
      compare "$relTN-to-$relTN" "$relTN" "$relTN" all-compatible || status=1
    fi
  else echo "oracle: Debian 13 pair not cached: skipped"; fi
  if [ "$debian" = all ]; then
    if cached "$relS"; then
      gather "$relS"
      compare "$relS-to-$relS" "$relS" "$relS" all-compatible || status=1
    else echo "oracle: sid not cached: skipped"; fi
  fi
fi
echo "oracle: total $(since "$t_all") s: $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
