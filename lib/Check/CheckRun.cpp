#include "Check/CheckRun.h"

#include "Kernel/ModuleTree.h"
#include "Module/ModuleObject.h"
#include "Support/Error.h"

#include "llvm/Support/FileSystem.h"

namespace modver {

llvm::Expected<std::vector<std::string>> collectModulePaths(llvm::ArrayRef<std::string> Args) {
  std::vector<std::string> Paths;
  for (const std::string &Arg : Args) {
    if (!llvm::sys::fs::is_directory(Arg)) {
      Paths.push_back(Arg); // a missing file is reported by the check, with the others
      continue;
    }
    auto Found = findModules(Arg);
    if (!Found)
      return Found.takeError();
    if (Found->empty())
      return fileError(Arg, "no modules (.ko, .ko.xz, .ko.zst, .ko.gz) in this folder");
    for (ModuleFile &M : *Found)
      Paths.push_back(std::move(M.Path));
  }
  return Paths;
}

ModuleVerdict checkModuleFile(const std::string &Path, const SymbolDb &Db,
                              const CheckOptions &Options) {
  auto Module = ModuleObject::open(Path);
  if (!Module)
    return checkModuleImports(Path, Module.takeError(), Db, Options);
  return checkModuleImports(Path, Module->imports(), Db, Options);
}

ModuleVerdict checkModuleImports(const std::string &Path, llvm::Expected<ModuleImports> Imports,
                                 const SymbolDb &Db, const CheckOptions &Options) {
  ModuleVerdict V;
  V.Path = Path;
  if (!Imports)
    V.ReadError = llvm::toString(Imports.takeError());
  else
    V.Result = checkModule(Path, *Imports, Db, Options);
  return V;
}

std::vector<ModuleVerdict> checkModuleFiles(llvm::ArrayRef<std::string> Paths, const SymbolDb &Db,
                                            const CheckOptions &Options, const BatchOptions &Batch,
                                            KeptImports *Kept) {
  CheckOptions Once = Options; // the kernel's loader is the same for every module
  if (!Once.Loader)
    Once.Loader = detectLoaderModel(Db);
  // Taken here, in one thread: a file named twice is read again the second time.
  std::vector<std::optional<llvm::Expected<ModuleImports>>> Read(Paths.size());
  if (Kept)
    for (size_t I = 0; I < Paths.size(); ++I)
      Read[I] = Kept->take(Paths[I]);
  return mapIndices(
      Paths.size(),
      [&](size_t I) {
        if (Read[I])
          return checkModuleImports(Paths[I], std::move(*Read[I]), Db, Once);
        return checkModuleFile(Paths[I], Db, Once);
      },
      Batch);
}

} // namespace modver
