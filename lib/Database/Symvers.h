// Module.symvers: the export list kbuild's modpost writes and reads back.
//
// One line per export, five TAB-separated fields:
//   0x<crc>\t<symbol>\t<module>\t<EXPORT_SYMBOL|EXPORT_SYMBOL_GPL>\t<namespace>\n
// Reading is as strict as 6.1 modpost's read_dump (any malformed line is an error, not a
// skipped line); writing produces exactly modpost's shape, sorted by symbol name.
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
}

namespace modver {

// The CRC field of a line: hex, with or without 0x/0X, at most 32 bits. The one CRC parser:
// what -s accepts, --dump and every other reader of the format accept too.
bool parseSymversCrc(llvm::StringRef Field, uint32_t &Crc);

// True when Bytes begin like a Module.symvers: a CRC field (by parseSymversCrc), then a TAB.
// The content decides, whatever the file is called.
bool looksLikeSymvers(llvm::StringRef Bytes);

// Parse the text of a Module.symvers file. FileName is used for messages ("FILE:LINE: what")
// and becomes every export's Source. A file whose CRCs are all zero comes from a kernel
// without CONFIG_MODVERSIONS: its exports get HasCrc = false.
llvm::Expected<SymbolDb> readSymvers(llvm::StringRef FileName, llvm::StringRef Text);

// Read and parse a file, gzip/xz/zstd-compressed or not (RHEL's /boot/symvers-<release>.gz).
llvm::Expected<SymbolDb> readSymversFile(llvm::StringRef Path);

// Write Db in modpost's format, sorted by name. Exports without a CRC are written as 0x00000000,
// which is what modpost writes for them.
void writeSymvers(llvm::raw_ostream &OS, const SymbolDb &Db);

} // namespace modver
