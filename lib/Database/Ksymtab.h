// The export tables of an ELF vmlinux: __ksymtab[_gpl], __ksymtab_strings, __kcrctab[_gpl],
// __kflagstab.
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace modver {

// Linux 7.1+: the section with one flag byte per __ksymtab entry, and the flag meaning
// "GPL-only" (the loader hides such an export from modules without a GPL-compatible license).
inline constexpr llvm::StringLiteral KflagstabSectionName = "__kflagstab";
inline constexpr uint8_t KsymFlagGplOnly = 0x1;

struct KsymtabExports {
  std::vector<Export> Exports;
  bool HasKflagstab = false; // the image is of a 7.1+ kernel
};

// Every export of the ELF vmlinux in Bytes, __ksymtab first, then __ksymtab_gpl, each in
// table order, GPL-ness from __kflagstab when it exists. Exporter and Source are left for the
// caller to fill.
llvm::Expected<KsymtabExports> readKsymtabs(llvm::StringRef Name, llvm::StringRef Bytes);

} // namespace modver
