// The options of the GNU ld plugin, as ld hands them over: one "-plugin-opt=<text>" each.
//
// They mirror mkmod's command line (kernel sources, record options, --force) so that a module
// author who knows one knows the other.
#pragma once

#include "Kernel/KernelDb.h"
#include "Versioning/VersionRecords.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace modver {

struct LdPluginOptions {
  KernelSources Sources;
  RecordOptions Records;
  // Link even when an input's vermagic names another kernel than the database.
  bool Force = false;
};

// Apply one option: "kernel=F", "symvers=F", "modversions=F", "modules=DIR" (each
// repeatable), "kernel-config=F" (the kernel's .config, which decides the tables written),
// "extended", "all", "allow-unresolved" or "force". Unknown options are errors:
// a misspelt option silently ignored would give a module the wrong records.
llvm::Error applyLdPluginOption(LdPluginOptions &Options, llvm::StringRef Text);

} // namespace modver
