// The kernel loader's verdict on a module, offline.
//
// The rules are those of load_module (kernel/module/main.c, version.c) in the loader's order,
// as the kernel's generation has them (LoaderGeneration.h); each is named in
// docs/loader-rules.md.
#pragma once

#include "Database/SymbolDb.h"
#include "Kernel/LoaderGeneration.h"
#include "Module/ModuleImports.h"

#include <optional>
#include <string>
#include <vector>

namespace modver {

enum class Verdict {
  Loads,       // the kernel accepts it, untainted by versioning
  LoadsForced, // accepted only by force-loading: taints the kernel 'F'
  Refused,     // the kernel refuses it
};

enum class ProblemKind {
  WrongTarget,           // ELF class, byte order, machine or OS ABI not the kernel's: refused first
  BadModuleLayout,       // module_layout's CRC differs: refused before anything else
  NoVersions,            // no version table at all: force-load (taint F) or refusal
  MissingVermagic,       // no vermagic in .modinfo: force-load or refusal
  BadVermagic,           // vermagic differs
  UnknownSymbol,         // import the kernel does not export (or hides: GPL-only)
  DisagreesVersion,      // record CRC differs from the kernel's
  NoSymbolVersion,       // import without a record: accepted with a warning
  NamespaceNotImported,  // export in a namespace the module does not import
  ModuleNamespaceImport, // import_ns=module:...: refused by 6.16+ loaders
  NoExportFlags,         // 7.1+: exports symbols without __kflagstab
  Unsigned,              // no usable signature kind (none, or not PKCS#7), and enforcing
  BadSignature,          // an appended signature the loader cannot parse: refused always
};

struct Problem {
  ProblemKind Kind;
  bool Fatal = false;
  std::string Symbol;
  std::optional<uint32_t> ModuleCrc;
  std::optional<uint32_t> KernelCrc;
  std::string Exporter;
  // What the kernel would log, without the "<module>: " prefix.
  std::string Message;
};

struct CheckOptions {
  // CONFIG_MODULE_FORCE_LOAD: decides NoVersions/MissingVermagic. Unset: the kernel's own
  // setting when the database knows it, else true (Debian's and most distributions' choice).
  std::optional<bool> ForceLoad;
  // CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS. Unset: the kernel's own setting when known,
  // else false (the kernel's default).
  std::optional<bool> AllowMissingNamespaceImports;
  // Whether the kernel refuses unsigned modules: CONFIG_MODULE_SIG_FORCE, module.sig_enforce=1
  // or Secure Boot's lockdown. Unset: the kernel's CONFIG_MODULE_SIG_FORCE when known, else
  // false (none of these can be seen in a kernel's files). Signatures present are not
  // verified: that takes the kernel's keyring.
  std::optional<bool> SigEnforce;
  // Report every problem: go on checking vermagic and the imports after a refused
  // module_layout or vermagic, where the loader (and, by default, checkModule) stops. The
  // verdict is the same either way; only the list of problems grows.
  bool KeepGoing = false;
  // The loader to model. Unset: detected from the database (detectLoaderModel); a caller
  // checking many modules detects it once and sets it.
  std::optional<LoaderModel> Loader;
};

struct CheckResult {
  std::string Path;
  std::string Module; // the name the kernel uses in its messages
  Verdict Result = Verdict::Loads;
  std::vector<Problem> Problems;
  LoaderModel Loader;  // the rules applied
  bool Signed = false; // a signature is appended (not verified)
};

CheckResult checkModule(llvm::StringRef Path, const ModuleImports &Module, const SymbolDb &Db,
                        const CheckOptions &Options);

llvm::StringRef verdictName(Verdict V); // "compatible", "tainted", "incompatible"
llvm::StringRef problemKindName(ProblemKind K);

// Whether the module called ModuleName may use an export in the "module:a,b*" namespace Ns
// (6.16+): one of the comma-separated names equals it, or is a prefix of it when it ends in
// '*'; '-' and '_' compare equal.
bool moduleNamespaceAllows(llvm::StringRef Ns, llvm::StringRef ModuleName);

} // namespace modver
