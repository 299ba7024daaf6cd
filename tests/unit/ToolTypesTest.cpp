// `modversions --types` and `--headers` through the real tool, on an object compiled at test
// time with -g: the closure text, types no header defines left unexpanded, the errors.
#include "Fixture.h"

#include <gtest/gtest.h>

using namespace modver::test;

namespace {

const char *Source = R"(
struct priv { int secret; };              /* as if defined in the .c file */
struct pub { struct priv *p; long n; };   /* as if defined in a header */
int api(struct pub *x) { return x->n; }
)";

class ToolTypes : public ::testing::Test {
protected:
  void SetUp() override { Obj = compile(Dir, "api.c", Source, {"-g", "-O0"}); }
  TempDir Dir;
  std::string Obj;
};

} // namespace

TEST_F(ToolTypes, PrintsTheClosureExpandedByName) {
  CommandResult R = run({toolPath("modversions"), "--types", Obj, "api"});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_NE(R.Stdout.find("func api: int (x: struct pub *)"), std::string::npos) << R.Stdout;
  EXPECT_NE(R.Stdout.find("struct pub {"), std::string::npos) << R.Stdout;
  EXPECT_NE(R.Stdout.find("struct priv {"), std::string::npos) << R.Stdout;
  EXPECT_NE(R.Stdout.find("secret: int"), std::string::npos) << R.Stdout;
}

TEST_F(ToolTypes, TypesNoHeaderDefinesAreNotExpanded) {
  TempDir Headers;
  Headers.write("pub.h", "struct pub { struct priv *p; long n; };\n");
  CommandResult R =
      run({toolPath("modversions"), "--types", Obj, "api", "--headers", Headers.path()});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_NE(R.Stdout.find("struct pub {"), std::string::npos) << R.Stdout;
  EXPECT_EQ(R.Stdout.find("secret"), std::string::npos) << R.Stdout;
  EXPECT_NE(R.Stdout.find("struct priv  // no header defines it: not expanded"), std::string::npos)
      << R.Stdout;
}

TEST_F(ToolTypes, MissingHeadersDirectoryIsAnError) {
  CommandResult R =
      run({toolPath("modversions"), "--types", Obj, "api", "--headers", Dir.file("none")});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Stderr.find(Dir.file("none")), std::string::npos) << R.Stderr;
  EXPECT_TRUE(R.Stdout.empty()) << R.Stdout;
}

TEST_F(ToolTypes, UnknownSymbolIsAnErrorNamingIt) {
  CommandResult R = run({toolPath("modversions"), "--types", Obj, "api", "no_such_symbol"});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Stderr.find("no_such_symbol"), std::string::npos) << R.Stderr;
  EXPECT_NE(R.Stdout.find("func api"), std::string::npos) << R.Stdout;
}

TEST(ToolExplain, ExplainHeadersTakesTwoDirectories) {
  CommandResult R =
      run({toolPath("modcheck"), "--diff", "a", "b", "--explain", "--explain-headers", "only-one"});
  EXPECT_EQ(R.ExitCode, 64) << R.Stderr;
}

TEST(ToolExplain, ExplainWithoutOldKernelIsAUsageError) {
  TempDir Dir;
  std::string Ko = Dir.write("m.ko", "");
  CommandResult R = run({toolPath("modcheck"), "--explain", "-k", "/nonexistent", Ko});
  EXPECT_EQ(R.ExitCode, 64) << R.Stderr;
  EXPECT_NE(R.Stderr.find("--explain-from"), std::string::npos) << R.Stderr;
}

// Options taking two values stop there: modules may follow (the README's
// `modcheck --diff old/Module.symvers new/Module.symvers extra/*.ko`).
TEST(ToolExplain, ModulesMayFollowTheTwoValueOptions) {
  TempDir Dir;
  std::string Old = Dir.write("old.symvers", "0x12345678\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n");
  std::string New = Dir.write("new.symvers", "0x9abcdef0\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n");
  std::string Missing = Dir.file("missing.ko");
  CommandResult R = run({toolPath("modcheck"), "--diff", Old, New, Missing});
  // The module is read (and reported unreadable), not taken for a third kernel.
  EXPECT_EQ(R.ExitCode, 2) << R.Stderr;
  EXPECT_NE(R.Stdout.find(Missing + ": unreadable"), std::string::npos) << R.Stdout;
  R = run({toolPath("modcheck"), "--diff", Old, New, "--explain-headers", Dir.path(), Dir.path(),
           Missing});
  EXPECT_EQ(R.ExitCode, 2) << R.Stderr;
  EXPECT_NE(R.Stdout.find(Missing + ": unreadable"), std::string::npos) << R.Stdout;
  R = run({toolPath("modcheck"), "--diff", Old, New});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_NE(R.Stdout.find("1 changed"), std::string::npos) << R.Stdout;
}
