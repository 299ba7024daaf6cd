// Building the symbol database of one kernel from whatever the user has of it.
//
// Every tool takes the same sources (a kernel image or modversions.o, Module.symvers files, a
// folder of exporting modules) and, when none is given, looks for the running kernel's files.
// This unit turns them into one SymbolDb; conflicts between sources are errors.
#pragma once

#include "Database/SymbolDb.h"
#include "Kernel/ModuleTree.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace modver {

struct KernelSources {
  // vmlinux, a compressed vmlinuz, or a modversions.o (told apart by content).
  std::vector<std::string> Kernels;
  // Module.symvers files, plain or gzip-compressed (/boot/symvers-<release>.gz).
  std::vector<std::string> Symvers;
  // Folders of modules whose exports count too (searched recursively).
  std::vector<std::string> ModuleDirs;
  // The kernel's .config; when not given, one found beside a kernel file is read (see
  // configBeside in KernelConfig.h).
  std::string Config;

  bool empty() const { return Kernels.empty() && Symvers.empty() && ModuleDirs.empty(); }
};

// The running kernel's sources: kernelSourcesFor its release (uname) under Root.
llvm::Expected<KernelSources> runningKernelSources(llvm::StringRef Root = "/");

// The sources of the installed kernel Release under Root: its Module.symvers
// (lib/modules/<release>/build/, or the same under usr/ for merged-/usr systems), else
// /boot/symvers-<release>.gz, else the image (/boot/vmlinuz-<release>, or
// /usr/lib/modules/<release>/vmlinuz{,.unsigned} where Debian's split 7.x packages put it) with the
// module tree. The configuration is /boot/config-<release> or /usr/lib/modules/<release>/config. An
// error lists every path that was tried.
llvm::Expected<KernelSources> kernelSourcesFor(llvm::StringRef Root, llvm::StringRef Release);

// Read one kernel file given as --kernel: a modversions.o, a Module.symvers (plain or gzip), or
// a kernel image.
llvm::Expected<SymbolDb> readKernelFile(llvm::StringRef Path);

// Read and merge every source, then the loader options from Sources.Config or the config
// found beside a kernel file. The module folders' walk keeps in Keep the imports it wants.
llvm::Expected<SymbolDb> loadKernelDb(const KernelSources &Sources, KeptImports *Keep = nullptr);

// loadKernelDb of one kernel file (as readKernelFile reads it) with its configuration: Config
// when not empty, else the one beside the file. What `modcheck --diff` reads its NEW kernel
// with, so that it judges modules exactly as `--kernel NEW` does.
llvm::Expected<SymbolDb> loadKernelFile(llvm::StringRef Path, llvm::StringRef Config);

// loadKernelDb of Sources, or of the running kernel's sources when none are given: what every
// tool does when the user names no kernel.
llvm::Expected<SymbolDb> loadKernelDbOrRunning(const KernelSources &Sources,
                                               KeptImports *Keep = nullptr);

} // namespace modver
