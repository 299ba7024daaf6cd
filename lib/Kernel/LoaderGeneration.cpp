#include "Kernel/LoaderGeneration.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>

namespace modver {

std::optional<std::pair<unsigned, unsigned>> releaseVersion(llvm::StringRef Release) {
  unsigned Major = 0, Minor = 0;
  llvm::StringRef Rest = Release;
  if (Rest.consumeInteger(10, Major) || !Rest.consume_front(".") || Rest.consumeInteger(10, Minor))
    return std::nullopt;
  return std::make_pair(Major, Minor);
}

static LoaderGeneration generationOfRelease(std::pair<unsigned, unsigned> V) {
  if (V >= std::make_pair(7u, 1u))
    return LoaderGeneration::Linux7_1;
  if (V >= std::make_pair(6u, 16u))
    return LoaderGeneration::Linux6_16;
  if (V >= std::make_pair(6u, 14u))
    return LoaderGeneration::Linux6_14;
  return LoaderGeneration::Linux6_1;
}

static bool hasToken(llvm::StringRef Vermagic, llvm::StringRef Token) {
  llvm::SmallVector<llvm::StringRef, 8> Words;
  Vermagic.split(Words, ' ', -1, false);
  return llvm::is_contained(Words, Token);
}

LoaderModel detectLoaderModel(const SymbolDb &Db) {
  const KernelInfo &K = Db.kernel();
  LoaderModel M;
  auto Raise = [&](LoaderGeneration G, std::string Why) {
    if (G > M.Generation || M.Evidence.empty()) {
      M.Generation = std::max(M.Generation, G);
      M.Evidence = std::move(Why);
    }
  };
  llvm::StringRef Release = K.Release;
  if (Release.empty())
    Release = llvm::StringRef(K.Vermagic).split(' ').first;
  std::optional<std::pair<unsigned, unsigned>> Version = releaseVersion(Release);
  if (Version)
    Raise(generationOfRelease(*Version), "release " + Release.str());
  bool ModuleNs = false, AnyCrc = false;
  for (const Export &E : Db.exports()) {
    ModuleNs = ModuleNs || llvm::StringRef(E.Namespace).starts_with("module:");
    AnyCrc = AnyCrc || (E.HasCrc && E.Crc != 0);
  }
  // Stable kernels backport EXPORT_SYMBOL_GPL_FOR_MODULES without the loader rule (Debian 13's
  // 6.12.118 exports to "module:kvm" and refuses kvm without an import): the namespace speaks
  // only when the release does not.
  if (ModuleNs && !Version)
    Raise(LoaderGeneration::Linux6_16, "\"module:\" namespaces among the exports");
  if (K.HasKflagstab)
    Raise(LoaderGeneration::Linux7_1, "__kflagstab in the kernel image");

  if (K.Modversions)
    M.Modversions = *K.Modversions;
  else if (!K.Vermagic.empty())
    M.Modversions = hasToken(K.Vermagic, "modversions");
  else
    M.Modversions = Db.find(ModuleLayoutSymbol) != nullptr || AnyCrc;
  return M;
}

llvm::StringRef LoaderModel::generationName() const {
  switch (Generation) {
  case LoaderGeneration::Linux6_1:
    return "6.1";
  case LoaderGeneration::Linux6_14:
    return "6.14+";
  case LoaderGeneration::Linux6_16:
    return "6.16+";
  case LoaderGeneration::Linux7_1:
    return "7.1+";
  }
  return "?";
}

std::string LoaderModel::describe() const {
  return generationName().str() + (Modversions ? "" : " without MODVERSIONS");
}

} // namespace modver
