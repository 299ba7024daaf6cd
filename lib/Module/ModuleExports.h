// The symbols a module exports, read from the tables the loader itself uses.
//
// A .ko keeps its export tables unrelocated: each __ksymtab[_gpl] entry (struct kernel_symbol)
// names its symbol through a relocation into __ksymtab_strings, and __kcrctab[_gpl] holds the
// CRCs, entry i belonging to ksymtab entry i. Resolving those relocations works for every
// kernel since the tables exist, unlike reading the __crc_* or __kstrtab_* labels, which
// changed meaning over time and disappear when symbols are stripped.
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace modver {

// The exports of the relocatable module in ElfBytes, each with Exporter = ExporterName (the
// Module.symvers name, e.g. "drivers/usb/storage/usb-storage") and Source = FileName. Without
// a __kcrctab the exports have HasCrc = false. KernelInfo is left empty. A module that exports
// nothing gives an empty database.
llvm::Expected<SymbolDb> readModuleExports(llvm::StringRef FileName, llvm::StringRef ElfBytes,
                                           llvm::StringRef ExporterName);

} // namespace modver
