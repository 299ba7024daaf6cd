#include "Relink/MkModBatch.h"

#include "Kernel/ModuleTree.h"
#include "Support/Error.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace modver {

static std::string joinPath(llvm::StringRef Dir, llvm::StringRef Rel) {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, Rel);
  return std::string(P);
}

llvm::Expected<std::vector<MkModItem>> itemsForOutputDir(llvm::ArrayRef<std::string> Args,
                                                         llvm::StringRef OutDir) {
  std::vector<MkModItem> Items;
  for (const std::string &Arg : Args) {
    if (!llvm::sys::fs::is_directory(Arg)) {
      Items.push_back({{Arg}, joinPath(OutDir, llvm::sys::path::filename(Arg))});
      continue;
    }
    auto Found = findModules(Arg);
    if (!Found)
      return Found.takeError();
    for (const ModuleFile &M : *Found)
      Items.push_back({{M.Path}, joinPath(OutDir, M.RelativePath)});
  }
  // Two inputs with one output name (a/x.ko and b/x.ko): the second would replace the first
  // and the run would still count both as written. Refused before anything is written.
  llvm::StringMap<size_t> First;
  for (size_t I = 0; I < Items.size(); ++I) {
    auto [It, Inserted] = First.try_emplace(Items[I].Output, I);
    if (!Inserted)
      return fileError(Items[I].Output, "would be written twice, from " +
                                            Items[It->second].Inputs.front() + " and from " +
                                            Items[I].Inputs.front());
  }
  return Items;
}

MkModSummary summarize(llvm::ArrayRef<MkModItemResult> Results) {
  MkModSummary S;
  for (const MkModItemResult &R : Results)
    ++(R.Error.empty() ? S.Written : R.Refused ? S.Refused : S.Failed);
  return S;
}

static MkModItemResult failed(const std::string &Output, llvm::Error E) {
  MkModItemResult R;
  R.Output = Output;
  llvm::handleAllErrors(
      std::move(E),
      [&](const RefusedError &Refusal) {
        R.Refused = true;
        R.Error = Refusal.message();
      },
      [&](const llvm::ErrorInfoBase &Other) { R.Error = Other.message(); });
  return R;
}

// Prepared modules hold decompressed copies in temporary files; preparing everything before
// linking anything would keep a whole tree on disk at once, so work goes in chunks.
static constexpr size_t ChunkSize = 64;

std::vector<MkModItemResult> runMkMod(llvm::ArrayRef<MkModItem> Items, const SymbolDb &Db,
                                      const MkModOptions &Options, Linker &L,
                                      llvm::StringRef ScriptPath, const BatchOptions &Batch) {
  std::vector<MkModItemResult> Results;
  Results.reserve(Items.size());
  BatchOptions Prepare = Batch;
  Prepare.Progress = nullptr;
  for (size_t Start = 0; Start < Items.size(); Start += ChunkSize) {
    llvm::ArrayRef<MkModItem> Chunk = Items.slice(Start, std::min(ChunkSize, Items.size() - Start));
    auto Prepared = mapIndices(
        Chunk.size(),
        [&](size_t I) { return prepareModule(Chunk[I].Inputs, Chunk[I].Output, Db, Options); },
        Prepare);
    for (size_t I = 0; I < Chunk.size(); ++I) {
      const std::string &Output = Chunk[I].Output;
      if (!Prepared[I]) {
        Results.push_back(failed(Output, Prepared[I].takeError()));
      } else {
        llvm::SmallString<256> Dir(Output);
        llvm::sys::path::remove_filename(Dir);
        if (!Dir.empty())
          llvm::sys::fs::create_directories(Dir);
        MkModItemResult R;
        R.Output = Output;
        R.Warnings = Prepared[I]->Warnings;
        R.Records = Prepared[I]->Plan.Extended ? Prepared[I]->Plan.Extended->size()
                                               : Prepared[I]->Plan.Classic.size();
        if (llvm::Error E = linkModule(*Prepared[I], L, ScriptPath)) {
          MkModItemResult F = failed(Output, std::move(E));
          F.Warnings = std::move(R.Warnings);
          R = std::move(F);
        }
        Results.push_back(std::move(R));
      }
      if (Batch.Progress)
        Batch.Progress(Results.size(), Items.size());
    }
  }
  return Results;
}

} // namespace modver
