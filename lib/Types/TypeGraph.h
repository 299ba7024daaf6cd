// A neutral graph of C types: what BTF and DWARF both describe, so that closures and
// explanations are written once. Nodes are addressed by TypeId; id 0 is void.
//
// A graph may sit on top of a base graph (a module's split BTF on its kernel's): ids below
// Base->size() are the base's, and names are looked up in both. The base must outlive it.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace modver {

using TypeId = uint32_t;

enum class TypeKind : uint8_t {
  Void,
  Int,
  Float,
  Pointer,
  Array,
  Struct,
  Union,
  Enum,
  Fwd,
  Typedef,
  Const,
  Volatile,
  Restrict,
  TypeTag,
  Func,
  FuncProto,
  Var,
  DataSec,
  DeclTag,
};

llvm::StringRef typeKindName(TypeKind K); // "struct", "typedef", "func_proto", ...

// A member (Value = bit offset), a parameter, an enumerator (Value = the value's bits; the
// enum's Flag says signed) or a data-section entry (Type = the variable, Value = offset).
struct TypeItem {
  llvm::StringRef Name;
  TypeId Type = 0;
  uint64_t Value = 0;
  uint32_t BitSize = 0; // bitfield width; 0 when not a bitfield
};

struct TypeNode {
  TypeKind Kind = TypeKind::Void;
  // Int, Enum: signed. Fwd: a union. FuncProto: variadic.
  bool Flag = false;
  llvm::StringRef Name;
  // Bytes for Int, Float, Struct, Union, Enum, DataSec; the element count for Array.
  uint64_t Size = 0;
  // Pointee, element, target, return type; a Func's prototype; a Var's type.
  TypeId Ref = 0;
  uint32_t FirstItem = 0, NumItems = 0;
};

class TypeGraph {
public:
  explicit TypeGraph(const TypeGraph *Base = nullptr);
  TypeGraph(TypeGraph &&) = default;
  TypeGraph &operator=(TypeGraph &&) = default;

  // Number of ids, the base's included.
  TypeId size() const { return FirstId + TypeId(Nodes.size()); }
  bool valid(TypeId Id) const { return Id < size(); }
  // Id must be valid().
  const TypeNode &type(TypeId Id) const;
  llvm::ArrayRef<TypeItem> items(TypeId Id) const;
  const TypeGraph *base() const { return Base; }

  // The FUNC (else the VAR) called Name, here or in the base.
  std::optional<TypeId> symbol(llvm::StringRef Name) const;
  // Every struct, union, enum, typedef and forward declaration called Name (base first).
  std::vector<TypeId> named(llvm::StringRef Name) const;

  // Building. reserve() hands out an id whose node set() fills later, so that recursive
  // types can refer to themselves; items are copied.
  TypeId add(const TypeNode &N, llvm::ArrayRef<TypeItem> Items = {});
  TypeId reserve();
  void set(TypeId Id, TypeNode N, llvm::ArrayRef<TypeItem> Items = {});
  // Keep bytes that names point into alive as long as the graph; copy a name into the graph.
  void keep(std::unique_ptr<llvm::MemoryBuffer> Bytes) { Kept.push_back(std::move(Bytes)); }
  llvm::StringRef save(llvm::StringRef S);
  // Build the name indexes; call once after the last add().
  void index();

private:
  const TypeGraph *Base;
  TypeId FirstId;
  std::vector<TypeNode> Nodes;
  std::vector<TypeItem> Items;
  llvm::StringMap<TypeId> Symbols;
  llvm::StringMap<std::vector<TypeId>> Named;
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> Kept;
  std::unique_ptr<llvm::BumpPtrAllocator> Strings;
};

} // namespace modver
