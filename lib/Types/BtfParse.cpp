// Decoding a `.BTF` section: header, then the type section record by record, names resolved
// through the string section (or the base's, for split BTF), then every type reference
// checked against the final id count.
#include "Types/Btf.h"
#include "Types/BtfFormat.h"

#include "Support/Error.h"

#include "llvm/Support/Endian.h"

namespace modver {

namespace {

class Parser {
public:
  Parser(llvm::StringRef Name, llvm::StringRef Bytes, const BtfTypes *Base, BtfTypes &Out)
      : Name(Name), Bytes(Bytes), Base(Base), Out(Out) {}

  llvm::Error run();

private:
  uint32_t u32(uint64_t Off) const {
    const char *P = Bytes.data() + Off;
    return IsLE ? llvm::support::endian::read32le(P) : llvm::support::endian::read32be(P);
  }
  llvm::Error fail(uint64_t Off, const llvm::Twine &What) const {
    return fileErrorAt(Name, Off, "BTF: " + What);
  }
  llvm::Expected<llvm::StringRef> name(uint32_t Off, uint64_t At) const;
  llvm::Error parseType(uint64_t &Off, uint64_t End);
  llvm::Error checkRefs() const;

  llvm::StringRef Name, Bytes;
  const BtfTypes *Base;
  BtfTypes &Out;
  bool IsLE = true;
  llvm::StringRef Strings;
  uint32_t BaseStrLen = 0;
  std::vector<TypeItem> Items; // reused per type
};

llvm::Expected<llvm::StringRef> Parser::name(uint32_t Off, uint64_t At) const {
  llvm::StringRef S = Strings;
  if (Base) {
    if (Off < BaseStrLen)
      S = Base->Strings;
    else
      Off -= BaseStrLen;
  }
  if (Off >= S.size())
    return fail(At, "name offset " + llvm::Twine(Off) + " outside the string section");
  // The section ends in NUL (checked), so this stops inside it.
  return llvm::StringRef(S.data() + Off);
}

llvm::Error Parser::run() {
  if (Bytes.size() < btf::HeaderMinSize)
    return fail(0, "section too small for a header (" + llvm::Twine(Bytes.size()) + " bytes)");
  uint16_t MagicLE = llvm::support::endian::read16le(Bytes.data());
  if (MagicLE == btf::Magic)
    IsLE = true;
  else if (llvm::support::endian::read16be(Bytes.data()) == btf::Magic)
    IsLE = false;
  else
    return fail(0, "bad magic");
  if (Bytes[2] != 1)
    return fail(2, "unsupported version " + llvm::Twine(unsigned(uint8_t(Bytes[2]))));
  uint32_t HdrLen = u32(4);
  if (HdrLen < btf::HeaderMinSize || HdrLen > Bytes.size())
    return fail(4, "bad header length " + llvm::Twine(HdrLen));
  uint64_t TypeOff = uint64_t(HdrLen) + u32(8), TypeLen = u32(12);
  uint64_t StrOff = uint64_t(HdrLen) + u32(16), StrLen = u32(20);
  if (TypeOff + TypeLen > Bytes.size())
    return fail(8, "type section past the end of BTF");
  if (StrOff + StrLen > Bytes.size())
    return fail(16, "string section past the end of BTF");
  Strings = Bytes.substr(StrOff, StrLen);
  if (!Strings.empty() && Strings.back() != '\0')
    return fail(StrOff, "string section does not end in NUL");
  if (!Base && (Strings.empty() || Strings[0] != '\0'))
    return fail(StrOff, "string section does not start with an empty string");
  if (Base)
    BaseStrLen = uint32_t(Base->Strings.size());
  Out.Strings = Strings;

  uint64_t Off = TypeOff, End = TypeOff + TypeLen;
  while (Off < End)
    if (llvm::Error E = parseType(Off, End))
      return E;
  if (llvm::Error E = checkRefs())
    return E;
  Out.Types.index();
  return llvm::Error::success();
}

llvm::Error Parser::parseType(uint64_t &Off, uint64_t End) {
  uint64_t At = Off;
  if (End - Off < btf::TypeHeaderSize)
    return fail(At, "truncated type record");
  uint32_t NameOff = u32(Off), Info = u32(Off + 4), SizeOrType = u32(Off + 8);
  Off += btf::TypeHeaderSize;
  uint32_t Vlen = btf::infoVlen(Info);
  uint8_t Kind = btf::infoKind(Info);
  bool KindFlag = btf::infoKindFlag(Info);

  uint64_t Extra = 0;
  switch (Kind) {
  case btf::Int:
  case btf::Var:
  case btf::DeclTag:
    Extra = 4;
    break;
  case btf::Array:
    Extra = 12;
    break;
  case btf::Struct:
  case btf::Union:
  case btf::DataSec:
  case btf::Enum64:
    Extra = 12ull * Vlen;
    break;
  case btf::Enum:
  case btf::FuncProto:
    Extra = 8ull * Vlen;
    break;
  case btf::Ptr:
  case btf::Fwd:
  case btf::Typedef:
  case btf::Volatile:
  case btf::Const:
  case btf::Restrict:
  case btf::Func:
  case btf::Float:
  case btf::TypeTag:
    break;
  default:
    return fail(At, "type " + llvm::Twine(Out.Types.size()) + " has unknown kind " +
                        llvm::Twine(unsigned(Kind)));
  }
  if (End - Off < Extra)
    return fail(At, "truncated type record");

  auto N = name(NameOff, At);
  if (!N)
    return N.takeError();
  TypeNode T;
  T.Name = *N;
  Items.clear();
  switch (Kind) {
  case btf::Int:
    T.Kind = TypeKind::Int;
    T.Size = SizeOrType;
    T.Flag = btf::intEncoding(u32(Off)) & btf::IntSigned;
    break;
  case btf::Float:
    T.Kind = TypeKind::Float;
    T.Size = SizeOrType;
    break;
  case btf::Ptr:
    T.Kind = TypeKind::Pointer;
    T.Ref = SizeOrType;
    break;
  case btf::Typedef:
    T.Kind = TypeKind::Typedef;
    T.Ref = SizeOrType;
    break;
  case btf::Volatile:
    T.Kind = TypeKind::Volatile;
    T.Ref = SizeOrType;
    break;
  case btf::Const:
    T.Kind = TypeKind::Const;
    T.Ref = SizeOrType;
    break;
  case btf::Restrict:
    T.Kind = TypeKind::Restrict;
    T.Ref = SizeOrType;
    break;
  case btf::TypeTag:
    T.Kind = TypeKind::TypeTag;
    T.Ref = SizeOrType;
    break;
  case btf::Func:
    T.Kind = TypeKind::Func;
    T.Ref = SizeOrType;
    break;
  case btf::Var:
    T.Kind = TypeKind::Var;
    T.Ref = SizeOrType;
    break;
  case btf::Fwd:
    T.Kind = TypeKind::Fwd;
    T.Flag = KindFlag;
    break;
  case btf::DeclTag:
    T.Kind = TypeKind::DeclTag;
    T.Ref = SizeOrType;
    T.Size = uint64_t(int64_t(int32_t(u32(Off)))); // component index, -1 for the type itself
    break;
  case btf::Array:
    T.Kind = TypeKind::Array;
    T.Ref = u32(Off);
    T.Size = u32(Off + 8);
    break;
  case btf::Struct:
  case btf::Union:
    T.Kind = Kind == btf::Struct ? TypeKind::Struct : TypeKind::Union;
    T.Size = SizeOrType;
    for (uint32_t I = 0; I < Vlen; ++I) {
      uint64_t M = Off + 12ull * I;
      auto MName = name(u32(M), M);
      if (!MName)
        return MName.takeError();
      uint32_t Offset = u32(M + 8);
      TypeItem It{*MName, u32(M + 4), Offset, 0};
      if (KindFlag) {
        It.Value = btf::memberBitOffset(Offset);
        It.BitSize = btf::memberBitfieldSize(Offset);
      }
      Items.push_back(It);
    }
    break;
  case btf::Enum:
  case btf::Enum64:
    T.Kind = TypeKind::Enum;
    T.Size = SizeOrType;
    T.Flag = KindFlag;
    for (uint32_t I = 0; I < Vlen; ++I) {
      uint64_t E = Off + (Kind == btf::Enum ? 8ull : 12ull) * I;
      auto EName = name(u32(E), E);
      if (!EName)
        return EName.takeError();
      uint64_t V = u32(E + 4);
      if (Kind == btf::Enum64)
        V |= uint64_t(u32(E + 8)) << 32;
      else if (KindFlag)
        V = uint64_t(int64_t(int32_t(uint32_t(V))));
      Items.push_back({*EName, 0, V, 0});
    }
    break;
  case btf::FuncProto:
    T.Kind = TypeKind::FuncProto;
    T.Ref = SizeOrType;
    for (uint32_t I = 0; I < Vlen; ++I) {
      uint64_t P = Off + 8ull * I;
      uint32_t PName = u32(P), PType = u32(P + 4);
      if (I + 1 == Vlen && PName == 0 && PType == 0) {
        T.Flag = true; // `...`
        break;
      }
      auto Nm = name(PName, P);
      if (!Nm)
        return Nm.takeError();
      Items.push_back({*Nm, PType, 0, 0});
    }
    break;
  case btf::DataSec:
    T.Kind = TypeKind::DataSec;
    T.Size = SizeOrType;
    for (uint32_t I = 0; I < Vlen; ++I) {
      uint64_t V = Off + 12ull * I;
      Items.push_back({{}, u32(V), u32(V + 4), 0});
    }
    break;
  }
  Off += Extra;
  Out.Types.add(T, Items);
  return llvm::Error::success();
}

// References may point forward, so they are checked once every type is known.
llvm::Error Parser::checkRefs() const {
  const TypeGraph &G = Out.Types;
  TypeId First = Base ? Base->Types.size() : 1;
  auto PastTheLast = [&](TypeId Id, llvm::StringRef What, TypeId Ref) {
    return fileError(Name, "BTF: type " + llvm::Twine(Id) + " " + What + " " + llvm::Twine(Ref) +
                               ", past the last (" + llvm::Twine(G.size() - 1) + ")");
  };
  for (TypeId Id = First; Id < G.size(); ++Id) {
    const TypeNode &T = G.type(Id);
    bool HasRef = T.Kind != TypeKind::Int && T.Kind != TypeKind::Float && T.Kind != TypeKind::Fwd &&
                  T.Kind != TypeKind::Struct && T.Kind != TypeKind::Union &&
                  T.Kind != TypeKind::Enum && T.Kind != TypeKind::DataSec;
    if (HasRef && !G.valid(T.Ref))
      return PastTheLast(Id, "refers to type", T.Ref);
    if (T.Kind == TypeKind::Enum)
      continue;
    for (const TypeItem &It : G.items(Id))
      if (!G.valid(It.Type))
        return PastTheLast(Id, "has a member of type", It.Type);
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::unique_ptr<BtfTypes>> parseBtf(llvm::StringRef Name, llvm::StringRef Section,
                                                   const BtfTypes *Base) {
  auto Copy = llvm::MemoryBuffer::getMemBufferCopy(Section, Name);
  llvm::StringRef Bytes = Copy->getBuffer();
  auto Out = std::make_unique<BtfTypes>(Base);
  Out->Types.keep(std::move(Copy));
  if (llvm::Error E = Parser(Name, Bytes, Base, *Out).run())
    return E;
  return Out;
}

} // namespace modver
