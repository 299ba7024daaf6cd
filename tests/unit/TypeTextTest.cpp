// Spelling types as text on graphs built by hand, including the malformed shapes a fuzzer
// found (bench-free: each must come back at once, bounded, not after 2^64 steps).
#include "Types/TypeText.h"
#include "Explain/TypeDiff.h"

#include <gtest/gtest.h>

using namespace modver;

namespace {

TypeId intType(TypeGraph &G) {
  TypeNode Int;
  Int.Kind = TypeKind::Int;
  Int.Name = "int";
  Int.Size = 4;
  return G.add(Int);
}

} // namespace

TEST(TypeText, SpellsPointersQualifiersArraysAndPrototypes) {
  TypeGraph G;
  TypeId Int = intType(G);
  TypeId Const = G.add({TypeKind::Const, false, "", 0, Int});
  TypeId Ptr = G.add({TypeKind::Pointer, false, "", 0, Const});
  TypeId Arr = G.add({TypeKind::Array, false, "", 16, Int});
  TypeNode Proto{TypeKind::FuncProto, true, "", 0, Int};
  TypeId P = G.add(Proto, {{"a", Ptr, 0, 0}, {"b", Arr, 0, 0}});
  TypeId F = G.add({TypeKind::Func, false, "f", 0, P});
  G.index();
  EXPECT_EQ(typeRef(G, Ptr), "int const *");
  EXPECT_EQ(typeRef(G, P), "int (int const *, int [16], ...)");
  EXPECT_EQ(symbolDeclaration(G, F), "func f: int (a: int const *, b: int [16], ...)");
}

// An anonymous struct that contains itself cannot be written in C; in malformed BTF it must
// not loop.
TEST(TypeText, AnonymousCycleIsCut) {
  TypeGraph G;
  TypeId S = G.reserve();
  G.set(S, {TypeKind::Struct, false, "", 8, 0}, {{"self", S, 0, 0}});
  G.index();
  EXPECT_NE(typeRef(G, S).find("<cycle>"), std::string::npos) << typeRef(G, S);
  std::vector<std::string> D = diffDefinitions(G, S, G, S);
  EXPECT_TRUE(D.empty());
}

// 64 prototypes, each taking the previous one twice: 2^64 spellings unless bounded.
TEST(TypeText, ExponentialSharingIsBounded) {
  TypeGraph G;
  TypeId Prev = intType(G);
  for (int I = 0; I < 64; ++I) {
    TypeNode Proto{TypeKind::FuncProto, false, "", 0, Prev};
    Prev = G.add(Proto, {{"", Prev, 0, 0}, {"", Prev, 0, 0}});
  }
  G.index();
  std::string S = typeRef(G, Prev);
  EXPECT_NE(S.find("<too"), std::string::npos);
  EXPECT_LT(S.size(), 10u * 1000 * 1000);
}
