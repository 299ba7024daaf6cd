#include "Types/TypeGraph.h"

#include <cassert>
#include <cstring>

namespace modver {

llvm::StringRef typeKindName(TypeKind K) {
  static const char *const Names[] = {"void",       "int",      "float",    "pointer",  "array",
                                      "struct",     "union",    "enum",     "fwd",      "typedef",
                                      "const",      "volatile", "restrict", "type_tag", "func",
                                      "func_proto", "var",      "datasec",  "decl_tag"};
  return Names[static_cast<unsigned>(K)];
}

TypeGraph::TypeGraph(const TypeGraph *Base)
    : Base(Base), FirstId(Base ? Base->size() : 0),
      Strings(std::make_unique<llvm::BumpPtrAllocator>()) {
  if (!Base)
    Nodes.emplace_back(); // id 0: void
}

const TypeNode &TypeGraph::type(TypeId Id) const {
  if (Id < FirstId)
    return Base->type(Id);
  assert(Id - FirstId < Nodes.size() && "type id out of range");
  return Nodes[Id - FirstId];
}

llvm::ArrayRef<TypeItem> TypeGraph::items(TypeId Id) const {
  if (Id < FirstId)
    return Base->items(Id);
  const TypeNode &N = Nodes[Id - FirstId];
  return llvm::ArrayRef(Items).slice(N.FirstItem, N.NumItems);
}

std::optional<TypeId> TypeGraph::symbol(llvm::StringRef Name) const {
  auto It = Symbols.find(Name);
  if (It != Symbols.end())
    return It->second;
  return Base ? Base->symbol(Name) : std::nullopt;
}

std::vector<TypeId> TypeGraph::named(llvm::StringRef Name) const {
  std::vector<TypeId> Ids = Base ? Base->named(Name) : std::vector<TypeId>();
  auto It = Named.find(Name);
  if (It != Named.end())
    Ids.insert(Ids.end(), It->second.begin(), It->second.end());
  return Ids;
}

TypeId TypeGraph::add(const TypeNode &N, llvm::ArrayRef<TypeItem> NewItems) {
  TypeId Id = reserve();
  set(Id, N, NewItems);
  return Id;
}

TypeId TypeGraph::reserve() {
  Nodes.emplace_back();
  return size() - 1;
}

void TypeGraph::set(TypeId Id, TypeNode N, llvm::ArrayRef<TypeItem> NewItems) {
  assert(Id >= FirstId && Id - FirstId < Nodes.size());
  N.FirstItem = uint32_t(Items.size());
  N.NumItems = uint32_t(NewItems.size());
  Items.insert(Items.end(), NewItems.begin(), NewItems.end());
  Nodes[Id - FirstId] = N;
}

llvm::StringRef TypeGraph::save(llvm::StringRef S) {
  if (S.empty())
    return {};
  char *P = static_cast<char *>(Strings->Allocate(S.size(), 1));
  std::memcpy(P, S.data(), S.size());
  return {P, S.size()};
}

void TypeGraph::index() {
  Symbols.clear();
  Named.clear();
  for (size_t I = 0; I < Nodes.size(); ++I) {
    const TypeNode &N = Nodes[I];
    if (N.Name.empty())
      continue;
    TypeId Id = FirstId + TypeId(I);
    switch (N.Kind) {
    case TypeKind::Func:
      Symbols.try_emplace(N.Name, Id);
      break;
    case TypeKind::Struct:
    case TypeKind::Union:
    case TypeKind::Enum:
    case TypeKind::Typedef:
    case TypeKind::Fwd:
      Named[N.Name].push_back(Id);
      break;
    default:
      break;
    }
  }
  // Variables only where no function has the name (a FUNC describes an export best).
  for (size_t I = 0; I < Nodes.size(); ++I)
    if (Nodes[I].Kind == TypeKind::Var && !Nodes[I].Name.empty())
      Symbols.try_emplace(Nodes[I].Name, FirstId + TypeId(I));
}

} // namespace modver
