// Acceptance against the real corpus: the Debian 6.1 kernels the `kernel` fixture caches
// (MODVER_KERNEL_ABIS, default "47;56"; cache MODVER_KERNEL_CACHE or the build's default).
// One test per claim; each covers every ABI and records its counts (RecordProperty, and
// printed). An ABI whose cache is missing makes the test skip with the reason, after the
// others have been checked: a test never passes without having looked at a kernel.
//
//   a. the exports read from the compressed vmlinuz are Module.symvers' vmlinux rows;
//   b. the exports read from the module tree are Module.symvers' other rows;
//   c. modversions.o of (vmlinuz + module tree) reads back into the same database, and the
//      `modversions` tool writes byte-identical files on two runs;
//   d. every module of the package loads into its own kernel (checkModuleFiles).
#include "Check/CheckRun.h"
#include "Database/SymbolDb.h"
#include "Database/Symvers.h"
#include "Fixture.h"
#include "Kernel/KernelDb.h"
#include "Kernel/KernelImage.h"
#include "Kernel/ModuleTree.h"
#include "KernelCache.h"
#include "Versioning/ModversionsObject.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace modver;
using namespace modver::test;

namespace {

using Corpus = CachedKernel;

std::vector<std::string> abis() { return kernelAbis(); }

Corpus corpus(const std::string &Abi) { return cachedKernel(Abi); }

// What a test reads once per ABI, kept for the other tests of the same process (ctest runs
// each test alone; running the binary directly shares the reading).
struct Loaded {
  std::unique_ptr<SymbolDb> Image, Tree, Symvers;
  double ImageSeconds = 0, TreeSeconds = 0;
};

std::map<std::string, Loaded> &loadedCache() {
  static std::map<std::string, Loaded> Cache;
  return Cache;
}

template <typename T> T take(llvm::Expected<T> E, const std::string &What) {
  if (!E) {
    ADD_FAILURE() << What << ": " << llvm::toString(E.takeError());
    return T();
  }
  return std::move(*E);
}

const SymbolDb &imageDb(const Corpus &C) {
  Loaded &L = loadedCache()[C.Abi];
  if (!L.Image) {
    Clock::time_point T0 = Clock::now();
    L.Image = std::make_unique<SymbolDb>(take(readKernelImage(C.vmlinuz()), C.vmlinuz()));
    L.ImageSeconds = secondsSince(T0);
  }
  return *L.Image;
}

const SymbolDb &treeDb(const Corpus &C) {
  Loaded &L = loadedCache()[C.Abi];
  if (!L.Tree) {
    Clock::time_point T0 = Clock::now();
    L.Tree =
        std::make_unique<SymbolDb>(take(readModuleTreeExports(C.modulesDir()), C.modulesDir()));
    L.TreeSeconds = secondsSince(T0);
  }
  return *L.Tree;
}

const SymbolDb &symversDb(const Corpus &C) {
  Loaded &L = loadedCache()[C.Abi];
  if (!L.Symvers)
    L.Symvers = std::make_unique<SymbolDb>(take(readSymversFile(C.symvers()), C.symvers()));
  return *L.Symvers;
}

// Runs Body for every ABI whose cache is complete; skips (with the reason) when any is not.
// Body returns nothing; failures are gtest failures scoped to the ABI.
template <typename Fn> void forEachCorpus(Fn Body) {
  std::vector<std::string> Missing;
  size_t Done = 0;
  for (const std::string &Abi : abis()) {
    Corpus C = corpus(Abi);
    if (std::string M = C.missing(); !M.empty()) {
      Missing.push_back("ABI " + Abi + " (" + M + ")");
      continue;
    }
    SCOPED_TRACE("ABI " + Abi + " (" + C.Root + ")");
    Body(C);
    ++Done;
  }
  if (!Missing.empty()) {
    std::string Why = "kernel cache incomplete (run the kernel-fetch "
                      "test or tests/kernel/fetch-all); missing: ";
    for (size_t I = 0; I < Missing.size(); ++I)
      Why += (I ? "; " : "") + Missing[I];
    Why += "; ABIs checked: " + std::to_string(Done);
    GTEST_SKIP() << Why;
  }
}

void record(const Corpus &C, const std::string &Key, const std::string &Value) {
  ::testing::Test::RecordProperty("abi" + C.Abi + "_" + Key, Value);
  llvm::outs() << "[corpus " << C.Release << "] " << Key << " = " << Value << "\n";
  llvm::outs().flush();
}
void record(const Corpus &C, const std::string &Key, size_t Value) {
  record(C, Key, std::to_string(Value));
}
void recordSeconds(const Corpus &C, const std::string &Key, double S) {
  std::string V;
  llvm::raw_string_ostream(V) << llvm::format("%.2f", S);
  record(C, Key, V);
}

std::string hex(uint32_t V) {
  std::string S;
  llvm::raw_string_ostream(S) << llvm::format_hex(V, 10);
  return S;
}

std::string describe(const Export &E, bool WithExporter) {
  std::string S = E.Name + " crc=" + (E.HasCrc ? hex(E.Crc) : std::string("none")) +
                  (E.GplOnly ? " GPL" : "") + " ns='" + E.Namespace + "'";
  if (WithExporter)
    S += " exporter=" + E.Exporter;
  return S;
}

bool sameRow(const Export &A, const Export &B, bool WithExporter) {
  return A.Name == B.Name && A.HasCrc == B.HasCrc && (!A.HasCrc || A.Crc == B.Crc) &&
         A.GplOnly == B.GplOnly && A.Namespace == B.Namespace &&
         (!WithExporter || A.Exporter == B.Exporter);
}

// Compare Ours with the rows of Expected that Pick selects: same names, same fields. Returns
// the number of rows compared; failures list the first few differences of each kind.
template <typename Pred>
size_t expectSameRows(const SymbolDb &Ours, const SymbolDb &Expected, Pred Pick, bool WithExporter,
                      const char *OursName) {
  llvm::StringMap<const Export *> Want;
  for (const Export &E : Expected.exports())
    if (Pick(E))
      Want[E.Name] = &E;
  const size_t Limit = 10;
  std::vector<std::string> Extra, Missing, Differ;
  size_t NExtra = 0, NMissing = 0, NDiffer = 0;
  for (const Export *E : Ours.sorted()) {
    auto It = Want.find(E->Name);
    if (It == Want.end()) {
      if (NExtra++ < Limit)
        Extra.push_back(describe(*E, WithExporter));
    } else if (!sameRow(*E, *It->second, WithExporter)) {
      if (NDiffer++ < Limit)
        Differ.push_back(describe(*E, WithExporter) + "  vs symvers  " +
                         describe(*It->second, WithExporter));
    }
  }
  for (const Export *E : Expected.sorted())
    if (Pick(*E) && !Ours.find(E->Name))
      if (NMissing++ < Limit)
        Missing.push_back(describe(*E, WithExporter));
  auto List = [](const std::vector<std::string> &L) {
    std::string S;
    for (const std::string &X : L)
      S += "\n    " + X;
    return S;
  };
  EXPECT_EQ(NExtra, 0u) << "in " << OursName << ", not in Module.symvers:" << List(Extra);
  EXPECT_EQ(NMissing, 0u) << "in Module.symvers, not in " << OursName << ":" << List(Missing);
  EXPECT_EQ(NDiffer, 0u) << "rows that differ:" << List(Differ);
  EXPECT_EQ(Ours.size(), Want.size());
  return Want.size();
}

bool isVmlinuxRow(const Export &E) { return E.Exporter == "vmlinux"; }

SymbolDb kernelAndTree(const Corpus &C) {
  KernelSources S;
  S.Kernels = {C.vmlinuz()};
  S.ModuleDirs = {C.modulesDir()};
  return take(loadKernelDb(S), "loadKernelDb(" + C.vmlinuz() + ", " + C.modulesDir() + ")");
}

} // namespace

// a. Every export of vmlinux, as read from the compressed image, is the vmlinux row of the
// package's Module.symvers with the same CRC, GPL-ness and namespace, and nothing more.
TEST(Corpus, ImageExportsAreTheVmlinuxRowsOfModuleSymvers) {
  forEachCorpus([](const Corpus &C) {
    const SymbolDb &Image = imageDb(C);
    const SymbolDb &Symvers = symversDb(C);
    ASSERT_FALSE(Image.empty());
    for (const Export &E : Image.exports())
      ASSERT_EQ(E.Exporter, "vmlinux") << E.Name;
    size_t N = expectSameRows(Image, Symvers, isVmlinuxRow, /*WithExporter=*/false, "vmlinuz");
    EXPECT_EQ(Image.kernel().Release, C.Release);
    EXPECT_GT(N, 10000u);
    record(C, "vmlinux_exports", Image.size());
    record(C, "symvers_vmlinux_rows", N);
    recordSeconds(C, "read_vmlinuz_seconds", loadedCache()[C.Abi].ImageSeconds);
  });
}

// b. The exports of all modules of the package are the other rows of Module.symvers: same
// symbols, CRCs, exporter paths, GPL-ness and namespaces.
TEST(Corpus, ModuleTreeExportsAreTheModuleRowsOfModuleSymvers) {
  forEachCorpus([](const Corpus &C) {
    const SymbolDb &Tree = treeDb(C);
    const SymbolDb &Symvers = symversDb(C);
    ASSERT_FALSE(Tree.empty());
    size_t N = expectSameRows(
        Tree, Symvers, [](const Export &E) { return !isVmlinuxRow(E); },
        /*WithExporter=*/true, "the module tree");
    llvm::StringMap<bool> Exporters;
    for (const Export &E : Tree.exports())
      Exporters[E.Exporter] = true;
    EXPECT_EQ(Tree.kernel().Release, C.Release);
    EXPECT_GT(N, 13000u);
    record(C, "module_exports", Tree.size());
    record(C, "symvers_module_rows", N);
    record(C, "exporting_modules", Exporters.size());
    recordSeconds(C, "read_module_tree_seconds", loadedCache()[C.Abi].TreeSeconds);
  });
}

// c. modversions.o of (vmlinuz + module tree) is the database again once read back, and
// writes the same bytes again; the tool gives byte-identical files on two runs.
TEST(Corpus, ModversionsObjectRoundTripsAndIsReproducible) {
  forEachCorpus([](const Corpus &C) {
    SymbolDb Db = kernelAndTree(C);
    ASSERT_FALSE(Db.empty());
    ASSERT_TRUE(Db.kernel().Target.has_value());
    auto Bytes = writeModversionsObject(Db);
    ASSERT_TRUE(bool(Bytes)) << llvm::toString(Bytes.takeError());
    auto Back = readModversionsObject("modversions.o", *Bytes);
    ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());

    EXPECT_EQ(Back->kernel().Release, Db.kernel().Release);
    EXPECT_EQ(Back->kernel().Vermagic, Db.kernel().Vermagic);
    EXPECT_EQ(Back->kernel().Target, Db.kernel().Target);
    EXPECT_EQ(Back->kernel().ForceLoad, Db.kernel().ForceLoad);
    std::vector<const Export *> A = Db.sorted(), B = Back->sorted();
    ASSERT_EQ(A.size(), B.size());
    size_t Differ = 0;
    for (size_t I = 0; I < A.size(); ++I) {
      const Export &X = *A[I], &Y = *B[I];
      bool Same = sameRow(X, Y, /*WithExporter=*/true) && X.Crc == Y.Crc && X.Source == Y.Source;
      if (!Same && Differ++ < 10)
        ADD_FAILURE() << "written " << describe(X, true) << " source=" << X.Source << "\n   read "
                      << describe(Y, true) << " source=" << Y.Source;
    }
    EXPECT_EQ(Differ, 0u);
    auto Again = writeModversionsObject(*Back);
    ASSERT_TRUE(bool(Again)) << llvm::toString(Again.takeError());
    EXPECT_TRUE(*Again == *Bytes) << "the read-back database writes different bytes";

    // The tool, twice, from the same sources.
    TempDir Dir;
    std::vector<std::string> Files = {Dir.file("first.o"), Dir.file("second.o")};
    Clock::time_point T0 = Clock::now();
    for (const std::string &Out : Files) {
      CommandResult R = run({toolPath("modversions"), "--kernel", C.vmlinuz(), "--modules",
                             C.modulesDir(), "-o", Out});
      ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
    }
    double ToolSeconds = secondsSince(T0) / 2;
    std::string First = readWhole(Files[0]), Second = readWhole(Files[1]);
    EXPECT_TRUE(First == Second) << "two runs of modversions differ";
    EXPECT_TRUE(First == *Bytes) << "the tool and the library write different objects";

    record(C, "database_exports", Db.size());
    record(C, "modversions_o_bytes", Bytes->size());
    recordSeconds(C, "modversions_tool_seconds", ToolSeconds);
  });
}

// d. Every module of the package loads into its own kernel (vmlinuz + its module tree).
TEST(Corpus, EveryModuleLoadsIntoItsOwnKernel) {
  forEachCorpus([](const Corpus &C) {
    SymbolDb Db = kernelAndTree(C);
    ASSERT_FALSE(Db.empty());
    auto Modules = findModules(C.kernelDir());
    ASSERT_TRUE(bool(Modules)) << llvm::toString(Modules.takeError());
    std::vector<std::string> Paths;
    for (const ModuleFile &M : *Modules)
      Paths.push_back(M.Path);
    ASSERT_GT(Paths.size(), 4000u);

    Clock::time_point T0 = Clock::now();
    std::vector<ModuleVerdict> Verdicts = checkModuleFiles(Paths, Db, CheckOptions{});
    double Seconds = secondsSince(T0);

    ASSERT_EQ(Verdicts.size(), Paths.size());
    size_t Compatible = 0, Warnings = 0, Bad = 0;
    for (const ModuleVerdict &V : Verdicts) {
      if (!V.Result) {
        if (Bad++ < 10)
          ADD_FAILURE() << V.Path << ": unreadable: " << V.ReadError;
        continue;
      }
      Warnings += V.Result->Problems.size();
      if (V.Result->Result == Verdict::Loads && V.Result->Problems.empty()) {
        ++Compatible;
        continue;
      }
      if (V.Result->Result == Verdict::Loads)
        continue; // non-fatal warnings only: counted below
      if (Bad++ < 10) {
        std::string Why;
        for (const Problem &P : V.Result->Problems)
          Why += "\n    " + P.Message;
        ADD_FAILURE() << V.Path << ": " << verdictName(V.Result->Result).str() << Why;
      }
    }
    EXPECT_EQ(Bad, 0u);
    EXPECT_EQ(Warnings, 0u) << "modules of the package should not even warn";
    EXPECT_EQ(Compatible, Paths.size());
    record(C, "modules", Paths.size());
    record(C, "compatible", Compatible);
    recordSeconds(C, "check_seconds", Seconds);
  });
}
