// Recognising link inputs that hold compiler IR instead of machine code.
//
// The plugin versions a module from the undefined symbols of its objects. An LTO object's real
// symbols only exist after the compiler's own plugin has generated code, which happens after
// every plugin's all_symbols_read, so the plugin cannot see them: such inputs must be linked
// first and versioned with mkmod.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace modver {

// What kind of IR Bytes hold ("GCC LTO sections (.gnu.lto_*)", "LLVM bitcode"), or nothing
// for an ordinary object. Bytes that are not ELF and not bitcode are not judged here.
std::optional<std::string> ltoInputKind(llvm::StringRef Bytes);

// When a link runs through the gcc driver, GCC's LTO plugin comes first on ld's command line
// and claims the LTO objects before this plugin is asked; it writes the list of what it claimed
// to its resolution file (-plugin-opt=-fresolution=F) in its own all_symbols_read, which runs
// before ours. The file names listed in that file's text ("archive.a@0x1f0" for a member).
std::vector<std::string> gccLtoClaimedFiles(llvm::StringRef ResolutionText);

// The resolution file named in a linker command line (the arguments, in order), if any.
std::optional<std::string> gccLtoResolutionFile(const std::vector<std::string> &Args);

} // namespace modver
