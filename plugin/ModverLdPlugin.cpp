// libmodver-ld.so: mkmod's work inside a module link that the build runs anyway
// (kbuild's `ld -r -T module.lds -o foo.ko foo.o foo.mod.o`), for GNU ld and gold.
//
// The linker calls claim_file for every object it loads; the plugin reads the object's symbol
// table there and never claims it, so the link itself is unchanged. In all_symbols_read it
// decides the records the module still lacks (lib/LdPlugin/LinkSession) and adds a small
// versions object with add_input_file; GNU ld appends its __versions to the inputs' ones. The
// object lives in a temporary file removed in the cleanup hook.
//
// Everything below is glue: the plugin API's C callbacks, options, messages, files.

#include "Kernel/KernelDb.h"
#include "LdPlugin/LinkSession.h"
#include "LdPlugin/LtoInput.h"
#include "LdPlugin/PluginOptions.h"
#include "Support/SignalCleanup.h"
#include "Support/TempFile.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

// plugin-api.h uses uint64_t but includes <stdint.h> only when told it exists.
#include <stdint.h>
#define HAVE_STDINT_H 1
#include <plugin-api.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <unistd.h>

using namespace modver;

namespace {

class Plugin {
public:
  ld_plugin_status start(ld_plugin_tv *Tv);
  ld_plugin_status claimFile(const ld_plugin_input_file *File, int *Claimed);
  ld_plugin_status allSymbolsRead();
  ld_plugin_status cleanup();

private:
  ld_plugin_status fail(llvm::Error E);
  void say(ld_plugin_level Level, const std::string &Text);

  ld_plugin_message Message = nullptr;
  ld_plugin_add_input_file AddInputFile = nullptr;
  std::string OutputName = "the module";
  LdPluginOptions Options;
  LinkSession Session;
  std::optional<TempFile> VersionsObject;
};

// The plugin API's callbacks carry no context argument, so the one Plugin made in onload is
// reached through this pointer; it is the plugin's only global.
Plugin *ThePlugin = nullptr;

void Plugin::say(ld_plugin_level Level, const std::string &Text) {
  if (Message)
    Message(Level, "modver: %s", Text.c_str());
  else
    fprintf(stderr, "modver: %s\n", Text.c_str());
}

// LDPL_ERROR rather than LDPL_FATAL: GNU ld exits on the spot for a fatal message, before the
// cleanup hook could remove temporary files. The error status makes both linkers fail.
ld_plugin_status Plugin::fail(llvm::Error E) {
  say(LDPL_ERROR, llvm::toString(std::move(E)));
  return LDPS_ERR;
}

ld_plugin_status Plugin::start(ld_plugin_tv *Tv) {
  ld_plugin_register_claim_file RegisterClaim = nullptr;
  ld_plugin_register_all_symbols_read RegisterAllRead = nullptr;
  ld_plugin_register_cleanup RegisterCleanup = nullptr;
  std::optional<ld_plugin_output_file_type> OutputType;
  std::vector<const char *> OptionTexts;
  for (; Tv->tv_tag != LDPT_NULL; ++Tv) {
    switch (Tv->tv_tag) {
    case LDPT_MESSAGE:
      Message = Tv->tv_u.tv_message;
      break;
    case LDPT_ADD_INPUT_FILE:
      AddInputFile = Tv->tv_u.tv_add_input_file;
      break;
    case LDPT_REGISTER_CLAIM_FILE_HOOK:
      RegisterClaim = Tv->tv_u.tv_register_claim_file;
      break;
    case LDPT_REGISTER_ALL_SYMBOLS_READ_HOOK:
      RegisterAllRead = Tv->tv_u.tv_register_all_symbols_read;
      break;
    case LDPT_REGISTER_CLEANUP_HOOK:
      RegisterCleanup = Tv->tv_u.tv_register_cleanup;
      break;
    case LDPT_LINKER_OUTPUT:
      OutputType = static_cast<ld_plugin_output_file_type>(Tv->tv_u.tv_val);
      break;
    case LDPT_OUTPUT_NAME:
      if (Tv->tv_u.tv_string)
        OutputName = Tv->tv_u.tv_string;
      break;
    case LDPT_OPTION:
      OptionTexts.push_back(Tv->tv_u.tv_string);
      break;
    default:
      break;
    }
  }
  if (!RegisterClaim || !RegisterAllRead || !RegisterCleanup || !AddInputFile) {
    say(LDPL_ERROR, "this linker lacks the plugin interfaces the plugin needs (claim_file, "
                    "all_symbols_read, cleanup, add_input_file)");
    return LDPS_ERR;
  }
  for (const char *Text : OptionTexts)
    if (llvm::Error E = applyLdPluginOption(Options, Text ? Text : ""))
      return fail(std::move(E));
  if (OutputType && *OutputType != LDPO_REL)
    return fail(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                        "a kernel module is a relocatable link: use the plugin "
                                        "with ld -r"));
  // No fallback to the running kernel: a module build usually targets another one.
  if (Options.Sources.empty())
    return fail(llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "no kernel given: add -plugin-opt=symvers=<Module.symvers> (or kernel=<vmlinux | "
        "modversions.o>, modules=<dir>)"));

  if (RegisterClaim(+[](const ld_plugin_input_file *F, int *C) {
        return ThePlugin->claimFile(F, C);
      }) != LDPS_OK ||
      RegisterAllRead(+[] { return ThePlugin->allSymbolsRead(); }) != LDPS_OK ||
      RegisterCleanup(+[] { return ThePlugin->cleanup(); }) != LDPS_OK) {
    say(LDPL_ERROR, "the linker refused to register the plugin's hooks");
    return LDPS_ERR;
  }
  return LDPS_OK;
}

// Read the object's bytes through the descriptor the linker gives (an archive member starts at
// Offset) and remember its symbols. The file is never claimed: the linker links it as usual.
ld_plugin_status Plugin::claimFile(const ld_plugin_input_file *File, int *Claimed) {
  *Claimed = 0;
  std::string Name = File->name ? File->name : "<input>";
  if (File->filesize < 0)
    return fail(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                        Name + ": the linker gave a negative size"));
  std::string Bytes(static_cast<size_t>(File->filesize), '\0');
  size_t Done = 0;
  while (Done < Bytes.size()) {
    ssize_t N =
        pread(File->fd, &Bytes[Done], Bytes.size() - Done, static_cast<off_t>(File->offset + Done));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return fail(llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          Name + ": cannot read it: " + (N < 0 ? std::strerror(errno) : "short file")));
    Done += static_cast<size_t>(N);
  }
  if (llvm::Error E = Session.addInput(Name, Bytes))
    return fail(std::move(E));
  return LDPS_OK;
}

// The linker's own command line; the plugin API does not pass it, Linux shows it here.
static std::vector<std::string> linkerArguments() {
  std::vector<std::string> Args;
  // Read as a stream: /proc files report a size of 0.
  auto Buffer = llvm::MemoryBuffer::getFileAsStream("/proc/self/cmdline");
  if (!Buffer)
    return Args;
  llvm::StringRef Rest = (*Buffer)->getBuffer();
  while (!Rest.empty()) {
    auto [Arg, After] = Rest.split('\0');
    Args.push_back(Arg.str());
    Rest = After;
  }
  return Args;
}

// LTO objects that GCC's plugin claimed before this plugin was asked (see LtoInput.h).
static llvm::Error checkGccLtoClaims() {
  std::optional<std::string> Resolution = gccLtoResolutionFile(linkerArguments());
  if (!Resolution)
    return llvm::Error::success();
  auto Text = llvm::MemoryBuffer::getFile(*Resolution);
  if (!Text) // GCC's plugin writes it only when it claimed something
    return llvm::Error::success();
  std::vector<std::string> Claimed = gccLtoClaimedFiles((*Text)->getBuffer());
  if (Claimed.empty())
    return llvm::Error::success();
  std::string List;
  for (const std::string &F : Claimed)
    List += (List.empty() ? "" : ", ") + F;
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      List + (Claimed.size() == 1 ? ": is an LTO object" : ": are LTO objects") +
          " (claimed by GCC's LTO plugin): LTO symbols are only known after code generation, "
          "which the plugin cannot see; link the module without the plugin and give it its "
          "records with mkmod");
}

ld_plugin_status Plugin::allSymbolsRead() {
  if (llvm::Error E = checkGccLtoClaims())
    return fail(std::move(E));
  if (Session.inputCount() == 0)
    return LDPS_OK;
  auto Db = loadKernelDb(Options.Sources);
  if (!Db)
    return fail(Db.takeError());
  auto Added = Session.finish(OutputName, *Db, Options);
  if (!Added)
    return fail(Added.takeError());
  for (const std::string &W : Added->Warnings)
    say(LDPL_WARNING, W);
  if (!Added->Object)
    return LDPS_OK;
  auto File = TempFile::create("ld-versions", "o", *Added->Object);
  if (!File)
    return fail(File.takeError());
  VersionsObject.emplace(std::move(*File));
  if (AddInputFile(VersionsObject->path().c_str()) != LDPS_OK)
    return fail(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                        "the linker refused the versions object " +
                                            VersionsObject->path()));
  return LDPS_OK;
}

ld_plugin_status Plugin::cleanup() {
  VersionsObject.reset(); // removes the file
  return LDPS_OK;
}

} // namespace

extern "C" __attribute__((visibility("default"))) ld_plugin_status onload(ld_plugin_tv *Tv) {
  // The linker loads a plugin once per link and never unloads it before exiting; the object
  // is deliberately leaked so that no destructor runs after the linker's own exit handlers.
  if (!ThePlugin)
    ThePlugin = new Plugin();
  installSignalCleanup(); // on the linker's main thread, not the relink's (SignalCleanup.h)
  return ThePlugin->start(Tv);
}
