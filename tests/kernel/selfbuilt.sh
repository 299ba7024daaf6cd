#!/usr/bin/env bash
# Extended modversions on a kernel the suite builds itself (tests/kernel/build-kernel, Debian's
# linux-source-7.x, tinyconfig + MODVERSIONS + EXTENDED_MODVERSIONS + GENDWARFKSYMS + DWARF5).
#
# Usage: tests/kernel/selfbuilt.sh [base|extonly]   (CTest runs test-selfbuilt-base.sh, -extonly.sh)
#   base     BASIC_MODVERSIONS=y: __versions holds the names that fit, the extended pair all
#   extonly  BASIC_MODVERSIONS=n: the extended pair only; vermagic is then compared whole
#
# Modules (kbuild, external, against the built tree): longname_provider exports an 80-character
# name; copies of longname_probe import it (and kmalloc/kfree/_printk from vmlinux):
#   longname_probe   kbuild's module as is (reference)
#   longname_mk      kbuild's .o and .mod.o without version tables, linked by kbuild's own command,
#                    then versioned by mkmod (in-process LLD)
#   longname_plugin  the same link with the ld plugin (ld.bfd) adding the tables
#   longname_db      versioned by mkmod from a modversions.o of vmlinux + the provider
#   longname_bad     longname_mk's output with the long name's extended CRC flipped
#   longname_vm      longname_mk's output with another release in its vermagic
# and the kernel's own in-tree modules. Checked: mkmod's and the plugin's tables equal kbuild's
# (the long name in the extended pair only); modcheck's verdict on every module equals the
# kernel's under QEMU (refusals with the kernel's own words); expected verdicts per variant.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
kt_require_host
variant=${1:-base}
T=$(modver_tools_dir)
plugin=$(modver_ld_plugin) || exit 1
t0=$(date +%s.%N)

K=$("$here/build-kernel" "$variant" "${MODVER_SELFBUILT_SOURCE:-}") || { echo "selfbuilt: build-kernel $variant failed" >&2; exit 1; }
tree=$K/linux
mapfile -t makeargs <"$K/make-args"
vmlinux=$tree/vmlinux
config=$tree/.config
image=$tree/arch/x86/boot/bzImage
release=$(cat "$tree/include/config/kernel.release")
W=$(harness_workdir)
long=modver_selfbuilt_provider_exports_a_name_far_longer_than_the_classic_table_holds
echo "selfbuilt: $variant kernel $release in $K ($(cat "$K/.build-times")), work dir $W"

# --- kbuild ---
stage=$W/src
mkdir -p "$stage"
cp "$here/modules/longname/longname_provider.c" "$stage/"
probes=(longname_probe longname_mk longname_plugin longname_db longname_bad longname_vm)
for p in "${probes[@]}"; do cp "$here/modules/longname/longname_probe.c" "$stage/$p.c"; done
echo "obj-m := longname_provider.o ${probes[*]/%/.o}" >"$stage/Kbuild"
KB=$W/kb
cp -a "$stage" "$KB"
if ! make -C "$tree" M="$KB" "${makeargs[@]}" -j"$(nproc)" modules >"$KB/build.log" 2>&1; then
  cat "$KB/build.log" >&2; kt_fail "kbuild of the longname modules"; kt_summary "$t0"; exit 1
fi
mkdir -p "$W/prov" "$W/ref"
cp "$KB/longname_provider.ko" "$W/prov/"
for p in longname_mk longname_plugin longname_db; do cp "$KB/$p.ko" "$W/ref/"; done
tables() { "$here/version-tables" dump "$1"; }

# kbuild's own tables: the long name only in the extended pair, __versions only when BASIC.
tables "$KB/longname_probe.ko" >"$W/kbuild.tables"
sed 's/^/    /' "$W/kbuild.tables"
kt_check "kbuild: the long name has an extended record" grep -q "^ext 0x[0-9a-f]* $long\$" "$W/kbuild.tables"
kt_check "kbuild: the long name has no __versions record" bash -c "! grep -q '^basic .* $long\$' '$W/kbuild.tables'"
if [ "$variant" = base ]; then
  kt_check "kbuild: __versions present (BASIC_MODVERSIONS=y)" grep -q '^basic ' "$W/kbuild.tables"
else
  kt_check "kbuild: no __versions (BASIC_MODVERSIONS=n)" bash -c "! grep -q '^basic ' '$W/kbuild.tables'"
fi

# --- unversioned modules from kbuild's pieces, linked by kbuild's own command ---
# With DEBUG_INFO, objcopy cannot remove the tables from a .ko (.rela.debug_info refers to them),
# so the tables go from the .mod.o (its debug info with them) and the .ko is linked again.
unversion() {  # unversion NAME -> KB/NAME.nover.ko
  local name=$1
  objcopy --strip-debug -R __versions -R __version_ext_crcs -R __version_ext_names \
    "$KB/$name.mod.o" "$KB/$name.nover.mod.o"
  kbuild_link_again "$KB" "$KB" "$name" "$KB/$name.nover.ko" "$KB/$name.nover.mod.o" ld.bfd || return 1
  [ -z "$(tables "$KB/$name.nover.ko")" ]
}
for p in longname_mk longname_plugin longname_db longname_bad longname_vm; do
  kt_check "$p: unversioned module from kbuild's .o and .mod.o" unversion "$p"
done

# --- mkmod (in-process LLD) ---
O=$W/out
mkdir -p "$O"
mk() { "$T/mkmod" -q "$KB/$1.nover.ko" -o "$O/$1.ko" --kernel "$vmlinux" --kernel-config "$config" -s "$KB/Module.symvers"; }
for p in longname_mk longname_bad longname_vm; do kt_check "mkmod $p" mk "$p"; done
# --- the ld plugin in kbuild's link ---
plugin_link() {
  kbuild_link_again "$KB" "$KB" longname_plugin "$O/longname_plugin.ko" "$KB/longname_plugin.nover.mod.o" \
    ld.bfd -plugin "$plugin" "-plugin-opt=kernel=$vmlinux" "-plugin-opt=kernel-config=$config" \
    "-plugin-opt=symvers=$KB/Module.symvers"
}
kt_check "ld.bfd + plugin links longname_plugin" plugin_link
# --- modversions: a database of vmlinux + the provider keeps the kernel's table configuration ---
kt_check "modversions writes a database of the kernel and the provider" \
  "$T/modversions" -k "$vmlinux" --kernel-config "$config" -m "$W/prov" -o "$W/db.o"
"$T/modversions" --dump "$W/db.o" >"$W/dump.txt" 2>&1 || true
want=$(awk -v s="$long" '$2 == s {print $1}' "$KB/Module.symvers")
kt_check "modversions --dump shows $long with Module.symvers' CRC $want" grep -q "$want.*$long\|$long.*$want" "$W/dump.txt"
kt_check "mkmod --modversions db.o longname_db" \
  "$T/mkmod" -q "$KB/longname_db.nover.ko" -o "$O/longname_db.ko" --modversions "$W/db.o"
for p in longname_mk longname_plugin longname_db; do
  # Same records in each table (the order may differ from modpost's; the loader looks names up).
  if [ -f "$O/$p.ko" ] && cmp -s <(tables "$W/ref/$p.ko" | sort) <(tables "$O/$p.ko" | sort); then
    cmp -s <(tables "$W/ref/$p.ko") <(tables "$O/$p.ko") && order="same order" || order="another order"
    kt_pass "$p: version tables hold kbuild's records ($(tables "$O/$p.ko" | wc -l) lines, $order)"
  else
    kt_fail "$p: version tables differ from kbuild's"
    diff <(tables "$W/ref/$p.ko") <(tables "$O/$p.ko" 2>&1) || true
  fi
done

# --- damage ---
kt_check "flip the long name's extended CRC in longname_bad" "$here/version-tables" flip-ext "$O/longname_bad.ko" "$long"
other=${release%?}x
[ "$other" = "$release" ] && other=${release%?}y
kt_check "longname_vm: vermagic $release -> $other" "$here/version-tables" vermagic "$O/longname_vm.ko" "$release " "$other "

# --- modcheck's predictions ---
# test-kstrtox.ko runs its tests in its init and then returns -EINVAL by design (never stays
# loaded): an init failure, not a loader verdict, so it is left out.
mapfile -t intree < <(find "$tree" -name '*.ko' -not -path "$tree/tools/*" -not -name test-kstrtox.ko | sort)
kt_check "the kernel built in-tree modules (${#intree[@]})" test "${#intree[@]}" -gt 0
mods=("$KB/longname_provider.ko" "${intree[@]}" "$KB/longname_probe.ko" "$O/longname_mk.ko"
      "$O/longname_plugin.ko" "$O/longname_db.ko" "$O/longname_bad.ko" "$O/longname_vm.ko")
rc=0
"$T/modcheck" --json "${mods[@]}" --kernel "$vmlinux" --kernel-config "$config" --modules "$W/prov" \
  >"$W/mc.json" 2>"$W/mc.err" || rc=$?
cat "$W/mc.err" >&2
kt_check "modcheck exit 1 (longname_bad is incompatible; got $rc)" test "$rc" -eq 1
python3 - "$W/mc.json" >"$W/predictions.tsv" <<'PYEOF'
import json, os, sys
doc = json.load(open(sys.argv[1]))
for m in doc["modules"]:
    msgs = []
    for p in m.get("problems", []):
        if p.get("fatal"):
            msgs = [s.strip() for s in p["message"].split(";")]
            break
    print(os.path.basename(m["path"]), m.get("module", ""), m["verdict"], "|".join(msgs), sep="\t")
PYEOF
sed 's/^/    /' "$W/predictions.tsv"
verdict() { awk -F'\t' -v f="$1" '$1 == f {print $3}' "$W/predictions.tsv"; }
kt_check "modcheck: longname_mk.ko compatible" test "$(verdict longname_mk.ko)" = compatible
kt_check "modcheck: longname_plugin.ko compatible" test "$(verdict longname_plugin.ko)" = compatible
kt_check "modcheck: longname_db.ko compatible" test "$(verdict longname_db.ko)" = compatible
kt_check "modcheck: longname_bad.ko incompatible over $long" \
  grep -qP "^longname_bad.ko\tlongname_bad\tincompatible\tdisagrees about version of symbol $long(\\||\$)" "$W/predictions.tsv"
if [ "$variant" = base ]; then
  kt_check "modcheck: longname_vm.ko compatible (CRCs present: the release is not compared)" test "$(verdict longname_vm.ko)" = compatible
else
  kt_check "modcheck: longname_vm.ko incompatible (no __versions: vermagic compared whole)" test "$(verdict longname_vm.ko)" = incompatible
fi

# --- the kernel's verdicts ---
out=$W/boot.out
# The tiny kernel has no ACPI, so poweroff only halts: end the boot with a reboot (qemu -no-reboot exits).
MODVER_BOOT_END=reboot MODVER_BOOT_LABEL=selfbuilt-$variant boot_image_and_load "$image" "${mods[@]}" | tee "$out" \
  || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
agree=0 disagree=0
while IFS=$'\t' read -r file name verdict msgs; do
  r=$(kt_result "$out" "$file")
  case "$verdict" in
    compatible)
      taint=${r##* taint=}; taint=${taint%% *}
      if [[ $r == "RESULT $file ok "* ]] && [[ $taint != *F* ]]; then
        kt_pass "$file: modcheck compatible, kernel loaded it without F (${r#RESULT "$file" })"; agree=$((agree + 1))
      else
        kt_fail "$file: modcheck compatible, kernel: ${r:-nothing}"; disagree=$((disagree + 1))
      fi ;;
    incompatible)
      missing=""
      IFS='|' read -r -a parts <<<"$msgs"
      for m in "${parts[@]}"; do
        kt_kmsg "$out" "$file" | grep -qxF -- "$name: $m" || missing="$missing \"$name: $m\""
      done
      if [[ $r == "RESULT $file fail "* ]] && [ -z "$missing" ] && [ "${#parts[@]}" -gt 0 ]; then
        kt_pass "$file: modcheck incompatible, kernel refused it (${r#RESULT "$file" fail }) saying \"$name: ${parts[*]}\""
        agree=$((agree + 1))
      else
        kt_fail "$file: modcheck incompatible (${parts[*]}), kernel: ${r:-nothing}, said: $(kt_kmsg "$out" "$file" | paste -sd'|')"
        disagree=$((disagree + 1))
      fi ;;
    *) kt_fail "$file: unexpected modcheck verdict '$verdict'"; disagree=$((disagree + 1)) ;;
  esac
done <"$W/predictions.tsv"
echo "verdicts: $agree agree, $disagree disagree (of ${#mods[@]} modules)"
kt_check "modcheck gave a verdict for each of the ${#mods[@]} modules" test "$((agree + disagree))" -eq "${#mods[@]}"
kt_expect_refused "$out" longname_bad.ko 22 "longname_bad: disagrees about version of symbol $long"
if [ "$variant" = extonly ]; then
  kt_expect_refused "$out" longname_vm.ko 8 "longname_vm: version magic"
fi
kt_summary "$t0"
