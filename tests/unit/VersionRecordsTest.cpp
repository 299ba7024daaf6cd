#include "Versioning/VersionRecords.h"

#include "Kernel/KernelConfig.h"

#include "llvm/BinaryFormat/ELF.h"

#include <gtest/gtest.h>

using namespace modver;

namespace {

ElfTarget x8664() {
  ElfTarget T;
  T.Machine = llvm::ELF::EM_X86_64;
  return T;
}

SymbolDb kernel(std::string Release = "6.1.0-56-amd64") {
  SymbolDb Db;
  auto Add = [&](std::string Name, uint32_t Crc, bool HasCrc = true) {
    Export E;
    E.Name = std::move(Name);
    E.Crc = Crc;
    E.HasCrc = HasCrc;
    E.Exporter = "vmlinux";
    E.Source = "test";
    EXPECT_FALSE(bool(Db.add(E)));
  };
  Add("module_layout", 0x11111111);
  Add("_printk", 0x22222222);
  Add("kmalloc_trace", 0x33333333);
  Add("no_crc_here", 0, /*HasCrc=*/false);
  Add(std::string(60, 'x'), 0x44444444);
  Db.kernel().Release = Release;
  Db.kernel().Vermagic = Release + " SMP preempt mod_unload modversions ";
  return Db;
}

} // namespace

TEST(PlanRecords, ImportsInOrderThenModuleLayout) {
  auto Plan = planRecords("m.o", {"kmalloc_trace", "_printk", "_printk"}, kernel(), {}, x8664());
  ASSERT_TRUE(bool(Plan)) << llvm::toString(Plan.takeError());
  ASSERT_EQ(Plan->Classic.size(), 3u);
  EXPECT_EQ(Plan->Classic[0], (VersionRecord{"kmalloc_trace", 0x33333333}));
  EXPECT_EQ(Plan->Classic[1], (VersionRecord{"_printk", 0x22222222}));
  EXPECT_EQ(Plan->Classic[2], (VersionRecord{"module_layout", 0x11111111}));
  EXPECT_FALSE(Plan->Extended);
}

TEST(PlanRecords, UnresolvedIsOneErrorListingAll) {
  auto Plan = planRecords("m.o", {"nope_a", "_printk", "nope_b"}, kernel(), {}, x8664());
  ASSERT_FALSE(bool(Plan));
  std::string Msg = llvm::toString(Plan.takeError());
  EXPECT_NE(Msg.find("2 imported symbols: nope_a, nope_b"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("m.o"), std::string::npos);

  RecordOptions Allow;
  Allow.AllowUnresolved = true;
  auto Lenient = planRecords("m.o", {"nope_a", "_printk"}, kernel(), Allow, x8664());
  ASSERT_TRUE(bool(Lenient));
  EXPECT_EQ(Lenient->Unresolved, std::vector<std::string>{"nope_a"});
  EXPECT_EQ(Lenient->Classic.size(), 2u);
}

TEST(PlanRecords, ExporterWithoutCrcGetsNoRecord) {
  auto Plan = planRecords("m.o", {"no_crc_here"}, kernel(), {}, x8664());
  ASSERT_TRUE(bool(Plan));
  EXPECT_EQ(Plan->WithoutCrc, std::vector<std::string>{"no_crc_here"});
  EXPECT_EQ(Plan->Classic.size(), 1u); // module_layout only
}

TEST(PlanRecords, LongNamesGoToExtendedTables) {
  std::string Long(60, 'x');
  auto Plan = planRecords("m.o", {Long, "_printk"}, kernel(), {}, x8664());
  ASSERT_TRUE(bool(Plan));
  ASSERT_TRUE(Plan->Extended);
  EXPECT_EQ(Plan->Extended->size(), 3u);
  EXPECT_EQ((*Plan->Extended)[0].Name, Long);
  ASSERT_EQ(Plan->Classic.size(), 2u);
  EXPECT_EQ(Plan->Classic[0].Name, "_printk");

  RecordOptions Forced;
  Forced.ForceExtended = true;
  auto All = planRecords("m.o", {"_printk"}, kernel(), Forced, x8664());
  ASSERT_TRUE(bool(All));
  ASSERT_TRUE(All->Extended);
  EXPECT_EQ(All->Extended->size(), 2u);
}

TEST(PlanRecords, AllTakesTheWholeTableSorted) {
  RecordOptions Opt;
  Opt.All = true;
  auto Plan = planRecords("m.o", {}, kernel(), Opt, x8664());
  ASSERT_TRUE(bool(Plan));
  ASSERT_TRUE(Plan->Extended); // the 60-character name does not fit
  EXPECT_EQ(Plan->Extended->size(), 4u);
  EXPECT_EQ(Plan->Classic.front().Name, "_printk");
}

// The kernel's configuration decides the tables, as it decides modpost's -b and -x.
namespace {
SymbolDb configured(llvm::StringRef ConfigText) {
  SymbolDb Db = kernel();
  applyKernelConfig(ConfigText, Db.kernel());
  return Db;
}
const char *ExtendedConfig = "CONFIG_MODVERSIONS=y\nCONFIG_BASIC_MODVERSIONS=y\n"
                             "CONFIG_EXTENDED_MODVERSIONS=y\n";
const char *ExtendedOnlyConfig = "CONFIG_MODVERSIONS=y\n# CONFIG_BASIC_MODVERSIONS is not set\n"
                                 "CONFIG_EXTENDED_MODVERSIONS=y\n";
const char *ClassicConfig = "CONFIG_MODVERSIONS=y\n# CONFIG_EXTENDED_MODVERSIONS is not set\n";
} // namespace

TEST(PlanRecords, ExtendedKernelGetsEveryRecordInBothTables) {
  std::string Long(60, 'x');
  auto Plan = planRecords("m.o", {"_printk", Long}, configured(ExtendedConfig), {}, x8664());
  ASSERT_TRUE(bool(Plan)) << llvm::toString(Plan.takeError());
  EXPECT_TRUE(Plan->Basic);
  ASSERT_TRUE(Plan->Extended);
  EXPECT_EQ(*Plan->Extended,
            (std::vector<VersionRecord>{
                {"_printk", 0x22222222}, {Long, 0x44444444}, {"module_layout", 0x11111111}}));
  EXPECT_EQ(Plan->Classic,
            (std::vector<VersionRecord>{{"_printk", 0x22222222}, {"module_layout", 0x11111111}}));
  VersionTables T = Plan->tables();
  EXPECT_TRUE(T.Classic && T.Extended);

  // Short names only: the extended pair all the same, because the kernel's modpost writes it.
  auto Short = planRecords("m.o", {"_printk"}, configured(ExtendedConfig), {}, x8664());
  ASSERT_TRUE(bool(Short));
  ASSERT_TRUE(Short->Extended);
  EXPECT_EQ(Short->Extended->size(), 2u);
  EXPECT_EQ(Short->Extended->back().Name, "module_layout");
}

TEST(PlanRecords, BasicOffGivesNoVersionsTable) {
  std::string Long(60, 'x');
  auto Plan = planRecords("m.o", {Long, "_printk"}, configured(ExtendedOnlyConfig), {}, x8664());
  ASSERT_TRUE(bool(Plan)) << llvm::toString(Plan.takeError());
  EXPECT_FALSE(Plan->Basic);
  EXPECT_TRUE(Plan->Classic.empty());
  ASSERT_TRUE(Plan->Extended);
  EXPECT_EQ(Plan->Extended->size(), 3u);
  VersionTables T = Plan->tables();
  EXPECT_FALSE(T.Classic);
  EXPECT_TRUE(T.Extended);
}

TEST(PlanRecords, ClassicKernelRefusesTooLongNamesAsModpost) {
  auto Plan = planRecords("m.o", {"_printk"}, configured(ClassicConfig), {}, x8664());
  ASSERT_TRUE(bool(Plan));
  EXPECT_FALSE(Plan->Extended);
  EXPECT_EQ(Plan->Classic.size(), 2u);

  std::string Long(60, 'x');
  auto Bad = planRecords("m.o", {"_printk", Long}, configured(ClassicConfig), {}, x8664());
  ASSERT_FALSE(bool(Bad));
  std::string Msg = llvm::toString(Bad.takeError());
  EXPECT_NE(Msg.find("m.o: too long symbol \"" + Long + "\" for __versions (at most 55"),
            std::string::npos)
      << Msg;
  // A 6.1 .config has no EXTENDED_MODVERSIONS line at all: the same.
  EXPECT_FALSE(bool(planRecords("m.o", {Long}, configured("CONFIG_MODVERSIONS=y\n"), {}, x8664())));

  // --extended is the explicit override.
  RecordOptions Forced;
  Forced.ForceExtended = true;
  auto Over = planRecords("m.o", {"_printk", Long}, configured(ClassicConfig), Forced, x8664());
  ASSERT_TRUE(bool(Over)) << llvm::toString(Over.takeError());
  ASSERT_TRUE(Over->Extended);
  EXPECT_EQ(Over->Extended->size(), 3u);
  EXPECT_EQ(Over->Classic.size(), 2u);
}

TEST(PlanRecords, NeitherBasicNorExtendedIsAnError) {
  auto Plan = planRecords("m.o", {"_printk"},
                          configured("CONFIG_MODVERSIONS=y\n# CONFIG_BASIC_MODVERSIONS is not set\n"
                                     "# CONFIG_EXTENDED_MODVERSIONS is not set\n"),
                          {}, x8664());
  ASSERT_FALSE(bool(Plan));
  EXPECT_NE(llvm::toString(Plan.takeError()).find("neither CONFIG_BASIC_MODVERSIONS"),
            std::string::npos);
}

TEST(Guard, SameKernelIsSafe) {
  CompiledAgainst Obj;
  Obj.Vermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
  Obj.Records = std::vector<VersionRecord>{{"_printk", 0x22222222}, {"module_layout", 0x11111111}};
  GuardVerdict V = checkCompiledAgainst(Obj, {"_printk"}, kernel());
  EXPECT_FALSE(V.refused());
  EXPECT_TRUE(V.Warnings.empty());
}

TEST(Guard, OtherReleaseIsRefused) {
  CompiledAgainst Obj;
  Obj.Vermagic = "6.1.0-47-amd64 SMP preempt mod_unload modversions ";
  GuardVerdict V = checkCompiledAgainst(Obj, {"_printk"}, kernel());
  ASSERT_TRUE(V.refused());
  EXPECT_NE(V.Refusals[0].find("6.1.0-47-amd64"), std::string::npos);
}

TEST(Guard, ChangedImportsAreListed) {
  CompiledAgainst Obj;
  Obj.Records = std::vector<VersionRecord>{
      {"_printk", 0x22222222}, {"kmalloc_trace", 0xdeadbeef}, {"module_layout", 0x12345678}};
  GuardVerdict V = checkCompiledAgainst(Obj, {"_printk", "kmalloc_trace"}, kernel());
  ASSERT_TRUE(V.refused());
  ASSERT_EQ(V.Changed.size(), 2u);
  EXPECT_EQ(V.Changed[0].Name, "kmalloc_trace");
  EXPECT_EQ(V.Changed[0].ObjectCrc, 0xdeadbeefu);
  EXPECT_EQ(V.Changed[1].Name, "module_layout");
  EXPECT_NE(V.Refusals[0].find("recompile"), std::string::npos);
}

TEST(Guard, DifferentVermagicFlagsAreRefused) {
  CompiledAgainst Obj;
  Obj.Vermagic = "6.1.0-56-amd64 SMP mod_unload modversions ";
  EXPECT_TRUE(checkCompiledAgainst(Obj, {}, kernel()).refused());
}

TEST(Guard, DatabaseWithoutReleaseWarns) {
  SymbolDb Db = kernel("");
  Db.kernel().Vermagic.clear();
  GuardVerdict V = checkCompiledAgainst({}, {}, Db);
  EXPECT_FALSE(V.refused());
  ASSERT_EQ(V.Warnings.size(), 1u);
}
