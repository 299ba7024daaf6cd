// Reports as values (lib/Check/Report.h, KernelDiff.h, Explain/ExplainRun.h) and the step
// mkmod and the ld plugin share (lib/Versioning/ModulePlan.h).
#include "Check/KernelDiff.h"
#include "Check/Report.h"
#include "Explain/ExplainRun.h"
#include "Versioning/ModulePlan.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace modver;

namespace {

ModuleVerdict unreadable(std::string Path) {
  ModuleVerdict V;
  V.Path = std::move(Path);
  V.ReadError = V.Path + ": not an ELF file";
  return V;
}

ModuleVerdict refused(std::string Path, std::string Symbol) {
  ModuleVerdict V;
  V.Path = std::move(Path);
  CheckResult R;
  R.Path = V.Path;
  R.Module = "m";
  R.Result = Verdict::Refused;
  Problem P;
  P.Kind = ProblemKind::DisagreesVersion;
  P.Fatal = true;
  P.Symbol = Symbol;
  P.Message = "disagrees about version of symbol " + Symbol;
  R.Problems.push_back(P);
  V.Result = std::move(R);
  return V;
}

SymbolDb dbWith(uint32_t Crc) {
  SymbolDb D;
  Export E;
  E.Name = "kfree";
  E.Crc = Crc;
  E.Exporter = "vmlinux";
  E.Source = "test";
  EXPECT_FALSE(bool(D.add(E)));
  ElfTarget X86;
  X86.Machine = llvm::ELF::EM_X86_64;
  D.kernel().Target = X86;
  D.kernel().Release = "6.1.0-test";
  return D;
}

} // namespace

TEST(CheckReport, TextAndJsonComeFromOneValue) {
  CheckReport R{dbWith(1).kernel(),
                {refused("a.ko", "kfree"), unreadable("b.ko"), refused("c.ko", "kfree")},
                /*KernelFrom=*/""};
  VerdictCounts C = R.counts();
  EXPECT_EQ(C.Incompatible, 2u);
  EXPECT_EQ(C.Unreadable, 1u);
  EXPECT_EQ(disagreedSymbols(R.Modules), std::vector<std::string>{"kfree"});

  std::string Text;
  llvm::raw_string_ostream OS(Text);
  printCheckText(OS, R, /*Quiet=*/false);
  // The library renders; naming the tool and the read errors are the tool's.
  EXPECT_EQ(Text.find("modcheck"), std::string::npos) << Text;
  EXPECT_EQ(Text.find("not an ELF file"), std::string::npos) << Text;
  EXPECT_NE(Text.find("a.ko: disagrees about version of symbol kfree\n"), std::string::npos);
  EXPECT_NE(Text.find("3 modules checked against 6.1.0-test (6.1 loader rules): 0 compatible, 2 "
                      "incompatible, 0 force-loaded (taint F), 1 unreadable\n"),
            std::string::npos)
      << Text;

  llvm::json::Object Doc = checkJson(R);
  const llvm::json::Object *Summary = Doc.getObject("summary");
  ASSERT_TRUE(Summary);
  EXPECT_EQ(Summary->getInteger("incompatible"), 2);
  EXPECT_EQ(Summary->getInteger("unreadable"), 1);
  ASSERT_TRUE(Doc.getArray("modules"));
  EXPECT_EQ((*Doc.getArray("modules"))[1].getAsObject()->getString("verdict"), "unreadable");
  EXPECT_TRUE(R.warnings().empty()) << "the kernel's target is known";
  R.Kernel.Target.reset();
  EXPECT_EQ(R.warnings().size(), 1u);
}

TEST(DiffReport, ChangedSymbolsAndCountsFromTheValue) {
  SymbolDb Old = dbWith(1), New = dbWith(2);
  DiffReport R = makeDiffReport(Old, New, {refused("a.ko", "kfree")});
  EXPECT_EQ(R.changedSymbols(), std::vector<std::string>{"kfree"});
  EXPECT_EQ(R.counts().Incompatible, 1u);
  llvm::json::Object Doc = diffJson(R);
  EXPECT_EQ(Doc.getString("new"), "6.1.0-test");
  ASSERT_TRUE(Doc.getArray("exports") && Doc.getArray("exports")->size() == 1);
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  printDiffText(OS, R);
  EXPECT_NE(Text.find("changed\tkfree\t0x00000001 -> 0x00000002\tvmlinux\n"), std::string::npos)
      << Text;
  EXPECT_NE(Text.find("a.ko: breaks: kfree\n"), std::string::npos) << Text;
}

TEST(ExplainResults, JsonMembersToEmbed) {
  ExplainResults R;
  Explanation E;
  E.Symbol = "kfree";
  R.Explanations.push_back(E);
  R.OldHeaders = {"old/include"};
  llvm::json::Object Members = explanationsJson(R);
  ASSERT_TRUE(Members.getArray("explanations"));
  EXPECT_EQ(Members.getArray("explanations")->size(), 1u);
  const llvm::json::Object *Headers = Members.getObject("explain_headers");
  ASSERT_TRUE(Headers && Headers->getArray("old") && Headers->getArray("new"));
  EXPECT_EQ((*Headers->getArray("old"))[0].getAsString(), "old/include");
  EXPECT_TRUE(Headers->getArray("new")->empty());
}

namespace {
ModuleImports object(std::vector<std::string> Undefined, std::vector<std::string> Defined) {
  ModuleImports M;
  M.Target.Machine = llvm::ELF::EM_X86_64;
  for (std::string &U : Undefined)
    M.Undefined.push_back({std::move(U)});
  M.Defined = std::move(Defined);
  return M;
}
} // namespace

TEST(ModulePlan, CombinesInputsInOrderWithoutWhatAnotherDefines) {
  SymbolDb Db = dbWith(7);
  std::vector<ModuleImports> Objects{object({"helper", "kfree"}, {"init_module"}),
                                     object({"kfree", "init_module"}, {"helper"})};
  Objects[1].Versions.Extended.emplace();
  auto C = combineInputs({"a.o", "b.o"}, Objects, Db);
  ASSERT_TRUE(bool(C)) << llvm::toString(C.takeError());
  EXPECT_EQ(C->Imports, std::vector<std::string>{"kfree"});
  EXPECT_TRUE(C->AnyExtended);

  auto P = planModule("a.o", *C, Db, {}, {false, "--force relinks anyway", "forced:"});
  ASSERT_TRUE(bool(P)) << llvm::toString(P.takeError());
  ASSERT_EQ(P->Plan.Classic.size(), 1u);
  EXPECT_EQ(P->Plan.Classic[0].Name, "kfree");
  EXPECT_EQ(P->Plan.Classic[0].Crc, 7u);

  Objects[1].Target.Machine = llvm::ELF::EM_AARCH64;
  auto Mixed = combineInputs({"a.o", "b.o"}, Objects, Db);
  ASSERT_FALSE(bool(Mixed));
  EXPECT_NE(llvm::toString(Mixed.takeError()).find("b.o: is "), std::string::npos);
}

TEST(ModulePlan, RefusalIsARefusedErrorUnlessForced) {
  SymbolDb Db = dbWith(7);
  std::vector<ModuleImports> Objects{object({"kfree"}, {})};
  Objects[0].Versions.Classic = std::vector<VersionRecord>{{"kfree", 8}};
  auto C = combineInputs({"a.o"}, Objects, Db);
  ASSERT_TRUE(bool(C)) << llvm::toString(C.takeError());
  GuardPolicy Policy{false, "--force relinks anyway", "--force: relinking although"};
  auto P = planModule("a.o", *C, Db, {}, Policy);
  ASSERT_FALSE(bool(P));
  bool Refused = false;
  llvm::handleAllErrors(P.takeError(), [&](const RefusedError &E) {
    Refused = true;
    EXPECT_EQ(E.message().rfind("a.o: refused: ", 0), 0u) << E.message();
    EXPECT_NE(E.message().find("(--force relinks anyway)"), std::string::npos) << E.message();
  });
  EXPECT_TRUE(Refused);
  Policy.Force = true;
  auto Forced = planModule("a.o", *C, Db, {}, Policy);
  ASSERT_TRUE(bool(Forced)) << llvm::toString(Forced.takeError());
  ASSERT_FALSE(Forced->Warnings.empty());
  bool Said = false;
  for (const std::string &W : Forced->Warnings)
    Said |= W.rfind("--force: relinking although ", 0) == 0;
  EXPECT_TRUE(Said);
}
