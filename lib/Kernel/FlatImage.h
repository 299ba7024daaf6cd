// Flat kernel images (arm64's and riscv's Image): the kernel's memory image as it is loaded,
// with no ELF headers, so the export tables must be found by their shape rather than by
// section name.
#pragma once

#include "Database/Ksymtab.h"
#include "Elf/ElfTarget.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace modver {

// The target of a flat image, read from its boot header (arm64: "ARM\x64" at 0x38; riscv:
// "RSC\x05" at 0x38, the word size from the load offset; byte order from the flags), or
// nullopt when Bytes do not start with a header this reader knows.
std::optional<ElfTarget> flatImageTarget(llvm::StringRef Bytes);

// The exports of the flat image in Image, of Target's byte order and word size: __ksymtab
// (PREL32 entries, else absolute pointers) and what follows it, checked against the linker
// script's layout (see FlatImage.cpp); an image whose tables cannot be told apart with
// certainty is an error.
llvm::Expected<KsymtabExports> readFlatKsymtabs(llvm::StringRef Name, llvm::StringRef Image,
                                                const ElfTarget &Target);

} // namespace modver
