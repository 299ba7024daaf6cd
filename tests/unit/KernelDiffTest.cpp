// `modcheck --diff OLD NEW`: what the diff reports about exports, and that the modules it checks
// are judged as `modcheck --kernel NEW` judges them.
#include "Check/KernelDiff.h"
#include "Fixture.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace modver;
using namespace modver::test;

namespace {

const char OldSymvers[] = "0x11111111\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                          "0x22222222\t_printk\tvmlinux\tEXPORT_SYMBOL\t\n";
const char NewSymvers[] = "0x11111111\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                          "0x33333333\t_printk\tvmlinux\tEXPORT_SYMBOL\t\n";
const char NoForceLoad[] = "CONFIG_MODULES=y\n# CONFIG_MODULE_FORCE_LOAD is not set\n";

// Two kernels as headers trees (old/Module.symvers, new/Module.symvers) and a module without
// .modinfo: it has no vermagic, so it loads only where the kernel force-loads.
struct TwoKernels {
  TempDir Dir;
  bool Made = !llvm::sys::fs::create_directory(Dir.file("old")) &&
              !llvm::sys::fs::create_directory(Dir.file("new"));
  std::string Old = Dir.write("old/Module.symvers", OldSymvers);
  std::string New = Dir.write("new/Module.symvers", NewSymvers);
  std::string Module = compile(Dir, "m.c", "int init_module(void) { return 0; }\n");
};

// The verdict of the only module in a modcheck JSON document (either form).
std::string onlyVerdict(const CommandResult &R) {
  auto Doc = llvm::json::parse(R.Stdout);
  if (!Doc) {
    ADD_FAILURE() << llvm::toString(Doc.takeError()) << "\n" << R.Stdout << R.Stderr;
    return "";
  }
  const llvm::json::Array *Mods = Doc->getAsObject()->getArray("modules");
  if (!Mods || Mods->size() != 1) {
    ADD_FAILURE() << "expected one module: " << R.Stdout;
    return "";
  }
  return (*Mods)[0].getAsObject()->getString("verdict").value_or("").str();
}

std::string lineStarting(const std::string &Text, llvm::StringRef Prefix) {
  for (llvm::StringRef Line : llvm::split(Text, '\n'))
    if (Line.starts_with(Prefix))
      return Line.str();
  return "";
}

} // namespace

TEST(ModcheckDiff, ReadsTheConfigBesideTheNewKernelAsKernelDoes) {
  TwoKernels K;
  K.Dir.write("new/.config", NoForceLoad);
  CommandResult Single = run({toolPath("modcheck"), "--json", "--kernel", K.New, K.Module});
  EXPECT_EQ(Single.ExitCode, 1) << Single.Stderr;
  EXPECT_EQ(onlyVerdict(Single), "incompatible");
  CommandResult Diff = run({toolPath("modcheck"), "--json", "--diff", K.Old, K.New, K.Module});
  EXPECT_EQ(Diff.ExitCode, 1) << Diff.Stderr;
  EXPECT_EQ(onlyVerdict(Diff), "incompatible");

  CommandResult Text = run({toolPath("modcheck"), "--diff", K.Old, K.New, K.Module});
  EXPECT_EQ(lineStarting(Text.Stdout, "modules:"),
            "modules: 1 checked against the new kernel, 1 break, 0 still load, 0 load only by "
            "force (taint F), 0 unreadable")
      << Text.Stdout;
}

TEST(ModcheckDiff, KernelConfigOptionAppliesToTheNewKernel) {
  TwoKernels K;
  std::string Config = K.Dir.write("config-elsewhere", NoForceLoad);
  CommandResult Without = run({toolPath("modcheck"), "--json", "--diff", K.Old, K.New, K.Module});
  EXPECT_EQ(onlyVerdict(Without), "forced");
  CommandResult With = run({toolPath("modcheck"), "--json", "--kernel-config", Config, "--diff",
                            K.Old, K.New, K.Module});
  EXPECT_EQ(With.ExitCode, 1) << With.Stderr;
  EXPECT_EQ(onlyVerdict(With), "incompatible");
}

// A module that loads only by force taints the kernel and makes the exit code 1: the summary
// must not count it among those that still load.
TEST(ModcheckDiff, SummaryCountsForceLoadedModulesApart) {
  TwoKernels K;
  CommandResult R = run({toolPath("modcheck"), "--diff", K.Old, K.New, K.Module});
  EXPECT_EQ(R.ExitCode, 1) << R.Stderr;
  EXPECT_EQ(lineStarting(R.Stdout, "modules:"),
            "modules: 1 checked against the new kernel, 0 break, 0 still load, 1 load only by "
            "force (taint F), 0 unreadable")
      << R.Stdout;
}

TEST(KernelDiff, JsonOfGplAndNamespaceChangesSaysWhatChanged) {
  auto Db = [](bool Gpl, std::string Ns) {
    SymbolDb D;
    Export E;
    E.Name = "usb_stor_fn";
    E.Crc = 0x44444444;
    E.GplOnly = Gpl;
    E.Namespace = std::move(Ns);
    E.Exporter = "drivers/usb/storage/usb-storage";
    E.Source = "test";
    EXPECT_FALSE(bool(D.add(E)));
    return D;
  };
  SymbolDb Old = Db(false, ""), New = Db(true, "USB_STORAGE");
  std::vector<ExportChange> Changes = diffExports(Old, New);
  ASSERT_EQ(Changes.size(), 2u);
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << llvm::json::Value(diffJson(makeDiffReport(Old, New, {})));
  auto Doc = llvm::json::parse(Out);
  ASSERT_TRUE(bool(Doc)) << llvm::toString(Doc.takeError());
  const llvm::json::Array *Rows = Doc->getAsObject()->getArray("exports");
  ASSERT_TRUE(Rows && Rows->size() == 2) << Out;
  const llvm::json::Object *Gpl = (*Rows)[0].getAsObject();
  const llvm::json::Object *Ns = (*Rows)[1].getAsObject();
  ASSERT_EQ(Gpl->getString("change"), "gpl-changed") << Out;
  EXPECT_EQ(Gpl->getBoolean("old_gpl_only"), false) << Out;
  EXPECT_EQ(Gpl->getBoolean("new_gpl_only"), true) << Out;
  ASSERT_EQ(Ns->getString("change"), "namespace-changed") << Out;
  EXPECT_EQ(Ns->getString("old_namespace"), "") << Out;
  EXPECT_EQ(Ns->getString("new_namespace"), "USB_STORAGE") << Out;
}
