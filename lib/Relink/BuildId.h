// The GNU build ID of a relocatable input (internal to Relink).
//
// LLD drops every input .note.gnu.build-id section, also in -r links, and writes one only
// when given --build-id. A relinked module must keep its build ID: it is what ties the module
// to its separate debug file (/usr/lib/debug/.build-id/...) and what the kernel shows in
// /sys/module/*/notes, and the code it identifies does not change when version records are
// added. GNU ld passes the input note through as it is. So for LLD the ID is read here and
// handed back as --build-id=0x<hex>, which makes LLD write a byte-identical note.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace modver {

// The descriptor of the first NT_GNU_BUILD_ID note (owner "GNU") in a .note.gnu.build-id
// section of the first input that has one, as lower-case hex; empty if no input has one.
// An input that cannot be read or is not ELF is skipped: the linker is about to read it too
// and will say what is wrong with it in its own words.
std::string findBuildIdHex(const std::vector<std::string> &Inputs);

} // namespace modver
