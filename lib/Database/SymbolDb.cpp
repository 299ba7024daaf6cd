#include "Database/SymbolDb.h"

#include "Support/Error.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace modver {

static std::string describeVersion(const Export &E) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  if (E.HasCrc)
    OS << llvm::format_hex(E.Crc, 10);
  else
    OS << "no CRC";
  OS << " (" << (E.Exporter.empty() ? "?" : E.Exporter) << ", from " << E.Source << ")";
  return OS.str();
}

llvm::Error SymbolDb::add(Export E) {
  auto [It, Inserted] = Index.try_emplace(E.Name, Exports.size());
  if (Inserted) {
    Exports.push_back(std::move(E));
    return llvm::Error::success();
  }
  Export &Old = Exports[It->second];
  if (!Old.sameVersion(E))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "conflicting versions of symbol '" + E.Name +
                                       "': " + describeVersion(Old) + " and " + describeVersion(E));
  // One source may know more than another (an image knows no module paths, a symvers file
  // knows no addresses): keep the first record and fill its gaps.
  if (Old.Namespace.empty())
    Old.Namespace = E.Namespace;
  if (Old.Exporter.empty())
    Old.Exporter = E.Exporter;
  Old.GplOnly = Old.GplOnly || E.GplOnly;
  return llvm::Error::success();
}

llvm::Error SymbolDb::merge(SymbolDb Other) {
  KernelInfo &K = Other.Kernel;
  if (!K.Release.empty() && !Kernel.Release.empty() && K.Release != Kernel.Release)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "sources describe different kernels: release '" +
                                       Kernel.Release + "' and '" + K.Release + "'");
  if (K.Target && Kernel.Target && !Kernel.Target->agreesWith(*K.Target))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "sources describe different targets: " +
                                       Kernel.Target->describe() + " and " + K.Target->describe());
  if (Kernel.Release.empty())
    Kernel.Release = K.Release;
  if (Kernel.Vermagic.empty())
    Kernel.Vermagic = K.Vermagic;
  if (!Kernel.Target || (Kernel.Target->FlagsUnknown && K.Target && !K.Target->FlagsUnknown))
    Kernel.Target = K.Target;
  if (!Kernel.ForceLoad)
    Kernel.ForceLoad = K.ForceLoad;
  if (!Kernel.AllowMissingNamespaceImports)
    Kernel.AllowMissingNamespaceImports = K.AllowMissingNamespaceImports;
  if (!Kernel.Modversions)
    Kernel.Modversions = K.Modversions;
  if (!Kernel.BasicModversions)
    Kernel.BasicModversions = K.BasicModversions;
  if (!Kernel.ExtendedModversions)
    Kernel.ExtendedModversions = K.ExtendedModversions;
  if (!Kernel.ModuleSigForce)
    Kernel.ModuleSigForce = K.ModuleSigForce;
  if (!Kernel.ModuleSig)
    Kernel.ModuleSig = K.ModuleSig;
  Kernel.HasKflagstab = Kernel.HasKflagstab || K.HasKflagstab;
  // Into an empty database (the first source, usually the only one) there is nothing to
  // reconcile: take the records and their index as they are instead of re-adding each one.
  if (Exports.empty()) {
    Exports = std::move(Other.Exports);
    Index = std::move(Other.Index);
    return llvm::Error::success();
  }
  Exports.reserve(Exports.size() + Other.Exports.size());
  for (Export &E : Other.Exports)
    if (llvm::Error Err = add(std::move(E)))
      return Err;
  return llvm::Error::success();
}

const Export *SymbolDb::find(llvm::StringRef Name) const {
  auto It = Index.find(Name);
  return It == Index.end() ? nullptr : &Exports[It->second];
}

std::vector<const Export *> SymbolDb::sorted() const {
  std::vector<const Export *> Out;
  Out.reserve(Exports.size());
  for (const Export &E : Exports)
    Out.push_back(&E);
  std::sort(Out.begin(), Out.end(),
            [](const Export *A, const Export *B) { return A->Name < B->Name; });
  return Out;
}

} // namespace modver
