#include "Database/Symvers.h"

#include "Fixture.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace modver;

namespace {

// Expect Text to be refused with exactly Message.
void expectError(llvm::StringRef Text, llvm::StringRef Message) {
  auto Db = readSymvers("Module.symvers", Text);
  ASSERT_FALSE(bool(Db)) << "accepted: " << Text.str();
  EXPECT_EQ(llvm::toString(Db.takeError()), Message.str());
}

const char Canonical[] =
    "0x12345678\tdrm_foo\tdrivers/gpu/drm/drm\tEXPORT_SYMBOL_GPL\t\n"
    "0x0000abcd\tkfree\tvmlinux\tEXPORT_SYMBOL\t\n"
    "0xdeadbeef\tusb_stor_bar\tdrivers/usb/storage/usb-storage\tEXPORT_SYMBOL_GPL\tUSB_STORAGE\n";

} // namespace

TEST(Symvers, ParsesEveryField) {
  auto Db = readSymvers("syms", Canonical);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  ASSERT_EQ(Db->size(), 3u);
  const Export *E = Db->find("usb_stor_bar");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->Crc, 0xdeadbeefu);
  EXPECT_TRUE(E->HasCrc);
  EXPECT_TRUE(E->GplOnly);
  EXPECT_EQ(E->Exporter, "drivers/usb/storage/usb-storage");
  EXPECT_EQ(E->Namespace, "USB_STORAGE");
  EXPECT_EQ(E->Source, "syms");
  EXPECT_FALSE(Db->find("kfree")->GplOnly);
  EXPECT_EQ(Db->find("kfree")->Crc, 0xabcdu);
}

TEST(Symvers, WriterReproducesCanonicalFile) {
  auto Db = readSymvers("syms", Canonical);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeSymvers(OS, *Db);
  EXPECT_EQ(OS.str(), Canonical);
}

TEST(Symvers, WriterSortsByName) {
  auto Db = readSymvers("syms", "0x1\tb\tvmlinux\tEXPORT_SYMBOL\t\n"
                                "0x2\ta\tvmlinux\tEXPORT_SYMBOL\t\n");
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeSymvers(OS, *Db);
  EXPECT_EQ(OS.str(), "0x00000002\ta\tvmlinux\tEXPORT_SYMBOL\t\n"
                      "0x00000001\tb\tvmlinux\tEXPORT_SYMBOL\t\n");
}

TEST(Symvers, LastLineWithoutNewlineAndEmptyFile) {
  auto Db = readSymvers("s", "0x1\ta\tvmlinux\tEXPORT_SYMBOL\t");
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_EQ(Db->size(), 1u);
  auto Empty = readSymvers("s", "");
  ASSERT_TRUE(bool(Empty));
  EXPECT_TRUE(Empty->empty());
}

// modpost's read_dump would take "NS\textra" as the namespace; no namespace holds a TAB, so
// such a line is damage and is refused (issue 16).
TEST(Symvers, SixthFieldIsRefused) {
  auto Db = readSymvers("s", "0x1\ta\tvmlinux\tEXPORT_SYMBOL\tNS\textra\n");
  ASSERT_FALSE(bool(Db));
  EXPECT_EQ(llvm::toString(Db.takeError()), "s:1: expected 5 tab-separated fields, found 6");
}

TEST(Symvers, CrcForms) {
  auto Db = readSymvers("s", "abc\ta\tvmlinux\tEXPORT_SYMBOL\t\n"
                             "0XFFFFFFFF\tb\tvmlinux\tEXPORT_SYMBOL\t\n");
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_EQ(Db->find("a")->Crc, 0xabcu);
  EXPECT_EQ(Db->find("b")->Crc, 0xffffffffu);
}

TEST(Symvers, AllZeroCrcsMeanNoModversions) {
  auto Db = readSymvers("s", "0x00000000\ta\tvmlinux\tEXPORT_SYMBOL\t\n"
                             "0x00000000\tb\tvmlinux\tEXPORT_SYMBOL_GPL\t\n");
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_FALSE(Db->find("a")->HasCrc);
  EXPECT_FALSE(Db->find("b")->HasCrc);
  // One real CRC: a zero next to it is a real (if unlikely) CRC.
  auto Mixed = readSymvers("s", "0x00000000\ta\tvmlinux\tEXPORT_SYMBOL\t\n"
                                "0x00000001\tb\tvmlinux\tEXPORT_SYMBOL\t\n");
  ASSERT_TRUE(bool(Mixed));
  EXPECT_TRUE(Mixed->find("a")->HasCrc);
}

TEST(Symvers, TooFewFields) {
  expectError("0x1\ta\tvmlinux\n", "Module.symvers:1: expected 5 tab-separated fields, found 3");
  expectError("0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\n0x1 b vmlinux EXPORT_SYMBOL\n",
              "Module.symvers:2: expected 5 tab-separated fields, found 1");
}

TEST(Symvers, EmptyLineInTheMiddle) {
  expectError("0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\n\n0x2\tb\tvmlinux\tEXPORT_SYMBOL\t\n",
              "Module.symvers:2: expected 5 tab-separated fields, found 1");
}

TEST(Symvers, BadCrc) {
  expectError("xyz\ta\tvmlinux\tEXPORT_SYMBOL\t\n", "Module.symvers:1: bad CRC 'xyz'");
  expectError("\ta\tvmlinux\tEXPORT_SYMBOL\t\n", "Module.symvers:1: bad CRC ''");
  expectError("0x12g\ta\tvmlinux\tEXPORT_SYMBOL\t\n", "Module.symvers:1: bad CRC '0x12g'");
  expectError("0x123456789\ta\tvmlinux\tEXPORT_SYMBOL\t\n",
              "Module.symvers:1: bad CRC '0x123456789'");
  expectError(" 0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\n", "Module.symvers:1: bad CRC ' 0x1'");
}

TEST(Symvers, EmptySymbolOrModule) {
  expectError("0x1\t\tvmlinux\tEXPORT_SYMBOL\t\n", "Module.symvers:1: empty symbol name");
  expectError("0x1\ta\t\tEXPORT_SYMBOL\t\n", "Module.symvers:1: empty module name for symbol 'a'");
}

TEST(Symvers, UnknownExportType) {
  expectError("0x1\ta\tvmlinux\tFOO\t\n", "Module.symvers:1: unknown export type 'FOO'");
  // The 5.4-era layout had the namespace third: the export type is then in the wrong column.
  expectError("0x1\ta\tvmlinux\tNS\tEXPORT_SYMBOL\n", "Module.symvers:1: unknown export type 'NS'");
}

TEST(Symvers, DuplicateNamesBothLines) {
  expectError("0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\n"
              "0x2\tb\tvmlinux\tEXPORT_SYMBOL\t\n"
              "0x1\ta\tfs/foo\tEXPORT_SYMBOL\t\n",
              "Module.symvers:3: symbol 'a' is listed twice (first at line 1)");
}

TEST(Symvers, ReadsPlainAndGzipFiles) {
  test::TempDir Dir;
  std::string Plain = Dir.write("symvers-6.1.0-test", Canonical);
  auto Db = readSymversFile(Plain);
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_EQ(Db->size(), 3u);
  EXPECT_EQ(Db->find("kfree")->Source, Plain);

  test::CommandResult R = test::run({"gzip", "-n", "-k", Plain});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  std::string Gz = Plain + ".gz";
  auto Zdb = readSymversFile(Gz);
  ASSERT_TRUE(bool(Zdb)) << llvm::toString(Zdb.takeError());
  EXPECT_EQ(Zdb->size(), 3u);
  EXPECT_EQ(Zdb->find("drm_foo")->Crc, 0x12345678u);
  EXPECT_EQ(Zdb->find("drm_foo")->Source, Gz);
}

TEST(Symvers, MissingFileNamesIt) {
  auto Db = readSymversFile("/nonexistent/Module.symvers");
  ASSERT_FALSE(bool(Db));
  EXPECT_NE(llvm::toString(Db.takeError()).find("/nonexistent/Module.symvers"), std::string::npos);
}
