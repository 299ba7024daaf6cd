// What changed between two kernels' exports, and which modules that breaks: the question a
// distribution maintainer asks before an update (`modcheck --diff OLD NEW`).
#pragma once

#include "Check/CheckRun.h"
#include "Database/SymbolDb.h"

#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace modver {

struct ExportChange {
  enum Kind { Changed, Added, Removed, GplChanged, NamespaceChanged } What;
  const Export *Old = nullptr; // null for Added
  const Export *New = nullptr; // null for Removed
};

// Sorted by symbol name; one entry per symbol and kind.
std::vector<ExportChange> diffExports(const SymbolDb &Old, const SymbolDb &New);

// Modules checked against the new kernel, reported next to the export changes.
void printDiffText(llvm::raw_ostream &OS, llvm::ArrayRef<ExportChange> Changes,
                   llvm::ArrayRef<ModuleVerdict> Modules);
void printDiffJson(llvm::raw_ostream &OS, llvm::ArrayRef<ExportChange> Changes,
                   llvm::ArrayRef<ModuleVerdict> Modules, const SymbolDb &Old,
                   const SymbolDb &New);

} // namespace modver
