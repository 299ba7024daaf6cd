// Sources that mimic what kbuild puts into a module, shared by the Module*Test suites.
//
// Exports are written the way Linux 6.1's <linux/export.h> emits them (one input section per
// symbol, named "___ksymtab+<sym>", three self-relative 32-bit fields), then collected with
// `ld -r` and a script doing what scripts/module.lds does, so the relocations the readers must
// resolve stay in the object exactly as in a .ko.
#pragma once

#include "Fixture.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace modver::test {

// Kflagstab: as Linux 7.1+ writes them, every export in __ksymtab and GPL-ness as a byte in
// __kflagstab (PREL32 entries).
enum class KsymtabForm { Prel32, AbsolutePointers, Kflagstab };

struct ExportSpec {
  std::string Symbol;
  bool Gpl = false;
  std::string Namespace;
  uint32_t Crc = 0;
};

inline std::string hex(uint32_t V) {
  char Buf[16];
  snprintf(Buf, sizeof Buf, "0x%08x", V);
  return Buf;
}

// C text defining the export tables for Specs (the exported symbols must be defined by the
// rest of the source). WithCrcs = false leaves out __kcrctab (a kernel without MODVERSIONS).
inline std::string exportsSource(const std::vector<ExportSpec> &Specs,
                                 KsymtabForm Form = KsymtabForm::Prel32, bool WithCrcs = true) {
  std::string C;
  for (const ExportSpec &S : Specs) {
    bool Flags = Form == KsymtabForm::Kflagstab;
    std::string Sec = S.Gpl && !Flags ? "_gpl" : "";
    std::string Field = Form != KsymtabForm::AbsolutePointers ? ".long " : ".quad ";
    std::string Rel = Form != KsymtabForm::AbsolutePointers ? " - ." : "";
    std::string A;
    A += ".section \"___ksymtab" + Sec + "+" + S.Symbol + "\",\"a\"\n";
    A += Form != KsymtabForm::AbsolutePointers ? ".balign 4\n" : ".balign 8\n";
    A += "__ksymtab_" + S.Symbol + ":\n";
    A += Field + S.Symbol + Rel + "\n";
    A += Field + "__kstrtab_" + S.Symbol + Rel + "\n";
    A += Field + "__kstrtabns_" + S.Symbol + Rel + "\n";
    A += ".previous\n";
    A += ".section \"__ksymtab_strings\",\"aMS\",%progbits,1\n";
    A += "__kstrtab_" + S.Symbol + ":\n.asciz \"" + S.Symbol + "\"\n";
    A += "__kstrtabns_" + S.Symbol + ":\n.asciz \"" + S.Namespace + "\"\n";
    A += ".previous\n";
    if (Flags)
      A += ".section \"___kflagstab+" + S.Symbol + "\",\"a\"\n.byte " + (S.Gpl ? "1" : "0") +
           "\n.previous\n";
    if (WithCrcs) {
      A += ".section \"___kcrctab" + Sec + "+" + S.Symbol + "\",\"a\"\n.balign 4\n";
      A += "__crc_" + S.Symbol + ":\n.long " + hex(S.Crc) + "\n.previous\n";
    }
    C += "__asm__(\"";
    for (char Ch : A) {
      if (Ch == '\n')
        C += "\\n\"\n  \"";
      else if (Ch == '"')
        C += "\\\"";
      else
        C += Ch;
    }
    C += "\");\n";
  }
  return C;
}

// A .modinfo made of one array, so the entry order is the source order. Entries may contain
// "\\0" padding.
inline std::string modinfoSource(const std::vector<std::string> &Entries) {
  std::string C = "__attribute__((section(\".modinfo\"), used, aligned(1))) "
                  "static const char modinfo_all[] = ";
  for (const std::string &E : Entries)
    C += "\"" + E + "\\0\" ";
  return C + ";\n";
}

// A __versions table as <mod>.mod.c has it.
inline std::string versionsSource(const std::vector<std::pair<std::string, uint32_t>> &Records) {
  std::string C = "struct modversion_info { unsigned long crc; "
                  "char name[64 - sizeof(unsigned long)]; };\n"
                  "__attribute__((used, section(\"__versions\"))) static const struct "
                  "modversion_info versions_table[] = {\n";
  for (const auto &[Name, Crc] : Records)
    C += "  { " + hex(Crc) + ", \"" + Name + "\" },\n";
  return C + "};\n";
}

// What scripts/module.lds does to the export tables.
inline constexpr const char *ModuleLinkerScript = R"(SECTIONS {
  __ksymtab 0 : { *(SORT(___ksymtab+*)) }
  __ksymtab_gpl 0 : { *(SORT(___ksymtab_gpl+*)) }
  __kcrctab 0 : { *(SORT(___kcrctab+*)) }
  __kcrctab_gpl 0 : { *(SORT(___kcrctab_gpl+*)) }
  __kflagstab 0 : { *(SORT(___kflagstab+*)) }
}
)";

// `ld -r` Object into Dir/Name with the module script (plus ExtraScript, e.g. symbol
// assignments); Linker and its flags as given (ld.lld links any target, GNU ld only the
// host's).
inline std::string linkModule(const TempDir &Dir, const std::string &Object,
                              const std::string &Name,
                              const std::vector<std::string> &LinkerArgv = {"ld"},
                              const std::string &ExtraScript = "") {
  std::string Script = Dir.write("module.lds", ModuleLinkerScript + ExtraScript);
  std::string Out = Dir.file(Name);
  std::vector<std::string> Argv = LinkerArgv;
  for (const std::string &A :
       {std::string("-r"), std::string("-T"), Script, std::string("-o"), Out, Object})
    Argv.push_back(A);
  CommandResult R = run(Argv);
  if (R.ExitCode != 0)
    ADD_FAILURE() << "linking " << Name << " failed:\n" << R.Stderr;
  return Out;
}

} // namespace modver::test
