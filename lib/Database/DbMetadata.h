// The ".modver.db" section of modversions.o: everything about the exports except the CRCs.
//
// The CRCs live once, in the version records of the same object; this section joins them by
// symbol name. Format version 2 is UTF-8-agnostic text, one item per line, fields separated
// by TAB, with '\\', TAB and newline inside a value written as "\\\\", "\\t", "\\n":
//
//   modver-db<TAB>2
//   release<TAB><kernel release, may be empty>
//   vermagic<TAB><vermagic, may be empty; trailing blanks kept>
//   force-load<TAB>yes|no|unknown
//   missing-ns-imports<TAB>yes|no|unknown
//   modversions<TAB>yes|no                 (optional: CONFIG_MODVERSIONS, when known)
//   basic-modversions<TAB>yes|no           (optional: CONFIG_BASIC_MODVERSIONS, when known)
//   extended-modversions<TAB>yes|no        (optional: CONFIG_EXTENDED_MODVERSIONS, when known)
//   kflagstab<TAB>yes                      (optional: the image has __kflagstab)
//   sources<TAB><M>
//   <source file>                                         (M lines, numbered from 0)
//   symbols<TAB><N>
//   <name><TAB><flags><TAB><namespace><TAB><exporter><TAB><source number>   (N lines)
//
// flags: "g" GPL-only, "c" has a CRC, both "gc", neither "-". Symbols are sorted by name
// (byte order), sources numbered in order of first use. Every line ends in a newline. See
// docs/formats.md for an example.
//
// The optional lines came after version 2 was first written, without a new number: files
// without them still read everywhere, and they are only written when they say something, so
// mkmod --modversions X.o plans the tables as mkmod --kernel <the image> does.
//
// Version 1 is read too: the same text without the missing-ns-imports line (objects written
// before modver knew that option), or with it (written before the version was bumped for it).
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace modver {

inline constexpr llvm::StringLiteral DbSectionName = ".modver.db";
// What encodeDbMetadata writes; decodeDbMetadata also reads version 1.
inline constexpr llvm::StringLiteral DbMagicLine = "modver-db\t2\n";

// The section text for a kernel and its exports sorted by name (SymbolDb::sorted()); CRCs
// and the target are not part of it.
std::string encodeDbMetadata(const KernelInfo &Kernel, llvm::ArrayRef<const Export *> Sorted);

struct DbMetadata {
  KernelInfo Kernel;           // Target is left unknown: the ELF header holds it
  std::vector<Export> Exports; // sorted by name, Crc still 0
};

// Parse and validate the section text; errors say "FILE: .modver.db line N: what".
llvm::Expected<DbMetadata> decodeDbMetadata(llvm::StringRef FileName, llvm::StringRef Text);

} // namespace modver
