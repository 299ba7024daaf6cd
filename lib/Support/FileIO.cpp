#include "Support/FileIO.h"

#include "Support/Error.h"

#include "llvm/Support/FileSystem.h"


namespace modver {

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef Path) {
  llvm::sys::fs::file_status Status;
  if (std::error_code EC = llvm::sys::fs::status(Path, Status))
    return fileError(Path, EC.message());
  if (Status.type() == llvm::sys::fs::file_type::directory_file)
    return fileError(Path, "is a directory, expected a file");
  auto Buf = llvm::MemoryBuffer::getFileOrSTDIN(Path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false);
  if (!Buf)
    return fileError(Path, Buf.getError().message());
  return std::move(*Buf);
}

} // namespace modver
