// Compressed inputs: the only unit that knows compression formats.
//
// Formats are recognised by their magic bytes, never by file name, as kmod does. Output size is
// bounded: a size field in a header is never trusted for an allocation, the buffer grows as
// data actually decompresses, and past MaxOutput the input is refused.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace modver {

enum class Compression { None, Gzip, Xz, Lzma, Zstd, Lz4Frame, Lz4Legacy, Bzip2, Lzo };

// The default ceiling on decompressed output (a Debian vmlinux is about 60 MiB).
inline constexpr uint64_t DefaultMaxDecompressedSize = uint64_t(1) << 30;

// Which format Bytes start with (None when no known magic).
Compression detectCompression(llvm::StringRef Bytes);
// "gzip", "xz", "zstd", "lz4", ...
llvm::StringRef compressionName(Compression C);
// The format a file name asks for by its suffix (.gz .xz .zst .lz4), for writing outputs.
Compression compressionForSuffix(llvm::StringRef Path);

// Decompress a whole stream of format C. Trailing garbage after the stream is ignored, as
// kernel images are padded. Errors name FileName.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
decompress(llvm::StringRef FileName, llvm::StringRef Bytes, Compression C,
           uint64_t MaxOutput = DefaultMaxDecompressedSize);

// Compress Bytes as C (gzip, xz or zstd), deterministically (no time stamps, no file names).
llvm::Expected<std::string> compress(llvm::StringRef FileName, llvm::StringRef Bytes,
                                     Compression C);

// Read a file, decompressing it when it starts with a known compression magic.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readMaybeCompressed(llvm::StringRef Path, uint64_t MaxOutput = DefaultMaxDecompressedSize);

} // namespace modver
