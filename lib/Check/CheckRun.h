// Checking many modules against one kernel: the batch behind `modcheck`.
//
// The kernel database is built once by the caller; modules are read and checked in parallel
// (lib/Support/Batch.h), each independently, and results come back in input order.
#pragma once

#include "Check/Check.h"
#include "Kernel/ModuleTree.h"
#include "Support/Batch.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace modver {

struct ModuleVerdict {
  std::string Path;
  std::optional<CheckResult> Result; // unset when the module could not be read
  std::string ReadError;             // one line, when Result is unset
};

// The modules named by command-line arguments: files as given, folders searched recursively
// for .ko, .ko.xz, .ko.zst and .ko.gz (sorted).
llvm::Expected<std::vector<std::string>> collectModulePaths(llvm::ArrayRef<std::string> Args);

// Read one module (decompressing it if needed) and check it.
ModuleVerdict checkModuleFile(const std::string &Path, const SymbolDb &Db,
                              const CheckOptions &Options);

// Check a module already read (or the error reading it gave).
ModuleVerdict checkModuleImports(const std::string &Path, llvm::Expected<ModuleImports> Imports,
                                 const SymbolDb &Db, const CheckOptions &Options);

// Check every file of Paths. A file whose imports Kept holds (read while the database was
// built from a module tree holding the same file) is not read again.
std::vector<ModuleVerdict> checkModuleFiles(llvm::ArrayRef<std::string> Paths, const SymbolDb &Db,
                                            const CheckOptions &Options,
                                            const BatchOptions &Batch = {},
                                            KeptImports *Kept = nullptr);

} // namespace modver
