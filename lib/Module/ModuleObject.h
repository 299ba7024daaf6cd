// One module, opened once: every question about a .ko (or a relocatable object about to become
// one) is answered from the same bytes, decompressed once, and the same section index, built
// once, as kmod answers everything from one kmod_elf.
//
// The readers of ModuleImports, ModuleExports, ModuleInfo and VersionsSection take the parsed
// ELF and this index (ModuleElf.h) instead of scanning the section table each; their free
// functions are thin wrappers that open a ModuleObject over the bytes they are given.
#pragma once

#include "Database/SymbolDb.h"
#include "Elf/ElfTarget.h"
#include "Module/ModuleImports.h"
#include "Module/ModuleInfo.h"
#include "Module/VersionsSection.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace modver {

struct SectionIndex; // ModuleElf.h

class ModuleObject {
public:
  // Read Path, decompressing it when it starts with a known compression magic (as
  // readMaybeCompressed does, with the same errors), and index it.
  static llvm::Expected<ModuleObject> open(llvm::StringRef Path);
  // Index the ELF object in Bytes, which the caller keeps alive as long as the object.
  static llvm::Expected<ModuleObject> fromBytes(llvm::StringRef FileName, llvm::StringRef Bytes);

  ModuleObject(ModuleObject &&);
  ModuleObject &operator=(ModuleObject &&);
  ~ModuleObject();

  llvm::StringRef fileName() const { return FileName; }
  // The ELF bytes (decompressed).
  llvm::StringRef bytes() const { return Bytes; }
  // Whether open() had to decompress the file (a linker given the path would not see ELF).
  bool wasCompressed() const { return Compressed; }
  const ElfTarget &target() const { return Target; }
  bool isRelocatable() const;

  // .modinfo, or std::nullopt when there is none.
  llvm::Expected<std::optional<ModuleInfo>> info() const;
  // Everything a versions table and a load check need (see ModuleImports.h).
  llvm::Expected<ModuleImports> imports() const;
  // The exports, each with Exporter = ExporterName (see ModuleExports.h).
  llvm::Expected<SymbolDb> exports(llvm::StringRef ExporterName) const;
  llvm::Expected<VersionTables> versions() const;
  // The contents of the first section called Name, or std::nullopt when there is none.
  llvm::Expected<std::optional<llvm::StringRef>> sectionBytes(llvm::StringRef Name) const;

private:
  using Flavour = std::variant<
      llvm::object::ELFFile<llvm::object::ELF64LE>, llvm::object::ELFFile<llvm::object::ELF64BE>,
      llvm::object::ELFFile<llvm::object::ELF32LE>, llvm::object::ELFFile<llvm::object::ELF32BE>>;

  ModuleObject(std::string FileName, std::unique_ptr<llvm::MemoryBuffer> Owned,
               llvm::StringRef Bytes, bool Compressed, ElfTarget Target, Flavour Elf,
               std::unique_ptr<SectionIndex> Index);
  static llvm::Expected<ModuleObject> index(std::string FileName,
                                            std::unique_ptr<llvm::MemoryBuffer> Owned,
                                            llvm::StringRef Bytes, bool Compressed);

  std::string FileName;
  std::unique_ptr<llvm::MemoryBuffer> Owned; // when open() read the file
  llvm::StringRef Bytes;
  bool Compressed = false;
  ElfTarget Target;
  Flavour Elf;
  std::unique_ptr<SectionIndex> Index;
};

} // namespace modver
