#include "Types/TypeText.h"

#include "llvm/ADT/Twine.h"

#include <vector>

namespace modver {

namespace {

// Anonymous aggregates and prototypes are spelled out in place. In C they nest without cycles
// and without much sharing, but a malformed graph can loop through them or share one many
// times over (a prototype whose parameters are all the same prototype, 64 levels deep), so
// the spelling of one type is bounded by its depth, by cycles and by a total budget of nodes.
constexpr unsigned MaxDepth = 64;
constexpr unsigned MaxNodes = 100000;

// The type behind typedef-less wrappers that carry no C meaning (BTF type tags).
TypeId skipTags(const TypeGraph &G, TypeId Id) {
  for (unsigned I = 0; I < MaxDepth && G.type(Id).Kind == TypeKind::TypeTag; ++I)
    Id = G.type(Id).Ref;
  return Id;
}

class Speller {
public:
  explicit Speller(const TypeGraph &G) : G(G) {}

  std::string enumBody(TypeId Id, llvm::StringRef Sep) {
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

  std::string membersBody(TypeId Id, llvm::StringRef Sep) {
    std::string S;
    for (const TypeItem &M : G.items(Id)) {
      S += Sep;
      S += memberPlace(M);
      S += ' ';
      S += M.Name;
      S += ": ";
      S += ref(M.Type);
    }
    return S;
  }

  std::string proto(const TypeNode &P, TypeId Id, bool Names) {
    std::string S = ref(P.Ref) + " (";
    bool First = true;
    for (const TypeItem &Param : G.items(Id)) {
      if (!First)
        S += ", ";
      First = false;
      if (Names && !Param.Name.empty())
        S += (Param.Name + ": ").str();
      S += ref(Param.Type);
    }
    if (P.Flag)
      S += First ? "..." : ", ...";
    return S + ")";
  }

  std::string ref(TypeId Id) {
    if (Path.size() >= MaxDepth)
      return "<too deep>";
    if (++Nodes > MaxNodes)
      return "<too large>";
    Id = skipTags(G, Id);
    for (TypeId On : Path)
      if (On == Id)
        return "<cycle>";
    Path.push_back(Id);
    std::string S = spell(Id);
    Path.pop_back();
    return S;
  }

private:
  std::string spell(TypeId Id) {
    const TypeNode &T = G.type(Id);
    switch (T.Kind) {
    case TypeKind::Void:
      return "void";
    case TypeKind::Int:
    case TypeKind::Float:
      return T.Name.str();
    case TypeKind::Pointer:
      return ref(T.Ref) + " *";
    case TypeKind::Const:
      return ref(T.Ref) + " const";
    case TypeKind::Volatile:
      return ref(T.Ref) + " volatile";
    case TypeKind::Restrict:
      return ref(T.Ref) + " restrict";
    case TypeKind::Array:
      return ref(T.Ref) + " [" + std::to_string(T.Size) + "]";
    case TypeKind::Typedef:
      return T.Name.str();
    case TypeKind::Struct:
    case TypeKind::Union:
    case TypeKind::Enum:
    case TypeKind::Fwd:
      if (!T.Name.empty())
        return typeKey(G, Id);
      if (T.Kind == TypeKind::Enum)
        return "enum {" + enumBody(Id, " ") + " }";
      return typeKindName(T.Kind).str() + " {" + membersBody(Id, " ") + " }";
    case TypeKind::FuncProto:
      return proto(T, Id, false);
    case TypeKind::Func:
    case TypeKind::Var:
    case TypeKind::DataSec:
    case TypeKind::DeclTag:
    case TypeKind::TypeTag:
      return (typeKindName(T.Kind) + " " + T.Name).str();
    }
    return "?";
  }

  const TypeGraph &G;
  std::vector<TypeId> Path; // the types being spelled, outermost first
  unsigned Nodes = 0;
};

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
  llvm::StringRef Kind =
      T.Kind == TypeKind::Fwd ? (T.Flag ? "union" : "struct") : typeKindName(T.Kind);
  return (Kind + " " + T.Name).str();
}

std::string typeRef(const TypeGraph &G, TypeId Id) { return Speller(G).ref(Id); }

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
    return Key + " {  // size " + std::to_string(T.Size) + Speller(G).membersBody(Id, "\n  ") +
           "\n}\n";
  case TypeKind::Enum:
    return Key + " {  // size " + std::to_string(T.Size) + Speller(G).enumBody(Id, "\n  ") +
           "\n}\n";
  case TypeKind::Typedef:
    return Key + ": " + Speller(G).ref(T.Ref) + "\n";
  case TypeKind::Fwd:
    return Key + ";  // declared, not defined\n";
  default:
    return typeRef(G, Id) + "\n";
  }
}

std::string symbolDeclaration(const TypeGraph &G, TypeId Id) {
  const TypeNode &T = G.type(Id);
  if (T.Kind == TypeKind::Func && G.type(T.Ref).Kind == TypeKind::FuncProto)
    return ("func " + T.Name + ": ").str() + Speller(G).proto(G.type(T.Ref), T.Ref, true);
  if (T.Kind == TypeKind::Var)
    return ("var " + T.Name + ": ").str() + Speller(G).ref(T.Ref);
  return typeRef(G, Id);
}

} // namespace modver
