// parseBtf: a .BTF section's bytes (a module's is untrusted input to --explain and --types).
// What parses must also survive every use: each type's text, and each function's closure
// and explanation against itself (which must find no difference).
#include "Btf/Btf.h"
#include "Explain/Explain.h"
#include "FuzzCommon.h"
#include "TypeClosure/Closure.h"
#include "TypeClosure/TypeText.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver;
  using namespace modver::fuzz;
  auto Btf = parseBtf(FuzzFileName, bytes(Data, Size));
  if (!Btf) {
    checkError(Btf.takeError());
    return 0;
  }
  const TypeGraph &G = (*Btf)->Types;
  ClosureWalker W(G);
  Explainer X(G, G);
  for (TypeId Id = 0; Id < G.size(); ++Id) {
    const TypeNode &T = G.type(Id);
    (void)typeRef(G, Id);
    if (isNamedType(G, Id))
      (void)typeDefinition(G, Id);
    if (T.Kind != TypeKind::Func)
      continue;
    (void)symbolDeclaration(G, Id);
    (void)W.closureOf(Id);
    Explanation E = X.explain(T.Name);
    if (E.Result == Explanation::Explained)
      abort(); // a graph compared with itself differs: the comparison is not deterministic
  }
  return 0;
}
