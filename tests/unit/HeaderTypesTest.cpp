// Finding the struct, union and enum tags a kernel's headers define: the lexical scan, the
// member match, which directories of a headers tree count, and finding the trees beside a
// kernel image in an unpacked package (absolute symbolic links taken inside its root).
#include "Types/HeaderTypes.h"

#include "Fixture.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

using namespace modver;
using namespace modver::test;

namespace {

HeaderTypes scanned(llvm::StringRef Text) {
  HeaderTypes H;
  H.scanText(Text);
  return H;
}

void writeFile(const std::string &Path, const std::string &Text) {
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path));
  std::ofstream(Path) << Text;
}

} // namespace

TEST(HeaderTypes, FindsDefinitionsNotDeclarationsOrUses) {
  HeaderTypes H = scanned("struct a;\n"
                          "struct b { int x; };\n"
                          "struct c *f(struct a *p);\n"
                          "union u\n{\n  long l;\n};\n"
                          "enum e { E1, E2 = 4 };\n"
                          "typedef struct t { int y; } t_t;\n"
                          "struct { int anonymous; } v;\n");
  EXPECT_FALSE(H.defines("struct a"));
  EXPECT_TRUE(H.defines("struct b"));
  EXPECT_FALSE(H.defines("struct c"));
  EXPECT_TRUE(H.defines("union u"));
  EXPECT_TRUE(H.defines("enum e"));
  EXPECT_TRUE(H.defines("struct t"));
  EXPECT_FALSE(H.defines("struct b", {"x", "nope", "nada"}));
  EXPECT_TRUE(H.defines("enum e", {"E1", "E2"}));
  EXPECT_EQ(H.tags(), 4u); // b, u, e, t
}

TEST(HeaderTypes, SkipsCommentsAndLiteralsAndAllowsAttributes) {
  HeaderTypes H = scanned("/* struct in_comment { int x; }; */\n"
                          "// struct in_line_comment { int x; };\n"
                          "const char *s = \"struct in_string { int x; }\";\n"
                          "struct __packed packed_one { char c; };\n"
                          "struct __attribute__((aligned(8))) aligned_one { char c; };\n"
                          "struct __aligned(4) macro_aligned { char c; };\n"
                          "#define DEFINE_IT(n) struct n##_pasted { int x; }\n"
                          "#define LITERAL struct from_macro { int \\\n  y; }\n");
  EXPECT_FALSE(H.defines("struct in_comment"));
  EXPECT_FALSE(H.defines("struct in_line_comment"));
  EXPECT_FALSE(H.defines("struct in_string"));
  EXPECT_TRUE(H.defines("struct packed_one", {"c"}));
  EXPECT_TRUE(H.defines("struct aligned_one", {"c"}));
  EXPECT_TRUE(H.defines("struct macro_aligned", {"c"}));
  EXPECT_TRUE(H.defines("struct from_macro", {"y"}));
  EXPECT_FALSE(H.defines("struct n"));
}

TEST(HeaderTypes, NestedAndAnonymousMembersBelongToTheOuterBody) {
  HeaderTypes H = scanned("struct outer {\n"
                          "  union { int i; struct inner { long deep; } in; };\n"
                          "  struct { int a, b; } pair;\n"
                          "  int tail;\n"
                          "};\n");
  EXPECT_TRUE(H.defines("struct outer", {"", "pair", "tail", "i"}));
  EXPECT_TRUE(H.defines("struct inner", {"deep"}));
}

TEST(HeaderTypes, ToleratesAQuarterOfMembersRenamedByMacros) {
  // #define rcu_head callback_head: BTF says callback_head where the header says rcu_head.
  HeaderTypes H = scanned("struct q { int a; int b; int c; struct rcu_head rcu_head; };\n"
                          "struct clk { struct list_head node; struct clk *parent; };\n");
  EXPECT_TRUE(H.defines("struct q", {"a", "b", "c", "callback_head"}));
  EXPECT_FALSE(H.defines("struct q", {"a", "b", "x", "callback_head"}));
  EXPECT_FALSE(H.defines("struct clk", {"core", "dev", "dev_id", "con_id"}));
}

TEST(HeaderTypes, SeveralDefinitionsOfOneTag) {
  HeaderTypes H = scanned("#ifdef A\nstruct s { int a; };\n#else\nstruct s { long b; };\n#endif\n");
  EXPECT_TRUE(H.defines("struct s", {"a"}));
  EXPECT_TRUE(H.defines("struct s", {"b"}));
  EXPECT_FALSE(H.defines("struct s", {"c"}));
}

TEST(HeaderTypes, ReadsIncludeAndOwnArchOnlyOfAKernelTree) {
  TempDir Dir;
  std::string Tree = Dir.path() + "/linux";
  writeFile(Tree + "/include/linux/a.h", "struct generic { int x; };");
  writeFile(Tree + "/arch/x86/include/asm/b.h", "struct on_x86 { int x; };");
  writeFile(Tree + "/arch/arm64/include/asm/c.h", "struct on_arm64 { int x; };");
  writeFile(Tree + "/tools/include/d.h", "struct in_tools { int x; };");
  writeFile(Tree + "/include/linux/e.c", "struct in_c_file { int x; };");
  auto H = scanKernelHeaders({Tree}, "x86");
  ASSERT_TRUE(bool(H)) << llvm::toString(H.takeError());
  EXPECT_TRUE(H->defines("struct generic"));
  EXPECT_TRUE(H->defines("struct on_x86"));
  EXPECT_FALSE(H->defines("struct on_arm64"));
  EXPECT_FALSE(H->defines("struct in_tools"));
  EXPECT_FALSE(H->defines("struct in_c_file"));
  EXPECT_EQ(H->files(), 2u);
  // Any architecture when none is known; a directory without include/ is read whole.
  auto Any = scanKernelHeaders({Tree}, "");
  ASSERT_TRUE(bool(Any));
  EXPECT_TRUE(Any->defines("struct on_arm64"));
  auto Plain = scanKernelHeaders({Tree + "/tools"}, "x86");
  ASSERT_TRUE(bool(Plain));
  EXPECT_TRUE(Plain->defines("struct in_tools"));
}

TEST(HeaderTypes, MissingDirectoryIsAnErrorNamingIt) {
  auto H = scanKernelHeaders({"/nonexistent/headers"}, "x86");
  ASSERT_FALSE(bool(H));
  std::string Msg = llvm::toString(H.takeError());
  EXPECT_NE(Msg.find("/nonexistent/headers"), std::string::npos) << Msg;
}

// An unpacked Debian package: boot/vmlinuz-R, lib/modules/R/{source,build} as absolute links
// meant from the package root, usr/src/linux-headers-R{,-common}.
TEST(HeaderTypes, FindsHeadersBesideAnImageInAnUnpackedTree) {
  TempDir Dir;
  std::string Root = Dir.path();
  std::string R = "6.1.0-99-amd64";
  writeFile(Root + "/boot/vmlinuz-" + R, "not really a kernel");
  writeFile(Root + "/usr/src/linux-headers-6.1.0-99-common/include/linux/a.h", "");
  writeFile(Root + "/usr/src/linux-headers-" + R + "/Makefile",
            "include /usr/src/linux-headers-6.1.0-99-common/Makefile\n");
  llvm::sys::fs::create_directories(Root + "/lib/modules/" + R);
  ASSERT_EQ(::symlink("/usr/src/linux-headers-6.1.0-99-common",
                      (Root + "/lib/modules/" + R + "/source").c_str()),
            0);
  ASSERT_EQ(::symlink(("/usr/src/linux-headers-" + R).c_str(),
                      (Root + "/lib/modules/" + R + "/build").c_str()),
            0);
  std::vector<std::string> Dirs = headersBeside(Root + "/boot/vmlinuz-" + R);
  ASSERT_EQ(Dirs.size(), 2u);
  EXPECT_NE(Dirs[0].find("linux-headers-6.1.0-99-common"), std::string::npos) << Dirs[0];
  EXPECT_NE(Dirs[1].find("linux-headers-" + R), std::string::npos) << Dirs[1];

  // Without lib/modules, the flavour tree and the common tree its Makefile includes.
  llvm::sys::fs::remove_directories(Root + "/lib");
  Dirs = headersBeside(Root + "/boot/vmlinuz-" + R);
  ASSERT_EQ(Dirs.size(), 2u);
  EXPECT_NE(Dirs[1].find("linux-headers-6.1.0-99-common"), std::string::npos) << Dirs[1];

  // Not an image in a boot/ directory, or no headers: nothing.
  EXPECT_TRUE(headersBeside(Root + "/vmlinuz-" + R).empty());
  llvm::sys::fs::remove_directories(Root + "/usr");
  EXPECT_TRUE(headersBeside(Root + "/boot/vmlinuz-" + R).empty());
}
