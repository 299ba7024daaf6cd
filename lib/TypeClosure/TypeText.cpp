#include "TypeClosure/TypeText.h"

#include "llvm/ADT/Twine.h"

namespace modver {

namespace {

// Anonymous aggregates nest; a malformed graph could loop through them.
constexpr unsigned MaxDepth = 64;

// The type behind typedef-less wrappers that carry no C meaning (BTF type tags).
TypeId skipTags(const TypeGraph &G, TypeId Id) {
  for (unsigned I = 0; I < MaxDepth && G.type(Id).Kind == TypeKind::TypeTag; ++I)
    Id = G.type(Id).Ref;
  return Id;
}

std::string refText(const TypeGraph &G, TypeId Id, unsigned Depth);

std::string enumBody(const TypeGraph &G, TypeId Id, llvm::StringRef Sep) {
  const TypeNode &T = G.type(Id);
  std::string S;
  for (const TypeItem &E : G.items(Id)) {
    S += Sep;
    S += E.Name;
    S += " = ";
    S += T.Flag ? std::to_string(int64_t(E.Value)) : std::to_string(E.Value);
  }
  return S;
}

std::string membersBody(const TypeGraph &G, TypeId Id, llvm::StringRef Sep, unsigned Depth) {
  std::string S;
  for (const TypeItem &M : G.items(Id)) {
    S += Sep;
    S += memberPlace(M);
    S += ' ';
    S += M.Name;
    S += ": ";
    S += refText(G, M.Type, Depth + 1);
  }
  return S;
}

std::string protoText(const TypeGraph &G, const TypeNode &P, TypeId Id, bool Names,
                      unsigned Depth) {
  std::string S = refText(G, P.Ref, Depth + 1) + " (";
  bool First = true;
  for (const TypeItem &Param : G.items(Id)) {
    if (!First)
      S += ", ";
    First = false;
    if (Names && !Param.Name.empty())
      S += (Param.Name + ": ").str();
    S += refText(G, Param.Type, Depth + 1);
  }
  if (P.Flag)
    S += First ? "..." : ", ...";
  return S + ")";
}

std::string refText(const TypeGraph &G, TypeId Id, unsigned Depth) {
  if (Depth > MaxDepth)
    return "<too deep>";
  Id = skipTags(G, Id);
  const TypeNode &T = G.type(Id);
  switch (T.Kind) {
  case TypeKind::Void:
    return "void";
  case TypeKind::Int:
  case TypeKind::Float:
    return T.Name.str();
  case TypeKind::Pointer:
    return refText(G, T.Ref, Depth + 1) + " *";
  case TypeKind::Const:
    return refText(G, T.Ref, Depth + 1) + " const";
  case TypeKind::Volatile:
    return refText(G, T.Ref, Depth + 1) + " volatile";
  case TypeKind::Restrict:
    return refText(G, T.Ref, Depth + 1) + " restrict";
  case TypeKind::Array:
    return refText(G, T.Ref, Depth + 1) + " [" + std::to_string(T.Size) + "]";
  case TypeKind::Typedef:
    return T.Name.str();
  case TypeKind::Struct:
  case TypeKind::Union:
  case TypeKind::Enum:
  case TypeKind::Fwd:
    if (!T.Name.empty())
      return typeKey(G, Id);
    if (T.Kind == TypeKind::Enum)
      return "enum {" + enumBody(G, Id, " ") + " }";
    return typeKindName(T.Kind).str() + " {" + membersBody(G, Id, " ", Depth) + " }";
  case TypeKind::FuncProto:
    return protoText(G, T, Id, false, Depth);
  case TypeKind::Func:
  case TypeKind::Var:
  case TypeKind::DataSec:
  case TypeKind::DeclTag:
  case TypeKind::TypeTag:
    return (typeKindName(T.Kind) + " " + T.Name).str();
  }
  return "?";
}

} // namespace

bool isNamedType(const TypeGraph &G, TypeId Id) {
  const TypeNode &T = G.type(Id);
  switch (T.Kind) {
  case TypeKind::Struct:
  case TypeKind::Union:
  case TypeKind::Enum:
  case TypeKind::Typedef:
  case TypeKind::Fwd:
    return !T.Name.empty();
  default:
    return false;
  }
}

std::string typeKey(const TypeGraph &G, TypeId Id) {
  const TypeNode &T = G.type(Id);
  llvm::StringRef Kind = T.Kind == TypeKind::Fwd ? (T.Flag ? "union" : "struct")
                                                 : typeKindName(T.Kind);
  return (Kind + " " + T.Name).str();
}

std::string typeRef(const TypeGraph &G, TypeId Id) { return refText(G, Id, 0); }

std::string memberPlace(const TypeItem &M) {
  std::string S = "@" + std::to_string(M.Value / 8);
  if (M.BitSize || M.Value % 8)
    S += "." + std::to_string(M.Value % 8) + ":" + std::to_string(M.BitSize);
  return S;
}

std::string typeDefinition(const TypeGraph &G, TypeId Id) {
  const TypeNode &T = G.type(Id);
  std::string Key = typeKey(G, Id);
  switch (T.Kind) {
  case TypeKind::Struct:
  case TypeKind::Union:
    return Key + " {  // size " + std::to_string(T.Size) + membersBody(G, Id, "\n  ", 0) +
           "\n}\n";
  case TypeKind::Enum:
    return Key + " {  // size " + std::to_string(T.Size) + enumBody(G, Id, "\n  ") + "\n}\n";
  case TypeKind::Typedef:
    return Key + ": " + refText(G, T.Ref, 0) + "\n";
  case TypeKind::Fwd:
    return Key + ";  // declared, not defined\n";
  default:
    return typeRef(G, Id) + "\n";
  }
}

std::string symbolDeclaration(const TypeGraph &G, TypeId Id) {
  const TypeNode &T = G.type(Id);
  if (T.Kind == TypeKind::Func && G.type(T.Ref).Kind == TypeKind::FuncProto)
    return ("func " + T.Name + ": ").str() + protoText(G, G.type(T.Ref), T.Ref, true, 0);
  if (T.Kind == TypeKind::Var)
    return ("var " + T.Name + ": ").str() + refText(G, T.Ref, 0);
  return typeRef(G, Id);
}

} // namespace modver
