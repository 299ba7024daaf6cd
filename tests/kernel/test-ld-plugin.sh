#!/usr/bin/env bash
# Real-kernel acceptance of the ld plugin (libmodver-ld.so) inside kbuild's own final link.
#   hello.ko          kbuild as is (the reference records)
#   hello_bfd.ko      kbuild's hello_bfd.o + hello_bfd.mod.o with modpost's __versions removed,
#                     linked with kbuild's exact ld command line (.hello_bfd.ko.cmd) plus the
#                     plugin, under ld.bfd: records equal kbuild's, loads without F
#   hello_gold.ko     the same under ld.gold
#   hello_flags.ko    a whole kbuild run with the plugin in LDFLAGS_MODULE: the plugin finds
#                     modpost's records, agrees with them and adds none (section unchanged)
# Usage: tests/kernel/test-ld-plugin.sh   (env: MODVER_LD_PLUGIN, default
# $MODVER_TOOLS_DIR/../plugin/libmodver-ld.so; MODVER_SMOKE_ABI, default 56)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

abi=${MODVER_SMOKE_ABI:-56}
: "${MODVER_TOOLS_DIR:=$MODVER_SOURCE_DIR/build/tools}"
plugin=$(modver_ld_plugin) || exit 1
W=$(harness_workdir)
echo "ld-plugin: ABI $abi, plugin $plugin, work dir $W"

kdir=$(kernel_dir "$abi")
tree=$(kernel_headers_tree "$abi")
vmlinuz=$(ls "$kdir"/boot/vmlinuz-*)
# vmlinuz gives the release (the vermagic guard runs); Module.symvers is the kernel's own list.
plugin_opts=(-plugin "$plugin" "-plugin-opt=kernel=$vmlinuz" "-plugin-opt=symvers=$tree/Module.symvers")

pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
versions() { objcopy -O binary --only-section=__versions "$1" "$2"; }

# --- kbuild ---
stage="$W/src"
mkdir -p "$stage"
for v in hello hello_bfd hello_gold; do cp "$here/modules/hello/hello.c" "$stage/$v.c"; done
echo 'obj-m := hello.o hello_bfd.o hello_gold.o' > "$stage/Kbuild"
build_kmod "$abi" "$stage" "$W/kb"
K="$W/kb"
versions "$K/hello.ko" "$W/ref.bin"

# --- the final link again, modpost's records removed, the plugin added ---
relink() {  # relink NAME LINKER
  local name=$1 linker=$2 cmd
  # Removing __versions needs --strip-debug: .rela.debug_info refers to its section symbol.
  objcopy --strip-debug --remove-section __versions "$K/$name.mod.o" "$K/$name.nover.mod.o"
  # ".hello.ko.cmd" is "cmd_<ko> := ld <args> -o <ko> <name>.o <name>.mod.o;  true", run in the
  # headers tree (the script path is relative to it).
  cmd=$(sed -n 's/^cmd_[^ ]* := \(.*\);  *true$/\1/p' "$K/.$name.ko.cmd")
  [ -n "$cmd" ] || { bad "$name: no link command in .$name.ko.cmd"; return 1; }
  cmd=${cmd/"$K/$name.mod.o"/"$K/$name.nover.mod.o"}
  cmd=${cmd/"-o $K/$name.ko"/"-o $K/$name.plugin.ko"}
  cmd=${cmd#ld }
  # gold has no --no-warn-rwx-segments (a bfd-only warning switch).
  [ "$linker" = ld.gold ] && cmd=${cmd//--no-warn-rwx-segments/}
  # shellcheck disable=SC2086  # kbuild's command line is a word list
  if (cd "$tree" && "$linker" "${plugin_opts[@]}" $cmd) >"$W/$name.link.log" 2>&1; then
    ok "$name: kbuild's final link with the plugin under $linker"
  else
    bad "$name: link failed under $linker:"; cat "$W/$name.link.log"; return 1
  fi
  mv "$K/$name.plugin.ko" "$K/$name.ko"
  versions "$K/$name.ko" "$W/$name.bin"
  if cmp -s "$W/ref.bin" "$W/$name.bin"; then ok "$name: __versions equals kbuild's, byte for byte"
  else bad "$name: __versions differs from kbuild's"; modprobe --dump-modversions "$K/$name.ko" || true; fi
}
relink hello_bfd ld.bfd || true
relink hello_gold ld.gold || true

# --- the plugin in LDFLAGS_MODULE of a whole kbuild run ---
fstage="$W/src-flags"
mkdir -p "$fstage"
cp "$here/modules/hello/hello.c" "$fstage/hello_flags.c"
echo 'obj-m := hello_flags.o' > "$fstage/Kbuild"
if build_kmod "$abi" "$fstage" "$W/flags" LDFLAGS_MODULE="${plugin_opts[*]}"; then
  if grep -q -- "-plugin $plugin" "$W/flags/.hello_flags.ko.cmd"; then ok "hello_flags: kbuild linked with the plugin"
  else bad "hello_flags: the plugin is not in kbuild's link command"; fi
  versions "$W/flags/hello_flags.ko" "$W/flags.bin"
  if cmp -s "$W/ref.bin" "$W/flags.bin"; then ok "hello_flags: modpost's records kept, none added"
  else bad "hello_flags: __versions differs from kbuild's"; fi
else
  bad "hello_flags: kbuild with the plugin in LDFLAGS_MODULE failed"
fi

# --- boot ---
boot_out="$W/boot.out"
mods=("$K/hello.ko" "$K/hello_bfd.ko" "$K/hello_gold.ko")
[ -f "$W/flags/hello_flags.ko" ] && mods+=("$W/flags/hello_flags.ko")
boot_and_load "$abi" "${mods[@]}" | tee "$boot_out" \
  || { echo "ld-plugin: FAIL: the boot did not complete" >&2; echo "$pass passed, $((fail + 1)) failed"; exit 1; }
for ko in "${mods[@]}"; do
  f=$(basename "$ko")
  r=$(grep "^RESULT $f " "$boot_out" || true)
  case "$r" in
    "RESULT $f ok "*)
      taint=$(sed 's/.* taint=\([^ ]*\).*/\1/' <<<"$r")
      if [[ $taint != *F* ]]; then ok "$f loads without F (taint=$taint)"; else bad "$f loaded with F (taint=$taint)"; fi ;;
    *) bad "$f should load, got: ${r:-nothing}" ;;
  esac
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
