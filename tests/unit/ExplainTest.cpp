// Explanations of known type edits, on types made at test time: the same C file compiled
// twice (`clang -g -c`, with and without one edit), read as DWARF and as BTF (`pahole -J`).
// Each edit must be found, named, and described; a symbol the edit does not reach must not.
#include "Explain/Explain.h"
#include "Types/Btf.h"
#include "Types/DwarfTypes.h"
#include "Types/HeaderTypes.h"

#include "Fixture.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

const char *Source = R"(
#ifdef ENUM_VALUE
enum color { RED, GREEN, BLUE = 7 };
#else
enum color { RED, GREEN, BLUE };
#endif
#ifdef TYPEDEF
typedef int handle_t; // same size: only the typedef changes
#else
typedef unsigned int handle_t;
#endif
struct inner {
  int a;
#ifdef RETYPED
  int b;
#else
  long b;
#endif
#ifdef ADDED
  int added;
#endif
};
struct outer { struct inner *in; enum color c; handle_t h; };
#ifdef PROTO
int api(struct outer *o, long h) { return o->c + h; }
#else
int api(struct outer *o, handle_t h) { return o->c + h; }
#endif
int unrelated(int x) { return x; }
)";

enum class From { Dwarf, Btf };

struct Pair {
  std::unique_ptr<TypeGraph> DwarfOld, DwarfNew;
  std::unique_ptr<BtfTypes> BtfOld, BtfNew;
  const TypeGraph *Old = nullptr, *New = nullptr;
};

std::unique_ptr<TypeGraph> dwarfOf(const std::string &Obj) {
  auto G = readDwarfTypes(Obj, readWhole(Obj));
  if (!G) {
    ADD_FAILURE() << llvm::toString(G.takeError());
    return nullptr;
  }
  return std::move(*G);
}

std::unique_ptr<BtfTypes> btfOf(const std::string &Obj) {
  CommandResult R = run({"pahole", "-J", Obj});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  auto B = readElfBtf(Obj, readWhole(Obj));
  if (!B) {
    ADD_FAILURE() << llvm::toString(B.takeError());
    return nullptr;
  }
  return std::move(*B);
}

class ExplainEdits : public ::testing::TestWithParam<From> {
protected:
  void SetUp() override {
    if (GetParam() == From::Btf && run({"pahole", "--version"}).ExitCode != 0)
      GTEST_SKIP() << "pahole (Debian package dwarves) not installed";
  }

  // Old: the plain source; new: with -D<Edit>.
  Explanation explainEdit(const std::string &Edit, llvm::StringRef Symbol = "api") {
    std::string Old = compile(Dir, "old.c", Source, {"-g", "-O0"}, "clang");
    std::string New =
        compile(Dir, "new-" + Edit + ".c", Source, {"-g", "-O0", "-D" + Edit}, "clang");
    P = Pair();
    if (GetParam() == From::Dwarf) {
      P.DwarfOld = dwarfOf(Old);
      P.DwarfNew = dwarfOf(New);
      P.Old = P.DwarfOld.get();
      P.New = P.DwarfNew.get();
    } else {
      P.BtfOld = btfOf(Old);
      P.BtfNew = btfOf(New);
      P.Old = P.BtfOld ? &P.BtfOld->Types : nullptr;
      P.New = P.BtfNew ? &P.BtfNew->Types : nullptr;
    }
    if (!P.Old || !P.New)
      return {};
    return Explainer(*P.Old, *P.New, Headers, Headers).explain(Symbol);
  }

  static std::string text(const Explanation &E) {
    std::string S;
    llvm::raw_string_ostream OS(S);
    printExplanation(OS, E, "");
    return OS.str();
  }

  TempDir Dir;
  Pair P;
  const HeaderTypes *Headers = nullptr; // the same "kernel headers" for both sides
};

} // namespace

TEST_P(ExplainEdits, MemberAdded) {
  Explanation E = explainEdit("ADDED");
  ASSERT_EQ(E.Result, Explanation::Explained) << text(E);
  ASSERT_EQ(E.Types.size(), 1u) << text(E);
  EXPECT_EQ(E.Types[0].Type, "struct inner");
  EXPECT_NE(text(E).find("struct inner: member 'added' added at offset 16 (int)"),
            std::string::npos)
      << text(E);
  EXPECT_NE(text(E).find("size 16 -> 24"), std::string::npos) << text(E);
}

TEST_P(ExplainEdits, MemberRetyped) {
  Explanation E = explainEdit("RETYPED");
  ASSERT_EQ(E.Types.size(), 1u) << text(E);
  EXPECT_NE(text(E).find("struct inner: member 'b' retyped: long -> int"), std::string::npos)
      << text(E);
  EXPECT_NE(text(E).find("member 'b' moved: offset 8 -> offset 4"), std::string::npos) << text(E);
}

TEST_P(ExplainEdits, EnumValueChanged) {
  Explanation E = explainEdit("ENUM_VALUE");
  ASSERT_EQ(E.Types.size(), 1u) << text(E);
  EXPECT_NE(text(E).find("enum color: enumerator 'BLUE' value 2 -> 7"), std::string::npos)
      << text(E);
}

TEST_P(ExplainEdits, TypedefChanged) {
  Explanation E = explainEdit("TYPEDEF");
  ASSERT_EQ(E.Types.size(), 1u) << text(E);
  EXPECT_NE(text(E).find("typedef handle_t: now int (was unsigned int)"), std::string::npos)
      << text(E);
}

TEST_P(ExplainEdits, PrototypeParameterChanged) {
  Explanation E = explainEdit("PROTO");
  ASSERT_EQ(E.Result, Explanation::Explained) << text(E);
  EXPECT_NE(text(E).find("api: parameter 2 ('h') type handle_t -> long"), std::string::npos)
      << text(E);
}

TEST_P(ExplainEdits, UnreachedSymbolShowsNoDifference) {
  Explanation E = explainEdit("ADDED", "unrelated");
  EXPECT_EQ(E.Result, Explanation::NoDifference) << text(E);
  EXPECT_NE(text(E).find("no difference visible in BTF types"), std::string::npos);
  llvm::json::Value J = explanationJson(E);
  EXPECT_EQ(*J.getAsObject()->getString("status"), "no-difference");
}

// genksyms does not expand a type the compiled .c file defines: with headers that define
// struct outer and enum color but not struct inner, a change to inner moves no CRC.
TEST_P(ExplainEdits, TypeNoHeaderDefinesIsOpaque) {
  HeaderTypes H;
  H.scanText("struct outer { struct inner *in; enum color c; handle_t h; };\n"
             "enum color { RED, GREEN, BLUE };\n");
  Headers = &H;
  Explanation E = explainEdit("ADDED");
  EXPECT_EQ(E.Result, Explanation::NoDifference) << text(E);
  // Not counted, but named as the suspect: a private header might define it.
  EXPECT_EQ(E.OpaqueSuspects, std::vector<std::string>{"struct inner"});
  EXPECT_NE(text(E).find("differences lie behind types no header defines"), std::string::npos)
      << text(E);
  // The same edit in a type the headers define is found.
  E = explainEdit("ENUM_VALUE");
  ASSERT_EQ(E.Result, Explanation::Explained) << text(E);
  EXPECT_EQ(E.Types[0].Type, "enum color");
}

// A header defining another type under the same tag (include/linux/sh_clk.h's struct clk is
// not drivers/clk/clk.c's) does not make the compiled type public.
TEST_P(ExplainEdits, SameTagWithOtherMembersStaysOpaque) {
  HeaderTypes Unrelated, Same;
  const char *Outer = "struct outer { struct inner *in; enum color c; handle_t h; };\n";
  Unrelated.scanText(std::string(Outer) + "struct inner { void *other; int fields; };");
  Same.scanText(std::string(Outer) + "struct inner { int a; long b; };");
  Headers = &Unrelated;
  EXPECT_EQ(explainEdit("ADDED").Result, Explanation::NoDifference);
  Headers = &Same;
  Explanation E = explainEdit("ADDED");
  ASSERT_EQ(E.Result, Explanation::Explained) << text(E);
  EXPECT_EQ(E.Types[0].Type, "struct inner");
}

TEST_P(ExplainEdits, UnknownSymbolIsSaid) {
  Explanation E = explainEdit("ADDED", "nonexistent");
  EXPECT_EQ(E.Result, Explanation::NoOldTypes);
}

INSTANTIATE_TEST_SUITE_P(Sources, ExplainEdits, ::testing::Values(From::Dwarf, From::Btf),
                         [](const auto &Info) {
                           return Info.param == From::Dwarf ? "Dwarf" : "Btf";
                         });
