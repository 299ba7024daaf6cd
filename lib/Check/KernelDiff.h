// What changed between two kernels' exports, and which modules that breaks: the question a
// distribution maintainer asks before an update (`modcheck --diff OLD NEW`).
#pragma once

#include "Check/CheckRun.h"
#include "Check/Report.h"
#include "Database/SymbolDb.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"

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

// A `modcheck --diff` run as a value: text and JSON are both rendered from it.
struct DiffReport {
  std::string OldRelease, NewRelease;
  std::vector<ExportChange> Changes;  // point into the two databases, which outlive the report
  std::vector<ModuleVerdict> Modules; // checked against the new kernel, in input order
  VerdictCounts counts() const { return countVerdicts(Modules); }
  // The symbols whose CRC changed, sorted, each once: what --explain explains.
  std::vector<std::string> changedSymbols() const;
};

DiffReport makeDiffReport(const SymbolDb &Old, const SymbolDb &New,
                          std::vector<ModuleVerdict> Modules);

// One line per export change, a summary, the modules that break and a summary of them.
void printDiffText(llvm::raw_ostream &OS, const DiffReport &R);

// The document of docs/formats.md: {"old", "new", "exports", "modules"}.
llvm::json::Object diffJson(const DiffReport &R);

} // namespace modver
