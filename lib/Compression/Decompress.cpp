// Detecting and decompressing the formats kernels and modules are shipped in.
//
// Every decoder writes into a GrowingBuffer: memory is taken as output actually appears (or
// reserved from a size the format declares, when that is within the ceiling), it grows with
// realloc in bounded steps that never pass the ceiling, and output past the ceiling is refused.
// Each buffer holds a lease on the process's decode budget while it fills. Each decoder
// stops at the end of its (possibly concatenated) stream and ignores what follows, because
// kernel images carry padding and appended size words after the compressed data.
#include "Compression/Decompress.h"

#include "Support/DecodeBudget.h"
#include "Support/Error.h"
#include "Support/InputFile.h"
#include "Support/MallocBuffer.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/ErrorHandling.h"

#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace modver {

char DecompressLimitError::ID;

namespace {

constexpr uint32_t Lz4LegacyMagic = 0x184C2102;
constexpr uint32_t Lz4FrameMagic = 0x184D2204;
constexpr uint32_t ZstdMagic = 0xFD2FB528;
// The lz4 legacy format fixes the decompressed block size at 8 MiB.
constexpr size_t Lz4LegacyBlockSize = size_t(8) << 20;
// Decoder memory for xz/lzma dictionaries: far above what any kernel uses (xz -9 needs 64 MiB),
// low enough that a forged header cannot make liblzma take gigabytes.
constexpr uint64_t LzmaMemLimit = uint64_t(256) << 20;

// Growth past this is linear: a bomb costs what it writes, not the next power of two.
constexpr size_t MaxGrowthStep = size_t(64) << 20;

// Output storage that grows as data is produced, within the ceiling and the decode budget.
class GrowingBuffer {
public:
  // Reserve is what the format declares it decodes to (0: unknown), already checked against
  // the ceiling; otherwise a first guess from the input size (compressed kernels shrink about
  // 4x), never from a header.
  GrowingBuffer(uint64_t MaxOutput, size_t InputSize, uint64_t Reserve = 0)
      : Max(MaxOutput), Lease(DecodeBudget::process(), firstSize(InputSize, Reserve)) {
    resize(size_t(firstSize(InputSize, Reserve)));
  }
  ~GrowingBuffer() { std::free(Data); }
  GrowingBuffer(const GrowingBuffer &) = delete;
  GrowingBuffer &operator=(const GrowingBuffer &) = delete;

  // Free space after the used part, growing first when there is little left. Once the ceiling
  // (MaxOutput + 1, so overflowing it is observable) is reached, the space may be empty.
  std::pair<char *, size_t> space(size_t Want = 64 << 10) {
    if (Cap - Used < Want && Cap < hardCap()) {
      uint64_t Step = std::min<uint64_t>(std::max<uint64_t>(Cap, Want), MaxGrowthStep);
      resize(size_t(std::min<uint64_t>(uint64_t(Cap) + std::max<uint64_t>(Step, Want), hardCap())));
    }
    return {Data + Used, Cap - Used};
  }
  void commit(size_t N) { Used += N; }
  size_t used() const { return Used; }
  bool exceeded() const { return Overflowed || Used > Max; }
  // For decoders that cannot produce part of a unit (an lz4 legacy block) when the ceiling
  // leaves too little room for it.
  void setOverflowed() { Overflowed = true; }

  std::unique_ptr<llvm::MemoryBuffer> take(llvm::StringRef Name) {
    // Give back the unused tail (realloc shrinks in place), then hand the bytes over.
    char *Shrunk = Used ? static_cast<char *>(std::realloc(Data, Used)) : nullptr;
    char *Bytes = Shrunk ? Shrunk : Data;
    Data = nullptr;
    return std::make_unique<MallocBuffer>(Bytes, Used, Name);
  }

private:
  uint64_t firstSize(size_t InputSize, uint64_t Reserve) const {
    uint64_t Guess = Reserve ? Reserve + 1 : std::max<uint64_t>(uint64_t(InputSize) * 4, 64 << 10);
    return std::min<uint64_t>(Guess, hardCap());
  }
  uint64_t hardCap() const {
    uint64_t Limit = Max == UINT64_MAX ? Max : Max + 1;
    return std::min<uint64_t>(Limit, SIZE_MAX / 2);
  }

  // realloc moves large blocks by remapping pages, so growing never holds two copies.
  void resize(size_t NewCap) {
    if (NewCap > Lease.allowance())
      Lease.goLarge();
    char *New = static_cast<char *>(std::realloc(Data, NewCap ? NewCap : 1));
    if (!New)
      llvm::report_bad_alloc_error("decompression buffer");
    Data = New;
    Cap = NewCap;
  }

  char *Data = nullptr;
  size_t Used = 0;
  size_t Cap = 0;
  uint64_t Max;
  DecodeBudget::Lease Lease;
  bool Overflowed = false;
};

llvm::Error limitError(llvm::StringRef FileName, const llvm::Twine &What) {
  return llvm::make_error<DecompressLimitError>((FileName + ": " + What).str());
}

llvm::Error tooBig(llvm::StringRef FileName, Compression C, uint64_t Max) {
  return limitError(FileName, llvm::Twine("decompressed ") + compressionName(C) +
                                  " data exceeds the limit of " + llvm::Twine(Max) + " bytes");
}

llvm::Error truncated(llvm::StringRef FileName, Compression C) {
  return fileError(FileName, llvm::Twine("truncated ") + compressionName(C) + " data");
}

llvm::Error corrupt(llvm::StringRef FileName, Compression C, const llvm::Twine &Why) {
  return fileError(FileName, llvm::Twine("corrupt ") + compressionName(C) + " data: " + Why);
}

bool startsWithLE32(llvm::StringRef Bytes, size_t Pos, uint32_t Magic) {
  return Pos + 4 <= Bytes.size() && llvm::support::endian::read32le(Bytes.data() + Pos) == Magic;
}

// What a zstd input declares it decodes to: the content sizes of its leading frames, summed
// while they are known. 0 when the first frame does not say.
uint64_t zstdDeclaredSize(llvm::StringRef Bytes) {
  uint64_t Total = 0;
  size_t Pos = 0;
  for (unsigned Frames = 0; Frames < 64 && startsWithLE32(Bytes, Pos, ZstdMagic); ++Frames) {
    unsigned long long N = ZSTD_getFrameContentSize(Bytes.data() + Pos, Bytes.size() - Pos);
    if (N == ZSTD_CONTENTSIZE_UNKNOWN || N == ZSTD_CONTENTSIZE_ERROR)
      break;
    Total = N > UINT64_MAX - Total ? UINT64_MAX : Total + N;
    size_t Len = ZSTD_findFrameCompressedSize(Bytes.data() + Pos, Bytes.size() - Pos);
    if (ZSTD_isError(Len))
      break;
    Pos += Len;
  }
  return Total;
}

llvm::Error inflateGzip(llvm::StringRef FileName, llvm::StringRef Bytes, GrowingBuffer &Out) {
  z_stream S{};
  if (inflateInit2(&S, 16 + MAX_WBITS) != Z_OK)
    return fileError(FileName, "cannot initialise zlib");
  struct Cleanup {
    z_stream &S;
    ~Cleanup() { inflateEnd(&S); }
  } C{S};

  size_t Pos = 0; // input consumed so far, across members
  for (;;) {
    // zlib counts in 32-bit units; feed large inputs a gigabyte at a time.
    if (S.avail_in == 0) {
      size_t Chunk = std::min<size_t>(Bytes.size() - Pos, 1u << 30);
      S.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(Bytes.data() + Pos));
      S.avail_in = uInt(Chunk);
      Pos += Chunk;
    }
    auto [Ptr, Room] = Out.space();
    if (Room == 0)
      return llvm::Error::success();
    S.next_out = reinterpret_cast<Bytef *>(Ptr);
    S.avail_out = uInt(std::min<size_t>(Room, 1u << 30));
    uInt Before = S.avail_out;
    int Ret = inflate(&S, Z_NO_FLUSH);
    Out.commit(Before - S.avail_out);
    if (Out.exceeded())
      return llvm::Error::success(); // the caller reports the ceiling
    if (Ret == Z_STREAM_END) {
      // gzip allows concatenated members; anything else after a member is padding.
      size_t End = Pos - S.avail_in;
      if (End + 2 <= Bytes.size() && uint8_t(Bytes[End]) == 0x1f &&
          uint8_t(Bytes[End + 1]) == 0x8b) {
        inflateReset(&S);
        continue;
      }
      return llvm::Error::success();
    }
    if (Ret == Z_BUF_ERROR ||
        (Ret == Z_OK && S.avail_in == 0 && Pos == Bytes.size() && S.avail_out != 0))
      return truncated(FileName, Compression::Gzip);
    if (Ret != Z_OK)
      return corrupt(FileName, Compression::Gzip, S.msg ? S.msg : "inflate failed");
  }
}

llvm::Error decodeLzma(llvm::StringRef FileName, llvm::StringRef Bytes, Compression C,
                       GrowingBuffer &Out) {
  lzma_stream S = LZMA_STREAM_INIT;
  lzma_ret Init = C == Compression::Xz ? lzma_stream_decoder(&S, LzmaMemLimit, 0)
                                       : lzma_alone_decoder(&S, LzmaMemLimit);
  if (Init != LZMA_OK)
    return fileError(FileName, "cannot initialise liblzma");
  struct Cleanup {
    lzma_stream &S;
    ~Cleanup() { lzma_end(&S); }
  } Guard{S};

  S.next_in = reinterpret_cast<const uint8_t *>(Bytes.data());
  S.avail_in = Bytes.size();
  for (;;) {
    auto [Ptr, Room] = Out.space();
    if (Room == 0)
      return llvm::Error::success();
    S.next_out = reinterpret_cast<uint8_t *>(Ptr);
    S.avail_out = Room;
    // All input is present from the start, so LZMA_FINISH: a stream that ends early is then
    // reported (LZMA_BUF_ERROR) instead of waiting for more.
    lzma_ret Ret = lzma_code(&S, LZMA_FINISH);
    Out.commit(Room - S.avail_out);
    if (Out.exceeded())
      return llvm::Error::success();
    switch (Ret) {
    case LZMA_OK:
      continue;
    case LZMA_STREAM_END:
      return llvm::Error::success();
    case LZMA_BUF_ERROR:
      if (S.avail_out == 0)
        continue;
      return truncated(FileName, C);
    case LZMA_MEMLIMIT_ERROR:
      return corrupt(FileName, C,
                     "dictionary larger than " + llvm::Twine(LzmaMemLimit >> 20) + " MiB");
    case LZMA_FORMAT_ERROR:
      return corrupt(FileName, C, "bad header");
    case LZMA_OPTIONS_ERROR:
      return corrupt(FileName, C, "unsupported options");
    case LZMA_DATA_ERROR:
      return corrupt(FileName, C, "bad compressed data");
    default:
      return corrupt(FileName, C, "liblzma error " + llvm::Twine(int(Ret)));
    }
  }
}

llvm::Error decodeZstd(llvm::StringRef FileName, llvm::StringRef Bytes, GrowingBuffer &Out) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx *)> D(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!D)
    return fileError(FileName, "cannot initialise libzstd");
  ZSTD_inBuffer In{Bytes.data(), Bytes.size(), 0};
  for (;;) {
    auto [Ptr, Room] = Out.space();
    if (Room == 0)
      return llvm::Error::success();
    ZSTD_outBuffer O{Ptr, Room, 0};
    size_t Ret = ZSTD_decompressStream(D.get(), &O, &In);
    Out.commit(O.pos);
    if (ZSTD_isError(Ret))
      return corrupt(FileName, Compression::Zstd, ZSTD_getErrorName(Ret));
    if (Out.exceeded())
      return llvm::Error::success();
    if (Ret == 0) {
      // End of a frame: go on only if another zstd frame follows directly.
      if (startsWithLE32(Bytes, In.pos, ZstdMagic))
        continue;
      return llvm::Error::success();
    }
    if (In.pos == In.size && O.pos < O.size)
      return truncated(FileName, Compression::Zstd);
  }
}

llvm::Error decodeLz4Frame(llvm::StringRef FileName, llvm::StringRef Bytes, GrowingBuffer &Out) {
  LZ4F_dctx *Raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&Raw, LZ4F_VERSION)))
    return fileError(FileName, "cannot initialise liblz4");
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx *)> D(Raw,
                                                                  LZ4F_freeDecompressionContext);
  size_t Pos = 0;
  for (;;) {
    auto [Ptr, Room] = Out.space();
    if (Room == 0)
      return llvm::Error::success();
    size_t DstSize = Room, SrcSize = Bytes.size() - Pos;
    size_t Ret = LZ4F_decompress(D.get(), Ptr, &DstSize, Bytes.data() + Pos, &SrcSize, nullptr);
    Pos += SrcSize;
    Out.commit(DstSize);
    if (LZ4F_isError(Ret))
      return corrupt(FileName, Compression::Lz4Frame, LZ4F_getErrorName(Ret));
    if (Out.exceeded())
      return llvm::Error::success();
    if (Ret == 0) {
      if (startsWithLE32(Bytes, Pos, Lz4FrameMagic))
        continue;
      return llvm::Error::success();
    }
    if (Pos == Bytes.size() && DstSize < Room)
      return truncated(FileName, Compression::Lz4Frame);
  }
}

// The legacy lz4 format (lz4 -l, used by the kernel's LZ4 image compression): a magic, then
// blocks of [LE32 compressed size][data], each at most 8 MiB decompressed, with no end mark.
// The end is recognised by a size that cannot be a block: zero, a magic (a concatenated
// stream, which continues as lz4 and the kernel do), larger than any block can compress to, or
// past the end of the input (kbuild appends the decompressed size after the data).
llvm::Error decodeLz4Legacy(llvm::StringRef FileName, llvm::StringRef Bytes, GrowingBuffer &Out) {
  const size_t MaxBlock = size_t(LZ4_compressBound(int(Lz4LegacyBlockSize)));
  size_t Pos = 4;
  unsigned Blocks = 0;
  while (Pos + 4 <= Bytes.size()) {
    uint32_t Len = llvm::support::endian::read32le(Bytes.data() + Pos);
    if (Len == Lz4LegacyMagic) {
      Pos += 4;
      continue;
    }
    if (Len == 0 || Len > MaxBlock || Len > Bytes.size() - Pos - 4)
      break;
    auto [Ptr, Room] = Out.space(Lz4LegacyBlockSize);
    int Got = LZ4_decompress_safe(Bytes.data() + Pos + 4, Ptr, int(Len),
                                  int(std::min(Room, Lz4LegacyBlockSize)));
    if (Got < 0) {
      if (Room < Lz4LegacyBlockSize) {
        Out.setOverflowed(); // the ceiling cut the block short; the caller reports it
        return llvm::Error::success();
      }
      return corrupt(FileName, Compression::Lz4Legacy, "bad block at offset " + llvm::Twine(Pos));
    }
    Out.commit(size_t(Got));
    if (Out.exceeded())
      return llvm::Error::success();
    Pos += 4 + Len;
    ++Blocks;
  }
  if (Blocks == 0)
    return truncated(FileName, Compression::Lz4Legacy);
  return llvm::Error::success();
}

} // namespace

Compression detectCompression(llvm::StringRef Bytes) {
  auto Has = [&](llvm::StringRef Magic) { return Bytes.starts_with(Magic); };
  if (Has("\x1f\x8b"))
    return Compression::Gzip;
  if (Has(llvm::StringRef("\xfd"
                          "7zXZ\0",
                          6)))
    return Compression::Xz;
  if (startsWithLE32(Bytes, 0, ZstdMagic))
    return Compression::Zstd;
  if (startsWithLE32(Bytes, 0, Lz4FrameMagic))
    return Compression::Lz4Frame;
  if (startsWithLE32(Bytes, 0, Lz4LegacyMagic))
    return Compression::Lz4Legacy;
  if (Bytes.size() >= 4 && Has("BZh") && Bytes[3] >= '1' && Bytes[3] <= '9')
    return Compression::Bzip2;
  if (Has(llvm::StringRef("\x89LZO\0\r\n\x1a\n", 9)))
    return Compression::Lzo;
  // Legacy .lzma has no real magic: the properties byte 0x5d (lc=3 lp=0 pb=2, what every
  // encoder writes by default) and a dictionary size whose two high bytes are zero, the
  // pattern the kernel's own decompressor table uses.
  if (Has(llvm::StringRef("\x5d\0\0", 3)))
    return Compression::Lzma;
  return Compression::None;
}

llvm::StringRef compressionName(Compression C) {
  switch (C) {
  case Compression::None:
    return "uncompressed";
  case Compression::Gzip:
    return "gzip";
  case Compression::Xz:
    return "xz";
  case Compression::Lzma:
    return "lzma";
  case Compression::Zstd:
    return "zstd";
  case Compression::Lz4Frame:
    return "lz4";
  case Compression::Lz4Legacy:
    return "lz4 (legacy)";
  case Compression::Bzip2:
    return "bzip2";
  case Compression::Lzo:
    return "lzo";
  }
  return "unknown";
}

Compression compressionForSuffix(llvm::StringRef Path) {
  if (Path.ends_with(".gz"))
    return Compression::Gzip;
  if (Path.ends_with(".xz"))
    return Compression::Xz;
  if (Path.ends_with(".zst"))
    return Compression::Zstd;
  if (Path.ends_with(".lz4"))
    return Compression::Lz4Frame;
  return Compression::None;
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
decompress(llvm::StringRef FileName, llvm::StringRef Bytes, Compression C, uint64_t MaxOutput) {
  if (C == Compression::None) {
    if (Bytes.size() > MaxOutput)
      return limitError(FileName, llvm::Twine(Bytes.size()) + " bytes exceed the limit of " +
                                      llvm::Twine(MaxOutput) + " bytes");
    return llvm::MemoryBuffer::getMemBufferCopy(Bytes, FileName);
  }
  // A declared size past the ceiling refuses the input before any decoding; one within it is
  // reserved at once (a frame that lies about it is corrupt to libzstd).
  uint64_t Declared = C == Compression::Zstd ? zstdDeclaredSize(Bytes) : 0;
  if (Declared > MaxOutput)
    return limitError(FileName, llvm::Twine(compressionName(C)) + " data declares " +
                                    llvm::Twine(Declared) + " bytes, which exceeds the limit of " +
                                    llvm::Twine(MaxOutput) + " bytes");
  GrowingBuffer Out(MaxOutput, Bytes.size(), Declared);
  llvm::Error E = llvm::Error::success();
  switch (C) {
  case Compression::None:
    break;
  case Compression::Gzip:
    E = inflateGzip(FileName, Bytes, Out);
    break;
  case Compression::Xz:
  case Compression::Lzma:
    E = decodeLzma(FileName, Bytes, C, Out);
    break;
  case Compression::Zstd:
    E = decodeZstd(FileName, Bytes, Out);
    break;
  case Compression::Lz4Frame:
    E = decodeLz4Frame(FileName, Bytes, Out);
    break;
  case Compression::Lz4Legacy:
    E = decodeLz4Legacy(FileName, Bytes, Out);
    break;
  case Compression::Bzip2:
  case Compression::Lzo:
    return fileError(FileName, llvm::Twine("compressed with ") + compressionName(C) +
                                   ", which modver does not read");
  }
  if (E)
    return E;
  // Decoders stop quietly at the ceiling (or with no room left); the verdict is made here.
  if (Out.exceeded())
    return tooBig(FileName, C, MaxOutput);
  return Out.take(FileName);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readMaybeCompressed(llvm::StringRef Path,
                                                                        uint64_t MaxOutput) {
  auto Buf = readInputFile(Path, MaxOutput);
  if (!Buf)
    return Buf.takeError();
  Compression C = detectCompression((*Buf)->getBuffer());
  if (C == Compression::None)
    return std::move(*Buf);
  return decompress(Path, (*Buf)->getBuffer(), C, MaxOutput);
}

} // namespace modver
