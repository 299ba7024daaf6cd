#include "Kernel/KernelConfig.h"
#include "Check/Check.h"
#include "Fixture.h"
#include "Kernel/KernelDb.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

TEST(KernelConfig, ReadsTheLoaderOptions) {
  KernelInfo K;
  applyKernelConfig("CONFIG_MODVERSIONS=y\n# CONFIG_MODULE_FORCE_LOAD is not set\n"
                    "CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS=y\n",
                    K);
  EXPECT_EQ(K.ForceLoad, false);
  EXPECT_EQ(K.AllowMissingNamespaceImports, true);

  KernelInfo Unknown;
  applyKernelConfig("CONFIG_MODVERSIONS=y\n", Unknown);
  EXPECT_FALSE(Unknown.ForceLoad);
  EXPECT_FALSE(Unknown.AllowMissingNamespaceImports);
  EXPECT_FALSE(Unknown.ModuleSigForce);
}

TEST(KernelConfig, ReadsSignatureEnforcement) {
  KernelInfo Forced, Debian, NoSig;
  applyKernelConfig("CONFIG_MODULE_SIG=y\nCONFIG_MODULE_SIG_FORCE=y\n", Forced);
  applyKernelConfig("CONFIG_MODULE_SIG=y\n# CONFIG_MODULE_SIG_FORCE is not set\n", Debian);
  applyKernelConfig("# CONFIG_MODULE_SIG is not set\n", NoSig);
  EXPECT_EQ(Forced.ModuleSigForce, true);
  EXPECT_EQ(Debian.ModuleSigForce, false);
  EXPECT_EQ(NoSig.ModuleSigForce, false);
  EXPECT_EQ(Forced.ModuleSig, true);
  EXPECT_EQ(Debian.ModuleSig, true);
  EXPECT_EQ(NoSig.ModuleSig, false);
  KernelInfo Fragment;
  applyKernelConfig("CONFIG_MODVERSIONS=y\n", Fragment);
  EXPECT_FALSE(Fragment.ModuleSig);
}

TEST(KernelConfig, FoundBesideTheKernelFile) {
  TempDir Dir;
  Dir.write("vmlinuz-6.1.0-9-amd64", "");
  std::string Config = Dir.write("config-6.1.0-9-amd64", "CONFIG_MODULE_FORCE_LOAD=y\n");
  EXPECT_EQ(configBeside(Dir.file("vmlinuz-6.1.0-9-amd64")), Config);
  EXPECT_EQ(configBeside(Dir.file("symvers-6.1.0-9-amd64.gz")), Config);
  EXPECT_EQ(configBeside(Dir.file("vmlinuz-6.1.0-10-amd64")), std::nullopt);
  std::string DotConfig = Dir.write(".config", "");
  EXPECT_EQ(configBeside(Dir.file("Module.symvers")), DotConfig);
}

TEST(KernelConfig, DecidesTheForceLoadVerdictThroughTheDatabase) {
  TempDir Dir;
  std::string Symvers =
      Dir.write("Module.symvers", "0x00000001\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n");
  Dir.write(".config", "# CONFIG_MODULE_FORCE_LOAD is not set\n");
  KernelSources Sources;
  Sources.Symvers.push_back(Symvers);
  auto Db = loadKernelDb(Sources);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_EQ(Db->kernel().ForceLoad, false);

  // A module without version tables: refused by this kernel, force-loaded when told otherwise.
  ModuleImports Unversioned;
  Unversioned.Name = "m";
  EXPECT_EQ(checkModule("m.ko", Unversioned, *Db, {}).Result, Verdict::Refused);
  CheckOptions Force;
  Force.ForceLoad = true;
  EXPECT_EQ(checkModule("m.ko", Unversioned, *Db, Force).Result, Verdict::LoadsForced);
}
