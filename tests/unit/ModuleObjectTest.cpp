// One module opened once: every answer from the same decompressed bytes, and a module both
// checked and read for the export database read once.
#include "Module/ModuleObject.h"
#include "Check/CheckRun.h"
#include "Kernel/ModuleTree.h"
#include "Module/ModuleExports.h"
#include "ModuleTestSources.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

const char *Vermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";

// A module that exports two symbols, imports one and carries its version record.
std::string demoSource(const std::string &Name) {
  std::vector<ExportSpec> Specs = {{Name + "_probe", true, "DEMO_NS", 0x1234},
                                   {Name + "_plain", false, "", 7}};
  std::string Src =
      modinfoSource({"vermagic=" + std::string(Vermagic), "name=" + Name, "license=GPL"}) +
      versionsSource({{"shared_helper", 0x99}, {"module_layout", 0x42}}) +
      "extern int shared_helper(int);\n";
  for (const ExportSpec &S : Specs)
    Src += "int " + S.Symbol + "(int x) { return shared_helper(x); }\n";
  return Src + exportsSource(Specs);
}

// Dir/tree/RelPath, compressed with xz when RelPath ends in .xz.
std::string makeModule(const TempDir &Dir, const std::string &RelPath, const std::string &Name) {
  std::string Obj = compile(Dir, Name + ".c", demoSource(Name));
  std::string Ko = linkModule(Dir, Obj, Name + ".ko");
  llvm::StringRef Rel(RelPath);
  bool Xz = Rel.consume_back(".xz");
  std::string Dest = Dir.file("tree/" + Rel.str());
  EXPECT_FALSE(llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Dest)));
  EXPECT_FALSE(llvm::sys::fs::copy_file(Ko, Dest));
  if (Xz) {
    EXPECT_EQ(run({"xz", "--check=crc32", Dest}).ExitCode, 0);
    Dest += ".xz";
  }
  return Dest;
}

TEST(ModuleObject, AnswersEverythingFromOneDecompression) {
  TempDir Dir;
  std::string Path = makeModule(Dir, "kernel/drivers/demo.ko.xz", "demo");
  auto M = ModuleObject::open(Path);
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  EXPECT_TRUE(M->wasCompressed());
  EXPECT_TRUE(M->isRelocatable());
  EXPECT_TRUE(M->target().Is64);

  // The same answers the one-question readers give over the decompressed bytes.
  std::string Plain = M->bytes().str();
  auto Imports = M->imports();
  ASSERT_TRUE(bool(Imports)) << llvm::toString(Imports.takeError());
  auto Alone = readModuleImports(Path, Plain);
  ASSERT_TRUE(bool(Alone)) << llvm::toString(Alone.takeError());
  EXPECT_EQ(Imports->Name, "demo");
  EXPECT_EQ(Imports->Undefined.size(), Alone->Undefined.size());
  EXPECT_EQ(Imports->Defined, Alone->Defined);
  EXPECT_TRUE(Imports->ExportsSymbols);
  ASSERT_TRUE(Imports->Versions.Classic.has_value());
  EXPECT_EQ(*Imports->Versions.Classic,
            (std::vector<VersionRecord>{{"shared_helper", 0x99}, {"module_layout", 0x42}}));

  auto Exports = M->exports("drivers/demo");
  ASSERT_TRUE(bool(Exports)) << llvm::toString(Exports.takeError());
  ASSERT_EQ(Exports->size(), 2u);
  const Export *P = Exports->find("demo_probe");
  ASSERT_NE(P, nullptr);
  EXPECT_EQ(P->Crc, 0x1234u);
  EXPECT_TRUE(P->GplOnly);
  EXPECT_EQ(P->Namespace, "DEMO_NS");
  EXPECT_EQ(P->Source, Path);

  auto Info = M->info();
  ASSERT_TRUE(bool(Info)) << llvm::toString(Info.takeError());
  ASSERT_TRUE(Info->has_value());
  EXPECT_EQ((*Info)->vermagic(), llvm::StringRef(Vermagic));

  auto Strings = M->sectionBytes("__ksymtab_strings");
  ASSERT_TRUE(bool(Strings)) << llvm::toString(Strings.takeError());
  ASSERT_TRUE(Strings->has_value());
  EXPECT_NE((*Strings)->find("demo_plain"), llvm::StringRef::npos);
  auto None = M->sectionBytes(".no.such.section");
  ASSERT_TRUE(bool(None));
  EXPECT_FALSE(None->has_value());

  // Moving the object keeps every answer valid: the ELF view points into owned bytes.
  ModuleObject Moved = std::move(*M);
  auto Again = Moved.versions();
  ASSERT_TRUE(bool(Again)) << llvm::toString(Again.takeError());
  EXPECT_EQ(Again->Classic->size(), 2u);
}

TEST(ModuleObject, OpenErrorsAreTheReadersErrors) {
  TempDir Dir;
  auto Missing = ModuleObject::open(Dir.file("missing.ko"));
  ASSERT_FALSE(bool(Missing));
  std::string Msg = llvm::toString(Missing.takeError());
  EXPECT_NE(Msg.find("missing.ko"), std::string::npos) << Msg;
  std::string Junk = Dir.write("junk.ko", "not an ELF file at all");
  auto Bad = ModuleObject::open(Junk);
  ASSERT_FALSE(bool(Bad));
  llvm::consumeError(Bad.takeError());
}

TEST(ModuleObject, TreeWalkKeepsTheImportsOfCheckedModules) {
  TempDir Dir;
  std::string A = makeModule(Dir, "kernel/a/alpha.ko.xz", "alpha");
  std::string B = makeModule(Dir, "kernel/b/beta.ko", "beta");
  // The checked file is named differently from the tree walk's spelling of it.
  std::string ASpelled = Dir.file("tree/kernel/./a/alpha.ko.xz");
  KeptImports Kept(std::vector<std::string>{ASpelled});
  auto Db = readModuleTreeExports(Dir.file("tree"), BatchOptions{2, nullptr}, &Kept);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_EQ(Db->size(), 4u);

  // Overwrite alpha in place: a check that read it again would now fail to read it.
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(A, EC);
    ASSERT_FALSE(EC);
    OS << "garbage";
  }
  auto Fresh = checkModuleFiles({ASpelled, B}, *Db, {}, BatchOptions{1, nullptr});
  ASSERT_EQ(Fresh.size(), 2u);
  EXPECT_FALSE(Fresh[0].Result.has_value());

  std::vector<ModuleVerdict> Verdicts =
      checkModuleFiles({ASpelled, B}, *Db, {}, BatchOptions{1, nullptr}, &Kept);
  ASSERT_EQ(Verdicts.size(), 2u);
  ASSERT_TRUE(Verdicts[0].Result.has_value()) << Verdicts[0].ReadError;
  EXPECT_EQ(Verdicts[0].Path, ASpelled);
  EXPECT_EQ(Verdicts[0].Result->Module, "alpha");
  ASSERT_TRUE(Verdicts[1].Result.has_value()) << Verdicts[1].ReadError; // beta: not kept
  EXPECT_EQ(Verdicts[1].Result->Module, "beta");
  // Taken once: a second take reads nothing kept.
  EXPECT_FALSE(Kept.take(ASpelled).has_value());
  EXPECT_FALSE(Kept.take(B).has_value());
}

} // namespace
