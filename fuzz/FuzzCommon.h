// Shared by the libFuzzer targets: every reader must turn any byte string into either a value
// or an error whose message is one line naming the file. Anything else (a crash, a sanitizer
// report, a multi-line or unnamed message) is a finding.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace modver::fuzz {

inline constexpr const char *FuzzFileName = "fuzz-input";

inline llvm::StringRef bytes(const uint8_t *Data, size_t Size) {
  return llvm::StringRef(reinterpret_cast<const char *>(Data), Size);
}

// Consume E, checking the message convention: one line naming Name.
inline void checkError(llvm::Error E, llvm::StringRef Name = FuzzFileName) {
  if (!E)
    return;
  std::string Msg = llvm::toString(std::move(E));
  if (Msg.empty() || Msg.find('\n') != std::string::npos ||
      llvm::StringRef(Msg).find(Name) == llvm::StringRef::npos) {
    fprintf(stderr, "malformed error message: [%s]\n", Msg.c_str());
    abort();
  }
}

template <typename T> inline void consume(llvm::Expected<T> V) {
  if (!V)
    checkError(V.takeError());
}

} // namespace modver::fuzz
