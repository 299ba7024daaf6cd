// Reading a kernel image: the exports (names, CRCs, GPL-ness, namespaces) of vmlinux and what
// the image says about itself (release, vermagic, target, force-load).
//
// Accepted forms: an ELF vmlinux (stripped or not), an x86 bzImage, a flat arm64 Image (bare
// or as one compressed stream, Image.gz), a file that is one compressed stream (vmlinux.xz,
// ...), or any image with a compressed ELF vmlinux inside.
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace modver {

// Read the kernel image at Path. Every export is attributed to "vmlinux" with Source = Path.
llvm::Expected<SymbolDb> readKernelImage(llvm::StringRef Path);

// The same for bytes already in memory; Name is used in messages and as Source.
llvm::Expected<SymbolDb> readKernelImageBytes(llvm::StringRef Name, llvm::StringRef Bytes);

// The ELF vmlinux inside the image at Path, decompressed when needed (for readers of its
// other sections, such as .BTF).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readKernelElf(llvm::StringRef Path);

// The release a distribution's image file name carries ("vmlinuz-6.1.0-56-amd64",
// "vmlinux-<release>"), or empty when Path's file name is not of that form.
llvm::StringRef releaseInImageName(llvm::StringRef Path);

} // namespace modver
