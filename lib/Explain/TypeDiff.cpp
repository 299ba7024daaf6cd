#include "Explain/TypeDiff.h"

#include "Types/TypeText.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"

namespace modver {

namespace {

// A member inserted early moves every later one; past this many the moves are summarised.
constexpr size_t MaxMovesListed = 3;
// Anonymous members are compared inside, this deep at most: C nests them a few levels, a
// malformed graph may loop through them.
constexpr unsigned MaxNesting = 16;

std::string quoted(llvm::StringRef S) { return ("'" + S + "'").str(); }

std::string offsetText(const TypeItem &M) {
  if (!M.BitSize && M.Value % 8 == 0)
    return "offset " + std::to_string(M.Value / 8);
  return "bit offset " + std::to_string(M.Value) + " (" + std::to_string(M.BitSize) + " bits)";
}

bool isAnonymousAggregate(const TypeGraph &G, TypeId Id) {
  const TypeNode &T = G.type(Id);
  return (T.Kind == TypeKind::Struct || T.Kind == TypeKind::Union) && T.Name.empty();
}

std::string memberLabel(const TypeGraph &G, const TypeItem &M) {
  if (!M.Name.empty())
    return "member " + quoted(M.Name);
  return "anonymous " + typeKindName(G.type(M.Type).Kind).str();
}

// Members matched by name; anonymous ones (unnamed unions and structs) by their order.
std::vector<std::string> diffAt(const TypeGraph &GA, TypeId A, const TypeGraph &GB, TypeId B,
                                unsigned Nesting);

void diffMembers(const TypeGraph &GA, TypeId A, const TypeGraph &GB, TypeId B,
                 const std::string &Prefix, unsigned Nesting, std::vector<std::string> &Out) {
  auto Key = [](const TypeItem &M, unsigned &Anon) {
    return M.Name.empty() ? "#" + std::to_string(Anon++) : M.Name.str();
  };
  llvm::StringMap<const TypeItem *> InB;
  unsigned Anon = 0;
  for (const TypeItem &M : GB.items(B))
    InB[Key(M, Anon)] = &M;
  llvm::StringMap<bool> InA;
  std::vector<std::string> Moves;
  Anon = 0;
  for (const TypeItem &M : GA.items(A)) {
    std::string K = Key(M, Anon);
    InA[K] = true;
    auto It = InB.find(K);
    if (It == InB.end()) {
      Out.push_back(Prefix + memberLabel(GA, M) + " removed (was at " + offsetText(M) + ")");
      continue;
    }
    const TypeItem &N = *It->second;
    std::string TA = typeRef(GA, M.Type), TB = typeRef(GB, N.Type);
    if (TA != TB) {
      if (M.Name.empty() && isAnonymousAggregate(GA, M.Type) && isAnonymousAggregate(GB, N.Type) &&
          GA.type(M.Type).Kind == GB.type(N.Type).Kind && Nesting < MaxNesting) {
        std::vector<std::string> Inner = diffAt(GA, M.Type, GB, N.Type, Nesting + 1);
        for (std::string &S : Inner)
          Out.push_back(Prefix + "in " + memberLabel(GA, M) + " at " + offsetText(M) + ": " + S);
      } else {
        Out.push_back(Prefix + memberLabel(GA, M) + " retyped: " + TA + " -> " + TB);
      }
    }
    if (M.Value != N.Value || M.BitSize != N.BitSize)
      Moves.push_back(memberLabel(GA, M) + " moved: " + offsetText(M) + " -> " + offsetText(N));
  }
  Anon = 0;
  for (const TypeItem &M : GB.items(B))
    if (!InA.count(Key(M, Anon)))
      Out.push_back(Prefix + memberLabel(GB, M) + " added at " + offsetText(M) + " (" +
                    typeRef(GB, M.Type) + ")");
  if (Moves.size() <= MaxMovesListed) {
    for (std::string &S : Moves)
      Out.push_back(Prefix + S);
  } else {
    Out.push_back(Prefix + std::to_string(Moves.size()) + " members moved, first " + Moves.front());
  }
}

void diffEnumerators(const TypeGraph &GA, TypeId A, const TypeGraph &GB, TypeId B,
                     std::vector<std::string> &Out) {
  auto Value = [](const TypeGraph &G, TypeId Id, const TypeItem &E) {
    return G.type(Id).Flag ? std::to_string(int64_t(E.Value)) : std::to_string(E.Value);
  };
  llvm::StringMap<const TypeItem *> InB;
  for (const TypeItem &E : GB.items(B))
    InB[E.Name] = &E;
  llvm::StringMap<bool> InA;
  for (const TypeItem &E : GA.items(A)) {
    InA[E.Name] = true;
    auto It = InB.find(E.Name);
    if (It == InB.end())
      Out.push_back("enumerator " + quoted(E.Name) + " = " + Value(GA, A, E) + " removed");
    else if (Value(GA, A, E) != Value(GB, B, *It->second))
      Out.push_back("enumerator " + quoted(E.Name) + " value " + Value(GA, A, E) + " -> " +
                    Value(GB, B, *It->second));
  }
  for (const TypeItem &E : GB.items(B))
    if (!InA.count(E.Name))
      Out.push_back("enumerator " + quoted(E.Name) + " = " + Value(GB, B, E) + " added");
}

std::vector<std::string> diffAt(const TypeGraph &GA, TypeId A, const TypeGraph &GB, TypeId B,
                                unsigned Nesting) {
  std::vector<std::string> Out;
  const TypeNode &TA = GA.type(A), &TB = GB.type(B);
  if (TA.Kind != TB.Kind) {
    if (TA.Kind == TypeKind::Fwd)
      Out.push_back("now defined (was only declared)");
    else if (TB.Kind == TypeKind::Fwd)
      Out.push_back("now only declared (was defined)");
    else
      Out.push_back("was a " + typeKindName(TA.Kind).str() + ", now a " +
                    typeKindName(TB.Kind).str());
    return Out;
  }
  switch (TA.Kind) {
  case TypeKind::Struct:
  case TypeKind::Union:
    if (TA.Size != TB.Size)
      Out.push_back("size " + std::to_string(TA.Size) + " -> " + std::to_string(TB.Size));
    diffMembers(GA, A, GB, B, "", Nesting, Out);
    break;
  case TypeKind::Enum:
    if (TA.Size != TB.Size)
      Out.push_back("size " + std::to_string(TA.Size) + " -> " + std::to_string(TB.Size));
    diffEnumerators(GA, A, GB, B, Out);
    break;
  case TypeKind::Typedef: {
    std::string RA = typeRef(GA, TA.Ref), RB = typeRef(GB, TB.Ref);
    if (RA != RB)
      Out.push_back("now " + RB + " (was " + RA + ")");
    break;
  }
  default:
    break;
  }
  // Same words, different text: members reordered at the same offsets, or the like.
  if (Out.empty() && typeDefinition(GA, A) != typeDefinition(GB, B))
    Out.push_back("definition differs (members reordered)");
  return Out;
}

} // namespace

std::vector<std::string> diffDefinitions(const TypeGraph &GA, TypeId A, const TypeGraph &GB,
                                         TypeId B) {
  return diffAt(GA, A, GB, B, 0);
}

std::vector<std::string> diffDeclarations(const TypeGraph &GA, TypeId A, const TypeGraph &GB,
                                          TypeId B) {
  std::vector<std::string> Out;
  const TypeNode &SA = GA.type(A), &SB = GB.type(B);
  if (SA.Kind != SB.Kind) {
    Out.push_back("was a " + typeKindName(SA.Kind).str() + ", now a " +
                  typeKindName(SB.Kind).str());
    return Out;
  }
  if (SA.Kind == TypeKind::Var) {
    std::string RA = typeRef(GA, SA.Ref), RB = typeRef(GB, SB.Ref);
    if (RA != RB)
      Out.push_back("type " + RA + " -> " + RB);
    return Out;
  }
  TypeId PA = SA.Ref, PB = SB.Ref;
  if (GA.type(PA).Kind != TypeKind::FuncProto || GB.type(PB).Kind != TypeKind::FuncProto)
    return Out;
  std::string RA = typeRef(GA, GA.type(PA).Ref), RB = typeRef(GB, GB.type(PB).Ref);
  if (RA != RB)
    Out.push_back("return type " + RA + " -> " + RB);
  auto ParamsA = GA.items(PA), ParamsB = GB.items(PB);
  if (ParamsA.size() != ParamsB.size())
    Out.push_back(std::to_string(ParamsA.size()) + " parameters -> " +
                  std::to_string(ParamsB.size()));
  for (size_t I = 0; I < std::min(ParamsA.size(), ParamsB.size()); ++I) {
    std::string XA = typeRef(GA, ParamsA[I].Type), XB = typeRef(GB, ParamsB[I].Type);
    if (XA != XB)
      Out.push_back("parameter " + std::to_string(I + 1) +
                    (ParamsB[I].Name.empty() ? "" : " (" + quoted(ParamsB[I].Name) + ")") +
                    " type " + XA + " -> " + XB);
  }
  for (size_t I = ParamsA.size(); I < ParamsB.size(); ++I)
    Out.push_back("parameter " + std::to_string(I + 1) + " added: " + typeRef(GB, ParamsB[I].Type));
  for (size_t I = ParamsB.size(); I < ParamsA.size(); ++I)
    Out.push_back("parameter " + std::to_string(I + 1) +
                  " removed: " + typeRef(GA, ParamsA[I].Type));
  if (GA.type(PA).Flag != GB.type(PB).Flag)
    Out.push_back(GB.type(PB).Flag ? "now variadic" : "no longer variadic");
  return Out;
}

} // namespace modver
