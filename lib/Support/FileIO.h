// Reading inputs and writing outputs safely.
//
// Inputs are never modified. Outputs that are regular files (or do not exist yet) are written
// to a temporary file in the same folder and renamed over the target, so a failure never leaves
// a half-written file. Outputs that exist and are not regular files (/dev/null, /dev/full, a
// pipe, a terminal) are written straight to: renaming over a device node as root destroys it.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <functional>
#include <memory>

namespace llvm {
class raw_ostream;
}

namespace modver {

// Read a whole file. A directory, a missing or unreadable file is an error naming the file.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef Path);

// Write Path atomically: Fill writes the content to the stream it is given; if Fill fails or
// the write fails (disk full, no such folder), the target is left as it was and the temporary
// file is removed. "-" means standard output.
llvm::Error writeFileAtomically(llvm::StringRef Path,
                                const std::function<llvm::Error(llvm::raw_ostream &)> &Fill);

// Convenience: write a byte string atomically.
llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Bytes);

} // namespace modver
