// mkmod end to end on objects compiled at test time: the records, the untouched sections, the
// guard, the linkers, compressed and atomic outputs.
#include "Relink/MkMod.h"
#include "Compression/Decompress.h"
#include "Elf/ElfFile.h"
#include "Fixture.h"
#include "Kernel/KernelDb.h"
#include "Module/VersionsSection.h"
#include "Versioning/ModversionsObject.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
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
  for (const char *Name :
       {"imp_a", "imp_b", "imp_weak", "module_layout", "unused_export", "from_other"}) {
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

llvm::Error makeModule(const std::vector<std::string> &Inputs, const std::string &Output, Linker &L,
                       const SymbolDb &Db, MkModOptions Opt = {}) {
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
  std::vector<VersionRecord> Want = {{"imp_a", 0x100},
                                     {"imp_b", 0x101},
                                     {"imp_weak", 0x102},
                                     {"from_other", 0x105},
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
  std::string Obj = compile(
      Dir, "long.c", "extern int " + Long + "(void);\nint f(void) { return " + Long + "(); }\n");
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

// A linker reads the ELF structure only: the signature sign-file appended does not survive a
// relink, and a kernel that enforces signatures would refuse the output. mkmod says so.
TEST(MkMod, SignedInputWarnsThatTheSignatureIsDropped) {
  TempDir Dir;
  std::string Obj = compile(Dir, "quux.c", ModuleSource, {"-O1", "-fno-pic"});
  std::string Signed = Dir.write("signed.o", readWhole(Obj) + std::string(64, 's') +
                                                 std::string("\0\0\2\0\0\0\0\0\0\0\0\x40", 12) +
                                                 "~Module signature appended~\n");
  std::string Out = Dir.file("out.ko");
  auto P = prepareModule({Signed}, Out, kernel(), {});
  ASSERT_TRUE(bool(P)) << llvm::toString(P.takeError());
  ASSERT_FALSE(P->Warnings.empty());
  EXPECT_NE(
      P->Warnings.back().find("signed.o: the appended signature is not carried over by the relink"),
      std::string::npos)
      << P->Warnings.back();
  auto L = Linker::inProcess();
  ASSERT_TRUE(bool(L));
  ASSERT_FALSE(bool(linkModule(*P, **L, Script)));
  EXPECT_EQ(readWhole(Out).find("~Module signature appended~"), std::string::npos);
  auto Plain = prepareModule({Obj}, Out, kernel(), {});
  ASSERT_TRUE(bool(Plain));
  for (const std::string &W : Plain->Warnings)
    EXPECT_EQ(W.find("signature"), std::string::npos) << W;
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
  std::string Symvers =
      Dir.write("Module.symvers", "0x00000100\timp_a\tvmlinux\tEXPORT_SYMBOL\t\n"
                                  "0x00000103\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n");
  // imp_b and from_other are not exported: one error naming both, exit 2, nothing written
  CommandResult R = run({toolPath("mkmod"), Obj, "--symvers", Symvers, "-o", Dir.file("o.ko")});
  EXPECT_EQ(R.ExitCode, 2) << R.Stderr;
  EXPECT_NE(R.Stderr.find("imp_b"), std::string::npos) << R.Stderr;
  EXPECT_NE(R.Stderr.find("from_other"), std::string::npos) << R.Stderr;
  EXPECT_FALSE(llvm::sys::fs::exists(Dir.file("o.ko")));

  R = run(
      {toolPath("mkmod"), Obj, "--symvers", Symvers, "--allow-unresolved", "-o", Dir.file("o.ko")});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_NE(R.Stderr.find("warning"), std::string::npos) << R.Stderr; // bare symvers: no release

  R = run({toolPath("mkmod"), Obj, "--symvers", Symvers});
  EXPECT_EQ(R.ExitCode, 64) << R.Stderr;
}

// The tables follow the kernel's configuration, as kbuild writes them: given as --kernel-config
// (Sources.Config) or carried by a modversions.o, with the same result.
namespace {

const std::string LongName =
    "a_symbol_name_long_enough_that_no_classic_record_of_56_bytes_holds_it";

const char *ConfigBoth = "CONFIG_MODVERSIONS=y\nCONFIG_BASIC_MODVERSIONS=y\n"
                         "CONFIG_EXTENDED_MODVERSIONS=y\n";
const char *ConfigExtOnly = "CONFIG_MODVERSIONS=y\n# CONFIG_BASIC_MODVERSIONS is not set\n"
                            "CONFIG_EXTENDED_MODVERSIONS=y\n";
const char *ConfigClassic = "CONFIG_MODVERSIONS=y\n# CONFIG_EXTENDED_MODVERSIONS is not set\n";

// readelf's view of one section: flags and alignment ("" when absent).
std::string flagsAndAlign(const std::string &Path, llvm::StringRef Name) {
  CommandResult R = run({"readelf", "-SW", Path});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  for (llvm::StringRef Line : llvm::split(R.Stdout, '\n')) {
    llvm::SmallVector<llvm::StringRef, 12> F;
    Line.split(F, ' ', -1, false);
    // [Nr] Name Type Address Off Size ES Flg Lk Inf Al; "[ 1]" splits in two
    auto It = std::find(F.begin(), F.end(), Name);
    if (It == F.end() || F.end() - It < 10)
      continue;
    return (It[6] + " " + It[9]).str();
  }
  return "";
}

class ConfiguredTables : public ::testing::Test {
protected:
  void SetUp() override {
    Module =
        compile(Dir, "long.c",
                "extern int imp_a(int);\nextern int " + LongName +
                    "(void);\nint init_module(void) { return imp_a(1) + " + LongName + "(); }\n",
                {"-O1", "-fno-pic"});
    Short = compile(Dir, "short.c",
                    "extern int imp_a(int);\nint init_module(void) { return imp_a(1); }\n",
                    {"-O1", "-fno-pic"});
    Symvers = Dir.write("Module.symvers", "0x00000100\timp_a\tvmlinux\tEXPORT_SYMBOL\t\n"
                                          "0x00000103\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                                          "0x00000abc\t" +
                                              LongName + "\tvmlinux\tEXPORT_SYMBOL\t\n");
    auto Made = Linker::inProcess();
    ASSERT_TRUE(bool(Made));
    L = std::move(*Made);
  }

  // The database as mkmod --symvers S --kernel-config C reads it.
  SymbolDb withConfig(const char *Config) {
    KernelSources Sources;
    Sources.Symvers = {Symvers};
    Sources.Config = Dir.write("config", Config);
    auto Db = loadKernelDb(Sources);
    EXPECT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
    return Db ? std::move(*Db) : SymbolDb();
  }

  // The same written to modversions.o and read back as mkmod --modversions reads it.
  SymbolDb viaModversionsObject(const char *Config) {
    SymbolDb Db = withConfig(Config);
    std::string Bytes = readWhole(Module);
    auto T = readElfTarget(Module, Bytes);
    EXPECT_TRUE(bool(T));
    Db.kernel().Target = *T;
    auto Obj = writeModversionsObject(Db);
    EXPECT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
    KernelSources Sources;
    Sources.Kernels = {Dir.write("modversions.o", *Obj)};
    auto Back = loadKernelDb(Sources);
    EXPECT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
    return Back ? std::move(*Back) : SymbolDb();
  }

  TempDir Dir;
  std::string Module, Short, Symvers;
  std::unique_ptr<Linker> L;
};

// The extended pair as kbuild lays it out: u32 CRCs in target order, names back to back.
void expectKbuildExtendedLayout(const std::string &Path, const std::vector<VersionRecord> &R) {
  std::string Crcs, Names;
  for (const VersionRecord &V : R) {
    char B[4];
    llvm::support::endian::write32le(B, V.Crc);
    Crcs.append(B, 4);
    Names += V.Name;
    Names += '\0';
  }
  auto Sections = sectionContents(Path);
  EXPECT_EQ(Sections["__version_ext_crcs"], Crcs);
  EXPECT_EQ(Sections["__version_ext_names"], Names);
  EXPECT_EQ(flagsAndAlign(Path, "__version_ext_crcs"), "A 4");
  EXPECT_EQ(flagsAndAlign(Path, "__version_ext_names"), "A 1");
}

} // namespace

TEST_F(ConfiguredTables, ExtendedKernelGetsBothTables) {
  for (bool ViaObject : {false, true}) {
    SCOPED_TRACE(ViaObject ? "modversions.o" : "--kernel-config");
    SymbolDb Db = ViaObject ? viaModversionsObject(ConfigBoth) : withConfig(ConfigBoth);
    std::string Out = Dir.file(ViaObject ? "o.ko" : "c.ko");
    ASSERT_FALSE(bool(makeModule({Module}, Out, *L, Db)));
    std::string Bytes = readWhole(Out);
    auto T = readVersionTables(Out, Bytes);
    ASSERT_TRUE(bool(T)) << llvm::toString(T.takeError());
    ASSERT_TRUE(T->Classic && T->Extended);
    ASSERT_EQ(T->Extended->size(), 3u);
    EXPECT_EQ(T->Extended->back(), (VersionRecord{"module_layout", 0x103}));
    EXPECT_NE(std::find(T->Extended->begin(), T->Extended->end(), VersionRecord{LongName, 0xabc}),
              T->Extended->end());
    EXPECT_EQ(*T->Classic,
              (std::vector<VersionRecord>{{"imp_a", 0x100}, {"module_layout", 0x103}}));
    EXPECT_EQ(flagsAndAlign(Out, "__versions"), "A 8");
    expectKbuildExtendedLayout(Out, *T->Extended);

    // Short names only: still the extended pair, because kbuild writes it for this kernel.
    std::string ShortOut = Dir.file(ViaObject ? "so.ko" : "sc.ko");
    ASSERT_FALSE(bool(makeModule({Short}, ShortOut, *L, Db)));
    std::string ShortBytes = readWhole(ShortOut);
    auto ST = readVersionTables(ShortOut, ShortBytes);
    ASSERT_TRUE(bool(ST));
    ASSERT_TRUE(ST->Extended && ST->Classic);
    EXPECT_EQ(*ST->Extended, *ST->Classic);
  }
  EXPECT_EQ(sectionContents(Dir.file("o.ko")), sectionContents(Dir.file("c.ko")));
}

TEST_F(ConfiguredTables, BasicOffGivesNoVersionsSection) {
  for (bool ViaObject : {false, true}) {
    SCOPED_TRACE(ViaObject ? "modversions.o" : "--kernel-config");
    SymbolDb Db = ViaObject ? viaModversionsObject(ConfigExtOnly) : withConfig(ConfigExtOnly);
    std::string Out = Dir.file(ViaObject ? "o.ko" : "c.ko");
    ASSERT_FALSE(bool(makeModule({Module}, Out, *L, Db)));
    std::string Bytes = readWhole(Out);
    auto T = readVersionTables(Out, Bytes);
    ASSERT_TRUE(bool(T)) << llvm::toString(T.takeError());
    EXPECT_FALSE(T->Classic);
    ASSERT_TRUE(T->Extended);
    EXPECT_EQ(T->Extended->size(), 3u);
    EXPECT_EQ(flagsAndAlign(Out, "__versions"), "");
    expectKbuildExtendedLayout(Out, *T->Extended);
  }
  EXPECT_EQ(sectionContents(Dir.file("o.ko")), sectionContents(Dir.file("c.ko")));
}

TEST_F(ConfiguredTables, ClassicKernelRefusesTooLongSymbol) {
  for (bool ViaObject : {false, true}) {
    SCOPED_TRACE(ViaObject ? "modversions.o" : "--kernel-config");
    SymbolDb Db = ViaObject ? viaModversionsObject(ConfigClassic) : withConfig(ConfigClassic);
    std::string Out = Dir.file("short.ko");
    ASSERT_FALSE(bool(makeModule({Short}, Out, *L, Db)));
    std::string Bytes = readWhole(Out);
    auto T = readVersionTables(Out, Bytes);
    ASSERT_TRUE(bool(T));
    EXPECT_FALSE(T->Extended);
    ASSERT_TRUE(T->Classic);
    EXPECT_EQ(T->Classic->size(), 2u);

    llvm::Error E = makeModule({Module}, Dir.file("long.ko"), *L, Db);
    ASSERT_TRUE(bool(E));
    std::string Msg = llvm::toString(std::move(E));
    EXPECT_NE(Msg.find("too long symbol \"" + LongName + "\""), std::string::npos) << Msg;
    EXPECT_FALSE(llvm::sys::fs::exists(Dir.file("long.ko")));

    // --extended overrides the configuration.
    MkModOptions Forced;
    Forced.Records.ForceExtended = true;
    ASSERT_FALSE(bool(makeModule({Module}, Dir.file("long.ko"), *L, Db, Forced)));
    std::string LongBytes = readWhole(Dir.file("long.ko"));
    auto LT = readVersionTables(Dir.file("long.ko"), LongBytes);
    ASSERT_TRUE(bool(LT));
    EXPECT_TRUE(LT->Extended && LT->Classic);
    llvm::sys::fs::remove(Dir.file("long.ko"));
  }
}

TEST_F(ConfiguredTables, MkmodToolTakesKernelConfig) {
  std::string Config = Dir.write("cfg", ConfigExtOnly);
  CommandResult R = run({toolPath("mkmod"), Module, "--symvers", Symvers, "--kernel-config", Config,
                         "-o", Dir.file("t.ko")});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_EQ(flagsAndAlign(Dir.file("t.ko"), "__versions"), "");
  EXPECT_EQ(flagsAndAlign(Dir.file("t.ko"), "__version_ext_crcs"), "A 4");
}
