// Finding the ELF vmlinux, or the flat image, inside whatever form a kernel image comes in.
#pragma once

#include "Elf/ElfTarget.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace modver {

struct KernelPayload {
  // Holds decompressed bytes when the ELF had to be unpacked; empty when Elf points into
  // the caller's input.
  std::unique_ptr<llvm::MemoryBuffer> Owned;
  // Exactly one of Elf and Flat is set: Flat is a flat image (arm64 Image), of FlatTarget.
  llvm::StringRef Elf;
  llvm::StringRef Flat;
  ElfTarget FlatTarget;
  // The x86 boot header's kernel_version string ("6.1.0-56-amd64 (user@host) #1 SMP ..."),
  // empty when the image is not a bzImage or has none.
  std::string BootVersion;
};

// Locate (and if needed decompress) the ELF vmlinux or flat image in Bytes. A payload that
// decompresses to something else is an error that points to vmlinux/Module.symvers.
llvm::Expected<KernelPayload> unpackKernelImage(llvm::StringRef Name, llvm::StringRef Bytes);

} // namespace modver
