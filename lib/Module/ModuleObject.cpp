#include "Module/ModuleObject.h"

#include "Compression/Decompress.h"
#include "Elf/ElfFile.h"
#include "Module/ModuleElf.h"
#include "Support/Error.h"
#include "Support/InputFile.h"

#include "llvm/ADT/StringExtras.h"

namespace modver {

ModuleObject::ModuleObject(std::string FileName, std::unique_ptr<llvm::MemoryBuffer> Owned,
                           llvm::StringRef Bytes, bool Compressed, ElfTarget Target, Flavour Elf,
                           std::unique_ptr<SectionIndex> Index)
    : FileName(std::move(FileName)), Owned(std::move(Owned)), Bytes(Bytes), Compressed(Compressed),
      Target(Target), Elf(std::move(Elf)), Index(std::move(Index)) {}
ModuleObject::ModuleObject(ModuleObject &&) = default;
ModuleObject &ModuleObject::operator=(ModuleObject &&) = default;
ModuleObject::~ModuleObject() = default;

llvm::Expected<ModuleObject> ModuleObject::open(llvm::StringRef Path) {
  // Bounded by what a real module can be (Compression/Decompress.h), compressed or not.
  auto Raw = readInputFile(Path, MaxModuleSize);
  if (!Raw)
    return Raw.takeError();
  std::unique_ptr<llvm::MemoryBuffer> Buf = std::move(*Raw);
  Compression C = detectCompression(Buf->getBuffer());
  if (C != Compression::None) {
    auto Plain = decompress(Path, Buf->getBuffer(), C, MaxModuleSize);
    if (!Plain)
      return Plain.takeError();
    Buf = std::move(*Plain);
  }
  llvm::StringRef Bytes = Buf->getBuffer();
  return index(Path.str(), std::move(Buf), Bytes, C != Compression::None);
}

llvm::Expected<ModuleObject> ModuleObject::fromBytes(llvm::StringRef FileName,
                                                     llvm::StringRef Bytes) {
  return index(FileName.str(), nullptr, Bytes, false);
}

llvm::Expected<ModuleObject> ModuleObject::index(std::string FileName,
                                                 std::unique_ptr<llvm::MemoryBuffer> Owned,
                                                 llvm::StringRef Bytes, bool Compressed) {
  // withElfFile has checked the identification and the section overlap once; the ELFFile it
  // hands over is only a view of Bytes, kept here for every later question.
  return withElfFile(FileName, Bytes, [&](const auto &Elf) -> llvm::Expected<ModuleObject> {
    auto Index = std::make_unique<SectionIndex>();
    if (llvm::Error E = forEachNamedSection(Elf, [&](const auto &, llvm::StringRef Name) {
          Index->ByName[Name].push_back(Index->Names.size());
          Index->Names.push_back(Name);
          return true;
        }))
      return inFile(FileName, std::move(E));
    return ModuleObject(std::move(FileName), std::move(Owned), Bytes, Compressed, targetOf(Elf),
                        Flavour(Elf), std::move(Index));
  });
}

bool ModuleObject::isRelocatable() const {
  return std::visit([](const auto &E) { return E.getHeader().e_type == llvm::ELF::ET_REL; }, Elf);
}

llvm::Expected<std::optional<ModuleInfo>> ModuleObject::info() const {
  return std::visit([&](const auto &E) { return readInfoFrom(FileName, E, *Index); }, Elf);
}

llvm::Expected<ModuleImports> ModuleObject::imports() const {
  auto M =
      std::visit([&](const auto &E) { return readImportsFrom(FileName, E, *Index, Target); }, Elf);
  if (M)
    M->Signature = appendedSignature(Bytes);
  return M;
}

llvm::Expected<SymbolDb> ModuleObject::exports(llvm::StringRef ExporterName) const {
  return std::visit(
      [&](const auto &E) { return readExportsFrom(FileName, E, *Index, ExporterName); }, Elf);
}

llvm::Expected<VersionTables> ModuleObject::versions() const {
  return std::visit([&](const auto &E) { return readVersionsFrom(FileName, E, *Index, Target); },
                    Elf);
}

llvm::Expected<std::optional<llvm::StringRef>>
ModuleObject::sectionBytes(llvm::StringRef Name) const {
  std::optional<unsigned> I = Index->first(Name);
  if (!I)
    return std::nullopt;
  return std::visit(
      [&](const auto &E) -> llvm::Expected<std::optional<llvm::StringRef>> {
        auto Sections = E.sections();
        if (!Sections)
          return inFile(FileName, Sections.takeError());
        auto Data = E.getSectionContents((*Sections)[*I]);
        if (!Data)
          return inFile(FileName, Data.takeError());
        return std::optional<llvm::StringRef>(llvm::toStringRef(*Data));
      },
      Elf);
}

} // namespace modver
