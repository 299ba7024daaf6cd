// Reading BTF, the compact type information the kernel carries in its `.BTF` section
// (linux: Documentation/bpf/btf.rst), into a TypeGraph.
//
// A module's `.BTF` is split BTF: its type ids continue after its kernel's last id and its
// string offsets after the end of the kernel's string section, so it is read on top of the
// kernel's BTF. Every read is bounds-checked; a malformed section is a one-line error.
#pragma once

#include "Types/TypeGraph.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace modver {

struct BtfTypes {
  TypeGraph Types;
  // The whole string section (the base's strings are not repeated here), so that split BTF
  // read on top of this one can resolve names.
  llvm::StringRef Strings;
  explicit BtfTypes(const BtfTypes *Base) : Types(Base ? &Base->Types : nullptr) {}
};

// Parse the bytes of a `.BTF` section (copied; the result does not point into Section).
// Base, when given, must outlive the result. Name is used in messages.
llvm::Expected<std::unique_ptr<BtfTypes>> parseBtf(llvm::StringRef Name, llvm::StringRef Section,
                                                   const BtfTypes *Base = nullptr);

// The `.BTF` section of an ELF file (vmlinux, a .ko, an object after `pahole -J`).
llvm::Expected<std::unique_ptr<BtfTypes>> readElfBtf(llvm::StringRef Name, llvm::StringRef Elf,
                                                     const BtfTypes *Base = nullptr);

// The BTF of a kernel image in any form readKernelImage accepts (vmlinux, vmlinuz, bzImage).
llvm::Expected<std::unique_ptr<BtfTypes>> readKernelBtf(llvm::StringRef Path);

// A module's split BTF (.ko, possibly compressed) on top of its kernel's.
llvm::Expected<std::unique_ptr<BtfTypes>> readModuleBtf(llvm::StringRef Path,
                                                        const BtfTypes &Kernel);

} // namespace modver
