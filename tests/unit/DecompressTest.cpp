// Decompress: every format against the system's own compressors, our own compressors against
// the system's decompressors, and the failure modes (truncation, bombs, unsupported formats).
#include "Compression/Decompress.h"

#include "Fixture.h"

#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

// Compressible but not trivial: numbered lines with some variety, Size bytes long.
std::string sampleData(size_t Size) {
  std::string S;
  S.reserve(Size + 64);
  uint32_t X = 12345;
  for (unsigned I = 0; S.size() < Size; ++I) {
    X = X * 1103515245 + 12345;
    S += "line " + std::to_string(I) + " value " + std::to_string((X >> 16) % 1000) + "\n";
  }
  S.resize(Size);
  return S;
}

bool haveTool(llvm::StringRef Name) { return bool(llvm::sys::findProgramByName(Name)); }

// Compress Data with a system tool (args before the file name) and return its stdout.
std::string toolCompress(const TempDir &Dir, std::vector<std::string> Argv, llvm::StringRef Data) {
  Argv.push_back(Dir.write("input.bin", Data));
  CommandResult R = run(Argv);
  EXPECT_EQ(R.ExitCode, 0) << Argv[0] << ": " << R.Stderr;
  return R.Stdout;
}

std::string mustDecompress(llvm::StringRef Bytes, Compression C,
                           uint64_t Max = DefaultMaxDecompressedSize) {
  auto Out = decompress("test.bin", Bytes, C, Max);
  if (!Out) {
    ADD_FAILURE() << llvm::toString(Out.takeError());
    return {};
  }
  return std::string((*Out)->getBuffer());
}

std::string errorOf(llvm::StringRef Bytes, Compression C,
                    uint64_t Max = DefaultMaxDecompressedSize) {
  auto Out = decompress("test.bin", Bytes, C, Max);
  if (Out) {
    ADD_FAILURE() << "decompression unexpectedly succeeded";
    return {};
  }
  return llvm::toString(Out.takeError());
}

struct ToolCase {
  const char *Tool;
  std::vector<std::string> Argv;
  Compression Expected;
};

const std::vector<ToolCase> &toolCases() {
  static const std::vector<ToolCase> Cases = {
      {"gzip", {"gzip", "-c", "-n"}, Compression::Gzip},
      {"xz", {"xz", "-c", "-1"}, Compression::Xz},
      {"xz", {"xz", "-c", "-1", "--check=crc32"}, Compression::Xz},
      {"xz", {"xz", "-c", "-1", "--format=lzma"}, Compression::Lzma},
      {"zstd", {"zstd", "-q", "-c"}, Compression::Zstd},
      {"lz4", {"lz4", "-q", "-c"}, Compression::Lz4Frame},
      {"lz4", {"lz4", "-q", "-c", "-l"}, Compression::Lz4Legacy},
  };
  return Cases;
}

} // namespace

TEST(Decompress, DetectsMagics) {
  EXPECT_EQ(detectCompression("\x1f\x8b\x08rest"), Compression::Gzip);
  EXPECT_EQ(detectCompression(llvm::StringRef("\xfd"
                                              "7zXZ\0rest",
                                              10)),
            Compression::Xz);
  EXPECT_EQ(detectCompression("\x28\xb5\x2f\xfdrest"), Compression::Zstd);
  EXPECT_EQ(detectCompression("\x04\x22\x4d\x18rest"), Compression::Lz4Frame);
  EXPECT_EQ(detectCompression("\x02\x21\x4c\x18rest"), Compression::Lz4Legacy);
  EXPECT_EQ(detectCompression("BZh91AY&SY"), Compression::Bzip2);
  EXPECT_EQ(detectCompression(llvm::StringRef("\x89LZO\0\r\n\x1a\n", 9)), Compression::Lzo);
  EXPECT_EQ(detectCompression(llvm::StringRef("\x5d\0\0\x80\0", 5)), Compression::Lzma);
  EXPECT_EQ(detectCompression("\x7f"
                              "ELF"),
            Compression::None);
  EXPECT_EQ(detectCompression(""), Compression::None);
  EXPECT_EQ(detectCompression("\x1f"), Compression::None);
}

TEST(Decompress, SuffixesAndNames) {
  EXPECT_EQ(compressionForSuffix("a.ko.gz"), Compression::Gzip);
  EXPECT_EQ(compressionForSuffix("a.ko.xz"), Compression::Xz);
  EXPECT_EQ(compressionForSuffix("a.ko.zst"), Compression::Zstd);
  EXPECT_EQ(compressionForSuffix("a.ko.lz4"), Compression::Lz4Frame);
  EXPECT_EQ(compressionForSuffix("a.ko"), Compression::None);
  EXPECT_EQ(compressionName(Compression::Zstd), "zstd");
  EXPECT_EQ(compressionName(Compression::Bzip2), "bzip2");
}

TEST(Decompress, SystemToolsRoundTrip) {
  TempDir Dir;
  // Over 8 MiB so the lz4 legacy stream has more than one block.
  std::string Data = sampleData((9 << 20) + 12345);
  for (const ToolCase &T : toolCases()) {
    if (!haveTool(T.Tool)) {
      ADD_FAILURE() << T.Tool << " is not installed";
      continue;
    }
    std::string Packed = toolCompress(Dir, T.Argv, Data);
    SCOPED_TRACE(T.Argv.back());
    EXPECT_EQ(detectCompression(Packed), T.Expected);
    EXPECT_TRUE(mustDecompress(Packed, T.Expected) == Data);
    // Kernel images are followed by padding and size words: they must be ignored.
    std::string Padded = Packed + std::string(512, '\0') + "\x10\x20\x30\x40";
    EXPECT_TRUE(mustDecompress(Padded, T.Expected) == Data);
  }
}

TEST(Decompress, TruncatedStreamsAreErrors) {
  TempDir Dir;
  std::string Data = sampleData(200000);
  for (const ToolCase &T : toolCases()) {
    if (!haveTool(T.Tool))
      continue;
    SCOPED_TRACE(T.Argv.back());
    std::string Packed = toolCompress(Dir, T.Argv, Data);
    std::string Msg = errorOf(llvm::StringRef(Packed).take_front(Packed.size() / 2), T.Expected);
    EXPECT_TRUE(llvm::StringRef(Msg).starts_with("test.bin: ")) << Msg;
    EXPECT_TRUE(Msg.find("truncated") != std::string::npos ||
                Msg.find("corrupt") != std::string::npos)
        << Msg;
    // Only the magic.
    std::string Head = errorOf(llvm::StringRef(Packed).take_front(6), T.Expected);
    EXPECT_FALSE(Head.empty());
  }
}

TEST(Decompress, CorruptDataIsAnError) {
  std::string Data = sampleData(100000);
  for (Compression C : {Compression::Gzip, Compression::Xz, Compression::Zstd}) {
    SCOPED_TRACE(compressionName(C).str());
    auto Packed = compress("x", Data, C);
    ASSERT_TRUE(bool(Packed)) << llvm::toString(Packed.takeError());
    for (size_t I = Packed->size() / 3; I < Packed->size() / 3 + 16; ++I)
      (*Packed)[I] ^= 0x5a;
    std::string Msg = errorOf(*Packed, C);
    EXPECT_NE(Msg.find("test.bin: "), std::string::npos) << Msg;
  }
}

TEST(Decompress, BombIsBounded) {
  std::string Zeros(16 << 20, '\0');
  for (Compression C : {Compression::Gzip, Compression::Xz, Compression::Zstd}) {
    auto Packed = compress("x", Zeros, C);
    ASSERT_TRUE(bool(Packed)) << llvm::toString(Packed.takeError());
    EXPECT_LT(Packed->size(), 100000u);
    std::string Msg = errorOf(*Packed, C, 1 << 20);
    EXPECT_NE(Msg.find("exceeds the limit of 1048576 bytes"), std::string::npos) << Msg;
    // Exactly at the ceiling is fine.
    EXPECT_EQ(mustDecompress(*Packed, C, Zeros.size()).size(), Zeros.size());
  }
  TempDir Dir;
  for (const char *Flag : {"-l", "-9"}) {
    if (!haveTool("lz4"))
      GTEST_SKIP() << "lz4 is not installed";
    std::string Packed = toolCompress(Dir, {"lz4", "-q", "-c", Flag}, Zeros);
    std::string Msg = errorOf(Packed, detectCompression(Packed), 1 << 20);
    EXPECT_NE(Msg.find("exceeds the limit"), std::string::npos) << Msg;
  }
}

TEST(Decompress, OwnCompressorsAreDeterministicAndReadableByTools) {
  TempDir Dir;
  std::string Data = sampleData(300000);
  struct {
    Compression C;
    const char *Tool;
  } Cases[] = {{Compression::Gzip, "gzip"}, {Compression::Xz, "xz"}, {Compression::Zstd, "zstd"}};
  for (auto &T : Cases) {
    SCOPED_TRACE(T.Tool);
    auto A = compress("x", Data, T.C);
    auto B = compress("x", Data, T.C);
    ASSERT_TRUE(A && B);
    EXPECT_TRUE(*A == *B);
    EXPECT_EQ(detectCompression(*A), T.C);
    EXPECT_TRUE(mustDecompress(*A, T.C) == Data);
    if (!haveTool(T.Tool)) {
      ADD_FAILURE() << T.Tool << " is not installed";
      continue;
    }
    std::string File = Dir.write(std::string("packed.") + T.Tool, *A);
    CommandResult R = run({T.Tool, "-d", "-c", File});
    EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
    EXPECT_TRUE(R.Stdout == Data);
  }
  // The xz check is CRC32 (byte 7 of the stream header: check type 1), as kbuild writes.
  auto X = compress("x", "abc", Compression::Xz);
  ASSERT_TRUE(bool(X));
  EXPECT_EQ((*X)[7], 0x01);
  // Empty input round-trips.
  auto E = compress("x", "", Compression::Gzip);
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(mustDecompress(*E, Compression::Gzip), "");
}

TEST(Decompress, ConcatenatedGzipMembers) {
  auto A = compress("x", "hello ", Compression::Gzip);
  auto B = compress("x", "world", Compression::Gzip);
  ASSERT_TRUE(A && B);
  EXPECT_EQ(mustDecompress(*A + *B, Compression::Gzip), "hello world");
}

TEST(Decompress, UnsupportedFormatsSaySo) {
  EXPECT_EQ(errorOf("BZh91AY&SYxxxx", Compression::Bzip2),
            "test.bin: compressed with bzip2, which modver does not read");
  EXPECT_EQ(errorOf(llvm::StringRef("\x89LZO\0\r\n\x1a\nxx", 11), Compression::Lzo),
            "test.bin: compressed with lzo, which modver does not read");
  auto Bad = compress("out.lz4", "x", Compression::Lz4Frame);
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(llvm::toString(Bad.takeError()), "out.lz4: modver does not write lz4 compressed files");
}

TEST(Decompress, ReadMaybeCompressed) {
  TempDir Dir;
  std::string Data = sampleData(5000);
  auto Packed = compress("x", Data, Compression::Xz);
  ASSERT_TRUE(bool(Packed));
  std::string Plain = Dir.write("plain.ko", Data);
  std::string Xz = Dir.write("mod.ko.xz", *Packed);
  // The magic decides, not the name.
  std::string Misnamed = Dir.write("misnamed.ko", *Packed);
  for (const std::string &P : {Plain, Xz, Misnamed}) {
    auto Buf = readMaybeCompressed(P);
    ASSERT_TRUE(bool(Buf)) << llvm::toString(Buf.takeError());
    EXPECT_TRUE((*Buf)->getBuffer() == Data) << P;
  }
  auto Missing = readMaybeCompressed(Dir.file("missing.ko"));
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(llvm::toString(Missing.takeError()).find("missing.ko: "), std::string::npos);
  std::string Cut = Dir.write("cut.ko.xz", llvm::StringRef(*Packed).drop_back(20));
  auto Trunc = readMaybeCompressed(Cut);
  ASSERT_FALSE(bool(Trunc));
  EXPECT_EQ(llvm::toString(Trunc.takeError()), Cut + ": truncated xz data");
}
