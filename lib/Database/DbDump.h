// Printing a symbol database for people and scripts (`modversions --dump`).
#pragma once

#include "Database/SymbolDb.h"

namespace llvm {
class raw_ostream;
}

namespace modver {

// One row per export, sorted by name, in Module.symvers' shape so that `diff` works between
// kernels: 0xCRC, symbol, exporter, export type, namespace, TAB-separated.
void printDbTable(llvm::raw_ostream &OS, const SymbolDb &Db);

// The same as one JSON document, with the kernel's release, vermagic and target.
void printDbJson(llvm::raw_ostream &OS, const SymbolDb &Db);

} // namespace modver
