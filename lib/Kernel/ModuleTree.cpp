#include "Kernel/ModuleTree.h"

#include "Elf/ElfTarget.h"
#include "Module/ModuleInfo.h"
#include "Module/ModuleObject.h"
#include "Support/Error.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <optional>

namespace modver {

static constexpr llvm::StringLiteral ModuleSuffixes[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};

bool isModuleFileName(llvm::StringRef Name) {
  Name = llvm::sys::path::filename(Name);
  for (llvm::StringRef S : ModuleSuffixes)
    if (Name.size() > S.size() && Name.ends_with(S))
      return true;
  return false;
}

std::string exporterNameFor(llvm::StringRef RelativePath) {
  llvm::StringRef P = RelativePath;
  // Longest suffix first is not needed: ".ko" is never a suffix of the others.
  for (llvm::StringRef S : ModuleSuffixes)
    if (P.consume_back(S))
      break;
  P.consume_front("kernel/");
  return P.str();
}

llvm::Expected<std::vector<ModuleFile>> findModules(llvm::StringRef Dir) {
  namespace fs = llvm::sys::fs;
  if (!fs::is_directory(Dir))
    return fileError(Dir, "not a folder");
  std::vector<ModuleFile> Out;
  std::error_code EC;
  for (fs::recursive_directory_iterator It(Dir, EC, /*follow_symlinks=*/false), End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef Path = It->path();
    // The iterator steps over a folder it cannot open and forgets why: the modules in it
    // would be missing from the database and the verdict, silently. Open it here first.
    if (It->type() == fs::file_type::directory_file) {
      fs::directory_iterator Probe(Path, EC, /*follow_symlinks=*/false);
      if (EC)
        return fileError(Path, "cannot list: " + EC.message());
      continue;
    }
    if (!isModuleFileName(Path))
      continue;
    // With follow_symlinks off, a link reports itself; take it only when it leads to a file.
    if (It->type() != fs::file_type::regular_file && !fs::is_regular_file(Path))
      continue;
    llvm::StringRef Rel = Path;
    Rel.consume_front(Dir);
    Rel = Rel.ltrim('/');
    ModuleFile M;
    M.Path = Path.str();
    M.RelativePath = llvm::sys::path::convert_to_slash(Rel);
    M.ExporterName = exporterNameFor(M.RelativePath);
    Out.push_back(std::move(M));
  }
  if (EC)
    return fileError(Dir, "cannot list: " + EC.message());
  std::sort(Out.begin(), Out.end(), [](const ModuleFile &A, const ModuleFile &B) {
    return A.RelativePath < B.RelativePath;
  });
  return Out;
}

namespace {

// What one module contributes; computed on a worker thread.
struct ModuleResult {
  SymbolDb Exports;
  std::optional<std::string> Vermagic;
  ElfTarget Target;
  // Read only when a KeptImports wants this file.
  std::optional<std::pair<llvm::sys::fs::UniqueID, llvm::Expected<ModuleImports>>> Imports;
};

// Only the facts are returned: the decompressed module is gone when this returns, so a tree
// of thousands of modules is never in memory at once.
llvm::Expected<ModuleResult> readOneModule(const ModuleFile &M, const KeptImports *Keep) {
  auto Module = ModuleObject::open(M.Path);
  if (!Module)
    return Module.takeError();
  ModuleResult R;
  R.Target = Module->target();
  auto Exports = Module->exports(M.ExporterName);
  if (!Exports)
    return Exports.takeError();
  R.Exports = std::move(*Exports);
  auto Info = Module->info();
  if (!Info)
    return Info.takeError();
  if (*Info)
    if (std::optional<llvm::StringRef> V = (*Info)->vermagic())
      R.Vermagic = V->str();
  llvm::sys::fs::UniqueID ID;
  if (Keep && Keep->wantsAny() && !llvm::sys::fs::getUniqueID(M.Path, ID) && Keep->wants(ID)) {
    llvm::Expected<ModuleImports> Imports = Module->imports();
    if (Imports)
      Imports->Defined.clear();
    R.Imports.emplace(ID, std::move(Imports));
  }
  return R;
}

// Set a field from per-module values only while every module agrees.
template <typename T> struct Agreement {
  std::optional<T> Value;
  bool Conflict = false;
  void see(const T &V) {
    if (!Value)
      Value = V;
    else if (*Value != V)
      Conflict = true;
  }
  const T *agreed() const { return Value && !Conflict ? &*Value : nullptr; }
};

} // namespace

KeptImports::KeptImports(llvm::ArrayRef<std::string> Paths) {
  for (const std::string &P : Paths) {
    llvm::sys::fs::UniqueID ID;
    if (!llvm::sys::fs::getUniqueID(P, ID))
      Wanted.insert(ID);
  }
}

void KeptImports::keep(const llvm::sys::fs::UniqueID &ID, llvm::Expected<ModuleImports> Imports) {
  // The same file reached twice in a tree (a link to it) was read the same way both times.
  Reading R;
  if (Imports)
    R.Imports = std::move(*Imports);
  else
    R.Error = llvm::toString(Imports.takeError());
  Kept.emplace(ID, std::move(R));
}

std::optional<llvm::Expected<ModuleImports>> KeptImports::take(llvm::StringRef Path) {
  llvm::sys::fs::UniqueID ID;
  if (Kept.empty() || llvm::sys::fs::getUniqueID(Path, ID))
    return std::nullopt;
  auto It = Kept.find(ID);
  if (It == Kept.end())
    return std::nullopt;
  Reading R = std::move(It->second);
  Kept.erase(It);
  if (!R.Imports)
    return llvm::Expected<ModuleImports>(
        llvm::createStringError(llvm::inconvertibleErrorCode(), R.Error));
  return llvm::Expected<ModuleImports>(std::move(*R.Imports));
}

llvm::Expected<SymbolDb> readModuleTreeExports(llvm::StringRef Dir, const BatchOptions &Opts,
                                               KeptImports *Keep) {
  auto Modules = findModules(Dir);
  if (!Modules)
    return Modules.takeError();
  std::vector<llvm::Expected<ModuleResult>> Results =
      mapItems(*Modules, [&](const ModuleFile &M) { return readOneModule(M, Keep); }, Opts);

  // Merge in path order, so which of two conflicting modules an error names first never
  // depends on thread timing.
  SymbolDb Db;
  llvm::Error First = llvm::Error::success();
  Agreement<std::string> Vermagic;
  Agreement<ElfTarget> Target;
  for (llvm::Expected<ModuleResult> &R : Results) {
    if (!R) {
      if (First)
        llvm::consumeError(R.takeError());
      else
        First = R.takeError();
      continue;
    }
    if (R->Imports && Keep)
      Keep->keep(R->Imports->first, std::move(R->Imports->second));
    if (First)
      continue;
    if (R->Vermagic)
      Vermagic.see(*R->Vermagic);
    Target.see(R->Target);
    if (llvm::Error Err = Db.merge(std::move(R->Exports)))
      First = std::move(Err);
  }
  if (First)
    return First;
  if (const std::string *V = Vermagic.agreed()) {
    Db.kernel().Vermagic = *V;
    Db.kernel().Release = releaseOfVermagic(*V).str();
  }
  if (const ElfTarget *T = Target.agreed())
    Db.kernel().Target = *T;
  return Db;
}

} // namespace modver
