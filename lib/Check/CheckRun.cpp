#include "Check/CheckRun.h"

#include "Compression/Decompress.h"
#include "Kernel/ModuleTree.h"
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
  ModuleVerdict V;
  V.Path = Path;
  auto Fail = [&](llvm::Error E) {
    V.ReadError = llvm::toString(std::move(E));
    return V;
  };
  auto Buf = readMaybeCompressed(Path);
  if (!Buf)
    return Fail(Buf.takeError());
  auto Imports = readModuleImports(Path, (*Buf)->getBuffer());
  if (!Imports)
    return Fail(Imports.takeError());
  V.Result = checkModule(Path, *Imports, Db, Options);
  return V;
}

std::vector<ModuleVerdict> checkModuleFiles(llvm::ArrayRef<std::string> Paths,
                                            const SymbolDb &Db, const CheckOptions &Options,
                                            const BatchOptions &Batch) {
  CheckOptions Once = Options; // the kernel's loader is the same for every module
  if (!Once.Loader)
    Once.Loader = detectLoaderModel(Db);
  return mapIndices(
      Paths.size(), [&](size_t I) { return checkModuleFile(Paths[I], Db, Once); }, Batch);
}

} // namespace modver
