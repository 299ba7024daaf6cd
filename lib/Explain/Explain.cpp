#include "Explain/Explain.h"

#include "Explain/TypeDiff.h"
#include "Types/TypeText.h"

#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <map>
#include <set>

namespace modver {

namespace {

// B keeps every member (enumerator) of A, by name, type text, place (value), and adds some.
bool isAdditiveOnly(const TypeGraph &GA, TypeId A, const TypeGraph &GB, TypeId B) {
  const TypeNode &TA = GA.type(A), &TB = GB.type(B);
  if (TA.Kind != TB.Kind || TB.Size < TA.Size ||
      (TA.Kind != TypeKind::Struct && TA.Kind != TypeKind::Union && TA.Kind != TypeKind::Enum))
    return false;
  auto ItemsA = GA.items(A), ItemsB = GB.items(B);
  if (ItemsB.size() <= ItemsA.size())
    return false;
  std::map<std::string, std::string> InB;
  auto Text = [](const TypeGraph &G, const TypeItem &I, bool IsEnum) {
    return IsEnum ? std::to_string(I.Value) : memberPlace(I) + " " + typeRef(G, I.Type);
  };
  bool IsEnum = TA.Kind == TypeKind::Enum;
  unsigned Anon = 0;
  for (const TypeItem &I : ItemsB)
    InB[I.Name.empty() ? "#" + std::to_string(Anon++) : I.Name.str()] = Text(GB, I, IsEnum);
  Anon = 0;
  for (const TypeItem &I : ItemsA) {
    auto It = InB.find(I.Name.empty() ? "#" + std::to_string(Anon++) : I.Name.str());
    if (It == InB.end() || It->second != Text(GA, I, IsEnum))
      return false;
  }
  return true;
}

} // namespace

Explainer::Explainer(const TypeGraph &OldG, const TypeGraph &NewG, const HeaderTypes *OldHeaders,
                     const HeaderTypes *NewHeaders)
    : Old(OldG, OldHeaders), New(NewG, NewHeaders) {}

uint64_t Explainer::hash(Side &S, TypeId Id) {
  if (!S.Hash[Id])
    S.Hash[Id] = llvm::xxHash64(typeDefinition(S.G, Id)) | 1;
  return S.Hash[Id];
}

bool Explainer::leadsToDifference(Side &S, Side &Other, TypeId Id) {
  if (!S.Open) {
    S.Open = std::make_unique<ClosureWalker>(S.G);
    S.Leads.assign(S.G.size(), -1);
  }
  if (S.Leads[Id] < 0) {
    bool Found = false;
    S.Open->walk(Id, [&](TypeId T, unsigned) { Found |= state(S, Other, T) == Differs; });
    S.Leads[Id] = Found;
  }
  return S.Leads[Id];
}

uint8_t Explainer::state(Side &S, Side &Other, TypeId Id) {
  if (S.State[Id] != Unknown)
    return S.State[Id];
  std::string Key = typeKey(S.G, Id);
  uint8_t St = Absent;
  for (TypeId O : Other.G.named(S.G.type(Id).Name)) {
    if (typeKey(Other.G, O) != Key)
      continue;
    if (hash(Other, O) == hash(S, Id)) {
      St = Same;
      break;
    }
    St = Differs;
  }
  return S.State[Id] = St;
}

TypeId Explainer::counterpart(const Side &S, const std::string &Key, llvm::StringRef Name) {
  TypeId Found = 0;
  for (TypeId Id : S.G.named(Name)) {
    if (typeKey(S.G, Id) != Key)
      continue;
    if (S.G.type(Id).Kind != TypeKind::Fwd)
      return Id;
    if (!Found)
      Found = Id;
  }
  return Found;
}

Explanation Explainer::explain(llvm::StringRef Symbol) {
  Explanation E;
  E.Symbol = Symbol.str();
  auto OldSym = Old.G.symbol(Symbol), NewSym = New.G.symbol(Symbol);
  if (!OldSym || !NewSym) {
    E.Result = !OldSym ? Explanation::NoOldTypes : Explanation::NoNewTypes;
    return E;
  }
  E.Declaration = diffDeclarations(Old.G, *OldSym, New.G, *NewSym);

  // Key -> (old id, new id, depth) of each changed type either closure reaches. Types only
  // one side has are left out: the type that refers to them differs too, and says so.
  struct Pair {
    TypeId OldId = 0, NewId = 0;
    unsigned Depth = ~0u;
  };
  std::map<std::string, Pair> Changed;
  // Each side's closure: its changed types into Changed (Slot: which id of the pair), its
  // opaque types into Opaque.
  auto WalkSide = [&](Side &S, Side &Other, TypeId Sym, TypeId Pair::*Slot,
                      std::vector<TypeId> &Opaque) {
    S.Walker.walk(
        Sym,
        [&](TypeId Id, unsigned Depth) {
          if (state(S, Other, Id) != Differs)
            return;
          Pair &P = Changed[typeKey(S.G, Id)];
          if (!(P.*Slot))
            P.*Slot = Id;
          P.Depth = std::min(P.Depth, Depth);
        },
        [&](TypeId Id) { Opaque.push_back(Id); });
  };
  std::vector<TypeId> OldOpaque, NewOpaque;
  WalkSide(Old, New, *OldSym, &Pair::OldId, OldOpaque);
  WalkSide(New, Old, *NewSym, &Pair::NewId, NewOpaque);
  if (E.Declaration.empty() && Changed.empty()) {
    std::set<std::string> Suspects;
    for (TypeId Id : OldOpaque)
      if (leadsToDifference(Old, New, Id))
        Suspects.insert(typeKey(Old.G, Id));
    for (TypeId Id : NewOpaque)
      if (leadsToDifference(New, Old, Id))
        Suspects.insert(typeKey(New.G, Id));
    E.OpaqueSuspects.assign(Suspects.begin(), Suspects.end());
  }
  for (auto &[Key, P] : Changed) {
    if (!P.OldId)
      P.OldId = counterpart(Old, Key, New.G.type(P.NewId).Name);
    if (!P.NewId)
      P.NewId = counterpart(New, Key, Old.G.type(P.OldId).Name);
    TypeChange C{Key, diffDefinitions(Old.G, P.OldId, New.G, P.NewId), P.Depth, false};
    if (C.What.empty())
      C.What.push_back("another definition of the same name is reached");
    C.AdditiveOnly = isAdditiveOnly(Old.G, P.OldId, New.G, P.NewId);
    E.Types.push_back(std::move(C));
  }
  std::stable_sort(E.Types.begin(), E.Types.end(), [](const TypeChange &A, const TypeChange &B) {
    return A.PointerDepth < B.PointerDepth;
  });
  E.Result =
      E.Declaration.empty() && E.Types.empty() ? Explanation::NoDifference : Explanation::Explained;
  return E;
}

} // namespace modver
