#include "Database/DbDump.h"

#include "Database/Symvers.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace modver {

void printDbTable(llvm::raw_ostream &OS, const SymbolDb &Db) { writeSymvers(OS, Db); }

static std::string hex32(uint32_t V) {
  std::string S;
  llvm::raw_string_ostream(S) << llvm::format_hex(V, 10);
  return S;
}

void printDbJson(llvm::raw_ostream &OS, const SymbolDb &Db) {
  const KernelInfo &K = Db.kernel();
  llvm::json::Array Exports;
  for (const Export *E : Db.sorted()) {
    llvm::json::Object O{
        {"symbol", E->Name},       {"crc", E->HasCrc ? llvm::json::Value(hex32(E->Crc)) : nullptr},
        {"gpl_only", E->GplOnly},  {"namespace", E->Namespace},
        {"exporter", E->Exporter}, {"source", E->Source}};
    Exports.push_back(std::move(O));
  }
  llvm::json::Object Root{
      {"release", K.Release.empty() ? llvm::json::Value(nullptr) : K.Release},
      {"vermagic", K.Vermagic.empty() ? llvm::json::Value(nullptr) : K.Vermagic},
      {"target", K.Target ? llvm::json::Value(K.Target->describe()) : nullptr},
      {"exports", std::move(Exports)}};
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Root))) << "\n";
}

} // namespace modver
