// Finding the ELF vmlinux inside whatever form a kernel image comes in.
#pragma once

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
  llvm::StringRef Elf;
  // The x86 boot header's kernel_version string ("6.1.0-56-amd64 (user@host) #1 SMP ..."),
  // empty when the image is not a bzImage or has none.
  std::string BootVersion;
};

// Locate (and if needed decompress) the ELF vmlinux in Bytes. A payload that decompresses to
// something other than ELF (a flat Image) is an error that points to vmlinux/Module.symvers.
llvm::Expected<KernelPayload> unpackKernelImage(llvm::StringRef Name, llvm::StringRef Bytes);

} // namespace modver
