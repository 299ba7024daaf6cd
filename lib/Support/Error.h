// Error conventions shared by every unit.
//
// Errors travel as llvm::Error / llvm::Expected<T>. A message names the file it is about and
// says what is wrong, in one line, without a trailing period, so a tool can print
// "<tool>: error: <message>" and nothing else. Only tools/ turn errors into exit codes
// (tools/ToolMain/ToolMain.h).
#pragma once

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace modver {

// "<file>: <what>" as an llvm::Error.
llvm::Error fileError(const llvm::Twine &File, const llvm::Twine &What);

// "<file>: <what>" for a problem at a byte offset inside a file ("... at offset 0x1f0").
llvm::Error fileErrorAt(const llvm::Twine &File, uint64_t Offset, const llvm::Twine &What);

// Prefix an existing error with the file it concerns, unless it already starts with it.
llvm::Error inFile(const llvm::Twine &File, llvm::Error E);

} // namespace modver
