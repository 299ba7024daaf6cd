// Exports read from __ksymtab/__kcrctab of modules compiled and linked at test time.
#include "Module/ModuleExports.h"
#include "ModuleTestSources.h"

#include "llvm/Object/ELF.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

const std::vector<ExportSpec> Specs = {
    {"zeta_func", false, "", 0x11111111},
    {"alpha_func", false, "", 0x00012345},
    {"gpl_func", true, "", 0xdeadbeef},
    {"ns_data", true, "MY_NS", 0xcafef00d},
};

std::string moduleSource(const std::vector<ExportSpec> &S, KsymtabForm Form = KsymtabForm::Prel32,
                         bool WithCrcs = true) {
  return "int zeta_func(int x) { return x + 1; }\n"
         "int alpha_func(int x) { return x + 2; }\n"
         "int gpl_func(int x) { return x * 3; }\n"
         "int ns_data = 5;\n" +
         exportsSource(S, Form, WithCrcs);
}

void expectStandardExports(const SymbolDb &Db, bool HasCrc = true) {
  ASSERT_EQ(Db.size(), 4u);
  // __ksymtab first (sorted by name as the SORT() in the script orders it), then the GPL table.
  const std::vector<Export> &E = Db.exports();
  EXPECT_EQ(E[0].Name, "alpha_func");
  EXPECT_EQ(E[1].Name, "zeta_func");
  EXPECT_EQ(E[2].Name, "gpl_func");
  EXPECT_EQ(E[3].Name, "ns_data");
  for (const ExportSpec &S : Specs) {
    const Export *X = Db.find(S.Symbol);
    ASSERT_NE(X, nullptr) << S.Symbol;
    EXPECT_EQ(X->HasCrc, HasCrc);
    if (HasCrc) {
      EXPECT_EQ(X->Crc, S.Crc) << S.Symbol;
    }
    EXPECT_EQ(X->GplOnly, S.Gpl) << S.Symbol;
    EXPECT_EQ(X->Namespace, S.Namespace) << S.Symbol;
    EXPECT_EQ(X->Exporter, "drivers/demo/demo");
  }
}

llvm::Expected<SymbolDb> readExportsOf(const std::string &Path) {
  std::string Bytes = readWhole(Path);
  return readModuleExports(Path, Bytes, "drivers/demo/demo");
}

std::string errorOf(llvm::Expected<SymbolDb> R) {
  if (R)
    return "(no error)";
  return llvm::toString(R.takeError());
}

TEST(ModuleExports, Prel32Form) {
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", moduleSource(Specs));
  std::string Ko = linkModule(Dir, Obj, "demo.ko");
  auto Db = readExportsOf(Ko);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  expectStandardExports(*Db);
  EXPECT_EQ(Db->find("gpl_func")->Source, Ko);
}

TEST(ModuleExports, LinkedWithLld) {
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", moduleSource(Specs));
  std::string Ko = linkModule(Dir, Obj, "demo.ko", {"ld.lld"});
  auto Db = readExportsOf(Ko);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  expectStandardExports(*Db);
}

TEST(ModuleExports, AbsolutePointerForm) {
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", moduleSource(Specs, KsymtabForm::AbsolutePointers));
  std::string Ko = linkModule(Dir, Obj, "demo.ko");
  auto Db = readExportsOf(Ko);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  expectStandardExports(*Db);
}

// Linux 7.1+: one __ksymtab, GPL-ness from __kflagstab.
TEST(ModuleExports, KflagstabGivesGplOnly) {
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", moduleSource(Specs, KsymtabForm::Kflagstab));
  std::string Ko = linkModule(Dir, Obj, "demo.ko");
  auto Db = readExportsOf(Ko);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  ASSERT_EQ(Db->size(), 4u);
  for (const ExportSpec &S : Specs) {
    const Export *X = Db->find(S.Symbol);
    ASSERT_NE(X, nullptr) << S.Symbol;
    EXPECT_EQ(X->GplOnly, S.Gpl) << S.Symbol;
    EXPECT_EQ(X->Crc, S.Crc) << S.Symbol;
    EXPECT_EQ(X->Namespace, S.Namespace) << S.Symbol;
  }
}

TEST(ModuleExports, KflagstabOfWrongSize) {
  TempDir Dir;
  std::string Src =
      moduleSource(Specs, KsymtabForm::Kflagstab) +
      "__asm__(\".section \\\"___kflagstab+zzz\\\",\\\"a\\\"\\n.byte 0\\n.previous\");\n";
  std::string Ko = linkModule(Dir, compile(Dir, "demo.c", Src), "demo.ko");
  std::string Msg = errorOf(readExportsOf(Ko));
  EXPECT_NE(Msg.find("'__kflagstab' has 5 bytes for 4 entries of '__ksymtab'"), std::string::npos)
      << Msg;
}

TEST(ModuleExports, NoCrcTableMeansNoCrc) {
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", moduleSource(Specs, KsymtabForm::Prel32, false));
  std::string Ko = linkModule(Dir, Obj, "demo.ko");
  auto Db = readExportsOf(Ko);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  expectStandardExports(*Db, /*HasCrc=*/false);
}

TEST(ModuleExports, ModuleWithoutExportsIsEmpty) {
  TempDir Dir;
  std::string Obj = compile(Dir, "plain.c", "int f(void) { return 1; }\n");
  auto Db = readExportsOf(Obj);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_TRUE(Db->empty());
}

TEST(ModuleExports, ThirtyTwoBitRel) {
  if (!canCompile({"-m32"}))
    GTEST_SKIP() << "the C compiler cannot build -m32 objects";
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", moduleSource(Specs), {"-m32"});
  std::string Ko = linkModule(Dir, Obj, "demo.ko", {"ld", "-m", "elf_i386"});
  auto Db = readExportsOf(Ko);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  expectStandardExports(*Db);
}

TEST(ModuleExports, BigEndianPowerPC64) {
  std::vector<std::string> Flags = {"--target=powerpc64-linux-gnu"};
  if (!canCompile(Flags, "clang"))
    GTEST_SKIP() << "clang cannot build powerpc64-linux-gnu objects here";
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", moduleSource(Specs), Flags, "clang");
  std::string Ko = linkModule(Dir, Obj, "demo.ko", {"ld.lld"});
  auto Db = readExportsOf(Ko);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  expectStandardExports(*Db);
}

// Before Linux 5.19 a __kcrctab slot was filled by a relocation against __crc_<sym>, an
// absolute symbol the genksyms linker script defined during `ld -r`.
TEST(ModuleExports, CrcsFromAbsoluteSymbols) {
  TempDir Dir;
  std::string Src = moduleSource({Specs[0], Specs[2]}, KsymtabForm::Prel32, false) +
                    "__asm__(\".section \\\"___kcrctab+zeta_func\\\",\\\"a\\\"\\n"
                    ".weak __crc_zeta_func\\n.long __crc_zeta_func\\n.previous\\n"
                    ".section \\\"___kcrctab_gpl+gpl_func\\\",\\\"a\\\"\\n"
                    ".weak __crc_gpl_func\\n.long __crc_gpl_func + 0\\n.previous\\n\");\n";
  std::string Ko = linkModule(Dir, compile(Dir, "demo.c", Src), "demo.ko", {"ld"},
                              "__crc_zeta_func = 0x11111111;\n__crc_gpl_func = 0xdeadbeef;\n");
  auto Db = readExportsOf(Ko);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  ASSERT_EQ(Db->size(), 2u);
  EXPECT_EQ(Db->find("zeta_func")->Crc, 0x11111111u);
  EXPECT_TRUE(Db->find("zeta_func")->HasCrc);
  EXPECT_EQ(Db->find("gpl_func")->Crc, 0xdeadbeefu);
}

TEST(ModuleExports, NotElf) {
  auto R = readModuleExports("junk.ko", "hello, world", "junk");
  EXPECT_EQ(errorOf(std::move(R)), "junk.ko: not an ELF file");
}

TEST(ModuleExports, Truncated) {
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", moduleSource(Specs));
  std::string Bytes = readWhole(linkModule(Dir, Obj, "demo.ko"));
  for (size_t Size : {size_t(20), size_t(64), Bytes.size() / 2}) {
    std::string Cut = Bytes.substr(0, Size);
    std::string Msg = errorOf(readModuleExports("cut.ko", Cut, "cut"));
    EXPECT_EQ(Msg.rfind("cut.ko: ", 0), 0u) << Msg;
    EXPECT_EQ(Msg.find('\n'), std::string::npos) << Msg;
  }
}

TEST(ModuleExports, StringOutsideStringsSection) {
  TempDir Dir;
  // The name field points 4096 bytes past the string.
  std::string Src = moduleSource({Specs[0]});
  Src.replace(Src.find("__kstrtab_zeta_func - ."), strlen("__kstrtab_zeta_func - ."),
              "__kstrtab_zeta_func + 4096 - .");
  std::string Ko = linkModule(Dir, compile(Dir, "demo.c", Src), "demo.ko");
  std::string Msg = errorOf(readExportsOf(Ko));
  EXPECT_NE(Msg.find("points outside '__ksymtab_strings'"), std::string::npos) << Msg;
}

TEST(ModuleExports, NameWithoutNul) {
  TempDir Dir;
  std::string Src = "int f(void) { return 0; }\n"
                    "__asm__(\".section \\\"__ksymtab\\\",\\\"a\\\"\\n"
                    ".long f - .\\n.long unterminated - .\\n.long 0\\n"
                    ".section \\\"__ksymtab_strings\\\",\\\"a\\\"\\n"
                    "unterminated: .ascii \\\"f\\\"\\n.previous\\n\");\n";
  std::string Obj = compile(Dir, "demo.c", Src);
  std::string Msg = errorOf(readExportsOf(Obj));
  EXPECT_NE(Msg.find("without a terminating NUL"), std::string::npos) << Msg;
}

TEST(ModuleExports, CrcTableOfWrongSize) {
  TempDir Dir;
  std::string Src =
      moduleSource({Specs[0]}) +
      "__asm__(\".section \\\"___kcrctab+zzz\\\",\\\"a\\\"\\n.long 7\\n.previous\");\n";
  std::string Ko = linkModule(Dir, compile(Dir, "demo.c", Src), "demo.ko");
  std::string Msg = errorOf(readExportsOf(Ko));
  EXPECT_NE(Msg.find("'__kcrctab' has 8 bytes for 1 entries"), std::string::npos) << Msg;
}

// Rewrite the first relocation of .rela__ksymtab in an ELF64LE object.
void patchFirstKsymtabRela(std::string &Bytes, uint64_t NewOffset, uint32_t NewSym) {
  using namespace llvm::object;
  auto Elf = ELFFile<ELF64LE>::create(Bytes);
  ASSERT_TRUE(bool(Elf)) << llvm::toString(Elf.takeError());
  for (const ELF64LE::Shdr &Sec : cantFail(Elf->sections())) {
    if (cantFail(Elf->getSectionName(Sec)) != ".rela__ksymtab")
      continue;
    auto *R = reinterpret_cast<ELF64LE::Rela *>(&Bytes[Sec.sh_offset]);
    if (NewOffset != ~0ull)
      R->r_offset = NewOffset;
    if (NewSym != ~0u)
      R->setSymbolAndType(NewSym, R->getType(false), false);
    return;
  }
  ADD_FAILURE() << "no .rela__ksymtab";
}

TEST(ModuleExports, RelocationOutsideTable) {
  TempDir Dir;
  std::string Ko = linkModule(Dir, compile(Dir, "demo.c", moduleSource(Specs)), "demo.ko");
  std::string Bytes = readWhole(Ko);
  patchFirstKsymtabRela(Bytes, 0x10000, ~0u);
  std::string Msg = errorOf(readModuleExports("bad.ko", Bytes, "bad"));
  EXPECT_EQ(Msg, "bad.ko: relocation at offset 65536 lies outside '__ksymtab' (24 bytes)");
}

TEST(ModuleExports, RelocationWithBadSymbolIndex) {
  TempDir Dir;
  std::string Ko = linkModule(Dir, compile(Dir, "demo.c", moduleSource(Specs)), "demo.ko");
  std::string Bytes = readWhole(Ko);
  patchFirstKsymtabRela(Bytes, ~0ull, 99999);
  std::string Msg = errorOf(readModuleExports("bad.ko", Bytes, "bad"));
  EXPECT_NE(Msg.find("uses symbol index 99999"), std::string::npos) << Msg;
}

} // namespace
