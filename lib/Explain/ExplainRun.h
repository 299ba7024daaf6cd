// What `modcheck --explain` does between two kernels: read both BTFs once, explain each
// symbol once, print the explanations after the usual report.
//
// The old types come from the kernel the modules were built against (--explain-from; for
// --diff, the old kernel). A module's own split BTF is not needed: an export's closure starts
// at vmlinux's FUNC record, and base types never refer to a module's types.
#pragma once

#include "CheckRun/CheckRun.h"
#include "Explain/Explain.h"
#include "KernelDiff/KernelDiff.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace modver {

// Each symbol once, in the order given, between the types of OldPath and NewPath (kernel
// images; see readTypeSource for what else is accepted).
llvm::Expected<std::vector<Explanation>>
explainSymbols(llvm::StringRef OldPath, llvm::StringRef NewPath,
               llvm::ArrayRef<std::string> Symbols);

// The symbols whose CRC changed (diff) or that a module disagrees about (check), sorted,
// each once.
std::vector<std::string> changedSymbols(llvm::ArrayRef<ExportChange> Changes);
std::vector<std::string> disagreedSymbols(llvm::ArrayRef<ModuleVerdict> Verdicts);

// A heading, then per symbol "  <symbol>:" and its explanation indented below.
void printExplanations(llvm::raw_ostream &OS, llvm::ArrayRef<Explanation> Es);

// Run Print (which writes one JSON object), add "explanations": [...] to that object, and
// write the result to OS, so the report stays one document.
void printJsonWithExplanations(llvm::raw_ostream &OS,
                               llvm::function_ref<void(llvm::raw_ostream &)> Print,
                               llvm::ArrayRef<Explanation> Es);

} // namespace modver
