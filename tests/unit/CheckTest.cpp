// One test per loader rule, each on a module object compiled at test time.
#include "Check/Check.h"
#include "Fixture.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace modver;
using namespace modver::test;

namespace {

const char *KernelVermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";

struct ModuleSpec {
  std::string Vermagic = KernelVermagic;
  std::string License = "GPL";
  std::vector<std::string> ImportNs;
  // {name, crc}; std::nullopt = no __versions section at all
  std::optional<std::vector<std::pair<std::string, uint32_t>>> Records =
      std::vector<std::pair<std::string, uint32_t>>{{"module_layout", 0x11111111},
                                                    {"_printk", 0x22222222}};
  std::optional<std::vector<std::pair<std::string, uint32_t>>> Extended;
  std::vector<std::string> Calls = {"_printk"};
  std::vector<std::string> WeakCalls;
  std::string Name = "testmod";
  // Exports of its own: a one-entry __ksymtab, with or without a __kflagstab.
  bool Exports = false;
  bool ExportFlags = false;
};

std::string source(const ModuleSpec &S) {
  std::string C = "struct rec { unsigned long crc; char name[56]; };\n";
  int N = 0;
  auto Info = [&](const std::string &KV) {
    C += "__attribute__((section(\".modinfo\"), used)) static const char info" +
         std::to_string(N++) + "[] = \"" + KV + "\";\n";
  };
  if (!S.Vermagic.empty())
    Info("vermagic=" + S.Vermagic);
  if (!S.License.empty())
    Info("license=" + S.License);
  for (const std::string &Ns : S.ImportNs)
    Info("import_ns=" + Ns);
  Info("name=" + S.Name);
  if (S.Exports) {
    C += "int my_export(void) { return 1; }\n"
         "__asm__(\".section __ksymtab,\\\"a\\\"\\n.long my_export - .\\n"
         ".long my_export_name - .\\n.long my_export_ns - .\\n"
         ".section __ksymtab_strings,\\\"a\\\"\\nmy_export_name: .asciz \\\"my_export\\\"\\n"
         "my_export_ns: .asciz \\\"\\\"\\n.previous\");\n";
    if (S.ExportFlags)
      C += "__attribute__((section(\"__kflagstab\"), used)) static const unsigned char "
           "flags[] = {0};\n";
  }
  if (S.Records) {
    C += "__attribute__((section(\"__versions\"), used, aligned(8))) static const struct rec "
         "versions[] = {\n";
    for (auto &[Name, Crc] : *S.Records)
      C += "  {" + std::to_string(Crc) + "UL, \"" + Name + "\"},\n";
    C += "};\n";
  }
  if (S.Extended) {
    C += "__attribute__((section(\"__version_ext_crcs\"), used, aligned(4))) static const "
         "unsigned int ext_crcs[] = {";
    std::string Names;
    for (auto &[Name, Crc] : *S.Extended) {
      C += std::to_string(Crc) + "U,";
      Names += Name + "\\0";
    }
    C += "};\n__attribute__((section(\"__version_ext_names\"), used, aligned(1))) static const "
         "char ext_names[] = \"" +
         Names + "\";\n";
  }
  for (const std::string &F : S.Calls)
    C += "extern int " + F + "(const char *, ...);\n";
  for (const std::string &F : S.WeakCalls)
    C += "extern int " + F + "(const char *, ...) __attribute__((weak));\n";
  C += "int init_module(void) { int r = 0;\n";
  for (const std::string &F : S.Calls)
    C += "  r += " + F + "(\"x\");\n";
  for (const std::string &F : S.WeakCalls)
    C += "  if (" + F + ") r += " + F + "(\"x\");\n";
  C += "  return r; }\n";
  return C;
}

// The 6.1 kernel the rules were first written for, or (Gen72) one like Debian's 7.2: no
// MODVERSIONS (no CRCs, no module_layout), vermagic without "modversions", __kflagstab,
// "module:" namespaces.
const char *Vermagic72 = "7.2.13+deb14-amd64 SMP preempt mod_unload ";

SymbolDb kernelDb(bool Gen72 = false) {
  SymbolDb Db;
  auto Add = [&](std::string Name, uint32_t Crc, bool Gpl = false, std::string Ns = "",
                 bool HasCrc = true) {
    Export E;
    E.Name = std::move(Name);
    E.Crc = Crc;
    E.GplOnly = Gpl;
    E.Namespace = std::move(Ns);
    E.HasCrc = HasCrc;
    E.Exporter = "vmlinux";
    E.Source = "test";
    EXPECT_FALSE(bool(Db.add(E)));
  };
  if (Gen72) {
    Add("_printk", 0, false, "", false);
    Add("gpl_only_fn", 0, true, "", false);
    Add("autofs_only_fn", 0, true, "module:autofs4", false);
    Add("kvm_fn", 0, true, "module:kvm-amd,kvm_intel,kvm-x*", false);
    Db.kernel().Release = "7.2.13+deb14-amd64";
    Db.kernel().Vermagic = Vermagic72;
    Db.kernel().HasKflagstab = true;
    return Db;
  }
  Add("module_layout", 0x11111111);
  Add("_printk", 0x22222222);
  Add("gpl_only_fn", 0x33333333, /*Gpl=*/true);
  Add("usb_stor_fn", 0x44444444, false, "USB_STORAGE");
  Add("crcless_fn", 0, false, "", /*HasCrc=*/false);
  Db.kernel().Release = "6.1.0-56-amd64";
  Db.kernel().Vermagic = KernelVermagic;
  return Db;
}

CheckResult check(const ModuleSpec &S, CheckOptions Opt = {}, bool Gen72 = false) {
  TempDir Dir;
  std::string Obj = compile(Dir, "testmod.c", source(S), {"-O1"});
  auto Buf = llvm::MemoryBuffer::getFile(Obj);
  EXPECT_TRUE(bool(Buf));
  auto Imports = readModuleImports(Obj, (*Buf)->getBuffer());
  EXPECT_TRUE(bool(Imports)) << llvm::toString(Imports.takeError());
  return checkModule(Obj, *Imports, kernelDb(Gen72), Opt);
}

std::vector<ProblemKind> kinds(const CheckResult &R) {
  std::vector<ProblemKind> K;
  for (const Problem &P : R.Problems)
    K.push_back(P.Kind);
  return K;
}

} // namespace

TEST(LoaderRules, MatchingModuleIsCompatible) {
  CheckResult R = check({});
  EXPECT_EQ(R.Result, Verdict::Loads);
  EXPECT_TRUE(R.Problems.empty());
  EXPECT_EQ(R.Module, "testmod");
}

TEST(LoaderRules, ModuleLayoutIsCheckedFirstAndStopsTheLoad) {
  ModuleSpec S;
  S.Records = {{{"module_layout", 0x99}, {"_printk", 0x12}}};
  CheckResult R = check(S);
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::BadModuleLayout});
  EXPECT_EQ(R.Problems[0].Message, "disagrees about version of symbol module_layout");
  EXPECT_EQ(R.Problems[0].ModuleCrc, 0x99u);
  EXPECT_EQ(R.Problems[0].KernelCrc, 0x11111111u);
}

TEST(LoaderRules, KeepGoingReportsEveryProblemWithTheSameVerdict) {
  ModuleSpec S;
  S.Vermagic = "6.1.0-56-amd64 SMP mod_unload modversions ";
  S.Records = {{{"module_layout", 0x99}, {"_printk", 0x12}}};
  S.Calls.push_back("not_exported_anywhere");
  CheckResult Stop = check(S);
  EXPECT_EQ(Stop.Result, Verdict::Refused);
  EXPECT_EQ(kinds(Stop), std::vector<ProblemKind>{ProblemKind::BadModuleLayout});

  CheckOptions Opt;
  Opt.KeepGoing = true;
  CheckResult All = check(S, Opt);
  EXPECT_EQ(All.Result, Verdict::Refused);
  std::vector<ProblemKind> K = kinds(All);
  ASSERT_EQ(K.size(), 4u);
  EXPECT_EQ(K[0], ProblemKind::BadModuleLayout);
  EXPECT_EQ(K[1], ProblemKind::BadVermagic);
  std::sort(K.begin() + 2, K.end());
  EXPECT_EQ(K[2], ProblemKind::UnknownSymbol);
  EXPECT_EQ(K[3], ProblemKind::DisagreesVersion);
  for (const Problem &P : All.Problems)
    if (P.Kind == ProblemKind::DisagreesVersion) {
      EXPECT_EQ(P.Symbol, "_printk");
      EXPECT_EQ(P.ModuleCrc, 0x12u);
      EXPECT_EQ(P.KernelCrc, 0x22222222u);
    }

  // Nothing wrong: nothing more to report.
  CheckResult Fine = check({}, Opt);
  EXPECT_EQ(Fine.Result, Verdict::Loads);
  EXPECT_TRUE(Fine.Problems.empty());
}

TEST(LoaderRules, UnknownSymbolIsRefusedButUnknownWeakIsFine) {
  ModuleSpec S;
  S.Calls.push_back("not_exported_anywhere");
  CheckResult R = check(S);
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::UnknownSymbol});
  EXPECT_EQ(R.Problems[0].Message, "Unknown symbol not_exported_anywhere (err -2)");

  ModuleSpec W;
  W.WeakCalls.push_back("not_exported_anywhere");
  EXPECT_EQ(check(W).Result, Verdict::Loads);
}

TEST(LoaderRules, DifferentCrcDisagrees) {
  ModuleSpec S;
  S.Records = {{{"module_layout", 0x11111111}, {"_printk", 0x12345}}};
  CheckResult R = check(S);
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::DisagreesVersion});
  EXPECT_EQ(R.Problems[0].Symbol, "_printk");
  EXPECT_EQ(R.Problems[0].ModuleCrc, 0x12345u);
  EXPECT_EQ(R.Problems[0].KernelCrc, 0x22222222u);
  EXPECT_EQ(R.Problems[0].Exporter, "vmlinux");
  EXPECT_NE(R.Problems[0].Message.find("Unknown symbol _printk (err -22)"), std::string::npos);
}

TEST(LoaderRules, MissingRecordIsAcceptedWithAWarning) {
  ModuleSpec S;
  S.Records = {{{"module_layout", 0x11111111}}};
  CheckResult R = check(S);
  EXPECT_EQ(R.Result, Verdict::Loads);
  ASSERT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::NoSymbolVersion});
  EXPECT_FALSE(R.Problems[0].Fatal);
  EXPECT_EQ(R.Problems[0].Message, "no symbol version for _printk");
}

TEST(LoaderRules, ExporterWithoutCrcIsAccepted) {
  ModuleSpec S;
  S.Calls = {"crcless_fn"};
  EXPECT_EQ(check(S).Result, Verdict::Loads);
}

TEST(LoaderRules, NoVersionsTaintsOrIsRefusedByForceLoadConfig) {
  ModuleSpec S;
  S.Records.reset();
  CheckResult Forced = check(S);
  EXPECT_EQ(Forced.Result, Verdict::LoadsForced);
  ASSERT_FALSE(Forced.Problems.empty());
  EXPECT_EQ(Forced.Problems[0].Kind, ProblemKind::NoVersions);
  EXPECT_EQ(Forced.Problems[0].Message, "module_layout: kernel tainted.");

  CheckOptions Strict;
  Strict.ForceLoad = false;
  EXPECT_EQ(check(S, Strict).Result, Verdict::Refused);
}

TEST(LoaderRules, VermagicReleaseIgnoredOnlyWithVersions) {
  ModuleSpec S;
  S.Vermagic = "6.1.0-47-amd64 SMP preempt mod_unload modversions ";
  EXPECT_EQ(check(S).Result, Verdict::Loads);

  S.Records.reset();
  CheckResult Unversioned = check(S);
  EXPECT_EQ(Unversioned.Result, Verdict::Refused);
  EXPECT_EQ(kinds(Unversioned).back(), ProblemKind::BadVermagic);

  ModuleSpec Flags;
  Flags.Vermagic = "6.1.0-56-amd64 SMP mod_unload modversions ";
  CheckResult R = check(Flags);
  EXPECT_EQ(R.Result, Verdict::Refused);
  EXPECT_EQ(R.Problems.back().Message,
            std::string("version magic '6.1.0-56-amd64 SMP mod_unload modversions ' should be '") +
                KernelVermagic + "'");
}

TEST(LoaderRules, MissingVermagicIsForceLoaded) {
  ModuleSpec S;
  S.Vermagic.clear();
  CheckResult R = check(S);
  EXPECT_EQ(R.Result, Verdict::LoadsForced);
  EXPECT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::MissingVermagic});
}

TEST(LoaderRules, GplOnlyExportsAreHiddenFromProprietaryModules) {
  ModuleSpec S;
  S.Calls = {"gpl_only_fn"};
  S.Records = {{{"module_layout", 0x11111111}, {"gpl_only_fn", 0x33333333}}};
  EXPECT_EQ(check(S).Result, Verdict::Loads);
  S.License = "Proprietary";
  CheckResult R = check(S);
  EXPECT_EQ(R.Result, Verdict::Refused);
  EXPECT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::UnknownSymbol});
  S.License = "Dual MIT/GPL";
  EXPECT_EQ(check(S).Result, Verdict::Loads);
}

TEST(LoaderRules, NamespaceMustBeImported) {
  ModuleSpec S;
  S.Calls = {"usb_stor_fn"};
  S.Records = {{{"module_layout", 0x11111111}, {"usb_stor_fn", 0x44444444}}};
  CheckResult R = check(S);
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::NamespaceNotImported});
  EXPECT_EQ(R.Problems[0].Message,
            "module uses symbol (usb_stor_fn) from namespace USB_STORAGE, but does not import it.");

  CheckOptions Lenient;
  Lenient.AllowMissingNamespaceImports = true;
  EXPECT_EQ(check(S, Lenient).Result, Verdict::Loads);
  S.ImportNs = {"USB_STORAGE"};
  EXPECT_EQ(check(S).Result, Verdict::Loads);
}

TEST(LoaderRules, ExtendedTablesOverrideTheClassicOne) {
  ModuleSpec S;
  S.Records = {{{"module_layout", 0x11111111}, {"_printk", 0xbad}}};
  S.Extended = {{{"module_layout", 0x11111111}, {"_printk", 0x22222222}}};
  EXPECT_EQ(check(S).Result, Verdict::Loads);
  S.Extended = {{{"module_layout", 0x11111111}, {"_printk", 0xbad}}};
  S.Records = {{{"module_layout", 0x11111111}, {"_printk", 0x22222222}}};
  EXPECT_EQ(check(S).Result, Verdict::Refused);
}

// What a 7.2 module looks like: no version records, vermagic equal to the kernel's.
ModuleSpec module72() {
  ModuleSpec S;
  S.Vermagic = Vermagic72;
  S.Records.reset();
  return S;
}

TEST(LoaderGenerations, DetectedFromTheKernel) {
  LoaderModel Old = detectLoaderModel(kernelDb());
  EXPECT_EQ(Old.Generation, LoaderGeneration::Linux6_1);
  EXPECT_TRUE(Old.Modversions);
  EXPECT_EQ(Old.describe(), "6.1");
  LoaderModel New = detectLoaderModel(kernelDb(true));
  EXPECT_EQ(New.Generation, LoaderGeneration::Linux7_1);
  EXPECT_FALSE(New.Modversions);
  EXPECT_EQ(New.describe(), "7.1+ without MODVERSIONS");

  // Without a release or vermagic: the image's sections and the exports decide.
  SymbolDb Db;
  Export E;
  E.Name = "kvm_fn";
  E.Namespace = "module:kvm";
  E.HasCrc = false;
  ASSERT_FALSE(bool(Db.add(E)));
  LoaderModel FromNs = detectLoaderModel(Db);
  EXPECT_EQ(FromNs.Generation, LoaderGeneration::Linux6_16);
  EXPECT_FALSE(FromNs.Modversions); // no module_layout, no CRC
  Db.kernel().HasKflagstab = true;
  EXPECT_EQ(detectLoaderModel(Db).Generation, LoaderGeneration::Linux7_1);
  // The configuration wins over the guesses.
  Db.kernel().Modversions = true;
  EXPECT_TRUE(detectLoaderModel(Db).Modversions);

  SymbolDb R614;
  R614.kernel().Release = "6.14.0-rc1";
  EXPECT_EQ(detectLoaderModel(R614).Generation, LoaderGeneration::Linux6_14);
}

// Debian 13's 6.12.118 exports anon_inode_make_secure_inode to "module:kvm" (a stable backport
// of EXPORT_SYMBOL_GPL_FOR_MODULES), but its loader treats that as an ordinary namespace: under
// QEMU it refuses a module named kvm using it without importing it (test-trixie-probe.sh). A
// known release before 6.16 therefore keeps the older rules; the namespace decides only when
// the release is unknown.
TEST(LoaderGenerations, ModuleNamespaceOnAnOlderReleaseIsAnOrdinaryNamespace) {
  SymbolDb Db;
  Export E;
  E.Name = "anon_inode_make_secure_inode";
  E.Namespace = "module:kvm";
  E.Crc = 0x231364e2;
  ASSERT_FALSE(bool(Db.add(E)));
  Db.kernel().Release = "6.12.118+deb13-amd64";
  LoaderModel M = detectLoaderModel(Db);
  EXPECT_EQ(M.Generation, LoaderGeneration::Linux6_1);
  EXPECT_FALSE(M.moduleNamespaces());
  Db.kernel().Release = "6.16.1";
  EXPECT_EQ(detectLoaderModel(Db).Generation, LoaderGeneration::Linux6_16);
}

TEST(LoaderGenerations, WithoutModversionsTheWholeVermagicCounts) {
  CheckResult R = check(module72(), {}, true);
  EXPECT_EQ(R.Result, Verdict::Loads);
  EXPECT_TRUE(R.Problems.empty());
  EXPECT_EQ(R.Loader.describe(), "7.1+ without MODVERSIONS");

  // A record table changes nothing for the CRCs, and the release still counts.
  ModuleSpec Versioned = module72();
  Versioned.Records = {{{"module_layout", 0x1}, {"_printk", 0x2}}};
  EXPECT_EQ(check(Versioned, {}, true).Result, Verdict::Loads);
  Versioned.Vermagic = "7.2.12+deb14-amd64 SMP preempt mod_unload ";
  CheckResult Other = check(Versioned, {}, true);
  EXPECT_EQ(Other.Result, Verdict::Refused);
  EXPECT_EQ(kinds(Other), std::vector<ProblemKind>{ProblemKind::BadVermagic});

  // A 6.12 module: another vermagic (release and the modversions token).
  ModuleSpec Old = module72();
  Old.Vermagic = "6.12.118+deb13-amd64 SMP preempt mod_unload modversions ";
  Old.Records = {{{"module_layout", 0x1}, {"_printk", 0x2}}};
  EXPECT_EQ(kinds(check(Old, {}, true)), std::vector<ProblemKind>{ProblemKind::BadVermagic});
}

TEST(LoaderGenerations, GplOnlyStillHiddenWithoutModversions) {
  ModuleSpec S = module72();
  S.Calls = {"gpl_only_fn"};
  EXPECT_EQ(check(S, {}, true).Result, Verdict::Loads);
  S.License = "XYZ";
  CheckResult R = check(S, {}, true);
  EXPECT_EQ(R.Result, Verdict::Refused);
  EXPECT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::UnknownSymbol});
}

TEST(LoaderGenerations, ModuleNamespacesGoByTheImportersName) {
  ModuleSpec S = module72();
  S.Calls = {"autofs_only_fn"};
  S.Name = "autofs4";
  EXPECT_EQ(check(S, {}, true).Result, Verdict::Loads);
  S.Name = "nfs";
  CheckResult R = check(S, {}, true);
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::NamespaceNotImported});
  EXPECT_EQ(R.Problems[0].Message, "module uses symbol (autofs_only_fn) from namespace "
                                   "module:autofs4, but does not import it.");

  // Importing it explicitly is refused even for the named module.
  S.Name = "autofs4";
  S.ImportNs = {"module:autofs4"};
  CheckResult Imported = check(S, {}, true);
  EXPECT_EQ(Imported.Result, Verdict::Refused);
  EXPECT_EQ(kinds(Imported), std::vector<ProblemKind>{ProblemKind::ModuleNamespaceImport});
  EXPECT_EQ(Imported.Problems[0].Message,
            "module tries to import module namespace: module:autofs4");
}

TEST(LoaderGenerations, ModuleNamespacePatterns) {
  const char *Ns = "module:kvm-amd,kvm_intel,kvm-x*";
  EXPECT_TRUE(moduleNamespaceAllows(Ns, "kvm_amd"));
  EXPECT_TRUE(moduleNamespaceAllows(Ns, "kvm-intel"));
  EXPECT_TRUE(moduleNamespaceAllows(Ns, "kvm_x"));
  EXPECT_TRUE(moduleNamespaceAllows(Ns, "kvm_xyz"));
  EXPECT_FALSE(moduleNamespaceAllows(Ns, "kvm"));
  EXPECT_FALSE(moduleNamespaceAllows(Ns, "kvm_amd2"));
  EXPECT_FALSE(moduleNamespaceAllows(Ns, "kvm_in"));
  EXPECT_FALSE(moduleNamespaceAllows("KVM", "kvm"));
  EXPECT_FALSE(moduleNamespaceAllows("module:", "kvm"));
}

TEST(LoaderGenerations, ExportsNeedFlagsFrom71) {
  ModuleSpec S = module72();
  S.Exports = true;
  CheckResult R = check(S, {}, true);
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::NoExportFlags});
  EXPECT_EQ(R.Problems[0].Message, "no flags for exported symbols");
  S.ExportFlags = true;
  EXPECT_EQ(check(S, {}, true).Result, Verdict::Loads);

  // Before 7.1 nobody asks for the flags.
  ModuleSpec Old;
  Old.Exports = true;
  std::vector<ProblemKind> K = kinds(check(Old));
  EXPECT_EQ(std::count(K.begin(), K.end(), ProblemKind::NoExportFlags), 0);
}

// module_sig_check: the loader's first step. With enforcement (CONFIG_MODULE_SIG_FORCE, or
// --sig-enforce for module.sig_enforce=1 / lockdown) an unsigned module is rejected before
// anything else; a signed one goes on to the other rules (its signature is not verified), but
// a trailer the loader cannot parse is refused, enforcing or not.
TEST(LoaderRules, UnsignedModuleIsRejectedWhenSignaturesAreEnforced) {
  TempDir Dir;
  std::string Obj = compile(Dir, "testmod.c", source({}), {"-O1"});
  auto Buf = llvm::MemoryBuffer::getFile(Obj);
  ASSERT_TRUE(bool(Buf));
  std::string Plain = (*Buf)->getBuffer().str();
  // sign-file's layout: signature, trailer {algo, hash, id_type=2, 0, 0, pad[3], be32 len}.
  std::string Signed = Plain + std::string(300, 's') +
                       std::string("\0\0\2\0\0\0\0\0\0\0\x01\x2c", 12) +
                       "~Module signature appended~\n";
  auto Unsigned = readModuleImports(Obj, Plain);
  auto WithSig = readModuleImports(Obj, Signed);
  ASSERT_TRUE(bool(Unsigned) && bool(WithSig));
  ASSERT_TRUE(WithSig->Signature.has_value());
  EXPECT_EQ(WithSig->Signature->Length, 300u);
  EXPECT_EQ(WithSig->Signature->Form, SignatureForm::Pkcs7);
  EXPECT_FALSE(Unsigned->Signature.has_value());

  SymbolDb Db = kernelDb();
  // Not enforced (the default when the kernel's config is unknown): both load.
  EXPECT_EQ(checkModule(Obj, *Unsigned, Db, {}).Result, Verdict::Loads);
  EXPECT_FALSE(checkModule(Obj, *Unsigned, Db, {}).Signed);
  EXPECT_TRUE(checkModule(Obj, *WithSig, Db, {}).Signed);

  CheckOptions Enforce;
  Enforce.SigEnforce = true;
  CheckResult R = checkModule(Obj, *Unsigned, Db, Enforce);
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_EQ(kinds(R), std::vector<ProblemKind>{ProblemKind::Unsigned});
  EXPECT_EQ(R.Problems[0].Message, "Loading of unsigned module is rejected");
  EXPECT_EQ(checkModule(Obj, *WithSig, Db, Enforce).Result, Verdict::Loads);

  // The kernel's own CONFIG_MODULE_SIG_FORCE decides when no option is given.
  Db.kernel().ModuleSigForce = true;
  EXPECT_EQ(checkModule(Obj, *Unsigned, Db, {}).Result, Verdict::Refused);
  CheckOptions Lax;
  Lax.SigEnforce = false;
  EXPECT_EQ(checkModule(Obj, *Unsigned, Db, Lax).Result, Verdict::Loads);

  // What the loader decides from the trailer alone. A trailer that claims the whole file, an
  // empty signature, or non-zero fields beside PKCS#7's id type: EBADMSG, refused even when
  // nothing is enforced (unless the kernel has no CONFIG_MODULE_SIG at all).
  auto Trailer = [&](llvm::StringRef T) {
    auto M = readModuleImports(Obj, Plain + std::string(300, 's') + T.str() +
                                        "~Module signature appended~\n");
    EXPECT_TRUE(bool(M));
    return *M;
  };
  Db.kernel().ModuleSigForce.reset();
  ModuleImports TooLong = Trailer(llvm::StringRef("\0\0\2\0\0\0\0\0\xff\xff\xff\xff", 12));
  ModuleImports Empty = Trailer(llvm::StringRef("\0\0\2\0\0\0\0\0\0\0\0\0", 12));
  ModuleImports Params = Trailer(llvm::StringRef("\1\0\2\0\0\0\0\0\0\0\x01\x2c", 12));
  ModuleImports Foreign = Trailer(llvm::StringRef("\1\0\1\0\0\0\0\0\0\0\x01\x2c", 12));
  for (const ModuleImports *M : {&TooLong, &Empty, &Params}) {
    ASSERT_TRUE(M->Signature.has_value());
    EXPECT_EQ(M->Signature->Form, SignatureForm::Malformed);
    CheckResult Bad = checkModule(Obj, *M, Db, Lax);
    EXPECT_EQ(Bad.Result, Verdict::Refused);
    ASSERT_EQ(kinds(Bad), std::vector<ProblemKind>{ProblemKind::BadSignature});
    EXPECT_TRUE(Bad.Signed);
  }
  Db.kernel().ModuleSig = false; // the loader never looks at the bytes
  EXPECT_EQ(checkModule(Obj, TooLong, Db, Lax).Result, Verdict::Loads);
  Db.kernel().ModuleSig.reset();

  // Another id type is ENOPKG ("unsupported crypto", checked before the other fields):
  // refused only when enforcing, like an unsigned module.
  ASSERT_TRUE(Foreign.Signature.has_value());
  EXPECT_EQ(Foreign.Signature->Form, SignatureForm::Unsupported);
  EXPECT_EQ(checkModule(Obj, Foreign, Db, Lax).Result, Verdict::Loads);
  CheckResult Unsupported = checkModule(Obj, Foreign, Db, Enforce);
  EXPECT_EQ(Unsupported.Result, Verdict::Refused);
  ASSERT_EQ(kinds(Unsupported), std::vector<ProblemKind>{ProblemKind::Unsigned});
  EXPECT_EQ(Unsupported.Problems[0].Message,
            "Loading of module with unsupported crypto is rejected");
}
