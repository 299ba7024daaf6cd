#include "LdPlugin/PluginOptions.h"

#include "llvm/ADT/StringSwitch.h"

namespace modver {

static llvm::Error optionError(const llvm::Twine &What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), What);
}

llvm::Error applyLdPluginOption(LdPluginOptions &Options, llvm::StringRef Text) {
  auto [Key, Value] = Text.split('=');
  bool HasValue = Text.contains('=');

  if (Key == "kernel" || Key == "modversions" || Key == "symvers" || Key == "modules") {
    if (!HasValue || Value.empty())
      return optionError("option '" + Key + "' needs a value: -plugin-opt=" + Key + "=<path>");
    // modversions.o is told apart from an image by content, so it goes with the kernels.
    if (Key == "symvers")
      Options.Sources.Symvers.push_back(Value.str());
    else if (Key == "modules")
      Options.Sources.ModuleDirs.push_back(Value.str());
    else
      Options.Sources.Kernels.push_back(Value.str());
    return llvm::Error::success();
  }

  if (Key == "kernel-config") {
    if (!HasValue || Value.empty())
      return optionError("option 'kernel-config' needs a value: -plugin-opt=kernel-config=<path>");
    Options.Sources.Config = Value.str();
    return llvm::Error::success();
  }

  bool *Flag = llvm::StringSwitch<bool *>(Key)
                   .Case("extended", &Options.Records.ForceExtended)
                   .Case("all", &Options.Records.All)
                   .Case("allow-unresolved", &Options.Records.AllowUnresolved)
                   .Case("force", &Options.Force)
                   .Default(nullptr);
  if (!Flag)
    return optionError("unknown option '" + Text +
                       "' (known: kernel=, symvers=, modversions=, modules=, kernel-config=, "
                       "extended, all, allow-unresolved, force)");
  if (HasValue)
    return optionError("option '" + Key + "' takes no value");
  *Flag = true;
  return llvm::Error::success();
}

} // namespace modver
