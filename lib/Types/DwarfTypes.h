// The types of an object built with -g, read through LLVM's DebugInfo into the same
// TypeGraph BTF gives, so that closures and explanations work for objects without BTF.
//
// Each compilation unit's types get their own ids (DWARF is not deduplicated); names, members,
// offsets, sizes, enumerators and prototypes are what the graph keeps.
#pragma once

#include "Types/TypeGraph.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace modver {

// Bytes are an ELF object (relocatable objects are relocated as LLVM reads them). Functions
// and variables defined (not just declared) are indexed by name.
llvm::Expected<std::unique_ptr<TypeGraph>> readDwarfTypes(llvm::StringRef Name,
                                                          llvm::StringRef Bytes);

} // namespace modver
