// Where a tool's types come from: a kernel image's BTF, a module's split BTF on top of its
// kernel's, an object's BTF (`pahole -J`), or else an object's DWARF (`-g`).
#pragma once

#include "Types/Btf.h"
#include "Types/TypeGraph.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace modver {

struct TypeSource {
  std::unique_ptr<BtfTypes> Btf;    // set when the types are BTF
  std::unique_ptr<TypeGraph> Dwarf; // set when they are DWARF
  std::string Arch;                 // the kernel's name for the ELF machine ("x86"), if known
  const TypeGraph &graph() const { return Btf ? Btf->Types : *Dwarf; }
};

// Path is a kernel image (vmlinux, vmlinuz), a module (.ko, maybe compressed) or an object.
// A module's or object's BTF is read on top of Base when given (split BTF); an object without
// usable BTF falls back to its DWARF.
llvm::Expected<TypeSource> readTypeSource(llvm::StringRef Path, const BtfTypes *Base = nullptr);

} // namespace modver
