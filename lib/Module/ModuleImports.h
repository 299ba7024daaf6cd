// What a module (a kbuild .ko, or a relocatable object about to become one) needs from the
// kernel: the input of every versions table and of every load-time check.
//
// Reading is cheap on purpose (it runs over thousands of modules): only the section headers,
// the symbol table and its strings, .modinfo and the version sections are touched.
#pragma once

#include "Elf/ElfTarget.h"
#include "Module/ModuleInfo.h"
#include "Module/ModuleSignature.h"
#include "Module/VersionsSection.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace modver {

inline constexpr llvm::StringLiteral ThisModuleSectionName = ".gnu.linkonce.this_module";

struct ImportedSymbol {
  std::string Name;
  bool Weak = false; // STB_WEAK: the loader lets it stay unresolved
};

struct ModuleImports {
  ElfTarget Target;
  // .modinfo name= when present, else the file name without its directory and its
  // .ko/.ko.xz/.ko.zst/.ko.gz/.o suffix.
  std::string Name;
  // GLOBAL or WEAK undefined symbols in symbol-table order, minus what modpost never versions
  // (see isIgnoredImport); each name once.
  std::vector<ImportedSymbol> Undefined;
  // GLOBAL or WEAK symbols defined here: when several objects are combined, a symbol one of
  // them defines needs no version record.
  std::vector<std::string> Defined;
  std::optional<ModuleInfo> Info;
  VersionTables Versions;
  bool HasThisModule = false; // .gnu.linkonce.this_module present (a finished .ko)
  // A non-empty __ksymtab or __ksymtab_gpl, and a __kflagstab: a 7.1+ loader refuses a module
  // that exports symbols without flags.
  bool ExportsSymbols = false;
  bool HasKflagstab = false;
  // The signature sign-file appended, when there is one (ModuleSignature.h).
  std::optional<ModuleSignature> Signature;
};

// Read a relocatable ELF object (ET_REL). Errors are one line naming FileName.
llvm::Expected<ModuleImports> readModuleImports(llvm::StringRef FileName, llvm::StringRef ElfBytes);

// Whether modpost leaves the undefined symbol Name out of the versions table on this machine:
// symbols the final link or the loader provides itself.
bool isIgnoredImport(llvm::StringRef Name, uint16_t Machine);

// The module name a file name implies, as the kernel spells it: "dir/usb-storage.ko.xz" ->
// "usb_storage".
std::string moduleNameFromPath(llvm::StringRef Path);

} // namespace modver
