// Writing small ELF relocatable objects (ET_REL) for any target.
//
// The objects modver produces hold data sections only: no code, no relocations. They are
// linked into modules with `ld -r`, so they must satisfy GNU ld and ld.lld, and they must be
// byte-for-byte reproducible: the same sections give the same bytes, whatever machine writes
// them (no time stamps, no paths, fixed layout).
#pragma once

#include "Elf/ElfTarget.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace modver {

struct ElfSection {
  std::string Name;
  uint32_t Type = llvm::ELF::SHT_PROGBITS;
  uint64_t Flags = 0;     // SHF_*
  uint64_t Alignment = 1; // a power of two; 0 means 1
  uint64_t EntrySize = 0; // sh_entsize
  std::string Bytes;      // the contents (for SHT_NOBITS only the size counts)
};

struct ElfWriterOptions {
  // Emit a .symtab holding the null symbol and one STT_SECTION symbol per section. Neither
  // GNU ld nor ld.lld needs it for data-only objects; it is there for tools that want one.
  bool SectionSymbols = false;
};

// The object: ELF header, the sections in the order given (each at an offset that is a
// multiple of its alignment), then an empty .note.GNU-stack unless the caller gave one (so
// the linked module does not ask for an executable stack), .shstrtab, the optional .symtab
// and .strtab, and the section header table at an offset aligned to the target word size.
// e_entry is 0; e_machine, e_flags, OSABI and ABI version are the target's.
llvm::Expected<std::string> writeElfObject(const ElfTarget &T, llvm::ArrayRef<ElfSection> Sections,
                                           const ElfWriterOptions &Options = {});

} // namespace modver
