#include "Types/DwarfTypes.h"

#include "Support/Error.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/DebugInfo/DWARF/DWARFContext.h"
#include "llvm/DebugInfo/DWARF/DWARFDie.h"
#include "llvm/Object/ObjectFile.h"

namespace modver {

namespace {

using namespace llvm;

class Converter {
public:
  explicit Converter(TypeGraph &G) : G(G) {}
  TypeId type(DWARFDie D);
  void symbol(DWARFDie D);

private:
  TypeId typeOf(DWARFDie D) { return type(D.getAttributeValueAsReferencedDie(dwarf::DW_AT_type)); }
  StringRef name(DWARFDie D) {
    const char *N = D.getShortName();
    return N ? G.save(N) : StringRef();
  }
  TypeId aggregate(DWARFDie D, TypeNode T);
  TypeId enumeration(DWARFDie D, TypeNode T);
  TypeId array(DWARFDie D);
  TypeId prototype(DWARFDie D);
  static bool isSigned(DWARFDie D);

  TypeGraph &G;
  DenseMap<uint64_t, TypeId> Done; // DIE offset -> id
};

bool Converter::isSigned(DWARFDie D) {
  while (D && D.getTag() != dwarf::DW_TAG_base_type)
    D = D.getAttributeValueAsReferencedDie(dwarf::DW_AT_type);
  if (!D)
    return false;
  auto Enc = dwarf::toUnsigned(D.find(dwarf::DW_AT_encoding), 0);
  return Enc == dwarf::DW_ATE_signed || Enc == dwarf::DW_ATE_signed_char;
}

TypeId Converter::aggregate(DWARFDie D, TypeNode T) {
  TypeId Id = G.reserve();
  Done[D.getOffset()] = Id; // members may point back at the aggregate
  std::vector<TypeItem> Members;
  for (DWARFDie C : D.children()) {
    if (C.getTag() != dwarf::DW_TAG_member)
      continue;
    TypeItem M{name(C), typeOf(C), 0, 0};
    M.BitSize = uint32_t(dwarf::toUnsigned(C.find(dwarf::DW_AT_bit_size), 0));
    if (auto Bit = dwarf::toUnsigned(C.find(dwarf::DW_AT_data_bit_offset))) {
      M.Value = *Bit;
    } else {
      M.Value = dwarf::toUnsigned(C.find(dwarf::DW_AT_data_member_location), 0) * 8;
      // DWARF 2-4 bitfields count DW_AT_bit_offset from the storage unit's most significant
      // bit; BTF (and DWARF 5) count from the least significant one on little-endian targets.
      if (auto Old = dwarf::toUnsigned(C.find(dwarf::DW_AT_bit_offset))) {
        uint64_t Unit = dwarf::toUnsigned(C.find(dwarf::DW_AT_byte_size), G.type(M.Type).Size) * 8;
        M.Value += Unit - *Old - M.BitSize;
      }
    }
    Members.push_back(M);
  }
  G.set(Id, T, Members);
  return Id;
}

TypeId Converter::enumeration(DWARFDie D, TypeNode T) {
  T.Flag = isSigned(D.getAttributeValueAsReferencedDie(dwarf::DW_AT_type));
  std::vector<TypeItem> Values;
  for (DWARFDie C : D.children()) {
    if (C.getTag() != dwarf::DW_TAG_enumerator)
      continue;
    auto V = C.find(dwarf::DW_AT_const_value);
    uint64_t Bits = 0;
    if (V) {
      if (auto S = V->getAsSignedConstant(); S && (T.Flag || *S < 0))
        Bits = uint64_t(*S);
      else
        Bits = V->getAsUnsignedConstant().value_or(0);
    }
    Values.push_back({name(C), 0, Bits, 0});
  }
  return G.add(T, Values);
}

TypeId Converter::array(DWARFDie D) {
  std::vector<uint64_t> Counts;
  for (DWARFDie C : D.children()) {
    if (C.getTag() != dwarf::DW_TAG_subrange_type)
      continue;
    uint64_t N = 0;
    if (auto Count = dwarf::toUnsigned(C.find(dwarf::DW_AT_count)))
      N = *Count;
    else if (auto Upper = dwarf::toUnsigned(C.find(dwarf::DW_AT_upper_bound)))
      N = *Upper + 1;
    Counts.push_back(N);
  }
  // pahole encodes int a[2][3] as one array of 6, so DWARF does the same: the text of a
  // type is then the same whichever of the two it was read from.
  uint64_t N = 1;
  for (uint64_t C : Counts)
    N *= C;
  TypeNode T;
  T.Kind = TypeKind::Array;
  T.Ref = typeOf(D);
  T.Size = Counts.empty() ? 0 : N;
  return G.add(T);
}

TypeId Converter::prototype(DWARFDie D) {
  TypeNode T;
  T.Kind = TypeKind::FuncProto;
  T.Ref = typeOf(D);
  std::vector<TypeItem> Params;
  for (DWARFDie C : D.children()) {
    if (C.getTag() == dwarf::DW_TAG_formal_parameter)
      Params.push_back({name(C), typeOf(C), 0, 0});
    else if (C.getTag() == dwarf::DW_TAG_unspecified_parameters)
      T.Flag = true;
  }
  return G.add(T, Params);
}

TypeId Converter::type(DWARFDie D) {
  if (!D.isValid())
    return 0; // no DW_AT_type: void
  auto It = Done.find(D.getOffset());
  if (It != Done.end())
    return It->second;
  TypeNode T;
  T.Name = name(D);
  T.Size = dwarf::toUnsigned(D.find(dwarf::DW_AT_byte_size), 0);
  bool Decl = dwarf::toUnsigned(D.find(dwarf::DW_AT_declaration), 0);
  TypeId Id = 0;
  switch (D.getTag()) {
  case dwarf::DW_TAG_base_type: {
    auto Enc = dwarf::toUnsigned(D.find(dwarf::DW_AT_encoding), 0);
    T.Kind = Enc == dwarf::DW_ATE_float ? TypeKind::Float : TypeKind::Int;
    T.Flag = Enc == dwarf::DW_ATE_signed || Enc == dwarf::DW_ATE_signed_char;
    Id = G.add(T);
    break;
  }
  case dwarf::DW_TAG_structure_type:
  case dwarf::DW_TAG_class_type:
  case dwarf::DW_TAG_union_type: {
    bool Union = D.getTag() == dwarf::DW_TAG_union_type;
    if (Decl) {
      T.Kind = TypeKind::Fwd;
      T.Flag = Union;
      T.Size = 0;
      Id = G.add(T);
    } else {
      T.Kind = Union ? TypeKind::Union : TypeKind::Struct;
      return aggregate(D, T);
    }
    break;
  }
  case dwarf::DW_TAG_enumeration_type:
    T.Kind = TypeKind::Enum;
    Id = enumeration(D, T);
    break;
  case dwarf::DW_TAG_array_type:
    Id = array(D);
    break;
  case dwarf::DW_TAG_subroutine_type:
    Id = prototype(D);
    break;
  default: {
    // References and qualifiers: reserve first, the target may lead back here.
    TypeKind K = TypeKind::TypeTag; // atomic and the like: transparent
    switch (D.getTag()) {
    case dwarf::DW_TAG_pointer_type:
    case dwarf::DW_TAG_reference_type:
    case dwarf::DW_TAG_rvalue_reference_type:
      K = TypeKind::Pointer;
      break;
    case dwarf::DW_TAG_const_type:
      K = TypeKind::Const;
      break;
    case dwarf::DW_TAG_volatile_type:
      K = TypeKind::Volatile;
      break;
    case dwarf::DW_TAG_restrict_type:
      K = TypeKind::Restrict;
      break;
    case dwarf::DW_TAG_typedef:
      K = TypeKind::Typedef;
      break;
    case dwarf::DW_TAG_unspecified_type:
      K = TypeKind::Int;
      break;
    default:
      break;
    }
    Id = G.reserve();
    Done[D.getOffset()] = Id;
    T.Kind = K;
    if (K != TypeKind::Int)
      T.Ref = typeOf(D);
    G.set(Id, T);
    return Id;
  }
  }
  Done[D.getOffset()] = Id;
  return Id;
}

// Defined functions and global variables become FUNC and VAR nodes, as in BTF.
void Converter::symbol(DWARFDie D) {
  if (dwarf::toUnsigned(D.find(dwarf::DW_AT_declaration), 0))
    return;
  StringRef Name = name(D);
  if (Name.empty())
    return;
  TypeNode T;
  T.Name = Name;
  if (D.getTag() == dwarf::DW_TAG_subprogram) {
    T.Kind = TypeKind::Func;
    T.Ref = prototype(D);
  } else {
    T.Kind = TypeKind::Var;
    T.Ref = typeOf(D);
  }
  G.add(T);
}

} // namespace

Expected<std::unique_ptr<TypeGraph>> readDwarfTypes(StringRef Name, StringRef Bytes) {
  auto Obj = object::ObjectFile::createObjectFile(MemoryBufferRef(Bytes, Name));
  if (!Obj)
    return inFile(Name, Obj.takeError());
  std::string FirstError;
  auto Handler = [&](Error E) {
    std::string Msg = toString(std::move(E));
    if (FirstError.empty())
      FirstError = Msg;
  };
  auto Ctx = DWARFContext::create(**Obj, DWARFContext::ProcessDebugRelocations::Process, nullptr,
                                  "", Handler, Handler);
  auto G = std::make_unique<TypeGraph>();
  Converter C(*G);
  size_t Units = 0;
  for (const auto &CU : Ctx->compile_units()) {
    ++Units;
    DWARFDie Root = CU->getUnitDIE(false);
    for (DWARFDie D : Root.children()) {
      switch (D.getTag()) {
      case dwarf::DW_TAG_subprogram:
      case dwarf::DW_TAG_variable:
        C.symbol(D);
        break;
      case dwarf::DW_TAG_base_type:
      case dwarf::DW_TAG_structure_type:
      case dwarf::DW_TAG_union_type:
      case dwarf::DW_TAG_enumeration_type:
      case dwarf::DW_TAG_typedef:
        C.type(D);
        break;
      default:
        break;
      }
    }
  }
  if (!FirstError.empty())
    return fileError(Name, "DWARF: " + FirstError);
  if (!Units)
    return fileError(Name, "no DWARF debug information (build with -g)");
  G->index();
  return G;
}

} // namespace modver
