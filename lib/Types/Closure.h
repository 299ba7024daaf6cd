// The closure of an exported symbol in the spirit of genksyms: its declaration, then every
// struct, union, enum and typedef reachable from it (through members, pointers, parameters),
// each once, by name. The CRC of an export covers exactly such an expansion, so a change in
// the closure is what can change the CRC.
#pragma once

#include "Types/HeaderTypes.h"
#include "Types/TypeGraph.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace modver {

struct Closure {
  TypeId Symbol = 0; // the FUNC or VAR
  // typeKey -> the named types of that key reached (usually one; a deduplicated graph can
  // hold several different definitions under one name). Ordered, so output is stable.
  std::map<std::string, std::vector<TypeId>> Types;
  // Keys of the structs, unions and enums reached but left unexpanded, because no header
  // defines them (see ClosureWalker): genksyms hashes only their names.
  std::set<std::string> Opaque;
};

// Walks closures of many symbols of one graph, reusing its marks between walks.
//
// Given the kernel's header types, a named struct, union or enum that no header defines is
// opaque, as genksyms treats a type the compiled .c file defines: reached, never expanded.
// Without them every type is expanded, which over-approximates what genksyms saw.
class ClosureWalker {
public:
  explicit ClosureWalker(const TypeGraph &G, const HeaderTypes *Headers = nullptr);
  Closure closureOf(TypeId Symbol);
  // Calls OnNamed(Id, PointerDepth) for each named type reached and expanded, PointerDepth
  // being the fewest pointers on a path from the symbol to it (0: part of the prototype or of
  // a type embedded in it), and OnOpaque(Id) for each opaque one. Breadth-first, so each type
  // is reported once, at its least depth.
  void walk(TypeId Symbol, llvm::function_ref<void(TypeId, unsigned)> OnNamed,
            llvm::function_ref<void(TypeId)> OnOpaque = {});
  bool isOpaque(TypeId Id) const { return !Opaque.empty() && Opaque[Id]; }
  const TypeGraph &graph() const { return G; }

private:
  const TypeGraph &G;
  std::vector<uint32_t> Seen, Done; // == Epoch: reached, expanded in the current walk
  std::vector<uint32_t> Depth;
  std::vector<bool> Opaque; // by id; empty without header types
  uint32_t Epoch = 0;
};

// The closure as text: the declaration, then each type's definition, sorted by key, a blank
// line between, then the opaque types, one line each. Equal for equal types in two kernels, so two
// outputs compare with diff.
void printClosure(llvm::raw_ostream &OS, const TypeGraph &G, const Closure &C);

// printClosure for each symbol, a blank line between (`modversions --types`). A symbol G has
// no FUNC or VAR for is an error naming it, after the others are printed.
llvm::Error printSymbolClosures(llvm::raw_ostream &OS, const TypeGraph &G,
                                llvm::ArrayRef<std::string> Symbols,
                                const HeaderTypes *Headers = nullptr);

} // namespace modver
