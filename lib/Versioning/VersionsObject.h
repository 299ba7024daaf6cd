// The object mkmod links into a module: version records as ELF sections, nothing else.
//
// Section names are configurable because mkmod's linker script maps its own specially named
// input sections to the kernel's names (and discards the module's old tables); the default is
// the kernel's names, for an object that is linked with a plain `ld -r`.
#pragma once

#include "Elf/ElfWriter.h"
#include "Module/VersionsSection.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace modver {

struct SectionNames {
  std::string Versions = VersionsSectionName.str();
  std::string ExtCrcs = ExtCrcsSectionName.str();
  std::string ExtNames = ExtNamesSectionName.str();

  // The kernel's own names (the default).
  static SectionNames kernel() { return {}; }
  // The input-section names mkmod's linker script renames to the kernel's.
  static SectionNames modverInput() {
    return {".modver.versions", ".modver.version_ext_crcs", ".modver.version_ext_names"};
  }
};

// The sections as the kernel wants them: the classic table (SHF_ALLOC, aligned to the target
// word size, written even when empty, because its presence is what makes the loader skip the
// release in the vermagic check) and, when Extended is given, the extended pair (SHF_ALLOC,
// aligned 4 and 1). Every Classic name must fit a 64-byte record.
llvm::Expected<std::vector<ElfSection>>
versionsSections(const ElfTarget &T, llvm::ArrayRef<VersionRecord> Classic,
                 const std::optional<std::vector<VersionRecord>> &Extended,
                 const SectionNames &Names = {});

// The same for the tables a plan chose (RecordPlan::tables()): no __versions when
// Tables.Classic is absent (a BASIC_MODVERSIONS=n kernel), as kbuild writes them.
llvm::Expected<std::vector<ElfSection>>
versionsSections(const ElfTarget &T, const VersionTables &Tables, const SectionNames &Names = {});

// An ELF relocatable object holding versionsSections(...).
llvm::Expected<std::string>
writeVersionsObject(const ElfTarget &T, llvm::ArrayRef<VersionRecord> Classic,
                    const std::optional<std::vector<VersionRecord>> &Extended,
                    const SectionNames &Names = {});
llvm::Expected<std::string> writeVersionsObject(const ElfTarget &T, const VersionTables &Tables,
                                                const SectionNames &Names = {});

} // namespace modver
