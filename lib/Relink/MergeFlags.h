// Keeping mergeable sections as they are through an LLD relink (internal to Relink).
//
// LLD merges SHF_MERGE sections even in -r links: a module's .rodata.str1.1 comes out with its
// strings deduplicated and in another order (the relocations follow, so the code still works),
// which breaks the promise that a relink changes nothing but the version tables. Given inputs
// whose SHF_MERGE flag is cleared, LLD copies those sections byte for byte. GNU ld keeps them
// as they are on its own. After the link the flag is put back on the output sections of the
// same names, so flags and contents both come out as they went in.
#pragma once

#include "Support/TempFile.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace modver {

struct UnmergedInputs {
  std::vector<std::string> Paths;   // what to hand the linker, in input order
  std::vector<TempFile> Copies;     // the private copies behind some of the paths
  std::vector<std::string> Cleared; // names of the sections whose flag was cleared
};

// Inputs that have an SHF_MERGE section are replaced by temporary copies with the flag
// cleared in their section headers; the others are passed as they are. An input that cannot
// be read as ELF is passed as it is: the linker will say what is wrong with it.
llvm::Expected<UnmergedInputs> withoutMergeFlags(const std::vector<std::string> &Inputs);

// Set SHF_MERGE again on the sections of the linked file at Path named in Cleared. The
// section headers are patched in the file in place, so Path must be private to the caller
// (the linker's temporary output).
llvm::Error restoreMergeFlags(llvm::StringRef Path, const std::vector<std::string> &Cleared);

} // namespace modver
