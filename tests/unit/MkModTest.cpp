// mkmod end to end on objects compiled at test time: the records, the untouched sections, the
// guard, the linkers, compressed and atomic outputs.
#include "Compression/Decompress.h"
#include "Elf/ElfFile.h"
#include "Fixture.h"
#include "Relink/MkMod.h"
#include "Module/VersionsSection.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <map>

using namespace modver;
using namespace modver::test;

namespace {

const char *Script = MODVER_SOURCE_DIR "/linker-scripts/modver.lds";

const char *ModuleSource = R"(
extern int imp_a(int);
extern int imp_b(int);
extern int imp_weak(int) __attribute__((weak));
extern int from_other(int);
int counter = 7;
const char message[] = "unchanged rodata";
__attribute__((section(".modinfo"), used)) static const char vm[] =
    "vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions ";
__attribute__((section(".modinfo"), used)) static const char lic[] = "license=GPL";
int local_helper(int x) { return x + counter; }
int init_module(void) {
  return imp_a(1) + imp_b(2) + (imp_weak ? imp_weak(3) : 0) + from_other(4) + local_helper(5);
}
)";

const char *OtherSource = "int from_other(int x) { return x * 2; }\n";

SymbolDb kernel() {
  SymbolDb Db;
  int Crc = 0x100;
  for (const char *Name : {"imp_a", "imp_b", "imp_weak", "module_layout", "unused_export",
                           "from_other"}) {
    Export E;
    E.Name = Name;
    E.Crc = Crc++;
    E.Exporter = "vmlinux";
    E.Source = "test";
    EXPECT_FALSE(bool(Db.add(E)));
  }
  Db.kernel().Release = "6.1.0-56-amd64";
  Db.kernel().Vermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
  return Db;
}

// Section name -> contents, for every section that is not a relocation, symbol or string
// table (those a relocatable link may legitimately rewrite).
std::map<std::string, std::string> sectionContents(const std::string &Path) {
  std::map<std::string, std::string> Out;
  std::string Bytes = readWhole(Path);
  llvm::Error E = withElfFile(Path, Bytes, [&](const auto &Elf) -> llvm::Error {
    auto Sections = Elf.sections();
    if (!Sections)
      return Sections.takeError();
    for (const auto &Sec : *Sections) {
      if (Sec.sh_type == llvm::ELF::SHT_RELA || Sec.sh_type == llvm::ELF::SHT_REL ||
          Sec.sh_type == llvm::ELF::SHT_SYMTAB || Sec.sh_type == llvm::ELF::SHT_STRTAB ||
          Sec.sh_type == llvm::ELF::SHT_NULL)
        continue;
      auto Name = Elf.getSectionName(Sec);
      auto Data = Elf.getSectionContents(Sec);
      if (!Name || !Data)
        return llvm::createStringError(llvm::inconvertibleErrorCode(), "bad section");
      Out[Name->str()] = llvm::toStringRef(*Data).str();
    }
    return llvm::Error::success();
  });
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
  return Out;
}

std::vector<VersionRecord> records(const std::string &Path) {
  std::string Bytes = readWhole(Path);
  auto Tables = readVersionTables(Path, Bytes);
  EXPECT_TRUE(bool(Tables)) << llvm::toString(Tables.takeError());
  return Tables->Classic ? *Tables->Classic : std::vector<VersionRecord>{};
}

llvm::Error makeModule(const std::vector<std::string> &Inputs, const std::string &Output,
                       Linker &L, const SymbolDb &Db, MkModOptions Opt = {}) {
  auto P = prepareModule(Inputs, Output, Db, Opt);
  if (!P)
    return P.takeError();
  return linkModule(*P, L, Script);
}

class MkModTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    Module = compile(Dir, "quux.c", ModuleSource, {"-O1", "-fno-pic"});
    Other = compile(Dir, "other.c", OtherSource, {"-O1", "-fno-pic"});
    auto Made = GetParam() == "lld" ? Linker::inProcess() : Linker::external(GetParam());
    ASSERT_TRUE(bool(Made)) << llvm::toString(Made.takeError());
    L = std::move(*Made);
  }
  TempDir Dir;
  std::string Module, Other;
  std::unique_ptr<Linker> L;
};

} // namespace

TEST_P(MkModTest, RecordsAreExactlyTheImportsThenModuleLayout) {
  std::string Out = Dir.file("quux.ko");
  ASSERT_FALSE(bool(makeModule({Module}, Out, *L, kernel())));
  std::vector<VersionRecord> R = records(Out);
  std::vector<VersionRecord> Want = {
      {"imp_a", 0x100}, {"imp_b", 0x101}, {"imp_weak", 0x102}, {"from_other", 0x105},
      {"module_layout", 0x103}};
  // symtab order is the compiler's; compare as a set, module_layout last
  ASSERT_EQ(R.size(), Want.size());
  EXPECT_EQ(R.back(), Want.back());
  for (const VersionRecord &W : Want)
    EXPECT_NE(std::find(R.begin(), R.end(), W), R.end()) << W.Name;
}

TEST_P(MkModTest, EveryOtherSectionIsUnchanged) {
  std::string Out = Dir.file("quux.ko");
  ASSERT_FALSE(bool(makeModule({Module}, Out, *L, kernel())));
  auto Before = sectionContents(Module);
  auto After = sectionContents(Out);
  for (const auto &[Name, Bytes] : Before) {
    ASSERT_TRUE(After.count(Name)) << Name << " lost";
    EXPECT_EQ(After[Name], Bytes) << Name << " changed";
  }
  ASSERT_TRUE(After.count("__versions"));
}

TEST_P(MkModTest, SymbolDefinedByAnotherInputGetsNoRecord) {
  std::string Out = Dir.file("quux.ko");
  ASSERT_FALSE(bool(makeModule({Module, Other}, Out, *L, kernel())));
  for (const VersionRecord &R : records(Out))
    EXPECT_NE(R.Name, "from_other");
  EXPECT_EQ(records(Out).size(), 4u);
}

TEST_P(MkModTest, ReversioningReplacesRecordsInsteadOfAddingThem) {
  std::string First = Dir.file("first.ko"), Second = Dir.file("second.ko");
  ASSERT_FALSE(bool(makeModule({Module}, First, *L, kernel())));
  ASSERT_FALSE(bool(makeModule({First}, Second, *L, kernel())));
  // The order follows the symbol table, which a relink may reorder; the loader does not care.
  auto Sorted = [](std::vector<VersionRecord> R) {
    std::sort(R.begin(), R.end(),
              [](const VersionRecord &A, const VersionRecord &B) { return A.Name < B.Name; });
    return R;
  };
  EXPECT_EQ(Sorted(records(Second)), Sorted(records(First)));
  std::string Bytes = readWhole(Second);
  EXPECT_EQ(readVersionTables(Second, Bytes)->Classic->size(), 5u);
}

TEST_P(MkModTest, OutputIsReproducible) {
  std::string A = Dir.file("a.ko"), B = Dir.file("b.ko");
  ASSERT_FALSE(bool(makeModule({Module}, A, *L, kernel())));
  ASSERT_FALSE(bool(makeModule({Module}, B, *L, kernel())));
  EXPECT_EQ(readWhole(A), readWhole(B));
}

INSTANTIATE_TEST_SUITE_P(Linkers, MkModTest, ::testing::Values("lld", "ld", "ld.lld"));

TEST(MkMod, ExtendedRecordsForLongNames) {
  TempDir Dir;
  std::string Long(70, 'q');
  std::string Obj = compile(Dir, "long.c",
                            "extern int " + Long + "(void);\nint f(void) { return " + Long + "(); }\n");
  SymbolDb Db = kernel();
  Export E;
  E.Name = Long;
  E.Crc = 0xabc;
  E.Source = "test";
  ASSERT_FALSE(bool(Db.add(E)));
  auto L = Linker::inProcess();
  ASSERT_TRUE(bool(L));
  std::string Out = Dir.file("long.ko");
  ASSERT_FALSE(bool(makeModule({Obj}, Out, **L, Db)));
  std::string Bytes = readWhole(Out);
  auto Tables = readVersionTables(Out, Bytes);
  ASSERT_TRUE(bool(Tables));
  ASSERT_TRUE(Tables->Extended);
  EXPECT_EQ(Tables->Extended->front(), (VersionRecord{Long, 0xabc}));
  EXPECT_EQ(Tables->Classic->size(), 1u); // module_layout fits, the long name does not
}

TEST(MkMod, CompressedOutputWhenTheNameSaysSo) {
  TempDir Dir;
  std::string Obj = compile(Dir, "quux.c", ModuleSource, {"-O1"});
  auto L = Linker::inProcess();
  ASSERT_TRUE(bool(L));
  SymbolDb Db = kernel();
  std::string Plain = Dir.file("q.ko");
  ASSERT_FALSE(bool(makeModule({Obj}, Plain, **L, Db, {{false, true, false}, false, false})));
  for (const char *Suffix : {".xz", ".zst", ".gz"}) {
    std::string Out = Plain + Suffix;
    ASSERT_FALSE(bool(makeModule({Obj}, Out, **L, Db, {{false, true, false}, false, false})));
    std::string Packed = readWhole(Out);
    ASSERT_NE(detectCompression(Packed), Compression::None) << Suffix;
    auto Unpacked = decompress(Out, Packed, detectCompression(Packed));
    ASSERT_TRUE(bool(Unpacked));
    EXPECT_EQ((*Unpacked)->getBuffer(), readWhole(Plain)) << Suffix;
  }
}

TEST(MkMod, GuardRefusalWritesNothing) {
  TempDir Dir;
  std::string Obj = compile(Dir, "quux.c", ModuleSource, {"-O1"});
  SymbolDb Db = kernel();
  Db.kernel().Release = "6.1.0-47-amd64";
  Db.kernel().Vermagic = "6.1.0-47-amd64 SMP preempt mod_unload modversions ";
  std::string Out = Dir.write("existing.ko", "previous contents");
  auto P = prepareModule({Obj}, Out, Db, {});
  ASSERT_FALSE(bool(P));
  bool Refused = false;
  llvm::handleAllErrors(P.takeError(), [&](const RefusedError &E) {
    Refused = true;
    EXPECT_NE(E.message().find("6.1.0-56-amd64"), std::string::npos) << E.message();
  });
  EXPECT_TRUE(Refused);
  EXPECT_EQ(readWhole(Out), "previous contents");

  MkModOptions Force;
  Force.Force = true;
  auto Forced = prepareModule({Obj}, Out, Db, Force);
  ASSERT_TRUE(bool(Forced));
  ASSERT_FALSE(Forced->Warnings.empty());
  EXPECT_NE(Forced->Warnings.back().find("--force"), std::string::npos);
}

TEST(MkMod, InputIsNeverTheOutputWithoutInPlace) {
  TempDir Dir;
  std::string Obj = compile(Dir, "quux.c", ModuleSource, {"-O1"});
  std::string Before = readWhole(Obj);
  auto P = prepareModule({Obj}, Obj, kernel(), {});
  ASSERT_FALSE(bool(P));
  EXPECT_NE(llvm::toString(P.takeError()).find("--in-place"), std::string::npos);
  EXPECT_EQ(readWhole(Obj), Before);
}

TEST(MkModTool, ExitCodesAndMessages) {
  TempDir Dir;
  std::string Obj = compile(Dir, "quux.c", ModuleSource, {"-O1"});
  std::string Symvers = Dir.write("Module.symvers",
                                  "0x00000100\timp_a\tvmlinux\tEXPORT_SYMBOL\t\n"
                                  "0x00000103\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n");
  // imp_b and from_other are not exported: one error naming both, exit 2, nothing written
  CommandResult R = run({toolPath("mkmod"), Obj, "--symvers", Symvers, "-o", Dir.file("o.ko")});
  EXPECT_EQ(R.ExitCode, 2) << R.Stderr;
  EXPECT_NE(R.Stderr.find("imp_b"), std::string::npos) << R.Stderr;
  EXPECT_NE(R.Stderr.find("from_other"), std::string::npos) << R.Stderr;
  EXPECT_FALSE(llvm::sys::fs::exists(Dir.file("o.ko")));

  R = run({toolPath("mkmod"), Obj, "--symvers", Symvers, "--allow-unresolved", "-o",
           Dir.file("o.ko")});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_NE(R.Stderr.find("warning"), std::string::npos) << R.Stderr; // bare symvers: no release

  R = run({toolPath("mkmod"), Obj, "--symvers", Symvers});
  EXPECT_EQ(R.ExitCode, 64) << R.Stderr;
}
