// Writing compressed outputs (modversions.o.xz, test fixtures) byte for byte reproducibly:
// no time stamps, no file names, single-threaded encoders, fixed levels.
#include "Compression/Decompress.h"

#include "Support/Error.h"

#include "llvm/ADT/Twine.h"

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>
#include <memory>

namespace modver {

namespace {

llvm::Expected<std::string> gzipBytes(llvm::StringRef FileName, llvm::StringRef Bytes) {
  z_stream S{};
  // windowBits 16+15 asks zlib for a gzip wrapper; without deflateSetHeader its header has
  // mtime 0 and no name, so equal input gives equal output.
  if (deflateInit2(&S, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return fileError(FileName, "cannot initialise zlib");
  std::string Out;
  size_t Pos = 0;
  int Ret;
  do {
    size_t Chunk = std::min<size_t>(Bytes.size() - Pos, 1u << 30);
    S.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(Bytes.data() + Pos));
    S.avail_in = uInt(Chunk);
    Pos += Chunk;
    int Flush = Pos == Bytes.size() ? Z_FINISH : Z_NO_FLUSH;
    do {
      char Buf[64 << 10];
      S.next_out = reinterpret_cast<Bytef *>(Buf);
      S.avail_out = sizeof(Buf);
      Ret = deflate(&S, Flush);
      Out.append(Buf, sizeof(Buf) - S.avail_out);
    } while (S.avail_out == 0);
  } while (Pos < Bytes.size());
  deflateEnd(&S);
  if (Ret != Z_STREAM_END)
    return fileError(FileName, "gzip compression failed");
  return Out;
}

llvm::Expected<std::string> xzBytes(llvm::StringRef FileName, llvm::StringRef Bytes) {
  lzma_stream S = LZMA_STREAM_INIT;
  // Preset 6 with a CRC32 check: what kbuild and kmod use for modules, since the kernel's
  // own xz decoder does not support CRC64.
  if (lzma_easy_encoder(&S, 6, LZMA_CHECK_CRC32) != LZMA_OK)
    return fileError(FileName, "cannot initialise liblzma");
  std::string Out;
  S.next_in = reinterpret_cast<const uint8_t *>(Bytes.data());
  S.avail_in = Bytes.size();
  lzma_ret Ret;
  do {
    uint8_t Buf[64 << 10];
    S.next_out = Buf;
    S.avail_out = sizeof(Buf);
    Ret = lzma_code(&S, LZMA_FINISH);
    Out.append(reinterpret_cast<char *>(Buf), sizeof(Buf) - S.avail_out);
  } while (Ret == LZMA_OK);
  lzma_end(&S);
  if (Ret != LZMA_STREAM_END)
    return fileError(FileName, "xz compression failed");
  return Out;
}

llvm::Expected<std::string> zstdBytes(llvm::StringRef FileName, llvm::StringRef Bytes) {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx *)> C(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!C)
    return fileError(FileName, "cannot initialise libzstd");
  // Level 19 with a content checksum, as the zstd command writes by default: corruption is
  // then detected on reading instead of yielding wrong bytes.
  ZSTD_CCtx_setParameter(C.get(), ZSTD_c_compressionLevel, 19);
  ZSTD_CCtx_setParameter(C.get(), ZSTD_c_checksumFlag, 1);
  // The bound is computed from our own input, not from untrusted data.
  std::string Out(ZSTD_compressBound(Bytes.size()), '\0');
  size_t Ret = ZSTD_compress2(C.get(), Out.data(), Out.size(), Bytes.data(), Bytes.size());
  if (ZSTD_isError(Ret))
    return fileError(FileName, llvm::Twine("zstd compression failed: ") + ZSTD_getErrorName(Ret));
  Out.resize(Ret);
  return Out;
}

} // namespace

llvm::Expected<std::string> compress(llvm::StringRef FileName, llvm::StringRef Bytes,
                                     Compression C) {
  switch (C) {
  case Compression::Gzip:
    return gzipBytes(FileName, Bytes);
  case Compression::Xz:
    return xzBytes(FileName, Bytes);
  case Compression::Zstd:
    return zstdBytes(FileName, Bytes);
  default:
    return fileError(FileName, llvm::Twine("modver does not write ") + compressionName(C) +
                                   " compressed files");
  }
}

} // namespace modver
