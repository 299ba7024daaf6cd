#include "Module/ModuleSignature.h"

#include "llvm/Support/Endian.h"

namespace modver {

static constexpr llvm::StringLiteral Marker = "~Module signature appended~\n";
static constexpr size_t TrailerSize = 12;
static constexpr uint8_t IdPkcs7 = 2;

// The order of mod_verify_sig and mod_check_sig: size first, then the id type (so a foreign id
// type with odd fields is "unsupported", not malformed), then the fields PKCS#7 leaves 0.
std::optional<ModuleSignature> appendedSignature(llvm::StringRef Bytes) {
  if (!Bytes.ends_with(Marker))
    return std::nullopt;
  ModuleSignature S;
  llvm::StringRef Signed = Bytes.drop_back(Marker.size()); // module + signature + trailer
  if (Signed.size() <= TrailerSize)
    return S;
  const uint8_t *T = Signed.take_back(TrailerSize).bytes_begin();
  S.Length = llvm::support::endian::read32be(T + 8);
  if (S.Length >= Signed.size() - TrailerSize)
    return S; // nothing of the module would be left
  if (T[2] != IdPkcs7) {
    S.Form = SignatureForm::Unsupported;
    return S;
  }
  bool FieldsZero =
      T[0] == 0 && T[1] == 0 && T[3] == 0 && T[4] == 0 && T[5] == 0 && T[6] == 0 && T[7] == 0;
  // An empty PKCS#7 message passes mod_check_sig but cannot be parsed (EBADMSG as well).
  S.Form = FieldsZero && S.Length > 0 ? SignatureForm::Pkcs7 : SignatureForm::Malformed;
  return S;
}

} // namespace modver
