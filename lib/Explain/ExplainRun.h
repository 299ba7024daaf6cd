// What `modcheck --explain` does between two kernels: read both BTFs once, explain each
// symbol once; the results are a value the report shows after its text or embeds in its
// JSON. The symbols come from the caller as plain names, so this knows nothing of checks.
//
// The old types come from the kernel the modules were built against (--explain-from; for
// --diff, the old kernel). A module's own split BTF is not needed: an export's closure starts
// at vmlinux's FUNC record, and base types never refer to a module's types.
#pragma once

#include "Explain/Explain.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace modver {

// The two kernels (images; see readTypeSource for what else is accepted) and their headers,
// which tell the types genksyms never expands (HeaderTypes.h). Headers not given are looked
// for beside each image (headersBeside). They are used only when both sides have them, so
// that a type counts the same way on both.
struct ExplainInputs {
  std::string OldPath, NewPath;
  std::vector<std::string> OldHeaders, NewHeaders;
};

// The inputs from a command line: Headers is empty or {old tree, new tree}.
ExplainInputs explainInputs(llvm::StringRef OldPath, llvm::StringRef NewPath,
                            llvm::ArrayRef<std::string> Headers);

struct ExplainResults {
  std::vector<Explanation> Explanations;
  // The headers trees used (both empty: none, every type in BTF counts).
  std::vector<std::string> OldHeaders, NewHeaders;
};

// Each symbol once, in the order given.
llvm::Expected<ExplainResults> explainSymbols(const ExplainInputs &In,
                                              llvm::ArrayRef<std::string> Symbols);

// `modversions --types`: each symbol's closure in Path's types (printSymbolClosures), types
// no header defines left opaque when headers are given or found beside the image.
llvm::Error printTypesOf(llvm::raw_ostream &OS, llvm::StringRef Path,
                         llvm::ArrayRef<std::string> Symbols, llvm::ArrayRef<std::string> Headers);

// A heading saying which headers were used, then per symbol "  <symbol>:" and its
// explanation indented below. Nothing when there is nothing to explain.
void printExplanations(llvm::raw_ostream &OS, const ExplainResults &R);

// The members a JSON report embeds: "explanations": [...] and
// "explain_headers": {"old": [...], "new": [...]}.
llvm::json::Object explanationsJson(const ExplainResults &R);

} // namespace modver
