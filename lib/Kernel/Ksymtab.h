// The export tables of an ELF vmlinux: __ksymtab[_gpl], __ksymtab_strings, __kcrctab[_gpl].
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace modver {

// Every export of the ELF vmlinux in Bytes, __ksymtab first, then __ksymtab_gpl, each in
// table order. Exporter and Source are left for the caller to fill.
llvm::Expected<std::vector<Export>> readKsymtabs(llvm::StringRef Name, llvm::StringRef Bytes);

} // namespace modver
