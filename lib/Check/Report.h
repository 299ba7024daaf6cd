// A modcheck run as a value: the kernel and each module's verdict. Kernel-like lines for
// people and JSON for scripts are both rendered from it; printing, diagnostics with the
// tool's name and the exit code are the tool's.
#pragma once

#include "Check/CheckRun.h"
#include "Database/SymbolDb.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace modver {

struct VerdictCounts {
  size_t Compatible = 0, Forced = 0, Incompatible = 0, Unreadable = 0;
  size_t total() const { return Compatible + Forced + Incompatible + Unreadable; }
};

VerdictCounts countVerdicts(llvm::ArrayRef<ModuleVerdict> Verdicts);

// The symbols a module disagrees with the kernel about (CRC or module_layout), sorted, each
// once: what --explain explains.
std::vector<std::string> disagreedSymbols(llvm::ArrayRef<ModuleVerdict> Verdicts);

struct CheckReport {
  KernelInfo Kernel;
  std::vector<ModuleVerdict> Modules; // in input order
  std::string KernelFrom;             // the files the database was read from, for warnings
  VerdictCounts counts() const { return countVerdicts(Modules); }
  // The loader the verdicts were reached with (the same for all), when any module was read.
  const LoaderModel *loader() const;
  // Said beside the report when not quiet: what the check could not look at.
  std::vector<std::string> warnings() const;
};

// One "<path>: <message>" line per problem, then the summary line; Quiet keeps only the
// fatal problems. Modules that could not be read are left to the caller (CheckReport::Modules
// holds their errors).
void printCheckText(llvm::raw_ostream &OS, const CheckReport &R, bool Quiet);

// The document of docs/formats.md: {"kernel", "summary", "modules"}.
llvm::json::Object checkJson(const CheckReport &R);

// The JSON form of one module's verdict (shared with the diff report).
llvm::json::Value verdictJson(const ModuleVerdict &V);

} // namespace modver
