// parseBtf: a .BTF section's bytes (a module's is untrusted input to --explain and --types).
// The first two bytes (little-endian) are the length of an "old" section, the rest after it is
// a "new" one; each that parses is also compared with itself. What parses must survive every
// use: each type's text, each function's closure, and each function explained between the
// two (a graph compared with itself must show no difference).
#include "Types/Btf.h"
#include "Explain/Explain.h"
#include "FuzzCommon.h"
#include "Types/Closure.h"
#include "Types/TypeText.h"

#include <algorithm>
#include <cstdlib>

namespace {

using namespace modver;

std::unique_ptr<BtfTypes> parsed(llvm::StringRef Bytes) {
  auto Btf = parseBtf(fuzz::FuzzFileName, Bytes);
  if (!Btf) {
    fuzz::checkError(Btf.takeError());
    return nullptr;
  }
  return std::move(*Btf);
}

void useEveryType(const TypeGraph &G) {
  ClosureWalker W(G);
  for (TypeId Id = 0; Id < G.size(); ++Id) {
    (void)typeRef(G, Id);
    if (isNamedType(G, Id))
      (void)typeDefinition(G, Id);
    if (G.type(Id).Kind == TypeKind::Func) {
      (void)symbolDeclaration(G, Id);
      (void)W.closureOf(Id);
    }
  }
}

void explainEveryFunction(const TypeGraph &Old, const TypeGraph &New, bool Same) {
  Explainer X(Old, New);
  for (TypeId Id = 0; Id < New.size(); ++Id) {
    if (New.type(Id).Kind != TypeKind::Func)
      continue;
    Explanation E = X.explain(New.type(Id).Name);
    if (Same && E.Result == Explanation::Explained)
      abort(); // not deterministic: the same graph differs from itself
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size < 2)
    return 0;
  llvm::StringRef Rest = fuzz::bytes(Data + 2, Size - 2);
  size_t Split = std::min<size_t>(Rest.size(), Data[0] | size_t(Data[1]) << 8);
  auto Old = parsed(Rest.take_front(Split)), New = parsed(Rest.drop_front(Split));
  for (const auto *B : {Old.get(), New.get()})
    if (B)
      useEveryType(B->Types);
  if (Old && New)
    explainEveryFunction(Old->Types, New->Types, false);
  for (const auto *B : {Old.get(), New.get()})
    if (B)
      explainEveryFunction(B->Types, B->Types, true);
  return 0;
}
