// The BTF reader on sections made at test time (`clang -g -c` then `pahole -J`) and on
// hand-made malformed sections: every kind the compiler emits is read, ids and names line up
// with DWARF's view of the same object, and broken input gives a one-line error.
#include "Types/Btf.h"
#include "Types/Closure.h"
#include "Types/DwarfTypes.h"

#include "Fixture.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

const char *Source = R"(
enum color { RED, GREEN, BLUE = -3 };
enum big { HUGE_VALUE = 0x100000000ULL };
typedef unsigned int handle_t;
union number { int i; float f; };
struct node;
struct inner { int a; long b; };
struct outer {
  struct inner *in;
  const volatile char name[2][3];
  enum color c;
  handle_t h;
  unsigned flag : 3, more : 5;
  union { int x; long y; };
  union number n;
  struct node *next;
  int (*cb)(struct outer *, ...);
  enum big big;
};
int api(struct outer *restrict o, handle_t h) { return o->c + h + (int)o->big; }
)";

bool havePahole() { return run({"pahole", "--version"}).ExitCode == 0; }

// An object with DWARF and, after pahole -J, a .BTF section.
std::string btfObject(const TempDir &Dir, llvm::StringRef Src,
                      const std::vector<std::string> &Flags = {}) {
  std::vector<std::string> All{"-g", "-O0"};
  All.insert(All.end(), Flags.begin(), Flags.end());
  std::string Obj = compile(Dir, "t.c", Src, All, "clang");
  CommandResult R = run({"pahole", "-J", Obj});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  return Obj;
}

std::string closureText(const TypeGraph &G, llvm::StringRef Symbol) {
  auto Id = G.symbol(Symbol);
  if (!Id)
    return "<no " + Symbol.str() + ">";
  ClosureWalker W(G);
  std::string S;
  llvm::raw_string_ostream OS(S);
  printClosure(OS, G, W.closureOf(*Id));
  return OS.str();
}

std::string u32le(uint32_t V) {
  return std::string{char(V), char(V >> 8), char(V >> 16), char(V >> 24)};
}

// A header plus types and strings, as the reader expects them.
std::string section(const std::string &Types, const std::string &Strings) {
  std::string S = "\x9f\xeb\x01";
  S += '\0';
  S += u32le(24) + u32le(0) + u32le(uint32_t(Types.size())) + u32le(uint32_t(Types.size())) +
       u32le(uint32_t(Strings.size()));
  return S + Types + Strings;
}

std::string record(uint32_t Name, uint32_t Kind, uint32_t Vlen, uint32_t SizeOrType,
                   bool KindFlag = false) {
  return u32le(Name) + u32le(Kind << 24 | Vlen | (KindFlag ? 1u << 31 : 0)) + u32le(SizeOrType);
}

std::string errorOf(llvm::StringRef Bytes) {
  auto B = parseBtf("t.btf", Bytes);
  if (B)
    return "";
  return llvm::toString(B.takeError());
}

} // namespace

TEST(Btf, ReadsEveryKindPaholeWrites) {
  if (!havePahole())
    GTEST_SKIP() << "pahole (Debian package dwarves) not installed";
  TempDir Dir;
  std::string Obj = btfObject(Dir, Source);
  auto Btf = readElfBtf(Obj, readWhole(Obj));
  ASSERT_TRUE(bool(Btf)) << llvm::toString(Btf.takeError());
  const TypeGraph &G = (*Btf)->Types;

  auto Api = G.symbol("api");
  ASSERT_TRUE(Api.has_value());
  const TypeNode &Proto = G.type(G.type(*Api).Ref);
  ASSERT_EQ(Proto.Kind, TypeKind::FuncProto);
  ASSERT_EQ(G.items(G.type(*Api).Ref).size(), 2u);

  auto Outer = G.named("outer");
  ASSERT_EQ(Outer.size(), 1u);
  const TypeNode &O = G.type(Outer[0]);
  EXPECT_EQ(O.Kind, TypeKind::Struct);
  std::map<std::string, TypeItem> M;
  for (const TypeItem &It : G.items(Outer[0]))
    M[It.Name.str()] = It;
  // Bitfields: kind_flag set, offsets in bits with a width.
  EXPECT_EQ(M["flag"].BitSize, 3u);
  EXPECT_EQ(M["more"].BitSize, 5u);
  EXPECT_EQ(M["more"].Value, M["flag"].Value + 3);
  EXPECT_EQ(M["in"].Value, 0u);

  auto Color = G.named("color");
  ASSERT_EQ(Color.size(), 1u);
  auto Values = G.items(Color[0]);
  ASSERT_EQ(Values.size(), 3u);
  EXPECT_EQ(int64_t(Values[2].Value), -3);
  auto Big = G.named("big");
  ASSERT_EQ(Big.size(), 1u);
  EXPECT_EQ(G.items(Big[0])[0].Value, 0x100000000ULL); // ENUM64

  std::string Text = closureText(G, "api");
  EXPECT_NE(Text.find("struct outer {"), std::string::npos) << Text;
  EXPECT_NE(Text.find("name: char volatile const [6]"), std::string::npos) << Text;
  EXPECT_NE(Text.find("int (struct outer *, ...) *"), std::string::npos) << Text;
  EXPECT_NE(Text.find("union { @0 x: int @0 y: long }"), std::string::npos) << Text;
  EXPECT_NE(Text.find("struct node;  // declared"), std::string::npos) << Text;
}

// The same object read two ways gives the same closure text, so explanations do not depend
// on where the types came from.
TEST(Btf, AgreesWithDwarfOnTheSameObject) {
  if (!havePahole())
    GTEST_SKIP() << "pahole (Debian package dwarves) not installed";
  TempDir Dir;
  std::string Obj = btfObject(Dir, Source);
  std::string Bytes = readWhole(Obj);
  auto Btf = readElfBtf(Obj, Bytes);
  ASSERT_TRUE(bool(Btf)) << llvm::toString(Btf.takeError());
  auto Dwarf = readDwarfTypes(Obj, Bytes);
  ASSERT_TRUE(bool(Dwarf)) << llvm::toString(Dwarf.takeError());
  EXPECT_EQ(closureText((*Btf)->Types, "api"), closureText(**Dwarf, "api"));
}

TEST(Btf, SplitBtfContinuesIdsAndStrings) {
  // Base: 1 = int. Split: 2 = pointer to 1, 3 = typedef "p" (string after the base's) of 2.
  std::string BaseStrings = std::string("\0int\0", 5);
  std::string Base = section(record(1, 1, 0, 4) + u32le(32 | 1u << 24), BaseStrings);
  auto B = parseBtf("vmlinux", Base);
  ASSERT_TRUE(bool(B)) << llvm::toString(B.takeError());
  std::string SplitStrings = std::string("p\0", 2);
  std::string Split = section(record(0, 2, 0, 1) + record(5, 8, 0, 2), SplitStrings);
  auto S = parseBtf("m.ko", Split, B->get());
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  const TypeGraph &G = (*S)->Types;
  ASSERT_EQ(G.size(), 4u);
  EXPECT_EQ(G.type(1).Name, "int");
  EXPECT_EQ(G.type(3).Kind, TypeKind::Typedef);
  EXPECT_EQ(G.type(3).Name, "p");
  EXPECT_EQ(G.named("p"), std::vector<TypeId>{3});
  EXPECT_EQ(G.type(G.type(3).Ref).Ref, 1u);
}

TEST(Btf, MalformedSectionsAreOneLineErrors) {
  std::string Strings("\0int\0", 5);
  std::string Int = record(1, 1, 0, 4) + u32le(32);
  EXPECT_NE(errorOf("\x9f\xeb"), "");
  EXPECT_NE(errorOf(std::string(24, '\0')).find("bad magic"), std::string::npos);
  // A type section longer than the section.
  std::string Long = section(Int, Strings);
  Long[12] = char(200);
  EXPECT_NE(errorOf(Long).find("past the end"), std::string::npos);
  // A truncated record, a name outside the strings, a reference to a missing type,
  // an unknown kind, strings without their final NUL.
  EXPECT_NE(errorOf(section(Int.substr(0, 14), Strings)).find("truncated"), std::string::npos);
  EXPECT_NE(errorOf(section(record(99, 1, 0, 4) + u32le(32), Strings)).find("name offset"),
            std::string::npos);
  EXPECT_NE(errorOf(section(record(0, 2, 0, 7), Strings)).find("refers to type 7"),
            std::string::npos);
  EXPECT_NE(errorOf(section(record(0, 25, 0, 0), Strings)).find("unknown kind 25"),
            std::string::npos);
  EXPECT_NE(errorOf(section(Int, std::string("\0int", 4))).find("NUL"), std::string::npos);
  // A struct whose members run past the type section.
  EXPECT_NE(errorOf(section(record(0, 4, 1000, 8), Strings)).find("truncated"), std::string::npos);
  for (const std::string &E :
       {errorOf(section(record(0, 2, 0, 7), Strings)), errorOf(std::string(30, 'x'))}) {
    EXPECT_EQ(E.find('\n'), std::string::npos) << E;
    EXPECT_EQ(E.rfind("t.btf", 0), 0u) << E;
  }
}
