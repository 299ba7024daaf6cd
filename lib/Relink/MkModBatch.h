// Many modules in one mkmod call: prepared in parallel, linked one at a time.
#pragma once

#include "Relink/MkMod.h"
#include "Support/Batch.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace modver {

struct MkModItem {
  std::vector<std::string> Inputs;
  std::string Output;
};

struct MkModItemResult {
  std::string Output;
  bool Refused = false; // the guard refused (exit 1), as opposed to a failure (exit 2)
  std::string Error;    // empty when the module was written
  std::vector<std::string> Warnings;
  size_t Records = 0;
};

struct MkModSummary {
  size_t Written = 0, Refused = 0, Failed = 0;
};
MkModSummary summarize(llvm::ArrayRef<MkModItemResult> Results);

// Items for `-O OUTDIR`: each argument becomes one module; a folder stands for every module
// below it, and its layout is kept under OutDir.
llvm::Expected<std::vector<MkModItem>> itemsForOutputDir(llvm::ArrayRef<std::string> Args,
                                                         llvm::StringRef OutDir);

// Prepare and link every item; results in item order. Batch sets the threads that prepare and
// the progress callback (called once per linked item).
std::vector<MkModItemResult> runMkMod(llvm::ArrayRef<MkModItem> Items, const SymbolDb &Db,
                                      const MkModOptions &Options, Linker &L,
                                      llvm::StringRef ScriptPath, const BatchOptions &Batch);

} // namespace modver
