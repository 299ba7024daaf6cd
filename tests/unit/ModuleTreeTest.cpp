// A folder of modules, nested, one of them xz-compressed, read as one export database.
#include "Kernel/ModuleTree.h"
#include "ModuleTestSources.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

const char *Vermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";

// Compile a module exporting Specs into Root/RelPath (folders created).
void makeModule(const TempDir &Dir, const std::string &RelPath, const std::string &Stem,
                const std::vector<ExportSpec> &Specs, const std::string &Magic = Vermagic) {
  std::string Src = modinfoSource({"vermagic=" + Magic, "name=" + Stem, "license=GPL"});
  for (const ExportSpec &S : Specs)
    Src += "int " + S.Symbol + "(void) { return 0; }\n";
  Src += exportsSource(Specs);
  std::string Obj = compile(Dir, Stem + ".c", Src);
  std::string Ko = linkModule(Dir, Obj, Stem + ".ko");
  std::string Dest = Dir.file("tree/" + RelPath);
  ASSERT_FALSE(llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Dest)));
  ASSERT_FALSE(llvm::sys::fs::copy_file(Ko, Dest));
}

void makeStandardTree(const TempDir &Dir) {
  makeModule(Dir, "kernel/drivers/usb/storage/usb-storage.ko", "usb_storage",
             {{"usb_stor_probe", true, "USB_STORAGE", 0x1234}, {"usb_stor_x", false, "", 7}});
  makeModule(Dir, "kernel/fs/ext9/ext9.ko", "ext9", {{"ext9_mount", false, "", 0xfeedface}});
  makeModule(Dir, "extra/vendor.ko", "vendor", {{"vendor_hook", true, "", 0x55}});
  makeModule(Dir, "kernel/lib/nothing.ko", "nothing", {});
  // Compressed as modules_install does it.
  ASSERT_EQ(run({"xz", "--check=crc32", Dir.file("tree/kernel/fs/ext9/ext9.ko")}).ExitCode, 0);
  Dir.write("tree/modules.dep", "kernel/fs/ext9/ext9.ko.xz:\n");
  Dir.write("tree/kernel/lib/readme.ko.txt", "not a module\n");
}

TEST(ModuleTree, ExporterNames) {
  EXPECT_EQ(exporterNameFor("kernel/drivers/usb/storage/usb-storage.ko"),
            "drivers/usb/storage/usb-storage");
  EXPECT_EQ(exporterNameFor("kernel/fs/ext4/ext4.ko.zst"), "fs/ext4/ext4");
  EXPECT_EQ(exporterNameFor("updates/dkms/foo.ko.xz"), "updates/dkms/foo");
  EXPECT_EQ(exporterNameFor("drivers/net/a.ko.gz"), "drivers/net/a");
  EXPECT_TRUE(isModuleFileName("a/b.ko.zst"));
  EXPECT_FALSE(isModuleFileName("a/b.ko.txt"));
  EXPECT_FALSE(isModuleFileName("a/.ko"));
  EXPECT_FALSE(isModuleFileName("a/b.o"));
}

TEST(ModuleTree, FindsModulesSorted) {
  TempDir Dir;
  makeStandardTree(Dir);
  // A link to a folder outside the tree (like /lib/modules/<r>/build) is not followed.
  TempDir Outside;
  makeModule(Outside, "elsewhere.ko", "elsewhere", {{"elsewhere_fn", false, "", 1}});
  ASSERT_FALSE(llvm::sys::fs::create_link(Outside.file("tree"), Dir.file("tree/build")));

  auto Found = findModules(Dir.file("tree"));
  ASSERT_TRUE(bool(Found)) << llvm::toString(Found.takeError());
  std::vector<std::string> Rel, Names;
  for (const ModuleFile &M : *Found) {
    Rel.push_back(M.RelativePath);
    Names.push_back(M.ExporterName);
  }
  EXPECT_EQ(
      Rel, (std::vector<std::string>{"extra/vendor.ko", "kernel/drivers/usb/storage/usb-storage.ko",
                                     "kernel/fs/ext9/ext9.ko.xz", "kernel/lib/nothing.ko"}));
  EXPECT_EQ(Names, (std::vector<std::string>{"extra/vendor", "drivers/usb/storage/usb-storage",
                                             "fs/ext9/ext9", "lib/nothing"}));
}

TEST(ModuleTree, MergesExportsOfAllModules) {
  TempDir Dir;
  makeStandardTree(Dir);
  BatchOptions Opts;
  Opts.Threads = 3;
  size_t Calls = 0, LastTotal = 0;
  Opts.Progress = [&](size_t, size_t Total) {
    ++Calls;
    LastTotal = Total;
  };
  auto Db = readModuleTreeExports(Dir.file("tree"), Opts);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_EQ(Calls, 4u);
  EXPECT_EQ(LastTotal, 4u);
  ASSERT_EQ(Db->size(), 4u);
  const Export *P = Db->find("usb_stor_probe");
  ASSERT_NE(P, nullptr);
  EXPECT_EQ(P->Exporter, "drivers/usb/storage/usb-storage");
  EXPECT_EQ(P->Namespace, "USB_STORAGE");
  EXPECT_TRUE(P->GplOnly);
  EXPECT_EQ(P->Crc, 0x1234u);
  const Export *X = Db->find("ext9_mount");
  ASSERT_NE(X, nullptr);
  EXPECT_EQ(X->Exporter, "fs/ext9/ext9");
  EXPECT_EQ(X->Crc, 0xfeedfaceu);
  EXPECT_EQ(X->Source, Dir.file("tree/kernel/fs/ext9/ext9.ko.xz"));
  EXPECT_EQ(Db->find("vendor_hook")->Exporter, "extra/vendor");
  EXPECT_EQ(Db->kernel().Vermagic, Vermagic);
  EXPECT_EQ(Db->kernel().Release, "6.1.0-56-amd64");
  ASSERT_TRUE(Db->kernel().Target.has_value());
  EXPECT_TRUE(Db->kernel().Target->Is64);

  // Same answer, same order, on one thread.
  auto Serial = readModuleTreeExports(Dir.file("tree"), BatchOptions{1, nullptr});
  ASSERT_TRUE(bool(Serial));
  ASSERT_EQ(Serial->size(), Db->size());
  for (size_t I = 0; I < Db->size(); ++I)
    EXPECT_EQ(Serial->exports()[I].Name, Db->exports()[I].Name);
}

TEST(ModuleTree, DisagreeingVermagicLeavesKernelUnknown) {
  TempDir Dir;
  makeModule(Dir, "a.ko", "a", {{"a_fn", false, "", 1}});
  makeModule(Dir, "b.ko", "b", {{"b_fn", false, "", 2}}, "6.1.0-99-amd64 SMP ");
  auto Db = readModuleTreeExports(Dir.file("tree"));
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_EQ(Db->size(), 2u);
  EXPECT_EQ(Db->kernel().Vermagic, "");
  EXPECT_EQ(Db->kernel().Release, "");
}

TEST(ModuleTree, ConflictingExportsAreAnError) {
  TempDir Dir;
  makeModule(Dir, "a.ko", "a", {{"shared_fn", false, "", 1}});
  makeModule(Dir, "sub/b.ko", "b", {{"shared_fn", false, "", 2}});
  auto Db = readModuleTreeExports(Dir.file("tree"));
  ASSERT_FALSE(bool(Db));
  std::string Msg = llvm::toString(Db.takeError());
  EXPECT_NE(Msg.find("shared_fn"), std::string::npos) << Msg;
}

TEST(ModuleTree, BrokenModuleIsNamed) {
  TempDir Dir;
  makeModule(Dir, "a.ko", "a", {{"a_fn", false, "", 1}});
  ASSERT_FALSE(llvm::sys::fs::create_directories(Dir.file("tree/z")));
  Dir.write("tree/z/broken.ko", "garbage");
  auto Db = readModuleTreeExports(Dir.file("tree"));
  ASSERT_FALSE(bool(Db));
  EXPECT_EQ(llvm::toString(Db.takeError()), Dir.file("tree/z/broken.ko") + ": not an ELF file");
}

TEST(ModuleTree, MissingFolder) {
  TempDir Dir;
  auto Db = readModuleTreeExports(Dir.file("nope"));
  ASSERT_FALSE(bool(Db));
  EXPECT_EQ(llvm::toString(Db.takeError()), Dir.file("nope") + ": not a folder");
}

} // namespace
