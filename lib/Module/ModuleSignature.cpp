#include "Module/ModuleSignature.h"

#include "llvm/Support/Endian.h"

namespace modver {

static constexpr llvm::StringLiteral Marker = "~Module signature appended~\n";
static constexpr size_t TrailerSize = 12;

std::optional<ModuleSignature> appendedSignature(llvm::StringRef Bytes) {
  if (!Bytes.ends_with(Marker))
    return std::nullopt;
  ModuleSignature S;
  llvm::StringRef Rest = Bytes.drop_back(Marker.size());
  if (Rest.size() < TrailerSize) {
    S.Malformed = true;
    return S;
  }
  llvm::StringRef Trailer = Rest.take_back(TrailerSize);
  S.IdType = uint8_t(Trailer[2]);
  S.Length = llvm::support::endian::read32be(Trailer.data() + 8);
  // The signer and key id lengths are 0 for PKCS#7 (the names are inside the message).
  uint64_t Claimed = uint64_t(S.Length) + uint8_t(Trailer[3]) + uint8_t(Trailer[4]);
  S.Malformed = Claimed == 0 || Claimed > Rest.size() - TrailerSize;
  return S;
}

} // namespace modver
