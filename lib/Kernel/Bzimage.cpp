// Locating the compressed vmlinux in a kernel image.
//
// Four routes, cheapest first: the file is ELF already, or a flat image with a boot header
// (Kernel/FlatImage.h); it is an x86 bzImage whose setup header says where the payload is; it
// is one compressed stream as a whole (ELF or flat inside). Anything else
// (other architectures' self-extracting images) is searched for compression magics, like
// scripts/extract-vmlinux does, with a bounded number of attempts.
#include "Kernel/Payload.h"

#include "Kernel/FlatImage.h"

#include "Compression/Decompress.h"
#include "Elf/ElfTarget.h"
#include "Support/Error.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Endian.h"

#include <algorithm>

namespace modver {

namespace {

// Offsets in the x86 boot protocol's setup header (Documentation/x86/boot.rst).
constexpr size_t SetupSectsOff = 0x1f1;
constexpr size_t HeaderMagicOff = 0x202;
constexpr size_t ProtocolVersionOff = 0x206;
constexpr size_t KernelVersionOff = 0x20e;
constexpr size_t PayloadOffsetOff = 0x248;
constexpr size_t PayloadLengthOff = 0x24c;
// payload_offset/payload_length exist from boot protocol 2.08.
constexpr uint16_t PayloadProtocol = 0x208;

llvm::Error flatImage(llvm::StringRef Name, Compression C) {
  return fileError(Name, llvm::Twine("the ") + compressionName(C) +
                             " payload is not an ELF vmlinux, nor a flat image with a known "
                             "boot header (arm64 Image); give the vmlinux file or "
                             "Module.symvers instead");
}

bool isBzImage(llvm::StringRef Bytes) {
  return Bytes.size() >= PayloadLengthOff + 4 && Bytes.substr(HeaderMagicOff, 4) == "HdrS";
}

uint16_t le16(llvm::StringRef B, size_t Off) {
  return llvm::support::endian::read16le(B.data() + Off);
}
uint32_t le32(llvm::StringRef B, size_t Off) {
  return llvm::support::endian::read32le(B.data() + Off);
}

// The kernel_version string: a pointer relative to 0x200, to a NUL-terminated string in the
// real-mode setup code.
std::string bootVersion(llvm::StringRef Bytes) {
  uint16_t Ptr = le16(Bytes, KernelVersionOff);
  if (Ptr == 0 || size_t(Ptr) + 0x200 >= Bytes.size())
    return {};
  llvm::StringRef Rest = Bytes.substr(size_t(Ptr) + 0x200, 256);
  size_t End = Rest.find('\0');
  if (End == llvm::StringRef::npos)
    return {};
  llvm::StringRef S = Rest.take_front(End);
  if (!llvm::all_of(S, [](char C) { return C >= 0x20 && C < 0x7f; }))
    return {};
  return S.str();
}

// Decompress the stream that must hold vmlinux; anything but ELF inside is an error.
llvm::Expected<KernelPayload> unpackStream(llvm::StringRef Name, llvm::StringRef Stream,
                                           Compression C, const ImageLimits &L) {
  auto Out = decompress(Name, Stream, C, L.MaxDecoded);
  if (!Out)
    return Out.takeError();
  KernelPayload P;
  if (auto T = flatImageTarget((*Out)->getBuffer())) {
    P.Flat = (*Out)->getBuffer();
    P.FlatTarget = *T;
  } else if (looksLikeElf((*Out)->getBuffer())) {
    P.Elf = (*Out)->getBuffer();
  } else {
    return flatImage(Name, C);
  }
  P.Owned = std::move(*Out);
  return P;
}

// Where the bzImage setup header says the payload is (start, length), when it has the fields.
std::optional<std::pair<uint64_t, uint64_t>> bzImagePayloadRange(llvm::StringRef Bytes) {
  if (le16(Bytes, ProtocolVersionOff) < PayloadProtocol)
    return std::nullopt;
  unsigned SetupSects = uint8_t(Bytes[SetupSectsOff]);
  if (SetupSects == 0)
    SetupSects = 4; // the boot protocol's convention for very old images
  uint64_t Start = uint64_t(SetupSects + 1) * 512 + le32(Bytes, PayloadOffsetOff);
  return std::make_pair(Start, uint64_t(le32(Bytes, PayloadLengthOff)));
}

// The payload the bzImage setup header points to, if the header is sane and it is compressed.
std::optional<llvm::StringRef> bzImagePayload(llvm::StringRef Bytes) {
  auto Range = bzImagePayloadRange(Bytes);
  if (!Range)
    return std::nullopt;
  auto [Start, Length] = *Range;
  if (Start > Bytes.size() || Length > Bytes.size() - Start || Length == 0)
    return std::nullopt;
  return Bytes.substr(Start, Length);
}

// Search Bytes for compressed streams and return the first that decompresses to ELF.
llvm::Expected<KernelPayload> scanForPayload(llvm::StringRef Name, llvm::StringRef Bytes,
                                             const ImageLimits &L) {
  // Magics long enough not to match by chance too often; legacy lzma has none and is left out.
  static const struct {
    llvm::StringRef Magic;
    Compression C;
  } Magics[] = {
      {llvm::StringRef("\x1f\x8b\x08", 3), Compression::Gzip},
      {llvm::StringRef("\xfd"
                       "7zXZ\0",
                       6),
       Compression::Xz},
      {llvm::StringRef("\x28\xb5\x2f\xfd", 4), Compression::Zstd},
      {llvm::StringRef("\x02\x21\x4c\x18", 4), Compression::Lz4Legacy},
      {llvm::StringRef("\x04\x22\x4d\x18", 4), Compression::Lz4Frame},
  };
  llvm::SmallVector<std::pair<size_t, Compression>, 64> Candidates;
  for (const auto &M : Magics) {
    size_t Pos = 0;
    for (unsigned N = 0; N < L.MaxScanAttempts; ++N) {
      Pos = Bytes.find(M.Magic, Pos);
      if (Pos == llvm::StringRef::npos)
        break;
      Candidates.push_back({Pos, M.C});
      ++Pos;
    }
  }
  llvm::sort(Candidates);
  if (Candidates.size() > L.MaxScanAttempts)
    Candidates.resize(L.MaxScanAttempts);

  // Streams found by scanning that decode to something other than ELF: in an image of an
  // unknown form they prove nothing (a compressed firmware blob, a chance magic), so the
  // message counts them rather than calling one of them the payload.
  unsigned OtherStreams = 0;
  uint64_t Decoded = 0;
  for (auto [Pos, C] : Candidates) {
    if (Decoded > L.MaxScanDecoded)
      return fileError(Name, "not a kernel image: the compressed streams tried decode to " +
                                 llvm::Twine(Decoded) + " bytes and none is an ELF vmlinux");
    auto Out = decompress(Name, Bytes.drop_front(Pos), C, L.MaxDecoded);
    if (!Out) {
      // A stream that decodes past what any kernel can be is no false match: stop there.
      bool Bomb = false;
      llvm::handleAllErrors(
          Out.takeError(), [&](const DecompressLimitError &) { Bomb = true; },
          [](const llvm::ErrorInfoBase &) {}); // a false match: try the next
      if (Bomb)
        return fileError(Name, llvm::Twine("not a kernel image: the ") + compressionName(C) +
                                   " stream at offset " + llvm::Twine(Pos) +
                                   " decompresses to more than " + llvm::Twine(L.MaxDecoded) +
                                   " bytes, larger than any kernel");
      continue;
    }
    Decoded += (*Out)->getBufferSize();
    if (!looksLikeElf((*Out)->getBuffer())) {
      ++OtherStreams;
      continue;
    }
    KernelPayload P;
    P.Elf = (*Out)->getBuffer();
    P.Owned = std::move(*Out);
    return P;
  }
  if (OtherStreams)
    return fileError(Name, "not a kernel image: neither ELF, nor a flat image with a known boot "
                           "header (arm64 Image), nor a compressed vmlinux inside (" +
                               llvm::Twine(OtherStreams) +
                               " compressed streams found by scanning decode to something "
                               "else); give the vmlinux file or Module.symvers instead");
  return fileError(Name, "not a kernel image: neither ELF nor a compressed vmlinux inside");
}

} // namespace

llvm::Expected<KernelPayload> unpackKernelImage(llvm::StringRef Name, llvm::StringRef Bytes,
                                                const ImageLimits &L) {
  if (Bytes.empty())
    return fileError(Name, "file is empty");
  if (looksLikeElf(Bytes)) {
    KernelPayload P;
    P.Elf = Bytes;
    return P;
  }
  if (auto T = flatImageTarget(Bytes)) {
    KernelPayload P;
    P.Flat = Bytes;
    P.FlatTarget = *T;
    return P;
  }
  if (isBzImage(Bytes)) {
    std::string Version = bootVersion(Bytes);
    // A copy cut short: the header still says how long the image was. Searching what is left
    // for a compressed stream could only end in a vaguer message.
    if (auto Range = bzImagePayloadRange(Bytes))
      if (Range->second != 0 && Range->first + Range->second > Bytes.size())
        return fileError(Name, "truncated kernel image: its bzImage header places the "
                               "compressed kernel at bytes " +
                                   llvm::Twine(Range->first) + "-" +
                                   llvm::Twine(Range->first + Range->second) + ", the file has " +
                                   llvm::Twine(Bytes.size()));
    if (auto Payload = bzImagePayload(Bytes)) {
      Compression C = detectCompression(*Payload);
      if (C != Compression::None) {
        auto P = unpackStream(Name, *Payload, C, L);
        if (!P)
          return P.takeError();
        P->BootVersion = std::move(Version);
        return P;
      }
    }
    // A header without usable payload fields (protocol < 2.08): search the image instead.
    auto P = scanForPayload(Name, Bytes, L);
    if (P)
      P->BootVersion = std::move(Version);
    return P;
  }
  Compression C = detectCompression(Bytes);
  if (C != Compression::None)
    return unpackStream(Name, Bytes, C, L);
  return scanForPayload(Name, Bytes, L);
}

} // namespace modver
