// Finding the ELF vmlinux, or the flat image, inside whatever form a kernel image comes in.
#pragma once

#include "Compression/Decompress.h"
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

// How much work finding the payload may take. The defaults are what a real kernel can need;
// the fuzz target sets small ones so that its inputs reach every limit.
struct ImageLimits {
  // What the one stream holding vmlinux may decode to.
  uint64_t MaxDecoded = MaxKernelSize;
  // Scanning an image of unknown layout stops after this many candidate streams (each failed
  // attempt costs a decoder start; real images put the payload near the front) ...
  unsigned MaxScanAttempts = 64;
  // ... and once the candidates have decoded this much between them (a false match decodes
  // little; a stream that decodes past MaxDecoded ends the scan at once).
  uint64_t MaxScanDecoded = 2 * MaxKernelSize;
};

// Locate (and if needed decompress) the ELF vmlinux or flat image in Bytes. A payload that
// decompresses to something else is an error that points to vmlinux/Module.symvers.
llvm::Expected<KernelPayload> unpackKernelImage(llvm::StringRef Name, llvm::StringRef Bytes,
                                                const ImageLimits &Limits = {});

} // namespace modver
