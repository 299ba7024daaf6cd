// Reading an input: the one door every file a tool reads goes through.
//
// Only regular files are read (and "-", standard input). A FIFO would block the open forever,
// /dev/zero or /dev/urandom would grow a buffer until memory runs out, a tape or a terminal
// has side effects: such a path is refused with one line naming it, before a byte is read.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace modver {

// Standard input cannot be mapped: every byte read from it is memory. Whatever an input's own
// limit, "-" takes at most this much (a Module.symvers is a few MiB, a stripped vmlinux under
// 64 MiB); a larger input is given as a file.
inline constexpr uint64_t MaxStdinSize = uint64_t(256) << 20;

// Read the whole regular file at Path ("-": standard input). A missing or unreadable path, a
// directory, a FIFO, a device or a socket is an error "PATH: why"; so is a file larger than
// MaxSize (checked before reading). Standard input is read until it passes
// min(MaxSize, MaxStdinSize), then refused without reading the rest.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readInputFile(llvm::StringRef Path,
                                                                  uint64_t MaxSize = UINT64_MAX);

// The same check without reading: success when Path names a regular file that can be opened
// for reading. For inputs handed to another program (an external linker).
llvm::Error checkInputFile(llvm::StringRef Path);

// Refuse to write Output when it is one of Inputs: the same file through another name, a
// symbolic link or a hard link too (device and inode are compared). "-" (standard output) and
// an output that does not exist yet are never an input. The message names Output and the
// input it is.
llvm::Error checkOutputIsNotAnInput(llvm::StringRef Output, llvm::ArrayRef<std::string> Inputs);

} // namespace modver
