// Explaining CRC changes from BTF on real Debian kernels (6.1.0-47 vs 6.1.0-56, or the ABIs in
// MODVER_KERNEL_ABIS: the first and the last): recall, specificity, root causes, timings.
// Skips when the kernel cache (MODVER_KERNEL_CACHE or the build's default) is missing.
#include "Explain/Explain.h"
#include "Fixture.h"
#include "Kernel/KernelImage.h"
#include "KernelCache.h"
#include "Types/Btf.h"
#include "Types/Closure.h"
#include "Types/HeaderTypes.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <sys/stat.h>

using namespace modver;
using namespace modver::test;

namespace {

std::vector<std::string> abis() { return kernelAbis(); }

std::string vmlinuz(const std::string &Abi) { return cachedKernel(Abi).vmlinuz(); }

bool exists(const std::string &Path) {
  struct stat St;
  return ::stat(Path.c_str(), &St) == 0;
}

std::string moduleOf(const std::string &Abi, const std::string &Rel) {
  return cachedKernel(Abi).kernelDir() + "/" + Rel;
}

class ExplainBtfKernel : public ::testing::Test {
protected:
  void SetUp() override {
    std::vector<std::string> A = abis();
    if (A.size() < 2)
      GTEST_SKIP() << "MODVER_KERNEL_ABIS names fewer than two kernels";
    OldPath = vmlinuz(A.front());
    NewPath = vmlinuz(A.back());
    if (!exists(OldPath) || !exists(NewPath))
      GTEST_SKIP() << "kernel cache missing: " << OldPath << ", " << NewPath;
  }
  std::string OldPath, NewPath;
};

std::unique_ptr<BtfTypes> readBtfOrFail(const std::string &Path) {
  auto Btf = readKernelBtf(Path);
  if (!Btf) {
    ADD_FAILURE() << llvm::toString(Btf.takeError());
    return nullptr;
  }
  return std::move(*Btf);
}

} // namespace

// How fast is bench/run's business (section 5); this checks what is read.
TEST_F(ExplainBtfKernel, ReadsVmlinuxBtf) {
  auto Elf = readKernelElf(NewPath);
  ASSERT_TRUE(bool(Elf)) << llvm::toString(Elf.takeError());
  auto Btf = readElfBtf(NewPath, (*Elf)->getBuffer());
  ASSERT_TRUE(bool(Btf)) << llvm::toString(Btf.takeError());
  EXPECT_GT((*Btf)->Types.size(), 50000u);
  auto F = (*Btf)->Types.symbol("kmem_cache_alloc");
  ASSERT_TRUE(F.has_value());
  EXPECT_EQ((*Btf)->Types.type(*F).Kind, TypeKind::Func);
  EXPECT_FALSE((*Btf)->Types.named("task_struct").empty());
}

TEST_F(ExplainBtfKernel, ReadsModuleSplitBtfOnTopOfVmlinux) {
  auto Kernel = readBtfOrFail(NewPath);
  ASSERT_TRUE(Kernel);
  std::string Mod = moduleOf(abis().back(), "fs/btrfs/btrfs.ko");
  if (!exists(Mod))
    Mod += ".xz";
  if (!exists(Mod))
    GTEST_SKIP() << "no btrfs module in the cache";
  auto Split = readModuleBtf(Mod, *Kernel);
  ASSERT_TRUE(bool(Split)) << llvm::toString(Split.takeError());
  const TypeGraph &G = (*Split)->Types;
  EXPECT_GT(G.size(), Kernel->Types.size());
  // A type the module defines, referring to kernel types by their ids.
  auto Fs = G.named("btrfs_fs_info");
  ASSERT_FALSE(Fs.empty());
  EXPECT_GE(Fs.front(), Kernel->Types.size());
  ClosureWalker W(G);
  auto Sym = G.symbol("btrfs_get_dev_args_from_path");
  if (Sym) {
    Closure C = W.closureOf(*Sym);
    EXPECT_TRUE(C.Types.count("struct btrfs_fs_info"));
  }
}

namespace {

struct Figures {
  size_t Changed = 0, ChangedFound = 0, Same = 0, SameClean = 0, NoBtf = 0;
  // Changed CRCs with no difference found, but an opaque type that differs (a suspect).
  size_t MissedWithOpaqueSuspect = 0;
  double recall() const { return Changed ? double(ChangedFound) / Changed : 0; }
  double specificity() const { return Same ? double(SameClean) / Same : 0; }
};

std::string top(const std::map<std::string, size_t> &M, size_t N = 10) {
  std::vector<std::pair<size_t, std::string>> V;
  for (const auto &[K, Count] : M)
    V.push_back({Count, K});
  std::sort(V.rbegin(), V.rend());
  std::string S;
  for (size_t I = 0; I < std::min(N, V.size()); ++I)
    S += "  " + V[I].second + ": " + std::to_string(V[I].first) + " exports\n";
  return S;
}

// Explains every vmlinux export both kernels have a CRC for, and prints the figures and the
// commonest root causes under Title.
Figures measure(const char *Title, const SymbolDb &OldDb, const SymbolDb &NewDb,
                const TypeGraph &OldTypes, const TypeGraph &NewTypes, const HeaderTypes *OldHeaders,
                const HeaderTypes *NewHeaders) {
  auto T0 = Clock::now();
  Explainer X(OldTypes, NewTypes, OldHeaders, NewHeaders);
  Figures F;
  std::map<std::string, size_t> Nearest, FalseNearest;
  std::vector<std::string> Unexplained;
  for (const Export *N : NewDb.sorted()) {
    const Export *O = OldDb.find(N->Name);
    if (!O || !O->HasCrc || !N->HasCrc)
      continue;
    Explanation E = X.explain(N->Name);
    if (E.Result == Explanation::NoOldTypes || E.Result == Explanation::NoNewTypes) {
      ++F.NoBtf;
      continue;
    }
    bool Found = E.Result == Explanation::Explained;
    // The nearest difference: the likeliest to be what the exporting unit saw.
    std::string Near = !E.Declaration.empty() ? "(the prototype itself)"
                       : !E.Types.empty()     ? E.Types.front().Type
                                              : "";
    if (O->Crc != N->Crc) {
      ++F.Changed;
      F.ChangedFound += Found;
      if (!Found && Unexplained.size() < 12)
        Unexplained.push_back(N->Name);
      F.MissedWithOpaqueSuspect += !Found && !E.OpaqueSuspects.empty();
      if (Found)
        ++Nearest[Near];
    } else {
      ++F.Same;
      F.SameClean += !Found;
      if (Found)
        ++FalseNearest[Near];
    }
  }
  std::cout << "== " << Title << "\n"
            << "explained " << (F.Changed + F.Same) << " exports in " << secondsSince(T0) << " s ("
            << F.NoBtf << " without BTF on one side)\n"
            << "recall: " << F.ChangedFound << "/" << F.Changed << " = " << F.recall() << "\n"
            << "misses for which opaque types are named as suspects: " << F.MissedWithOpaqueSuspect
            << "/" << (F.Changed - F.ChangedFound) << "\n"
            << "specificity: " << F.SameClean << "/" << F.Same << " = " << F.specificity() << "\n"
            << "commonest nearest difference per changed export:\n"
            << top(Nearest) << "commonest nearest difference behind unchanged CRCs:\n"
            << top(FalseNearest) << "some changed CRCs with no difference found:";
  for (const std::string &U : Unexplained)
    std::cout << " " << U;
  std::cout << "\n";
  return F;
}

std::optional<HeaderTypes> headersOf(const std::string &Image) {
  std::vector<std::string> Dirs = headersBeside(Image);
  if (Dirs.empty())
    return std::nullopt;
  auto T0 = Clock::now();
  auto H = scanKernelHeaders(Dirs, "x86");
  if (!H) {
    ADD_FAILURE() << llvm::toString(H.takeError());
    return std::nullopt;
  }
  std::cout << "headers beside " << Image << ": " << H->files() << " files, " << H->tags()
            << " tags, read in " << secondsSince(T0) << " s\n";
  return std::move(*H);
}

} // namespace

// The acceptance figures: over vmlinux exports with BTF on both sides, recall is the share of
// changed CRCs for which a type difference is found, specificity the share of unchanged CRCs
// for which none is. With the kernels' headers (Debian's linux-headers packages), the types
// that source files define stay opaque, as genksyms leaves them; without, every type counts.
TEST_F(ExplainBtfKernel, RecallAndSpecificity) {
  auto OldDb = readKernelImage(OldPath);
  ASSERT_TRUE(bool(OldDb)) << llvm::toString(OldDb.takeError());
  auto NewDb = readKernelImage(NewPath);
  ASSERT_TRUE(bool(NewDb)) << llvm::toString(NewDb.takeError());
  auto Old = readBtfOrFail(OldPath), New = readBtfOrFail(NewPath);
  ASSERT_TRUE(Old && New);

  Figures All = measure("every type in BTF counts (no headers)", *OldDb, *NewDb, Old->Types,
                        New->Types, nullptr, nullptr);
  EXPECT_GT(All.Changed, 1000u);
  // Without headers BTF over-approximates every closure: recall is high, specificity lower.
  EXPECT_GE(All.recall(), 0.90);

  std::optional<HeaderTypes> OldHeaders = headersOf(OldPath), NewHeaders = headersOf(NewPath);
  if (!OldHeaders || !NewHeaders)
    GTEST_SKIP() << "no linux-headers trees in the kernel cache beside the images";
  Figures Opaque = measure("types no header defines are opaque (as genksyms leaves them)", *OldDb,
                           *NewDb, Old->Types, New->Types, &*OldHeaders, &*NewHeaders);
  EXPECT_EQ(Opaque.Changed, All.Changed);
  EXPECT_GE(Opaque.recall(), 0.90);
  EXPECT_GE(Opaque.specificity(), 0.90);
  EXPECT_GT(Opaque.specificity(), All.specificity());
  // Nearly every miss comes from a private header outside include/; the suspects say which.
  size_t Missed = Opaque.Changed - Opaque.ChangedFound;
  EXPECT_GE(Opaque.MissedWithOpaqueSuspect * 10, Missed * 9);
}

// The tools on the real kernels: `modcheck --diff OLD NEW --explain --json` finds the headers
// beside both images and says so; `modversions --types` leaves drivers/clk/clk.c's struct clk
// unexpanded (include/linux/sh_clk.h defines another struct clk).
TEST_F(ExplainBtfKernel, ToolsUseTheHeadersBesideTheImages) {
  if (headersBeside(OldPath).empty() || headersBeside(NewPath).empty())
    GTEST_SKIP() << "no linux-headers trees in the kernel cache beside the images";
  CommandResult R = run({toolPath("modcheck"), "--diff", OldPath, NewPath, "--explain", "--json"});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  auto Doc = llvm::json::parse(R.Stdout);
  ASSERT_TRUE(bool(Doc)) << llvm::toString(Doc.takeError());
  const llvm::json::Object *Top = Doc->getAsObject();
  ASSERT_TRUE(Top);
  const llvm::json::Object *Headers = Top->getObject("explain_headers");
  ASSERT_TRUE(Headers);
  ASSERT_TRUE(Headers->getArray("old") && !Headers->getArray("old")->empty());
  ASSERT_TRUE(Headers->getArray("new") && !Headers->getArray("new")->empty());
  const llvm::json::Array *Es = Top->getArray("explanations");
  ASSERT_TRUE(Es);
  EXPECT_GT(Es->size(), 5000u);
  bool SawKmallocTrace = false;
  for (const llvm::json::Value &V : *Es) {
    const llvm::json::Object *E = V.getAsObject();
    if (E && E->getString("symbol") == llvm::StringRef("kmalloc_trace"))
      SawKmallocTrace = true;
  }
  EXPECT_TRUE(SawKmallocTrace);

  R = run({toolPath("modversions"), "--types", NewPath, "__clk_get_name"});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_NE(R.Stdout.find("struct clk  // no header defines it: not expanded"), std::string::npos)
      << R.Stdout;
}

// `modcheck -k NEW --explain --explain-from OLD module`: a module of the old kernel checked
// against the new one; each symbol it disagrees about is explained, in text and in JSON.
TEST_F(ExplainBtfKernel, ModcheckExplainsAModulesMismatches) {
  std::string Mod = moduleOf(abis().front(), "fs/fat/fat.ko");
  if (!exists(Mod))
    Mod += ".xz";
  if (!exists(Mod))
    GTEST_SKIP() << "no fat module in the cache";
  CommandResult R = run(
      {toolPath("modcheck"), "-k", NewPath, "--explain", "--explain-from", OldPath, Mod, "--json"});
  ASSERT_EQ(R.ExitCode, 1) << R.Stderr; // the old module does not load into the new kernel
  auto Doc = llvm::json::parse(R.Stdout);
  ASSERT_TRUE(bool(Doc)) << llvm::toString(Doc.takeError());
  const llvm::json::Array *Es = Doc->getAsObject()->getArray("explanations");
  ASSERT_TRUE(Es && !Es->empty());
  size_t Explained = 0;
  for (const llvm::json::Value &V : *Es) {
    const llvm::json::Object *E = V.getAsObject();
    ASSERT_TRUE(E);
    Explained += E->getString("status") == llvm::StringRef("explained");
  }
  EXPECT_GT(Explained, 0u);

  R = run({toolPath("modcheck"), "-k", NewPath, "--explain", "--explain-from", OldPath, Mod});
  ASSERT_EQ(R.ExitCode, 1) << R.Stderr;
  EXPECT_NE(R.Stdout.find("why the CRCs differ"), std::string::npos) << R.Stdout;
  EXPECT_NE(R.Stdout.find("types no header defines are left out"), std::string::npos) << R.Stdout;
}
