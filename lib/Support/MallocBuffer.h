// A MemoryBuffer over malloc'd bytes, handed over without a copy: what a reader that grows its
// storage with realloc (decompression, standard input) returns.
#pragma once

#include "llvm/Support/MemoryBuffer.h"

#include <cstdlib>
#include <string>

namespace modver {

class MallocBuffer : public llvm::MemoryBuffer {
public:
  // Takes ownership of Data (from malloc/realloc; freed with free).
  MallocBuffer(char *Data, size_t Size, llvm::StringRef Name) : Data(Data), Name(Name.str()) {
    init(Data, Data + Size, /*RequiresNullTerminator=*/false);
  }
  ~MallocBuffer() override { std::free(Data); }
  llvm::StringRef getBufferIdentifier() const override { return Name; }
  BufferKind getBufferKind() const override { return MemoryBuffer_Malloc; }

private:
  char *Data;
  std::string Name;
};

} // namespace modver
