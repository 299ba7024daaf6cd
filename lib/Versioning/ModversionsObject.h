// modversions.o: the on-disk symbol database.
//
// An ELF relocatable object for the kernel's own target, holding
//   __versions            one 64-byte record per export whose name fits, sorted by name
//   __version_ext_crcs    only when some name does not fit: ALL exports, sorted by name,
//   __version_ext_names   as the extended pair (a loader that sees it ignores __versions)
//   .modver.db            not allocated: release, vermagic, force-load and per-symbol details
//                         (see DbMetadata.h), joined to the records by name
// so that the records are the one copy of the CRCs, and the object can itself be linked into
// a module with `ld -r` (Schupp's modversions.o).
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace modver {

// The object for Db. Db.kernel().Target must be known. Identical databases give identical
// bytes; nothing of the writing machine is stored besides what Db holds.
llvm::Expected<std::string> writeModversionsObject(const SymbolDb &Db);

// Read an object written by writeModversionsObject back into the same database (the target
// comes from the ELF header). Records and metadata are cross-checked; a disagreement is an
// error naming the symbol.
llvm::Expected<SymbolDb> readModversionsObject(llvm::StringRef FileName, llvm::StringRef Bytes);

// Cheap check: an ELF file with a .modver.db section that starts like modver metadata.
bool isModversionsObject(llvm::StringRef Bytes);

} // namespace modver
