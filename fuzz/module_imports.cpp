// readModuleImports: section headers, symbol table, .modinfo and the version sections.
#include "FuzzCommon.h"
#include "Module/ModuleImports.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  consume(modver::readModuleImports(FuzzFileName, bytes(Data, Size)));
  return 0;
}
