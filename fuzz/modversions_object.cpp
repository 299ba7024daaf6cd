// readModversionsObject: records and .modver.db metadata, cross-checked.
#include "FuzzCommon.h"
#include "Versioning/ModversionsObject.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  llvm::StringRef In = bytes(Data, Size);
  (void)modver::isModversionsObject(In);
  consume(modver::readModversionsObject(FuzzFileName, In));
  return 0;
}
