// Imports read from relocatable objects compiled at test time.
#include "Module/ModuleImports.h"
#include "ModuleTestSources.h"

#include "llvm/BinaryFormat/ELF.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

const std::string ModuleSource =
    modinfoSource({"license=GPL", "vermagic=6.1.0-56-amd64 SMP mod_unload modversions ",
                   "import_ns=USB_STORAGE", "name=demo_mod", "depends=usbcore"}) +
    versionsSource({{"first_import", 0x1111}, {"module_layout", 0xabcdef01}}) +
    "extern int first_import(int);\n"
    "extern int second_import(int);\n"
    "extern int maybe_there(int) __attribute__((weak));\n"
    "extern char __this_module[];\n"
    "int defined_here(int x) { return first_import(x) + second_import(x); }\n"
    "int also_here(int x) { return maybe_there ? maybe_there(x) : (int)(long)__this_module; }\n"
    "static int local_helper(int x) { return x; }\n"
    "int (*keep)(int) = local_helper;\n";

std::vector<std::string> names(const std::vector<ImportedSymbol> &Syms) {
  std::vector<std::string> Out;
  for (const ImportedSymbol &S : Syms)
    Out.push_back(S.Name + (S.Weak ? " (weak)" : ""));
  return Out;
}

void expectDemoImports(const ModuleImports &M) {
  EXPECT_EQ(names(M.Undefined),
            (std::vector<std::string>{"first_import", "second_import", "maybe_there (weak)"}));
  EXPECT_NE(std::find(M.Defined.begin(), M.Defined.end(), "defined_here"), M.Defined.end());
  EXPECT_NE(std::find(M.Defined.begin(), M.Defined.end(), "keep"), M.Defined.end());
  EXPECT_EQ(std::find(M.Defined.begin(), M.Defined.end(), "local_helper"), M.Defined.end());
  EXPECT_EQ(M.Name, "demo_mod");
  ASSERT_TRUE(M.Info.has_value());
  EXPECT_EQ(M.Info->importedNamespaces(), (std::vector<llvm::StringRef>{"USB_STORAGE"}));
  ASSERT_TRUE(M.Versions.Classic.has_value());
  EXPECT_EQ(*M.Versions.Classic,
            (std::vector<VersionRecord>{{"first_import", 0x1111}, {"module_layout", 0xabcdef01}}));
  EXPECT_FALSE(M.HasThisModule);
}

TEST(ModuleImports, Native) {
  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", ModuleSource);
  auto M = readModuleImports(Obj, readWhole(Obj));
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  expectDemoImports(*M);
  EXPECT_TRUE(M->Target.Is64);
}

TEST(ModuleImports, ThirtyTwoBitPic) {
  if (!canCompile({"-m32"}))
    GTEST_SKIP() << "the C compiler cannot build -m32 objects";
  TempDir Dir;
  // -fPIC on i386 references _GLOBAL_OFFSET_TABLE_, which modpost never versions.
  std::string Obj = compile(Dir, "demo.c", ModuleSource, {"-m32", "-fPIC"});
  std::string Bytes = readWhole(Obj);
  ASSERT_NE(Bytes.find("_GLOBAL_OFFSET_TABLE_"), std::string::npos);
  auto M = readModuleImports(Obj, Bytes);
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  expectDemoImports(*M);
  EXPECT_FALSE(M->Target.Is64);
}

TEST(ModuleImports, BigEndianPowerPC64Helpers) {
  std::vector<std::string> Flags = {"--target=powerpc64-linux-gnu"};
  if (!canCompile(Flags, "clang"))
    GTEST_SKIP() << "clang cannot build powerpc64-linux-gnu objects here";
  TempDir Dir;
  std::string Src = ModuleSource +
                    "__asm__(\".section .data.refs,\\\"aw\\\"\\n"
                    ".quad .dotted_import\\n.quad _savegpr0_14\\n.quad _restgpr0_14\\n"
                    ".quad _savevr_20\\n.quad .TOC.\\n.previous\\n\");\n";
  std::string Obj = compile(Dir, "demo.c", Src, Flags, "clang");
  auto M = readModuleImports(Obj, readWhole(Obj));
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  EXPECT_FALSE(M->Target.IsLittleEndian);
  EXPECT_EQ(M->Target.Machine, llvm::ELF::EM_PPC64);
  std::vector<std::string> N = names(M->Undefined);
  EXPECT_NE(std::find(N.begin(), N.end(), "dotted_import"), N.end());
  for (const char *Hidden :
       {".dotted_import", "_savegpr0_14", "_restgpr0_14", "_savevr_20", ".TOC."})
    EXPECT_EQ(std::find(N.begin(), N.end(), Hidden), N.end()) << Hidden;
  ASSERT_TRUE(M->Versions.Classic.has_value());
  EXPECT_EQ(M->Versions.Classic->back().Crc, 0xabcdef01u);
}

TEST(ModuleImports, IgnoredImports) {
  EXPECT_TRUE(isIgnoredImport("__this_module", llvm::ELF::EM_X86_64));
  EXPECT_TRUE(isIgnoredImport("_GLOBAL_OFFSET_TABLE_", llvm::ELF::EM_386));
  EXPECT_FALSE(isIgnoredImport("_savegpr0_14", llvm::ELF::EM_X86_64));
  EXPECT_TRUE(isIgnoredImport("_savegpr_14", llvm::ELF::EM_PPC));
  EXPECT_TRUE(isIgnoredImport("_restfpr_20", llvm::ELF::EM_PPC64));
  EXPECT_FALSE(isIgnoredImport(".TOC.", llvm::ELF::EM_X86_64));
  EXPECT_TRUE(isIgnoredImport("__s390_indirect_jump_r14", llvm::ELF::EM_S390));
  EXPECT_FALSE(isIgnoredImport("printk", llvm::ELF::EM_PPC64));
}

TEST(ModuleImports, NameFromFileWithoutModinfo) {
  TempDir Dir;
  std::string Obj =
      compile(Dir, "my-driver.c", "extern int f(void); int g(void) { return f(); }\n");
  auto M = readModuleImports(Dir.file("sub/my-driver.ko.xz"), readWhole(Obj));
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  EXPECT_EQ(M->Name, "my_driver");
  EXPECT_FALSE(M->Info.has_value());
  EXPECT_TRUE(M->Versions.empty());
  EXPECT_EQ(moduleNameFromPath("/x/y/usb-storage.ko.zst"), "usb_storage");
  EXPECT_EQ(moduleNameFromPath("demo.o"), "demo");
}

TEST(ModuleImports, ThisModuleSection) {
  TempDir Dir;
  std::string Obj = compile(
      Dir, "m.c",
      "__attribute__((section(\".gnu.linkonce.this_module\"), used)) char this_module[64];\n");
  auto M = readModuleImports(Obj, readWhole(Obj));
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  EXPECT_TRUE(M->HasThisModule);
}

TEST(ModuleImports, BadInput) {
  auto NotElf = readModuleImports("a.ko", "\x7f"
                                          "EL nope");
  ASSERT_FALSE(bool(NotElf));
  EXPECT_EQ(llvm::toString(NotElf.takeError()), "a.ko: not an ELF file");

  TempDir Dir;
  std::string Obj = compile(Dir, "demo.c", ModuleSource);
  std::string Bytes = readWhole(Obj);
  auto Cut = readModuleImports("cut.ko", llvm::StringRef(Bytes).take_front(Bytes.size() / 2));
  ASSERT_FALSE(bool(Cut));
  std::string Msg = llvm::toString(Cut.takeError());
  EXPECT_EQ(Msg.rfind("cut.ko: ", 0), 0u) << Msg;

  // A linked executable is not a module.
  std::string Exe = Dir.file("exe");
  std::string Src = Dir.write("main.c", "int main(void) { return 0; }\n");
  ASSERT_EQ(run({"cc", "-o", Exe, Src}).ExitCode, 0);
  auto NotRel = readModuleImports(Exe, readWhole(Exe));
  ASSERT_FALSE(bool(NotRel));
  EXPECT_EQ(llvm::toString(NotRel.takeError()),
            Exe + ": not a relocatable object (a module is ET_REL)");
}

} // namespace
