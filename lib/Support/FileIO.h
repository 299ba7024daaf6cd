// Reading inputs (outputs are written with Support/OutputFile.h). Inputs are never modified.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace modver {

// Read a whole file. A directory, a missing or unreadable file is an error naming the file.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef Path);

} // namespace modver
