// Compressed ELF sections (SHF_COMPRESSED) in a link input, checked before LLD sees them.
//
// LLD inflates such a section to the size its Elf_Chdr claims and writes that many bytes: a
// header claiming 1 TiB gives a 1 TiB (sparse) output and exit 0. The claim is cheap to read,
// so every input's claims are held against the module size limit first.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace modver {

// Refuse Bytes (an ELF object named Name) when its compressed sections claim more than Limit
// bytes between them, or a compression header is cut short. Non-ELF input passes: its reader
// reports it.
llvm::Error checkCompressedSections(llvm::StringRef Name, llvm::StringRef Bytes, uint64_t Limit);

} // namespace modver
