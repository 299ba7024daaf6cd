#include "Module/ModuleInfo.h"
#include "ModuleTestSources.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

TEST(ModuleInfo, ParsesEntriesSkippingPadding) {
  static const char Raw[] = "\0\0vermagic=6.1.0-56-amd64 SMP mod_unload \0name=demo\0\0\0\0"
                            "import_ns=A\0import_ns=B\0license=GPL\0flag\0depends=x,y";
  llvm::StringRef Bytes(Raw, sizeof(Raw)); // includes the final NUL
  auto Info = parseModuleInfo("m.ko", Bytes);
  ASSERT_TRUE(bool(Info)) << llvm::toString(Info.takeError());
  ASSERT_EQ(Info->Entries.size(), 7u);
  EXPECT_EQ(*Info->vermagic(), "6.1.0-56-amd64 SMP mod_unload ");
  EXPECT_EQ(*Info->name(), "demo");
  EXPECT_EQ(*Info->license(), "GPL");
  EXPECT_EQ(Info->importedNamespaces(), (std::vector<llvm::StringRef>{"A", "B"}));
  EXPECT_EQ(Info->depends(), (std::vector<llvm::StringRef>{"x", "y"}));
  EXPECT_EQ(*Info->get("flag"), "");
  EXPECT_FALSE(Info->get("author"));
}

TEST(ModuleInfo, EmptyDependsAndEmptySection) {
  auto Info = parseModuleInfo("m.ko", llvm::StringRef("depends=\0", 9));
  ASSERT_TRUE(bool(Info));
  EXPECT_TRUE(Info->get("depends"));
  EXPECT_TRUE(Info->depends().empty());
  auto Empty = parseModuleInfo("m.ko", "");
  ASSERT_TRUE(bool(Empty));
  EXPECT_TRUE(Empty->Entries.empty());
}

TEST(ModuleInfo, UnterminatedLastString) {
  auto Info = parseModuleInfo("m.ko", llvm::StringRef("name=a\0license=GP", 17));
  ASSERT_FALSE(bool(Info));
  EXPECT_EQ(llvm::toString(Info.takeError()),
            "m.ko: '.modinfo' ends inside a string (no NUL) at offset 0x7");
}

TEST(ModuleInfo, GplCompatibleLicenses) {
  for (const char *L : {"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
                        "Dual MIT/GPL", "Dual MPL/GPL"})
    EXPECT_TRUE(isGplCompatibleLicense(L)) << L;
  for (const char *L : {"", "Proprietary", "GPL v3", "gpl", "GPLv2", "Dual BSD/GPL "})
    EXPECT_FALSE(isGplCompatibleLicense(L)) << L;
}

TEST(ModuleInfo, ReleaseOfVermagic) {
  EXPECT_EQ(releaseOfVermagic("6.1.0-56-amd64 SMP preempt mod_unload modversions "),
            "6.1.0-56-amd64");
  EXPECT_EQ(releaseOfVermagic("6.1.0"), "6.1.0");
  EXPECT_EQ(releaseOfVermagic(""), "");
  EXPECT_EQ(flagsOfVermagic("6.1.0 SMP mod_unload "), "SMP mod_unload ");
  EXPECT_EQ(flagsOfVermagic("6.1.0"), "");
}

TEST(ModuleInfo, ReadsFromObject) {
  TempDir Dir;
  std::string Obj =
      compile(Dir, "m.c",
              modinfoSource({"license=Dual MIT/GPL", "vermagic=6.1.0-9 SMP ", "name=m"}) +
                  "int f(void) { return 0; }\n");
  std::string Bytes = readWhole(Obj);
  auto Info = readModuleInfo(Obj, Bytes);
  ASSERT_TRUE(bool(Info)) << llvm::toString(Info.takeError());
  ASSERT_TRUE(Info->has_value());
  EXPECT_EQ(*(*Info)->license(), "Dual MIT/GPL");
  EXPECT_EQ(*(*Info)->vermagic(), "6.1.0-9 SMP ");

  std::string Plain = compile(Dir, "p.c", "int g(void) { return 0; }\n");
  auto None = readModuleInfo(Plain, readWhole(Plain));
  ASSERT_TRUE(bool(None));
  EXPECT_FALSE(None->has_value());
}

} // namespace
