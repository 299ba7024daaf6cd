// How modcheck's verdicts are shown: kernel-like lines for people, JSON for scripts, and the
// exit code both rely on.
#pragma once

#include "Check/CheckRun.h"
#include "Database/SymbolDb.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"

namespace llvm {
class raw_ostream;
}

namespace modver {

struct VerdictCounts {
  size_t Compatible = 0, Forced = 0, Incompatible = 0, Unreadable = 0;
  size_t total() const { return Compatible + Forced + Incompatible + Unreadable; }
};

VerdictCounts countVerdicts(llvm::ArrayRef<ModuleVerdict> Verdicts);

// ExitOk when every module would load cleanly; ExitNegative when any would be refused or would
// load only by force (taint F: "loads" means loads without F); ExitError when any could not
// be read.
int exitCodeFor(llvm::ArrayRef<ModuleVerdict> Verdicts);

// One "<module>: <message>" line per problem on Out (read errors on Err), then a summary line
// unless Quiet (which also drops non-fatal warnings). KernelFrom names the files the database
// was read from, for the warnings about it.
void printTextReport(llvm::raw_ostream &Out, llvm::raw_ostream &Err,
                     llvm::ArrayRef<ModuleVerdict> Verdicts, const KernelInfo &Kernel,
                     bool Quiet, llvm::StringRef KernelFrom = "");

// The JSON form of one module's verdict (shared with the diff report).
llvm::json::Value verdictJson(const ModuleVerdict &V);

void printJsonReport(llvm::raw_ostream &Out, llvm::ArrayRef<ModuleVerdict> Verdicts,
                     const KernelInfo &Kernel);

} // namespace modver
