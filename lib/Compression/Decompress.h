// Compressed inputs: the only unit that knows compression formats.
//
// Formats are recognised by their magic bytes, never by file name, as kmod does. Output size is
// bounded: a size field in a header is trusted for an allocation only when it is within the
// limit (and one above the limit refuses the input at once), otherwise the buffer grows as data
// actually decompresses, and past MaxOutput the input is refused. All decoders in the process
// share one memory budget (Support/DecodeBudget), so parallel jobs do not multiply the peak.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace modver {

enum class Compression { None, Gzip, Xz, Lzma, Zstd, Lz4Frame, Lz4Legacy, Bzip2, Lzo };

// What a real module or kernel can be, with margin (docs/hostile-inputs.md, "size limits").
// The largest Debian module decompressed is amdgpu.ko, 45 MiB (7.2 sid; 28 MiB in 6.12); the
// largest vmlinux a Debian vmlinuz holds is 63 MiB (6.1; payloads are stripped). Both limits
// apply to decompressed data and to plain input files (refused before they are read).
inline constexpr uint64_t MaxModuleSize = uint64_t(256) << 20;
inline constexpr uint64_t MaxKernelSize = uint64_t(256) << 20;
// A plain vmlinux given as --kernel may carry DWARF (a -dbg package's is 0.5-1 GiB); it is
// mapped, not decoded, so its bound is larger.
inline constexpr uint64_t MaxKernelFileSize = uint64_t(2) << 30;
// The ceiling when a caller names none: inputs read through readMaybeCompressed are modules,
// BTF files, symvers and configs, all far below a module's limit.
inline constexpr uint64_t DefaultMaxDecompressedSize = MaxModuleSize;

// The error decompress() returns for output past its ceiling, so a caller that tries several
// candidates (a kernel image scan) can tell a bomb from a false match.
class DecompressLimitError : public llvm::ErrorInfo<DecompressLimitError> {
public:
  static char ID;
  explicit DecompressLimitError(std::string Msg) : Msg(std::move(Msg)) {}
  void log(llvm::raw_ostream &OS) const override { OS << Msg; }
  std::error_code convertToErrorCode() const override { return llvm::inconvertibleErrorCode(); }

private:
  std::string Msg;
};

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

// Read a file, decompressing it when it starts with a known compression magic. A file larger
// than MaxOutput is refused before it is read.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readMaybeCompressed(llvm::StringRef Path, uint64_t MaxOutput = DefaultMaxDecompressedSize);

} // namespace modver
