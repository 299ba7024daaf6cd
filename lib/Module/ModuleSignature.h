// A module's appended signature (what scripts/sign-file appends): the signature bytes, a
// 12-byte trailer {algo, hash, id_type, signer_len, key_id_len, pad[3], be32 sig_len} and the
// marker "~Module signature appended~\n" at the very end of the file. The loader looks at it
// first of all (module_sig_check), before the ELF header; relinking drops it, because a linker
// reads the ELF structure and never sees the bytes after it.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace modver {

// What mod_check_sig makes of the trailer, before any cryptography. Its answer decides how
// the loader goes on: Pkcs7 is verified against the keyring (a key it lacks is ENOKEY, like
// Unsupported refused only when enforcing); Malformed is EBADMSG, which module_sig_check
// treats as fatal whether or not signatures are enforced.
enum class SignatureForm {
  Pkcs7,       // id_type 2 and every other field 0: what sign-file writes since Linux 4.3
  Unsupported, // another id_type: ENOPKG, "module with unsupported crypto"
  Malformed,   // too short, longer than the module, or non-zero unused fields: EBADMSG
};

struct ModuleSignature {
  SignatureForm Form = SignatureForm::Malformed;
  uint32_t Length = 0; // the signature, without the trailer and the marker
};

// The signature appended to the module bytes Bytes (decompressed), if the marker is there.
std::optional<ModuleSignature> appendedSignature(llvm::StringRef Bytes);

} // namespace modver
