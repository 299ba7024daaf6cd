// The byte layout of the version records a module carries: the only unit that knows it.
//
// Classic table, section "__versions": 64-byte records { unsigned long crc; char name[64 -
// sizeof(unsigned long)]; } in the target's byte order; the name is NUL-terminated inside its
// field (so at most 55 characters on 64-bit targets, 59 on 32-bit), the rest zero.
// Extended tables (Linux 6.14+): "__version_ext_crcs" (u32 per record) and
// "__version_ext_names" (the names, NUL-terminated, back to back), entry i of one belonging to
// entry i of the other. A loader that sees the extended pair uses it instead of __versions.
#pragma once

#include "Elf/ElfTarget.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace modver {

inline constexpr llvm::StringLiteral VersionsSectionName = "__versions";
inline constexpr llvm::StringLiteral ExtCrcsSectionName = "__version_ext_crcs";
inline constexpr llvm::StringLiteral ExtNamesSectionName = "__version_ext_names";
inline constexpr size_t VersionRecordSize = 64;

struct VersionRecord {
  std::string Name;
  uint32_t Crc = 0;
  bool operator==(const VersionRecord &O) const { return Name == O.Name && Crc == O.Crc; }
};

// The longest name a classic record can hold on this target.
size_t maxClassicNameLength(const ElfTarget &T);
bool fitsClassicRecord(llvm::StringRef Name, const ElfTarget &T);

// Encode classic records; every name must fit (see fitsClassicRecord).
llvm::Expected<std::string> encodeClassic(llvm::ArrayRef<VersionRecord> Records,
                                          const ElfTarget &T);

struct ExtendedTables {
  std::string Crcs;
  std::string Names;
};
ExtendedTables encodeExtended(llvm::ArrayRef<VersionRecord> Records, const ElfTarget &T);

// Decode, validating sizes and names; errors name the file and the section.
llvm::Expected<std::vector<VersionRecord>> decodeClassic(llvm::StringRef FileName,
                                                         llvm::StringRef Bytes, const ElfTarget &T);
llvm::Expected<std::vector<VersionRecord>> decodeExtended(llvm::StringRef FileName,
                                                          llvm::StringRef Crcs,
                                                          llvm::StringRef Names,
                                                          const ElfTarget &T);

// What an ELF object carries. A section counts only with SHF_ALLOC, as for the loader;
// "Unallocated" notes a __versions the loader would ignore (kmod's --force-modversion).
struct VersionTables {
  std::optional<std::vector<VersionRecord>> Classic;
  std::optional<std::vector<VersionRecord>> Extended;
  bool ClassicUnallocated = false;

  bool empty() const { return !Classic && !Extended; }
  // The records the loader checks: the extended tables when present, else the classic one.
  const std::vector<VersionRecord> *effective() const {
    return Extended ? &*Extended : Classic ? &*Classic : nullptr;
  }
};

// Read the version sections of the ELF object in ElfBytes. Only one of the extended pair
// present is an error, as it is for the loader.
llvm::Expected<VersionTables> readVersionTables(llvm::StringRef FileName, llvm::StringRef ElfBytes);

} // namespace modver
