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

struct ModuleSignature {
  uint8_t IdType = 0;  // 2 = PKCS#7, what every signer has written since Linux 4.3
  uint32_t Length = 0; // the signature, without the trailer and the marker
  // The trailer cannot be right (signature longer than the file): the kernel finds the
  // marker, fails to verify ("invalid signature") and loads it only when not enforcing.
  bool Malformed = false;
};

// The signature appended to the module bytes Bytes (decompressed), if the marker is there.
std::optional<ModuleSignature> appendedSignature(llvm::StringRef Bytes);

} // namespace modver
