#!/usr/bin/env bash
# Debian 13 (6.12, MODVERSIONS on): a probe built by kbuild, re-versioned by mkmod, and an older
# ABI's probe, judged by modcheck, mkmod and the kernel itself (issue 15 item 6).
#   N = MODVER_TRIXIE_KERNEL (6.12.118+deb13-amd64), O = MODVER_TRIXIE_OLD_KERNEL (6.12.107+deb13-amd64)
#   hello and provider/consumer (tests/kernel/modules) built with kbuild in the trixie chroot
#   (tests/kernel/debian-chroot) against N's and O's headers:
#     t13hello.ko      N's build, __versions stripped, re-made by mkmod (in-process LLD) from N's
#                      vmlinuz: records = kbuild's, modcheck compatible, loads without F
#     t13prov/t13cons  N's builds stripped; provider re-made from vmlinuz, consumer with --symvers
#                      of the provider: both load in order without F ("provider says 41")
#     t13old.ko        O's build: modcheck against N incompatible (first: module_layout), mkmod
#                      --kernel N refuses it (exit 1, lists the changed imports: it never moves a
#                      module to another kernel generation), kernel N refuses it the same way
#     t13old-nover.ko  O's build stripped: mkmod refuses (vermagic names O); the kernel forces
#                      module_layout (taints F) and, with no __versions, compares the whole
#                      vermagic, release included: refused; modcheck's verdict must be the same
#   t13kvm.ko / t13kvx.ko  modules/nsuser built for N as kvm: it imports
#                      anon_inode_make_secure_inode, which Debian's 6.12.118 exports to
#                      "module:kvm" (a backported EXPORT_SYMBOL_GPL_FOR_MODULES; its modpost treats
#                      that as a plain namespace and refuses the build even as kvm, so modpost
#                      runs with -N, CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS=y on the make
#                      command line), and the same renamed kvx on the .ko. The kernel refuses
#                      both (it has the export, not the 6.16 loader rule: "module:kvm" is an
#                      ordinary namespace to it); modcheck must too (it once took the "module:"
#                      export for 6.16 rules and called kvm compatible)
# One boot of N. Env: MODVER_TOOLS_DIR, MODVER_TRIXIE_KERNEL, MODVER_TRIXIE_OLD_KERNEL,
# MODVER_KEEP_WORK=1 keeps the temp dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
kt_require_host
t0=$(date +%s.%N)

T=$(modver_tools_dir)
N=${MODVER_TRIXIE_KERNEL:-6.12.118+deb13-amd64}
O=${MODVER_TRIXIE_OLD_KERNEL:-6.12.107+deb13-amd64}
VMLINUZ_N=$(kernel_vmlinuz "$N")
W=$(harness_workdir)
echo "trixie-probe: kernel $N, older ABI $O, tools $T, work dir $W"

stage="$W/src"
mkdir -p "$stage"
cp "$here/modules/hello/hello.c" "$stage/t13hello.c"
cp "$here/modules/hello/hello.c" "$stage/t13old.c"
echo 'obj-m := t13hello.o t13old.o' > "$stage/Kbuild"
tb=$(date +%s.%N)
build_kmod "$N" "$stage" "$W/kbN"
build_kmod "$O" "$stage" "$W/kbO"
build_kmod "$N" "$here/modules/provider" "$W/prov"
build_kmod "$N" "$here/modules/consumer" "$W/cons" KBUILD_EXTRA_SYMBOLS="$W/prov/Module.symvers"
mkdir -p "$W/nssrc"
cp "$here/modules/nsuser/nsuser.c" "$W/nssrc/kvm.c"
echo 'obj-m := kvm.o' > "$W/nssrc/Kbuild"
build_kmod "$N" "$W/nssrc" "$W/ns" CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS=y
grep -i 'namespace' "$W/ns/build.log" | sed 's/^/    kbuild: /' || true
printf 'kbuild in the chroot (5 builds): %.1f s\n' "$(echo "$(date +%s.%N) - $tb" | bc)"
Out="$W/out"
mkdir -p "$Out"
echo "t13hello.ko vermagic: $(modinfo -F vermagic "$W/kbN/t13hello.ko")"
kt_check "kbuild's t13hello.ko carries __versions" test -n "$(modprobe --dump-modversions "$W/kbN/t13hello.ko")"

# --- N's probe: stripped, re-made by mkmod ---
strip_versions "$W/kbN/t13hello.ko" "$W/t13hello.nover.ko"
kt_check "stripped t13hello has no records" test -z "$(modprobe --dump-modversions "$W/t13hello.nover.ko" 2>/dev/null)"
rc=0
"$T/mkmod" -q "$W/t13hello.nover.ko" -o "$Out/t13hello.ko" --kernel "$VMLINUZ_N" || rc=$?
kt_check "mkmod t13hello from $N's vmlinuz: exit 0 (got $rc)" test "$rc" -eq 0
kt_check "mkmod's records equal kbuild's" \
  diff <(modprobe --dump-modversions "$W/kbN/t13hello.ko" | LC_ALL=C sort) <(modprobe --dump-modversions "$Out/t13hello.ko" | LC_ALL=C sort)
rc=0
"$T/modcheck" "$Out/t13hello.ko" --kernel "$VMLINUZ_N" >"$W/mc-hello.txt" 2>&1 || rc=$?
kt_check "modcheck t13hello.ko against $N: exit 0 (got $rc: $(head -c 300 "$W/mc-hello.txt"))" test "$rc" -eq 0

for m in provider consumer; do strip_versions "$W/${m:0:4}/$m.ko" "$W/$m.nover.ko"; done
rc=0
"$T/mkmod" -q "$W/provider.nover.ko" -o "$Out/t13prov.ko" --kernel "$VMLINUZ_N" || rc=$?
kt_check "mkmod provider: exit 0 (got $rc)" test "$rc" -eq 0
rc=0
"$T/mkmod" -q "$W/consumer.nover.ko" -o "$Out/t13cons.ko" --kernel "$VMLINUZ_N" --symvers "$W/prov/Module.symvers" || rc=$?
kt_check "mkmod consumer with the provider's Module.symvers: exit 0 (got $rc)" test "$rc" -eq 0
for m in provider:t13prov consumer:t13cons; do
  kt_check "${m#*:}.ko records equal kbuild's ${m%:*}.ko" \
    diff <(modprobe --dump-modversions "$W/${m:0:4}/${m%:*}.ko" | LC_ALL=C sort) <(modprobe --dump-modversions "$Out/${m#*:}.ko" | LC_ALL=C sort)
done

# --- O's probe against N ---
cp "$W/kbO/t13old.ko" "$Out/t13old.ko"
strip_versions "$W/kbO/t13old.ko" "$Out/t13old-nover.ko"
rc=0
"$T/modcheck" --json "$Out/t13old.ko" --kernel "$VMLINUZ_N" >"$W/mc-old.json" 2>"$W/mc-old.err" || rc=$?
kt_check "modcheck t13old.ko ($O) against $N: exit 1 (got $rc)" test "$rc" -eq 1
IFS='|' read -r verdict first_sym first_msg < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["modules"][0]; p=m["problems"][0] if m["problems"] else {}; print(m["verdict"], p.get("symbol",""), p.get("message",""), sep="|")' "$W/mc-old.json" 2>/dev/null || echo "||")
echo "modcheck: verdict=$verdict first problem: $first_msg"
kt_check "modcheck: t13old.ko incompatible" test "$verdict" = incompatible
kt_check "modcheck: first problem is module_layout" test "$first_sym" = module_layout
"$T/modcheck" --keep-going "$Out/t13old.ko" --kernel "$VMLINUZ_N" >"$W/mc-old-all.txt" 2>&1 || true
changed=$(sed -n 's/.*disagrees about version of symbol \([^ ;]*\).*/\1/p' "$W/mc-old-all.txt" | sort -u)
symvers_O="$(kernel_dir "$O")/usr/src/linux-headers-$O/Module.symvers"
symvers_N="$(kernel_dir "$N")/usr/src/linux-headers-$N/Module.symvers"
truth=$(LC_ALL=C join -t $'\t' <(cut -f1,2 "$symvers_O" | awk -F'\t' '{print $2 "\t" $1}' | LC_ALL=C sort) \
                      <(cut -f1,2 "$symvers_N" | awk -F'\t' '{print $2 "\t" $1}' | LC_ALL=C sort) |
        awk -F'\t' '$2 != $3 {print $1}' |
        LC_ALL=C comm -12 - <(modprobe --dump-modversions "$Out/t13old.ko" | awk '{print $2}' | LC_ALL=C sort) | sort -u)
echo "changed imports: modcheck $(echo "$changed" | paste -sd' '); Module.symvers $O vs $N: $(echo "$truth" | paste -sd' ')"
kt_check "modcheck --keep-going's changed imports = the Module.symvers difference" test "$changed" = "$truth"

# shellcheck disable=SC2086  # one changed import per word
kt_mkmod_refuses "$Out/t13old.ko" "$VMLINUZ_N" "" $changed
kt_mkmod_refuses "$Out/t13old-nover.ko" "$VMLINUZ_N" "$O"
rc=0
"$T/modcheck" --json "$Out/t13old-nover.ko" --kernel "$VMLINUZ_N" >"$W/mc-old2.json" 2>&1 || rc=$?
nover_verdict=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["modules"][0]["verdict"])' "$W/mc-old2.json" 2>/dev/null || echo "?")
echo "modcheck t13old-nover.ko: exit $rc, verdict $nover_verdict"
kt_check "modcheck t13old-nover.ko against $N: incompatible (vermagic $O)" test "$nover_verdict" = incompatible

# --- module: namespace on 6.12 ---
cp "$W/ns/kvm.ko" "$Out/t13kvm.ko"
cp "$W/ns/kvm.ko" "$Out/t13kvx.ko"
ko_replace_string "$Out/t13kvx.ko" name=kvm name=kvx .modinfo
ko_replace_string "$Out/t13kvx.ko" kvm kvx .gnu.linkonce.this_module
rc=0
"$T/modcheck" --json "$Out/t13kvm.ko" "$Out/t13kvx.ko" --kernel "$VMLINUZ_N" --modules "$(kernel_modules_dir "$N")" >"$W/mc-ns.json" 2>&1 || rc=$?
modcheck_predictions "$W/mc-ns.json" >"$W/ns.tsv"
sed 's/^/    /' "$W/ns.tsv"
gen=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel"]["loader"]["generation"])' "$W/mc-ns.json" 2>/dev/null || echo "?")
echo "modcheck's loader generation for $N: $gen"

# --- one boot of N ---
out="$W/boot.out"
boot_and_load "$N" "$Out/t13hello.ko" "$Out/t13prov.ko" "$Out/t13cons.ko" "$Out/t13old.ko" "$Out/t13old-nover.ko" \
  "$Out/t13kvx.ko" "$Out/t13kvm.ko" \
  | tee "$out" || { kt_fail "the boot did not complete"; kt_summary "$t0"; exit 1; }
kt_expect_load "$out" t13hello.ko
kt_expect_said "$out" t13hello.ko "t13hello: hello from t13hello"
kt_expect_load "$out" t13prov.ko
kt_expect_load "$out" t13cons.ko
kt_expect_said "$out" t13cons.ko "provider says 41"
kt_expect_refused "$out" t13old.ko 8 "t13old: disagrees about version of symbol $first_sym"
kernel_sym=$(kt_kmsg "$out" t13old.ko | sed -n 's/.*disagrees about version of symbol \([^ ]*\).*/\1/p' | head -n1)
kt_check "kernel and modcheck name the same symbol (kernel: ${kernel_sym:-none}, modcheck: ${first_sym:-none})" \
  test -n "$kernel_sym" -a "$kernel_sym" = "$first_sym"
# Without __versions the kernel forces module_layout (F) and compares the whole vermagic:
# refused (expected), and modcheck's verdict must match whatever the kernel did.
r=$(kt_result "$out" t13old-nover.ko)
echo "kernel on t13old-nover.ko: $r"
case "$r" in
  "RESULT t13old-nover.ko ok "*) kt_check "modcheck's verdict ($nover_verdict) matches a forced load" test "$nover_verdict" = forced ;;
  "RESULT t13old-nover.ko fail "*) kt_check "modcheck's verdict ($nover_verdict) matches the refusal" test "$nover_verdict" = incompatible ;;
  *) kt_fail "no result for t13old-nover.ko" ;;
esac
kt_compare_verdicts "$W/ns.tsv" "$out"
# 6.12's loader treats "module:kvm" as an ordinary namespace: even kvm needs the import.
kt_check "modcheck: t13kvm.ko and t13kvx.ko incompatible (6.12 loader rules)" \
  test "$(cut -f1,3 "$W/ns.tsv" | LC_ALL=C sort | paste -sd' ')" = "t13kvm.ko	incompatible t13kvx.ko	incompatible"
kt_summary "$t0"
