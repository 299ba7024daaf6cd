#include "Types/Closure.h"

#include "Types/TypeText.h"

#include "llvm/Support/raw_ostream.h"

#include <deque>

namespace modver {

namespace {

// Forward declarations stand for the definition when both are reached.
void addNamed(const TypeGraph &G, std::vector<TypeId> &Ids, TypeId Id) {
  bool IsFwd = G.type(Id).Kind == TypeKind::Fwd;
  if (!Ids.empty() && G.type(Ids.front()).Kind == TypeKind::Fwd && !IsFwd) {
    Ids.front() = Id;
    return;
  }
  if (IsFwd && !Ids.empty())
    return;
  Ids.push_back(Id);
}

} // namespace

ClosureWalker::ClosureWalker(const TypeGraph &G, const HeaderTypes *Headers)
    : G(G), Seen(G.size(), 0), Done(G.size(), 0), Depth(G.size(), 0) {
  if (!Headers)
    return;
  Opaque.resize(G.size());
  std::vector<llvm::StringRef> Members;
  for (TypeId Id = 0; Id < G.size(); ++Id) {
    const TypeNode &T = G.type(Id);
    if ((T.Kind != TypeKind::Struct && T.Kind != TypeKind::Union && T.Kind != TypeKind::Enum) ||
        T.Name.empty())
      continue;
    Members.clear();
    for (const TypeItem &I : G.items(Id))
      Members.push_back(I.Name);
    Opaque[Id] = !Headers->defines(typeKey(G, Id), Members);
  }
}

Closure ClosureWalker::closureOf(TypeId Symbol) {
  Closure C;
  C.Symbol = Symbol;
  walk(
      Symbol, [&](TypeId Id, unsigned) { addNamed(G, C.Types[typeKey(G, Id)], Id); },
      [&](TypeId Id) { C.Opaque.insert(typeKey(G, Id)); });
  return C;
}

// A 0-1 breadth-first walk: a pointer edge costs one, any other edge nothing. Depth holds the
// best distance found so far (valid where Seen == Epoch), Done marks nodes already expanded.
void ClosureWalker::walk(TypeId Symbol, llvm::function_ref<void(TypeId, unsigned)> OnNamed,
                         llvm::function_ref<void(TypeId)> OnOpaque) {
  if (++Epoch == 0) { // wrapped: forget every old mark
    std::fill(Seen.begin(), Seen.end(), 0);
    std::fill(Done.begin(), Done.end(), 0);
    Epoch = 1;
  }
  std::deque<TypeId> Work{Symbol};
  Seen[Symbol] = Epoch;
  Depth[Symbol] = 0;
  auto Relax = [&](TypeId To, uint32_t D, bool Pointer) {
    uint32_t ND = D + Pointer;
    if (Seen[To] == Epoch && Depth[To] <= ND)
      return;
    Seen[To] = Epoch;
    Depth[To] = ND;
    if (Pointer)
      Work.push_back(To);
    else
      Work.push_front(To);
  };
  while (!Work.empty()) {
    TypeId Id = Work.front();
    Work.pop_front();
    if (Done[Id] == Epoch)
      continue; // expanded already from its least depth
    Done[Id] = Epoch;
    uint32_t D = Depth[Id];
    const TypeNode &T = G.type(Id);
    if (isOpaque(Id)) {
      if (OnOpaque)
        OnOpaque(Id);
      continue;
    }
    if (isNamedType(G, Id))
      OnNamed(Id, D);
    switch (T.Kind) {
    case TypeKind::Int:
    case TypeKind::Float:
    case TypeKind::Fwd:
    case TypeKind::Void:
    case TypeKind::Enum:
      break;
    case TypeKind::Struct:
    case TypeKind::Union:
    case TypeKind::DataSec:
      for (const TypeItem &It : G.items(Id))
        Relax(It.Type, D, false);
      break;
    case TypeKind::FuncProto:
      Relax(T.Ref, D, false);
      for (const TypeItem &It : G.items(Id))
        Relax(It.Type, D, false);
      break;
    case TypeKind::Pointer:
      Relax(T.Ref, D, true);
      break;
    default:
      Relax(T.Ref, D, false);
      break;
    }
  }
}

void printClosure(llvm::raw_ostream &OS, const TypeGraph &G, const Closure &C) {
  OS << symbolDeclaration(G, C.Symbol) << "\n";
  for (const auto &[Key, Ids] : C.Types) {
    std::vector<std::string> Defs;
    for (TypeId Id : Ids)
      Defs.push_back(typeDefinition(G, Id));
    std::sort(Defs.begin(), Defs.end());
    Defs.erase(std::unique(Defs.begin(), Defs.end()), Defs.end());
    for (const std::string &D : Defs)
      OS << "\n" << D;
  }
  for (const std::string &Key : C.Opaque)
    OS << "\n" << Key << "  // no header defines it: not expanded\n";
}

llvm::Error printSymbolClosures(llvm::raw_ostream &OS, const TypeGraph &G,
                                llvm::ArrayRef<std::string> Symbols, const HeaderTypes *Headers) {
  ClosureWalker W(G, Headers);
  std::vector<std::string> Missing;
  bool First = true;
  for (const std::string &S : Symbols) {
    auto Id = G.symbol(S);
    if (!Id) {
      Missing.push_back(S);
      continue;
    }
    if (!First)
      OS << "\n";
    First = false;
    printClosure(OS, G, W.closureOf(*Id));
  }
  if (Missing.empty())
    return llvm::Error::success();
  std::string List;
  for (const std::string &M : Missing)
    List += (List.empty() ? "" : ", ") + M;
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "no type information for " + List);
}

} // namespace modver
