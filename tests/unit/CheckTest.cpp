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
  Info("name=testmod");
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
         "char ext_names[] = \"" + Names + "\";\n";
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

SymbolDb kernelDb() {
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
  Add("module_layout", 0x11111111);
  Add("_printk", 0x22222222);
  Add("gpl_only_fn", 0x33333333, /*Gpl=*/true);
  Add("usb_stor_fn", 0x44444444, false, "USB_STORAGE");
  Add("crcless_fn", 0, false, "", /*HasCrc=*/false);
  Db.kernel().Release = "6.1.0-56-amd64";
  Db.kernel().Vermagic = KernelVermagic;
  return Db;
}

CheckResult check(const ModuleSpec &S, CheckOptions Opt = {}) {
  TempDir Dir;
  std::string Obj = compile(Dir, "testmod.c", source(S), {"-O1"});
  auto Buf = llvm::MemoryBuffer::getFile(Obj);
  EXPECT_TRUE(bool(Buf));
  auto Imports = readModuleImports(Obj, (*Buf)->getBuffer());
  EXPECT_TRUE(bool(Imports)) << llvm::toString(Imports.takeError());
  return checkModule(Obj, *Imports, kernelDb(), Opt);
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
