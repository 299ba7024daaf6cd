// Where the tools look for a kernel when none is given: the classic /boot layout and Debian's
// merged-/usr one (7.x packages: /usr/lib/modules/<release>/vmlinuz and config, no /boot).
#include "Fixture.h"
#include "Kernel/KernelDb.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

const char *Release = "7.2.13+deb14-amd64";

// Create Root/Rel (and its folders) with some content.
void put(const TempDir &Root, const std::string &Rel, llvm::StringRef Content = "x") {
  std::string P = Root.file(Rel);
  ASSERT_FALSE(llvm::sys::fs::create_directories(llvm::sys::path::parent_path(P)));
  Root.write(Rel, Content);
}

} // namespace

TEST(KernelSources, MergedUsrImageAndConfig) {
  TempDir Root;
  std::string Mods = std::string("usr/lib/modules/") + Release;
  put(Root, Mods + "/vmlinuz");
  put(Root, Mods + "/config");
  put(Root, Mods + "/kernel/fs/fat/fat.ko.xz");
  auto S = kernelSourcesFor(Root.path(), Release);
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  ASSERT_EQ(S->Kernels.size(), 1u);
  EXPECT_EQ(S->Kernels[0], Root.file(Mods + "/vmlinuz"));
  ASSERT_EQ(S->ModuleDirs.size(), 1u);
  EXPECT_EQ(S->ModuleDirs[0], Root.file(Mods));
  EXPECT_EQ(S->Config, Root.file(Mods + "/config"));
  EXPECT_TRUE(S->Symvers.empty());
}

TEST(KernelSources, MergedUsrSymversComesFirst) {
  TempDir Root;
  std::string Mods = std::string("usr/lib/modules/") + Release;
  put(Root, Mods + "/vmlinuz");
  put(Root, Mods + "/build/Module.symvers");
  auto S = kernelSourcesFor(Root.path(), Release);
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  ASSERT_EQ(S->Symvers.size(), 1u);
  EXPECT_EQ(S->Symvers[0], Root.file(Mods + "/build/Module.symvers"));
  EXPECT_TRUE(S->Kernels.empty());
}

// Debian's linux-binary-unsigned-<release> names the image vmlinuz.unsigned (the signed
// linux-binary-<release> ships vmlinuz); a system with only the unsigned one has a kernel too.
TEST(KernelSources, MergedUsrUnsignedImage) {
  TempDir Root;
  std::string Mods = std::string("usr/lib/modules/") + Release;
  put(Root, Mods + "/vmlinuz.unsigned");
  auto S = kernelSourcesFor(Root.path(), Release);
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  ASSERT_EQ(S->Kernels.size(), 1u);
  EXPECT_EQ(S->Kernels[0], Root.file(Mods + "/vmlinuz.unsigned"));
}

TEST(KernelSources, ClassicBootLayout) {
  TempDir Root;
  put(Root, std::string("boot/vmlinuz-") + Release);
  put(Root, std::string("boot/config-") + Release);
  put(Root, std::string("lib/modules/") + Release + "/modules.dep");
  auto S = kernelSourcesFor(Root.path(), Release);
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  ASSERT_EQ(S->Kernels.size(), 1u);
  EXPECT_EQ(S->Kernels[0], Root.file(std::string("boot/vmlinuz-") + Release));
  EXPECT_EQ(S->Config, Root.file(std::string("boot/config-") + Release));
  ASSERT_EQ(S->ModuleDirs.size(), 1u);
  EXPECT_EQ(S->ModuleDirs[0], Root.file(std::string("lib/modules/") + Release));
}

TEST(KernelSources, NothingFoundListsEveryPathTried) {
  TempDir Root;
  auto S = kernelSourcesFor(Root.path(), Release);
  ASSERT_FALSE(bool(S));
  std::string Msg = llvm::toString(S.takeError());
  EXPECT_NE(Msg.find("/usr/lib/modules/7.2.13+deb14-amd64/vmlinuz"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("/usr/lib/modules/7.2.13+deb14-amd64/build/Module.symvers"), std::string::npos)
      << Msg;
  EXPECT_NE(Msg.find("/boot/vmlinuz-7.2.13+deb14-amd64"), std::string::npos) << Msg;
}
