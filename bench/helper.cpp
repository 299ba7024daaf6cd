// bench/helper: two floors for bench/run, built against lib/ (libmodver.a).
//   helper versions [-jN] MOD|DIR...  read the __versions of every module, nothing else: the
//       same file reading and ELF parsing modcheck does per module (readMaybeCompressed +
//       readVersionTables), without a kernel, a symbol database or a verdict.
//       Prints "<modules> <records>".
//   helper decompress VMLINUZ          only find and decompress the ELF vmlinux inside the
//       image (readKernelElf), as modversions/modcheck do first. Prints its size.
//   helper btf VMLINUX                 read and index the .BTF of an ELF vmlinux (readElfBtf),
//       what --explain and --types do per kernel once it is decompressed. Prints the types.
//   helper headers DIR...              scan a kernel's headers trees for the tags they define
//       (scanKernelHeaders, arch x86), what --explain does per kernel. Prints files and tags.
#include "Check/CheckRun.h"
#include "Compression/Decompress.h"
#include "Kernel/KernelImage.h"
#include "Module/VersionsSection.h"
#include "Support/Batch.h"
#include "Types/Btf.h"
#include "Types/HeaderTypes.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace modver;

int main(int Argc, char **Argv) {
  if (Argc == 3 && !std::strcmp(Argv[1], "decompress")) {
    auto Elf = readKernelElf(Argv[2]);
    if (!Elf) {
      llvm::consumeError(Elf.takeError());
      return 2;
    }
    std::printf("%zu\n", (*Elf)->getBufferSize());
    return 0;
  }
  if (Argc == 3 && !std::strcmp(Argv[1], "btf")) {
    auto Bytes = readMaybeCompressed(Argv[2]);
    if (!Bytes) {
      llvm::consumeError(Bytes.takeError());
      return 2;
    }
    auto Btf = readElfBtf(Argv[2], (*Bytes)->getBuffer());
    if (!Btf) {
      llvm::consumeError(Btf.takeError());
      return 2;
    }
    std::printf("%u\n", (*Btf)->Types.size());
    return 0;
  }
  if (Argc >= 3 && !std::strcmp(Argv[1], "headers")) {
    auto H = scanKernelHeaders(std::vector<std::string>(Argv + 2, Argv + Argc), "x86");
    if (!H) {
      llvm::consumeError(H.takeError());
      return 2;
    }
    std::printf("%zu %zu\n", H->files(), H->tags());
    return 0;
  }
  if (Argc < 2 || std::strcmp(Argv[1], "versions")) {
    std::fprintf(stderr, "usage: helper versions [-jN] MOD|DIR... | helper decompress VMLINUZ"
                         " | helper btf VMLINUX | helper headers DIR...\n");
    return 2;
  }
  BatchOptions B;
  std::vector<std::string> Args;
  for (int I = 2; I < Argc; ++I) {
    if (!std::strncmp(Argv[I], "-j", 2))
      B.Threads = std::atoi(Argv[I] + 2);
    else
      Args.push_back(Argv[I]);
  }
  auto Paths = collectModulePaths(Args);
  if (!Paths) {
    llvm::consumeError(Paths.takeError());
    return 2;
  }
  auto Counts = mapIndices(
      Paths->size(),
      [&](size_t I) -> size_t {
        auto Buf = readMaybeCompressed((*Paths)[I]);
        if (!Buf) {
          llvm::consumeError(Buf.takeError());
          return 0;
        }
        auto T = readVersionTables((*Paths)[I], (*Buf)->getBuffer());
        if (!T) {
          llvm::consumeError(T.takeError());
          return 0;
        }
        auto *R = T->effective();
        return R ? R->size() : 0;
      },
      B);
  size_t Total = 0;
  for (size_t C : Counts)
    Total += C;
  std::printf("%zu %zu\n", Paths->size(), Total);
  return 0;
}
