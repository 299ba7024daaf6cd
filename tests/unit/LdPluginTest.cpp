// libmodver-ld.so under the real GNU linkers (ld.bfd and gold): the records it adds inside the
// link equal mkmod's, inputs that already carry records get only what is missing, and the
// failures (disagreeing records, unexported imports, LTO objects) fail the link itself.
#include "Database/Symvers.h"
#include "Elf/ElfFile.h"
#include "Elf/ElfTarget.h"
#include "Fixture.h"
#include "LdPlugin/LinkSession.h"
#include "LdPlugin/LtoInput.h"
#include "LdPlugin/PluginOptions.h"
#include "Module/VersionsSection.h"
#include "Relink/MkMod.h"
#include "Relink/Relink.h"
#include "Versioning/ModversionsObject.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace modver;
using namespace modver::test;

namespace {

const char *PluginPath = MODVER_LD_PLUGIN;

// The part of kbuild's scripts/module.lds (6.1) that matters here: it names no version
// section, so every input's __versions is an orphan that GNU ld concatenates in input order.
const char *KbuildModuleLds = R"(
SECTIONS {
  /DISCARD/ : { *(.discard) *(.discard.*) }
  __ksymtab 0 : { *(SORT(___ksymtab+*)) }
  __ksymtab_gpl 0 : { *(SORT(___ksymtab_gpl+*)) }
  __kcrctab 0 : { *(SORT(___kcrctab+*)) }
  __kcrctab_gpl 0 : { *(SORT(___kcrctab_gpl+*)) }
  .ctors 0 : ALIGN(8) { *(SORT(.ctors.*)) *(.ctors) }
  .init_array 0 : ALIGN(8) { *(SORT(.init_array.*)) *(.init_array) }
  .altinstructions 0 : ALIGN(8) { KEEP(*(.altinstructions)) }
  __bug_table 0 : ALIGN(8) { KEEP(*(__bug_table)) }
  __jump_table 0 : ALIGN(8) { KEEP(*(__jump_table)) }
  __patchable_function_entries : { *(__patchable_function_entries) }
}
)";

const char *ModuleSource = R"(
extern int imp_a(int);
extern int imp_b(int);
extern int imp_weak(int) __attribute__((weak));
extern int from_other(int);
__attribute__((section(".modinfo"), used)) static const char vm[] =
    "vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions ";
int init_module(void) {
  return imp_a(1) + imp_b(2) + (imp_weak ? imp_weak(3) : 0) + from_other(4);
}
)";

// Defines from_other, which the kernel exports too: inside the module it needs no record.
const char *OtherSource = "int from_other(int x) { return x * 2; }\n";

// What modpost's foo.mod.c contributes: records for some imports (CRC as given).
std::string modObjectSource(uint32_t ImpACrc) {
  return "struct modversion_info { unsigned long crc; char name[56]; };\n"
         "static const struct modversion_info ____versions[]\n"
         "  __attribute__((used, section(\"__versions\"))) = {\n"
         "  { " +
         std::to_string(ImpACrc) +
         "UL, \"imp_a\" },\n"
         "  { 0x103UL, \"module_layout\" },\n};\n";
}

const char *Symvers = "0x00000100\timp_a\tvmlinux\tEXPORT_SYMBOL\t\n"
                      "0x00000101\timp_b\tvmlinux\tEXPORT_SYMBOL\t\n"
                      "0x00000102\timp_weak\tvmlinux\tEXPORT_SYMBOL\t\n"
                      "0x00000103\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                      "0x00000104\tfrom_other\tvmlinux\tEXPORT_SYMBOL\t\n"
                      "0x00000105\tunused_export\tvmlinux\tEXPORT_SYMBOL\t\n";

// Contents of section Name in the ELF file at Path ("" when absent).
std::string sectionBytes(const std::string &Path, llvm::StringRef Name) {
  std::string Bytes = readWhole(Path);
  std::string Out;
  llvm::Error E = withElfFile(Path, Bytes, [&](const auto &Elf) -> llvm::Error {
    auto Sec = findSection(Elf, Name);
    if (!Sec)
      return Sec.takeError();
    if (*Sec) {
      auto Data = Elf.getSectionContents(**Sec);
      if (!Data)
        return Data.takeError();
      Out = llvm::toStringRef(*Data).str();
    }
    return llvm::Error::success();
  });
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
  return Out;
}

std::vector<VersionRecord> classicRecords(const std::string &Path) {
  std::string Bytes = readWhole(Path);
  auto Tables = readVersionTables(Path, Bytes);
  EXPECT_TRUE(bool(Tables)) << llvm::toString(Tables.takeError());
  return Tables && Tables->Classic ? *Tables->Classic : std::vector<VersionRecord>{};
}

std::vector<std::string> names(const std::vector<VersionRecord> &Records) {
  std::vector<std::string> Out;
  for (const VersionRecord &R : Records)
    Out.push_back(R.Name);
  return Out;
}

// The linker under test is the parameter: "ld.bfd" or "ld.gold".
class LdPluginTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    auto Found = llvm::sys::findProgramByName(GetParam());
    if (!Found)
      GTEST_SKIP() << GetParam() << " is not installed";
    LinkerPath = *Found;
    Script = Dir.write("module.lds", KbuildModuleLds);
    SymversPath = Dir.write("Module.symvers", Symvers);
    Module = compile(Dir, "quux.c", ModuleSource, {"-O1", "-fno-pic"});
    Other = compile(Dir, "other.c", OtherSource, {"-O1", "-fno-pic"});
  }

  // ld -r -plugin libmodver-ld.so <PluginOpts> -T module.lds -o Output Inputs...
  CommandResult link(const std::vector<std::string> &Inputs, const std::string &Output,
                     const std::vector<std::string> &PluginOpts = {}) {
    std::vector<std::string> Argv = {LinkerPath, "-r", "-plugin", PluginPath,
                                     "-plugin-opt=symvers=" + SymversPath};
    for (const std::string &O : PluginOpts)
      Argv.push_back("-plugin-opt=" + O);
    Argv.insert(Argv.end(), {"-T", Script, "-o", Output});
    Argv.insert(Argv.end(), Inputs.begin(), Inputs.end());
    return run(Argv);
  }

  // What mkmod writes for the same inputs (prepare + in-process link, as the tool does).
  std::string mkmod(const std::vector<std::string> &Inputs, const std::string &Output) {
    auto Db = readKernelFile(SymversPath);
    EXPECT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
    auto P = prepareModule(Inputs, Output, *Db, {});
    EXPECT_TRUE(bool(P)) << llvm::toString(P.takeError());
    auto L = Linker::inProcess();
    EXPECT_TRUE(bool(L)) << llvm::toString(L.takeError());
    llvm::Error E = linkModule(*P, **L, MODVER_SOURCE_DIR "/linker-scripts/modver.lds");
    EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
    return Output;
  }

  TempDir Dir;
  std::string LinkerPath, Script, SymversPath, Module, Other;
};

} // namespace

TEST_P(LdPluginTest, RecordsEqualMkmodByteForByte) {
  std::string Out = Dir.file("quux.ko");
  CommandResult R = link({Module, Other}, Out);
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  std::string Want = sectionBytes(mkmod({Module, Other}, Dir.file("mkmod.ko")), "__versions");
  ASSERT_FALSE(Want.empty());
  // Same combination rule and same order (inputs in command-line order, each in symbol-table
  // order, module_layout last), so the bytes are equal, not merely the set.
  EXPECT_EQ(sectionBytes(Out, "__versions"), Want);
  std::vector<std::string> N = names(classicRecords(Out));
  EXPECT_EQ(N.back(), "module_layout");
  EXPECT_EQ(std::count(N.begin(), N.end(), "from_other"), 0) << "defined by other.o";
  EXPECT_EQ(std::count(N.begin(), N.end(), "unused_export"), 0);
  EXPECT_EQ(std::count(N.begin(), N.end(), "imp_weak"), 1);
}

TEST_P(LdPluginTest, ImportDefinedByNoInputGetsARecord) {
  std::string Out = Dir.file("quux.ko");
  CommandResult R = link({Module}, Out);
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  std::vector<std::string> N = names(classicRecords(Out));
  EXPECT_EQ(std::count(N.begin(), N.end(), "from_other"), 1);
  EXPECT_EQ(sectionBytes(Out, "__versions"),
            sectionBytes(mkmod({Module}, Dir.file("mkmod.ko")), "__versions"));
}

TEST_P(LdPluginTest, AgreeingRecordsOfAnInputAreNotDuplicated) {
  std::string ModObj = compile(Dir, "quux.mod.c", modObjectSource(0x100), {"-O1"});
  std::string Out = Dir.file("quux.ko");
  CommandResult R = link({Module, Other, ModObj}, Out);
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  std::vector<VersionRecord> Got = classicRecords(Out);
  // modpost's two records first (their input section comes first), then only what was missing.
  std::vector<VersionRecord> Want = {
      {"imp_a", 0x100}, {"module_layout", 0x103}, {"imp_b", 0x101}, {"imp_weak", 0x102}};
  EXPECT_EQ(Got, Want);
  // The same set mkmod gives (it replaces the table instead, so its order differs).
  std::vector<VersionRecord> Mk =
      classicRecords(mkmod({Module, Other, ModObj}, Dir.file("mkmod.ko")));
  auto ByName = [](const VersionRecord &A, const VersionRecord &B) { return A.Name < B.Name; };
  std::sort(Got.begin(), Got.end(), ByName);
  std::sort(Mk.begin(), Mk.end(), ByName);
  EXPECT_EQ(Got, Mk);
}

TEST_P(LdPluginTest, InputWhoseRecordsCarryAllImportsAddsNothing) {
  std::string Full =
      "struct modversion_info { unsigned long crc; char name[56]; };\n"
      "static const struct modversion_info v[] __attribute__((used, section(\"__versions\"))) "
      "= { {0x100UL, \"imp_a\"}, {0x101UL, \"imp_b\"}, {0x102UL, \"imp_weak\"},"
      " {0x103UL, \"module_layout\"} };\n";
  std::string ModObj = compile(Dir, "full.mod.c", Full, {"-O1"});
  std::string Out = Dir.file("quux.ko");
  CommandResult R = link({Module, Other, ModObj}, Out);
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_EQ(classicRecords(Out).size(), 4u);
}

TEST_P(LdPluginTest, DisagreeingRecordsFailTheLink) {
  std::string ModObj = compile(Dir, "quux.mod.c", modObjectSource(0xdead), {"-O1"});
  std::string Out = Dir.file("quux.ko");
  CommandResult R = link({Module, Other, ModObj}, Out);
  EXPECT_NE(R.ExitCode, 0);
  std::string All = R.Stdout + R.Stderr;
  EXPECT_NE(All.find("quux.mod.o"), std::string::npos) << All;
  EXPECT_NE(All.find("disagree"), std::string::npos) << All;
  EXPECT_NE(All.find("imp_a (0x0000dead -> 0x00000100)"), std::string::npos) << All;
}

TEST_P(LdPluginTest, UnexportedImportFailsTheLinkUnlessAllowed) {
  // A kernel without imp_b.
  std::string Partial;
  for (llvm::StringRef Line : llvm::split(llvm::StringRef(Symvers), '\n'))
    if (!Line.empty() && !Line.contains("\timp_b\t"))
      Partial += Line.str() + "\n";
  SymversPath = Dir.write("partial.symvers", Partial);
  std::string Out = Dir.file("quux.ko");
  CommandResult R = link({Module, Other}, Out);
  EXPECT_NE(R.ExitCode, 0);
  std::string All = R.Stdout + R.Stderr;
  EXPECT_NE(All.find("does not export 1 imported symbol: imp_b"), std::string::npos) << All;

  R = link({Module, Other}, Out, {"allow-unresolved"});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  // GNU ld prints a plugin's warnings on stdout, gold on stderr.
  EXPECT_NE((R.Stdout + R.Stderr).find("\"imp_b\""), std::string::npos) << "warned about";
  std::vector<std::string> N = names(classicRecords(Out));
  EXPECT_EQ(std::count(N.begin(), N.end(), "imp_b"), 0);
  EXPECT_EQ(std::count(N.begin(), N.end(), "imp_a"), 1);
}

TEST_P(LdPluginTest, TwoLinksGiveIdenticalBytes) {
  std::string A = Dir.file("a.ko"), B = Dir.file("b.ko");
  ASSERT_EQ(link({Module, Other}, A).ExitCode, 0);
  ASSERT_EQ(link({Module, Other}, B).ExitCode, 0);
  EXPECT_EQ(readWhole(A), readWhole(B));
  // Nothing of the build machine's temporary files leaks into the module.
  EXPECT_EQ(readWhole(A).find("modver-ld-versions"), std::string::npos);
}

TEST_P(LdPluginTest, LtoObjectGivesAClearMessage) {
  std::string Lto = compile(Dir, "lto.c", "extern int imp_a(int); int f(void){return imp_a(1);}",
                            {"-O1", "-flto"}, "gcc");
  std::string Out = Dir.file("quux.ko");
  CommandResult R = link({Module, Lto}, Out);
  EXPECT_NE(R.ExitCode, 0);
  std::string All = R.Stdout + R.Stderr;
  EXPECT_NE(All.find("lto.o: is an LTO object"), std::string::npos) << All;
  EXPECT_NE(All.find("mkmod"), std::string::npos) << All;
}

// Through the gcc driver GCC's own plugin comes first and claims the object before ours sees
// it; its resolution file gives it away.
TEST_P(LdPluginTest, LtoObjectClaimedByGccsPluginGivesAClearMessage) {
  std::string Lto = compile(Dir, "lto.c", "extern int imp_a(int); int f(void){return imp_a(1);}",
                            {"-O1", "-flto"}, "gcc");
  std::string Fuse = GetParam() == "ld.gold" ? "-fuse-ld=gold" : "-fuse-ld=bfd";
  CommandResult R = run(
      {"gcc", Fuse, "-flto", "-r", "-nostdlib", "-Wl,-plugin," + std::string(PluginPath),
       "-Wl,-plugin-opt=symvers=" + SymversPath, "-o", Dir.file("quux.ko"), Module, Other, Lto});
  EXPECT_NE(R.ExitCode, 0);
  std::string All = R.Stdout + R.Stderr;
  EXPECT_NE(All.find("is an LTO object (claimed by GCC's LTO plugin)"), std::string::npos) << All;
}

TEST_P(LdPluginTest, NoKernelGivenIsAnError) {
  CommandResult R = run({LinkerPath, "-r", "-plugin", PluginPath, "-o", Dir.file("x.ko"), Module});
  EXPECT_NE(R.ExitCode, 0);
  EXPECT_NE((R.Stdout + R.Stderr).find("no kernel given"), std::string::npos);
}

TEST_P(LdPluginTest, UnknownOptionIsAnError) {
  CommandResult R = link({Module}, Dir.file("x.ko"), {"allow-unresolve"});
  EXPECT_NE(R.ExitCode, 0);
  EXPECT_NE((R.Stdout + R.Stderr).find("unknown option 'allow-unresolve'"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(GnuLinkers, LdPluginTest, ::testing::Values("ld.bfd", "ld.gold"),
                         [](const auto &Info) {
                           return Info.param == "ld.bfd" ? std::string("bfd") : std::string("gold");
                         });

// The plugin writes the tables the kernel's configuration asks for, as mkmod does with the
// same configuration: given as kernel-config= or carried by a modversions.o.
namespace {

struct ConfigCase {
  const char *Config;
  bool Classic, Extended;
};

const ConfigCase ConfigCases[] = {
    {"CONFIG_MODVERSIONS=y\nCONFIG_BASIC_MODVERSIONS=y\nCONFIG_EXTENDED_MODVERSIONS=y\n", true,
     true},
    {"CONFIG_MODVERSIONS=y\n# CONFIG_BASIC_MODVERSIONS is not set\n"
     "CONFIG_EXTENDED_MODVERSIONS=y\n",
     false, true},
    {"CONFIG_MODVERSIONS=y\n# CONFIG_EXTENDED_MODVERSIONS is not set\n", true, false}};

VersionTables tablesOf(const std::string &Path) {
  std::string Bytes = readWhole(Path);
  auto T = readVersionTables(Path, Bytes);
  EXPECT_TRUE(bool(T)) << llvm::toString(T.takeError());
  return T ? *T : VersionTables();
}

} // namespace

TEST_P(LdPluginTest, TablesFollowTheKernelConfigurationAsMkmodWritesThem) {
  for (const ConfigCase &C : ConfigCases) {
    SCOPED_TRACE(C.Config);
    std::string Config = Dir.write("config", C.Config);
    KernelSources Sources;
    Sources.Symvers = {SymversPath};
    Sources.Config = Config;
    auto Db = loadKernelDb(Sources);
    ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
    auto P = prepareModule({Module, Other}, Dir.file("mkmod.ko"), *Db, {});
    ASSERT_TRUE(bool(P)) << llvm::toString(P.takeError());
    auto L = Linker::inProcess();
    ASSERT_TRUE(bool(L));
    ASSERT_FALSE(bool(linkModule(*P, **L, MODVER_SOURCE_DIR "/linker-scripts/modver.lds")));

    // modversions.o of the same kernel, target from the module.
    std::string Bytes = readWhole(Module);
    auto Target = readElfTarget(Module, Bytes);
    ASSERT_TRUE(bool(Target));
    Db->kernel().Target = *Target;
    auto Obj = writeModversionsObject(*Db);
    ASSERT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
    std::string ModversionsO = Dir.write("modversions.o", *Obj);

    std::string ByConfig = Dir.file("config.ko"), ByObject = Dir.file("object.ko");
    CommandResult R = link({Module, Other}, ByConfig, {"kernel-config=" + Config});
    ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
    std::vector<std::string> Argv = {
        LinkerPath, "-r",   "-plugin", PluginPath, "-plugin-opt=modversions=" + ModversionsO,
        "-T",       Script, "-o",      ByObject,   Module,
        Other};
    R = run(Argv);
    ASSERT_EQ(R.ExitCode, 0) << R.Stderr;

    for (const std::string &Out : {ByConfig, ByObject}) {
      SCOPED_TRACE(Out);
      VersionTables T = tablesOf(Out);
      EXPECT_EQ(bool(T.Classic), C.Classic);
      EXPECT_EQ(bool(T.Extended), C.Extended);
      if (T.Extended) {
        EXPECT_EQ(T.Extended->back().Name, "module_layout");
      }
      for (const char *Sec : {"__versions", "__version_ext_crcs", "__version_ext_names"})
        EXPECT_EQ(sectionBytes(Out, Sec), sectionBytes(Dir.file("mkmod.ko"), Sec)) << Sec;
    }
  }
}

TEST_P(LdPluginTest, TooLongSymbolFailsTheLinkForAClassicKernel) {
  std::string Long(70, 'q');
  std::string LongObj = compile(
      Dir, "long.c", "extern int " + Long + "(void);\nint g(void) { return " + Long + "(); }\n",
      {"-O1", "-fno-pic"});
  std::string LongSymvers =
      Dir.write("long.symvers", "0x00000abc\t" + Long + "\tvmlinux\tEXPORT_SYMBOL\t\n");
  std::string Config =
      Dir.write("config", "CONFIG_MODVERSIONS=y\n# CONFIG_EXTENDED_MODVERSIONS is not set\n");
  std::string Out = Dir.file("quux.ko");
  CommandResult R =
      link({Module, Other, LongObj}, Out, {"symvers=" + LongSymvers, "kernel-config=" + Config});
  EXPECT_NE(R.ExitCode, 0);
  std::string All = R.Stdout + R.Stderr;
  EXPECT_NE(All.find("too long symbol \"" + Long + "\""), std::string::npos) << All;

  // "extended" overrides the configuration.
  R = link({Module, Other, LongObj}, Out,
           {"symvers=" + LongSymvers, "kernel-config=" + Config, "extended"});
  ASSERT_EQ(R.ExitCode, 0) << R.Stdout << R.Stderr;
  VersionTables T = tablesOf(Out);
  ASSERT_TRUE(T.Extended);
  EXPECT_NE(std::find(T.Extended->begin(), T.Extended->end(), VersionRecord{Long, 0xabc}),
            T.Extended->end());
}

TEST(LdPluginOptionsTest, RepeatableSourcesAndFlags) {
  LdPluginOptions O;
  for (const char *T : {"kernel=/k/vmlinux", "modversions=/k/modversions.o", "symvers=a",
                        "symvers=b", "modules=/m", "extended", "all", "allow-unresolved", "force"})
    ASSERT_FALSE(bool(applyLdPluginOption(O, T))) << T;
  EXPECT_EQ(O.Sources.Kernels, (std::vector<std::string>{"/k/vmlinux", "/k/modversions.o"}));
  EXPECT_EQ(O.Sources.Symvers, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(O.Sources.ModuleDirs, std::vector<std::string>{"/m"});
  EXPECT_TRUE(O.Records.ForceExtended && O.Records.All && O.Records.AllowUnresolved && O.Force);
  llvm::Error E = applyLdPluginOption(O, "symvers=");
  EXPECT_TRUE(bool(E));
  llvm::consumeError(std::move(E));
  E = applyLdPluginOption(O, "force=yes");
  EXPECT_TRUE(bool(E));
  llvm::consumeError(std::move(E));
  ASSERT_FALSE(bool(applyLdPluginOption(O, "kernel-config=/k/config")));
  EXPECT_EQ(O.Sources.Config, "/k/config");
  E = applyLdPluginOption(O, "kernel-config");
  EXPECT_TRUE(bool(E));
  llvm::consumeError(std::move(E));
}

TEST(LtoInputTest, ResolutionFileListsClaimedFiles) {
  EXPECT_EQ(gccLtoClaimedFiles("2\nlto.o 2\n0 1 PREVAILING_DEF f\n1 2 UNDEF imp_a\n"
                               "lib.a@0x1f0 1\n0 3 UNDEF g\n"),
            (std::vector<std::string>{"lto.o", "lib.a@0x1f0"}));
  EXPECT_TRUE(gccLtoClaimedFiles("0\n").empty());
  EXPECT_EQ(gccLtoResolutionFile({"ld", "-plugin", "x.so", "-plugin-opt=-fresolution=/t/r.res"}),
            std::optional<std::string>("/t/r.res"));
  EXPECT_EQ(gccLtoResolutionFile({"ld", "--plugin-opt", "-fresolution=/t/r.res"}),
            std::optional<std::string>("/t/r.res"));
  EXPECT_EQ(gccLtoResolutionFile({"ld", "-r", "a.o"}), std::nullopt);
}

// A refusal from the compiled-against guard fails the link and names the module being made
// (ld's -o) and the input whose .modinfo carries the vermagic (issue 16 class 6).
TEST_P(LdPluginTest, VermagicRefusalNamesTheOutputAndTheInput) {
  // A modversions.o of another release than the module's vermagic (6.1.0-56).
  auto Db = readKernelFile(SymversPath);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  ElfTarget X86;
  X86.Machine = llvm::ELF::EM_X86_64;
  Db->kernel().Target = X86;
  Db->kernel().Release = "6.1.0-47-amd64";
  Db->kernel().Vermagic = "6.1.0-47-amd64 SMP preempt mod_unload modversions ";
  auto Object = writeModversionsObject(*Db);
  ASSERT_TRUE(bool(Object)) << llvm::toString(Object.takeError());
  std::string DbPath = Dir.write("modversions.o", *Object);

  std::string Out = Dir.file("quux.ko");
  std::vector<std::string> Argv = {
      LinkerPath, "-r", "-plugin", PluginPath, "-plugin-opt=kernel=" + DbPath, "-T", Script,
      "-o",       Out,  Other,     Module};
  CommandResult R = run(Argv);
  EXPECT_NE(R.ExitCode, 0);
  std::string All = R.Stdout + R.Stderr;
  EXPECT_NE(All.find(Out + ": refused (vermagic from " + Module +
                     "): it was compiled against "
                     "kernel 6.1.0-56-amd64"),
            std::string::npos)
      << All;
  EXPECT_FALSE(llvm::sys::fs::exists(Out));
}
