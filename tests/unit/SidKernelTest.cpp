// Acceptance against Debian sid's 7.x kernel (MODVER_SID_KERNEL, fetched by the
// kernel-fetch-sid fixture with tests/kernel/fetch-debian): a kernel of the newest loader
// generation, built without MODVERSIONS, with __kflagstab and "module:" namespaces. Each test
// skips with the reason when the tree is not in the cache, and records its counts.
//
//   a. the exports read from vmlinuz equal Module.symvers' vmlinux rows, GPL flags and
//      namespaces included;
//   b. every module of the tree loads into its own kernel (0 refused);
//   c. a module whose license is made non-GPL is refused (its GPL-only imports are hidden);
//   d. a module renamed out of a "module:" namespace's list is refused;
//   e. a module of Debian 13's 6.12 (MODVER_TRIXIE_KERNEL) is refused by vermagic;
//   f. mkmod refuses in one line (exit 1) and writes nothing: the kernel checks no records.
#include "Check/CheckRun.h"
#include "Compression/Decompress.h"
#include "Database/Symvers.h"
#include "Fixture.h"
#include "Kernel/KernelDb.h"
#include "Kernel/KernelImage.h"
#include "Kernel/ModuleTree.h"
#include "KernelCache.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

using namespace modver;
using namespace modver::test;

namespace {

CachedDebianKernel sid() { return cachedDebianKernel(MODVER_SID_KERNEL); }

#define REQUIRE_CACHED(K)                                                                          \
  do {                                                                                             \
    if ((K).Release.empty())                                                                       \
      GTEST_FAIL() << "no kernel release configured (MODVER_SID_KERNEL/MODVER_TRIXIE_KERNEL)";     \
    if (std::string M = (K).missing(); !M.empty())                                                 \
      GTEST_SKIP() << (K).Release << " is not in the kernel cache (run the kernel-fetch-sid "      \
                   << "or kernel-fetch-trixie test, or tests/kernel/fetch-debian); missing: "      \
                   << M;                                                                           \
  } while (0)

void record(const std::string &Key, const std::string &Value) {
  ::testing::Test::RecordProperty(Key, Value);
  llvm::outs() << "[" << MODVER_SID_KERNEL << "] " << Key << " = " << Value << "\n";
  llvm::outs().flush();
}
void record(const std::string &Key, size_t Value) { record(Key, std::to_string(Value)); }

template <typename T> T take(llvm::Expected<T> E, const std::string &What) {
  if (!E) {
    ADD_FAILURE() << What << ": " << llvm::toString(E.takeError());
    return T();
  }
  return std::move(*E);
}

// The kernel as the tools see it when given the image and the module tree (the image's config
// is found beside it), read once per process.
const SymbolDb &sidDb() {
  static std::unique_ptr<SymbolDb> Db;
  if (!Db) {
    KernelSources S;
    S.Kernels.push_back(sid().vmlinuz());
    S.ModuleDirs.push_back(sid().modulesDir());
    Db = std::make_unique<SymbolDb>(take(loadKernelDb(S), "the sid kernel"));
  }
  return *Db;
}

std::string moduleBytes(const std::string &Path) {
  auto Buf = readMaybeCompressed(Path);
  if (!Buf) {
    ADD_FAILURE() << llvm::toString(Buf.takeError());
    return {};
  }
  return (*Buf)->getBuffer().str();
}

std::string findModule(const std::string &Dir, llvm::StringRef FileName) {
  auto Found = findModules(Dir);
  if (Found)
    for (const ModuleFile &M : *Found)
      if (llvm::sys::path::filename(M.Path) == FileName)
        return M.Path;
  if (!Found)
    llvm::consumeError(Found.takeError());
  ADD_FAILURE() << "no " << FileName.str() << " under " << Dir;
  return {};
}

// Replace the .modinfo entry From ("key=value") by To, of the same length.
bool patchModinfo(std::string &Bytes, const std::string &From, const std::string &To) {
  EXPECT_EQ(From.size(), To.size());
  size_t At = Bytes.find(std::string(1, '\0') + From + std::string(1, '\0'));
  if (At == std::string::npos)
    return false;
  Bytes.replace(At + 1, From.size(), To);
  return true;
}

CheckResult checkBytes(const std::string &Name, const std::string &Bytes) {
  auto Imports = readModuleImports(Name, Bytes);
  if (!Imports) {
    ADD_FAILURE() << llvm::toString(Imports.takeError());
    return {};
  }
  return checkModule(Name, *Imports, sidDb(), {});
}

} // namespace

TEST(SidKernel, ExportsFromVmlinuzEqualModuleSymvers) {
  REQUIRE_CACHED(sid());
  SymbolDb Image = take(readKernelImage(sid().vmlinuz()), sid().vmlinuz());
  SymbolDb Symvers = take(readSymversFile(sid().symvers()), sid().symvers());
  EXPECT_TRUE(Image.kernel().HasKflagstab);
  size_t Vmlinux = 0, Gpl = 0, Namespaced = 0, ModuleNs = 0;
  for (const Export &S : Symvers.exports()) {
    if (S.Exporter != "vmlinux")
      continue;
    ++Vmlinux;
    const Export *E = Image.find(S.Name);
    if (!E) {
      ADD_FAILURE() << S.Name << " is in Module.symvers but not read from vmlinuz";
      continue;
    }
    EXPECT_EQ(E->GplOnly, S.GplOnly) << S.Name;
    EXPECT_EQ(E->Namespace, S.Namespace) << S.Name;
    Gpl += S.GplOnly;
    Namespaced += !S.Namespace.empty();
    ModuleNs += llvm::StringRef(S.Namespace).starts_with("module:");
  }
  EXPECT_EQ(Image.size(), Vmlinux);
  EXPECT_GT(Gpl, 0u);
  record("vmlinux_exports", Vmlinux);
  record("vmlinux_gpl_only", Gpl);
  record("vmlinux_namespaced", Namespaced);
  record("vmlinux_module_namespaces", ModuleNs);

  // The module tree's exports, GPL flags from each module's __kflagstab, equal the rest.
  const SymbolDb &Tree = sidDb();
  size_t ModuleRows = 0, ModuleGpl = 0;
  for (const Export &S : Symvers.exports()) {
    if (S.Exporter == "vmlinux")
      continue;
    ++ModuleRows;
    ModuleGpl += S.GplOnly;
    const Export *E = Tree.find(S.Name);
    if (!E) {
      ADD_FAILURE() << S.Name << " (" << S.Exporter << ") not read from the module tree";
      continue;
    }
    EXPECT_EQ(E->GplOnly, S.GplOnly) << S.Name;
    EXPECT_EQ(E->Namespace, S.Namespace) << S.Name;
  }
  EXPECT_EQ(Tree.size(), Symvers.size());
  record("module_exports", ModuleRows);
  record("module_gpl_only", ModuleGpl);
}

TEST(SidKernel, OwnTreeAllLoad) {
  REQUIRE_CACHED(sid());
  auto Paths = take(collectModulePaths({sid().kernelDir()}), sid().kernelDir());
  LoaderModel L = detectLoaderModel(sidDb());
  EXPECT_EQ(L.Generation, LoaderGeneration::Linux7_1);
  EXPECT_FALSE(L.Modversions);
  std::vector<ModuleVerdict> Verdicts = checkModuleFiles(Paths, sidDb(), {});
  size_t Loads = 0;
  for (const ModuleVerdict &V : Verdicts) {
    if (!V.Result) {
      ADD_FAILURE() << V.ReadError;
      continue;
    }
    if (V.Result->Result == Verdict::Loads) {
      ++Loads;
      continue;
    }
    std::string Why;
    for (const Problem &P : V.Result->Problems)
      Why += "; " + P.Message;
    ADD_FAILURE() << V.Path << ": " << verdictName(V.Result->Result).str() << Why;
  }
  EXPECT_EQ(Loads, Paths.size());
  EXPECT_GT(Paths.size(), 1000u);
  record("modules", Paths.size());
  record("modules_load", Loads);
  record("loader", L.describe() + " (" + L.Evidence + ")");
}

TEST(SidKernel, NonGplModuleUsingGplOnlyExportsIsRefused) {
  REQUIRE_CACHED(sid());
  std::string Path = findModule(sid().kernelDir(), "fat.ko.xz");
  std::string Bytes = moduleBytes(Path);
  ASSERT_EQ(checkBytes(Path, Bytes).Result, Verdict::Loads);
  ASSERT_TRUE(patchModinfo(Bytes, "license=GPL", "license=XYZ"));
  CheckResult R = checkBytes(Path, Bytes);
  EXPECT_EQ(R.Result, Verdict::Refused);
  size_t Hidden = 0;
  for (const Problem &P : R.Problems) {
    EXPECT_EQ(P.Kind, ProblemKind::UnknownSymbol) << P.Message;
    Hidden += P.Message.find("GPL-only") != std::string::npos;
  }
  EXPECT_GT(Hidden, 0u);
  record("fat_xyz_gpl_only_imports_refused", Hidden);

  // The tool says the same, and names the loader it modelled.
  TempDir Dir;
  std::string Ko = Dir.write("fat.ko", Bytes);
  CommandResult C = run({toolPath("modcheck"), "--kernel", sid().vmlinuz(), "--json", Ko});
  EXPECT_EQ(C.ExitCode, 1) << C.Stderr;
  EXPECT_NE(C.Stdout.find("\"generation\": \"7.1+\""), std::string::npos) << C.Stdout;
  EXPECT_NE(C.Stdout.find("\"modversions\": false"), std::string::npos) << C.Stdout;
  EXPECT_NE(C.Stdout.find("\"incompatible\": 1"), std::string::npos) << C.Stdout;
}

TEST(SidKernel, ModuleOutsideAModuleNamespaceListIsRefused) {
  REQUIRE_CACHED(sid());
  const SymbolDb &Db = sidDb();
  auto Found = take(findModules(sid().kernelDir()), sid().kernelDir());
  // The first module (in path order) that imports a symbol of a "module:" namespace.
  for (const ModuleFile &M : Found) {
    std::string Bytes = moduleBytes(M.Path);
    auto Imports = readModuleImports(M.Path, Bytes);
    ASSERT_TRUE(bool(Imports)) << llvm::toString(Imports.takeError());
    std::string Ns;
    for (const ImportedSymbol &S : Imports->Undefined)
      if (const Export *E = Db.find(S.Name);
          E && llvm::StringRef(E->Namespace).starts_with("module:"))
        Ns = E->Namespace;
    if (Ns.empty())
      continue;
    std::string Name = Imports->Name;
    std::string Other = Name;
    Other[0] = Other[0] == 'q' ? 'z' : 'q';
    ASSERT_FALSE(moduleNamespaceAllows(Ns, Other)) << Ns;
    ASSERT_EQ(checkBytes(M.Path, Bytes).Result, Verdict::Loads);
    ASSERT_TRUE(patchModinfo(Bytes, "name=" + Name, "name=" + Other)) << M.Path;
    CheckResult R = checkBytes(M.Path, Bytes);
    EXPECT_EQ(R.Result, Verdict::Refused);
    ASSERT_FALSE(R.Problems.empty());
    EXPECT_EQ(R.Problems[0].Kind, ProblemKind::NamespaceNotImported) << R.Problems[0].Message;
    record("module_namespace_probe", Name + " renamed " + Other + " (" + Ns + ")");
    return;
  }
  FAIL() << "no module of the tree imports from a module: namespace";
}

TEST(SidKernel, ModuleOfAnotherGenerationIsRefusedByVermagic) {
  REQUIRE_CACHED(sid());
  CachedDebianKernel Trixie = cachedDebianKernel(MODVER_TRIXIE_KERNEL);
  if (!llvm::sys::fs::is_directory(Trixie.kernelDir()))
    GTEST_SKIP() << Trixie.kernelDir() << " is not in the kernel cache";
  std::string Path = findModule(Trixie.kernelDir(), "fat.ko.xz");
  CheckResult R = checkBytes(Path, moduleBytes(Path));
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_FALSE(R.Problems.empty());
  EXPECT_EQ(R.Problems[0].Kind, ProblemKind::BadVermagic) << R.Problems[0].Message;
  record("trixie_fat", R.Problems[0].Message);
}

TEST(SidKernel, MkmodRefusesInOneLineAndWritesNothing) {
  REQUIRE_CACHED(sid());
  TempDir Dir;
  std::string Out = Dir.file("fat.ko");
  std::string Path = findModule(sid().kernelDir(), "fat.ko.xz");
  CommandResult C = run({toolPath("mkmod"), Path, "--kernel", sid().vmlinuz(), "-o", Out});
  EXPECT_EQ(C.ExitCode, 1) << C.Stderr;
  EXPECT_EQ(std::count(C.Stderr.begin(), C.Stderr.end(), '\n'), 1) << C.Stderr;
  EXPECT_NE(C.Stderr.find("without CONFIG_MODVERSIONS"), std::string::npos) << C.Stderr;
  EXPECT_NE(C.Stderr.find("vermagic"), std::string::npos) << C.Stderr;
  EXPECT_FALSE(llvm::sys::fs::exists(Out));
  record("mkmod_message", C.Stderr);
}
