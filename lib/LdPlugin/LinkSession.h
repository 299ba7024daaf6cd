// What the ld plugin learns during one link and the records it adds at the end: mkmod's
// prepare step for a link that the build runs itself.
//
// Unlike mkmod, the plugin cannot discard sections the inputs already carry: with kbuild's
// module.lds GNU ld concatenates every input's __versions into the output's. So an input that
// already has records (a foo.mod.o from modpost) must agree with the database, and only the
// records nobody carries yet are written, so that no symbol is listed twice.
//
// Independent of the plugin API, so that it can be tested without a linker.
#pragma once

#include "Database/SymbolDb.h"
#include "LdPlugin/PluginOptions.h"
#include "Module/ModuleImports.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace modver {

struct AddedRecords {
  // The versions object to add to the link (kernel section names), or nothing when the inputs
  // already carry every record.
  std::optional<std::string> Object;
  std::vector<VersionRecord> Classic;                 // what Object's __versions holds
  std::optional<std::vector<VersionRecord>> Extended; // what its extended pair holds
  std::vector<std::string> Warnings;
};

class LinkSession {
public:
  // Read one input object (Name as ld calls it, for messages). LTO objects and objects that
  // cannot be read are errors: their imports would be missing from the records.
  llvm::Error addInput(llvm::StringRef Name, llvm::StringRef Bytes);

  size_t inputCount() const { return Objects.size(); }

  // Check the inputs against Db and decide the missing records. OutputName names the module
  // in messages. Refusals, disagreeing records and (unless allowed) imports the kernel does
  // not export are errors.
  llvm::Expected<AddedRecords> finish(llvm::StringRef OutputName, const SymbolDb &Db,
                                      const LdPluginOptions &Options) const;

private:
  std::vector<std::string> Names; // Names[I] is what ld calls Objects[I]
  std::vector<ModuleImports> Objects;
};

} // namespace modver
