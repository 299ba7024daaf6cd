// Why an export's CRC changed: the smallest set of named types whose definitions differ
// between two type graphs (old kernel, new kernel) within the symbol's closure, each with
// what changed, and any change to the declaration itself.
//
// A named type is compared by its own definition only, its members referring to other named
// types by name, so a change is reported at the type where it was made and not again at every
// type that contains it.
#pragma once

#include "Types/Closure.h"
#include "Types/TypeGraph.h"

#include "llvm/Support/JSON.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace modver {

struct TypeChange {
  std::string Type;              // "struct kmem_cache"
  std::vector<std::string> What; // "member 'x' added at offset 208", ...
  // The fewest pointers between the symbol and the type (0: in the prototype, or embedded in
  // a type that is). genksyms expands a type only where the compilation unit defines it, and
  // deep types are the likeliest to be mere declarations there.
  unsigned PointerDepth = 0;
  // Only members or enumerators added, every existing one where it was: the kind of change
  // distributions keep out of CRCs with #ifndef __GENKSYMS__ to preserve their kABI.
  bool AdditiveOnly = false;
};

struct Explanation {
  enum Status {
    Explained,    // differences found
    NoDifference, // both sides have types, and they are the same
    NoOldTypes,   // the old side has no type information for the symbol
    NoNewTypes,   // the new side has none
  };
  std::string Symbol;
  Status Result = NoDifference;
  std::vector<std::string> Declaration; // changes to the prototype (or variable's type)
  std::vector<TypeChange> Types;        // by pointer depth, then type key
  // When nothing that counts differs: the opaque types reached (no header defines them)
  // that differ or lead to types that differ, sorted. They did not count; but one defined in
  // a private header the headers trees lack (drivers/*/*.h) would have, so they are the
  // suspects.
  std::vector<std::string> OpaqueSuspects;
};

// Explains many symbols between the same two graphs. Whether a named type's definition
// differs is decided once per type, not once per symbol: closures share most of their types.
//
// With each kernel's header types, types no header defines stay opaque on that side, as
// genksyms leaves them: their changes cannot have moved a CRC, so they are not reported.
class Explainer {
public:
  Explainer(const TypeGraph &Old, const TypeGraph &New, const HeaderTypes *OldHeaders = nullptr,
            const HeaderTypes *NewHeaders = nullptr);
  Explanation explain(llvm::StringRef Symbol);

private:
  struct Side {
    const TypeGraph &G;
    ClosureWalker Walker;
    std::vector<uint64_t> Hash; // of the definition text; 0: not computed yet
    // 0: not known yet; Same: the other side has this definition under this key;
    // Differs: it has the key, not this definition; Absent: it has no type of this key.
    std::vector<uint8_t> State;
    Side(const TypeGraph &G, const HeaderTypes *Headers)
        : G(G), Walker(G, Headers), Hash(G.size(), 0), State(G.size(), 0) {}
    // Without opaque types, built on first use: what lies behind an opaque type.
    std::unique_ptr<ClosureWalker> Open;
    std::vector<int8_t> Leads; // by id: -1 not known yet, else whether it leads to a difference
  };
  enum : uint8_t { Unknown, Same, Differs, Absent };

  uint64_t hash(Side &S, TypeId Id);
  // Whether Id, expanded with everything behind it, holds a type that differs.
  bool leadsToDifference(Side &S, Side &Other, TypeId Id);
  uint8_t state(Side &S, Side &Other, TypeId Id);
  // The type of S's graph with Key, preferring a definition over a declaration.
  static TypeId counterpart(const Side &S, const std::string &Key, llvm::StringRef Name);

  Side Old, New;
};

// "no difference visible in BTF types; ..." and the other sentences for a status.
llvm::StringRef explanationNote(const Explanation &E);

// One line per change, each prefixed with Indent: "struct kmem_cache: member 'x' added ...";
// the declaration's changes and the five nearest types in full, the others counted.
void printExplanation(llvm::raw_ostream &OS, const Explanation &E, llvm::StringRef Indent);
llvm::json::Value explanationJson(const Explanation &E);

} // namespace modver
