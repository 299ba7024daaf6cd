// Which struct, union and enum tags a kernel's header files define.
//
// genksyms does not expand a struct, union or enum that the .c file being compiled defines
// itself: the body is dropped and only "struct foo" enters the CRC, so the CRC does not move
// when a file-private type changes (modversions-facts.md §7.1). BTF cannot say where a type
// was defined, but the kernel's headers tree can: a tag that no header defines is defined in
// some source file, and genksyms never expands it.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace modver {

class HeaderTypes {
public:
  // Whether some header defines Key ("struct device", "union ktime", "enum pid_type") with
  // a body in which Members (member or enumerator names) occur, all but at most a quarter:
  // macros rename some members (#define rcu_head callback_head).
  bool defines(llvm::StringRef Key, llvm::ArrayRef<llvm::StringRef> Members = {}) const;
  size_t tags() const { return Bodies.size(); }
  size_t files() const { return Files; }

  // Add the definitions (a tag followed by a body) in one header's text. Comments, string
  // and character literals are skipped; attributes between the keyword and the tag
  // ("struct __packed foo {") are allowed. Tags made by token pasting are not seen.
  void scanText(llvm::StringRef Text);
  // Every *.h file under Dir, recursively, not following links to directories.
  llvm::Error scanDir(llvm::StringRef Dir);

private:
  // Per tag, each body's identifiers as sorted hashes.
  llvm::StringMap<std::vector<std::vector<uint64_t>>> Bodies;
  size_t Files = 0;
};

// The headers of a kernel tree or package: for each directory that has include/, its
// include/ and arch/<Arch>/include/ (Arch as in the kernel's arch/, e.g. "x86"; every arch's
// when empty), so that tools/, scripts/ and other architectures do not count; a directory
// without include/ is read whole. A directory that cannot be read is an error naming it.
llvm::Expected<HeaderTypes> scanKernelHeaders(llvm::ArrayRef<std::string> Dirs,
                                              llvm::StringRef Arch);

// The headers trees of the kernel whose image is KernelFile (…/boot/vmlinuz-<release>):
// <root>/lib/modules/<release>/source and …/build, else <root>/usr/src/linux-headers-<release>,
// <root> being the directory holding boot/. An absolute symbolic link is followed inside
// <root>, so an unpacked package tree works as well as the running system. Empty when none.
std::vector<std::string> headersBeside(llvm::StringRef KernelFile);

} // namespace modver
