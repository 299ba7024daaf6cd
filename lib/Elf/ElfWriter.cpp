// Written directly with LLVM's ELFType header structs (their fields are endian-aware packed
// integers) rather than through ObjectYAML's yaml2elf: the layout here is a handful of
// headers and a memcpy per section, which keeps a small object well under a millisecond and
// leaves nothing implicit (yaml2elf adds sections and symbols of its own and re-derives
// offsets, which we would have to undo to stay byte-stable across LLVM versions).
#include "Elf/ElfWriter.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Object/ELFTypes.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>
#include <vector>

namespace modver {

using namespace llvm::ELF;

namespace {

// A section as laid out in the file.
struct Placed {
  const ElfSection *Sec;
  uint32_t NameOffset;
  uint64_t Offset;
};

template <typename ELFT> class Writer {
  using Ehdr = typename ELFT::Ehdr;
  using Shdr = typename ELFT::Shdr;
  using Sym = typename ELFT::Sym;

public:
  Writer(const ElfTarget &T, const ElfWriterOptions &O) : Target(T), Options(O) {}

  llvm::Expected<std::string> write(llvm::ArrayRef<ElfSection> Sections);

private:
  uint32_t addName(llvm::StringRef Name) {
    uint32_t Off = uint32_t(ShStrTab.size());
    ShStrTab += Name;
    ShStrTab += '\0';
    return Off;
  }
  void place(const ElfSection &S) {
    uint64_t Align = S.Alignment ? S.Alignment : 1;
    Offset = llvm::alignTo(Offset, Align);
    Layout.push_back({&S, addName(S.Name), Offset});
    if (S.Type != SHT_NOBITS)
      Offset += S.Bytes.size();
  }
  void writeHeader(char *Out, uint64_t ShOff, unsigned ShNum, unsigned ShStrNdx) const;
  void writeSectionHeader(char *Out, const Placed &P, uint32_t Link, uint32_t Info) const;

  const ElfTarget &Target;
  const ElfWriterOptions &Options;
  std::string ShStrTab = std::string(1, '\0');
  std::vector<Placed> Layout;
  uint64_t Offset = sizeof(Ehdr);
};

template <typename ELFT>
void Writer<ELFT>::writeHeader(char *Out, uint64_t ShOff, unsigned ShNum, unsigned ShStrNdx) const {
  Ehdr H;
  memset(&H, 0, sizeof(H));
  memcpy(H.e_ident, ElfMagic, 4);
  H.e_ident[EI_CLASS] = ELFT::Is64Bits ? ELFCLASS64 : ELFCLASS32;
  H.e_ident[EI_DATA] = ELFT::Endianness == llvm::endianness::little ? ELFDATA2LSB : ELFDATA2MSB;
  H.e_ident[EI_VERSION] = EV_CURRENT;
  H.e_ident[EI_OSABI] = Target.OSABI;
  H.e_ident[EI_ABIVERSION] = Target.ABIVersion;
  H.e_type = ET_REL;
  H.e_machine = Target.Machine;
  H.e_version = EV_CURRENT;
  H.e_entry = 0;
  H.e_phoff = 0;
  H.e_shoff = ShOff;
  H.e_flags = Target.Flags;
  H.e_ehsize = sizeof(Ehdr);
  H.e_phentsize = 0;
  H.e_phnum = 0;
  H.e_shentsize = sizeof(Shdr);
  H.e_shnum = ShNum;
  H.e_shstrndx = ShStrNdx;
  memcpy(Out, &H, sizeof(H));
}

template <typename ELFT>
void Writer<ELFT>::writeSectionHeader(char *Out, const Placed &P, uint32_t Link,
                                      uint32_t Info) const {
  const ElfSection &S = *P.Sec;
  Shdr H;
  memset(&H, 0, sizeof(H));
  H.sh_name = P.NameOffset;
  H.sh_type = S.Type;
  H.sh_flags = S.Flags;
  H.sh_addr = 0;
  H.sh_offset = P.Offset;
  H.sh_size = S.Bytes.size();
  H.sh_link = Link;
  H.sh_info = Info;
  H.sh_addralign = S.Alignment ? S.Alignment : 1;
  H.sh_entsize = S.EntrySize;
  memcpy(Out, &H, sizeof(H));
}

template <typename ELFT>
llvm::Expected<std::string> Writer<ELFT>::write(llvm::ArrayRef<ElfSection> Sections) {
  for (const ElfSection &S : Sections) {
    if (S.Alignment && !llvm::isPowerOf2_64(S.Alignment))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "section " + S.Name + ": alignment " +
                                         llvm::Twine(S.Alignment) + " is not a power of two");
    if (!ELFT::Is64Bits && S.Flags > UINT32_MAX)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "section " + S.Name + ": flags do not fit ELF32");
  }
  // Sections this writer adds itself; they live as long as the call.
  ElfSection Stack{".note.GNU-stack", SHT_PROGBITS, 0, 1, 0, {}};
  ElfSection StrTabSec{".shstrtab", SHT_STRTAB, 0, 1, 0, {}};
  ElfSection SymTab{".symtab", SHT_SYMTAB, 0, ELFT::Is64Bits ? 8u : 4u, sizeof(Sym), {}};
  ElfSection StrTab{".strtab", SHT_STRTAB, 0, 1, 0, std::string(1, '\0')};

  bool HasStack =
      llvm::any_of(Sections, [](const ElfSection &S) { return S.Name == ".note.GNU-stack"; });
  size_t NumUser = Sections.size() + (HasStack ? 0 : 1);
  size_t NumSections = 1 + NumUser + 1 + (Options.SectionSymbols ? 2 : 0);
  if (NumSections >= SHN_LORESERVE)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "too many sections for an ELF object: " +
                                       llvm::Twine(NumSections));

  Layout.reserve(NumSections);
  for (const ElfSection &S : Sections)
    place(S);
  if (!HasStack)
    place(Stack);
  unsigned ShStrNdx = unsigned(Layout.size() + 1);
  unsigned SymTabNdx = ShStrNdx + 1;
  if (Options.SectionSymbols) {
    // Null symbol, then one local STT_SECTION symbol per user section.
    SymTab.Bytes.assign((NumUser + 1) * sizeof(Sym), '\0');
    for (size_t I = 0; I < NumUser; ++I) {
      Sym S;
      memset(&S, 0, sizeof(S));
      S.setBindingAndType(STB_LOCAL, STT_SECTION);
      S.st_shndx = uint16_t(I + 1);
      memcpy(&SymTab.Bytes[(I + 1) * sizeof(Sym)], &S, sizeof(S));
    }
  }
  // Every name must be in .shstrtab before its contents are fixed.
  uint32_t ShStrName = addName(StrTabSec.Name);
  uint32_t SymTabName = Options.SectionSymbols ? addName(SymTab.Name) : 0;
  uint32_t StrTabName = Options.SectionSymbols ? addName(StrTab.Name) : 0;
  StrTabSec.Bytes = ShStrTab;
  Layout.push_back({&StrTabSec, ShStrName, Offset});
  Offset += StrTabSec.Bytes.size();
  if (Options.SectionSymbols) {
    Offset = llvm::alignTo(Offset, SymTab.Alignment);
    Layout.push_back({&SymTab, SymTabName, Offset});
    Offset += SymTab.Bytes.size();
    Layout.push_back({&StrTab, StrTabName, Offset});
    Offset += StrTab.Bytes.size();
  }

  uint64_t ShOff = llvm::alignTo(Offset, ELFT::Is64Bits ? 8 : 4);
  std::string Out(ShOff + (Layout.size() + 1) * sizeof(Shdr), '\0');
  writeHeader(Out.data(), ShOff, unsigned(Layout.size() + 1), ShStrNdx);
  char *Headers = Out.data() + ShOff + sizeof(Shdr); // entry 0 stays all zero
  for (size_t I = 0; I < Layout.size(); ++I) {
    const Placed &P = Layout[I];
    if (P.Sec->Type != SHT_NOBITS)
      memcpy(Out.data() + P.Offset, P.Sec->Bytes.data(), P.Sec->Bytes.size());
    uint32_t Link = 0, Info = 0;
    if (P.Sec == &SymTab) {
      Link = SymTabNdx + 1;         // .strtab
      Info = uint32_t(NumUser + 1); // all symbols are local
    }
    writeSectionHeader(Headers + I * sizeof(Shdr), P, Link, Info);
  }
  return Out;
}

} // namespace

llvm::Expected<std::string> writeElfObject(const ElfTarget &T, llvm::ArrayRef<ElfSection> Sections,
                                           const ElfWriterOptions &Options) {
  using namespace llvm::object;
  if (T.Is64)
    return T.IsLittleEndian ? Writer<ELF64LE>(T, Options).write(Sections)
                            : Writer<ELF64BE>(T, Options).write(Sections);
  return T.IsLittleEndian ? Writer<ELF32LE>(T, Options).write(Sections)
                          : Writer<ELF32BE>(T, Options).write(Sections);
}

} // namespace modver
