// Linker::inProcess(): LLD's ELF driver (LLVM 22) called as a library.
//
// LLD is only partly a library. What this file relies on:
// - lld::elf::link() keeps all its state in process-wide variables (lld::CommonLinkerContext,
//   elf::config, elf::symtab, ...). Two links at once in one process corrupt each other, so
//   every link holds the Linker's lock. The lock is a member rather than a global so that
//   modver has no global state; the price is that a process must use a single in-process
//   Linker (documented on Linker::inProcess()).
// - lld::CommonLinkerContext::destroy() frees that state. It is called after every link,
//   successful or not, or each link would leak its whole symbol table and input buffers.
// - A fatal LLD error (missing input, bad script) calls lld::exitLld(), which ends the process
//   unless it runs inside an llvm::CrashRecoveryContext; there it discards LLD's partial
//   output and jumps back to RunSafely(), which returns false. So each link runs in a
//   CrashRecoveryContext, and CrashRecoveryContext::Enable() is called when a Linker is made
//   (it is idempotent and process-wide; it also turns a crash inside LLD into a return).
// - --threads=1: a longjmp out of LLD from a worker thread of llvm::parallel would not come
//   back to our RunSafely(), and for modules (a few hundred KiB) threads do not pay anyway.
// - LLD drops input build IDs; --build-id=0x<the module's ID> keeps it (see BuildId.h).
// - llvm::cl::ParseCommandLineOptions is never called: LLD does not need it for -r links.
// - Each link (and its destroy()) runs on a thread of its own that ends with the link. Unlike
//   LLD 14, LLD 22's ELF driver allocates input sections and local symbols with
//   lld::makeThreadLocal<T>() (lld/Common/Memory.h): a SpecificBumpPtrAllocator<T> in a
//   *thread_local* of the linking thread, which CommonLinkerContext does not own, so
//   destroy() does not free it; it is freed (and the objects' destructors run) only when the
//   thread exits. Linked on the caller's thread, every link would leave its input sections
//   behind for the life of that thread (about 5.6 KiB per link for a small module, 5.3 MiB
//   per 1000 links in RelinkTest), invisible to leak checkers because it is freed at exit.
//   What still stays per link is LLVM's: a small entry of the RemoveFileOnSignal list for
//   each temporary file (FileOutputBuffer's, and modver's own OutputFile and staging files),
//   which never shrinks.
#include "Relink/BuildId.h"
#include "Relink/LinkerOutput.h"
#include "Relink/MergeFlags.h"
#include "Relink/Relink.h"

#include "Support/Error.h"
#include "Support/SignalCleanup.h"

#include "lld/Common/CommonLinkerContext.h"
#include "lld/Common/Driver.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

#include <mutex>
#include <optional>

// LLD 22 declares each driver only for programs that say which ones they link in.
LLD_HAS_DRIVER(elf)

namespace modver {
namespace {

// argv[0] of the link: the program name LLD puts in front of its messages.
constexpr const char *LldArgv0 = "ld.lld";

// CrashRecoveryContext's return code for a signal is 128 + the signal number; lld::exitLld()
// passes its exit code (1 for fatal errors) to HandleExit().
bool wasSignal(int RetCode) { return RetCode >= 128; }

// The stack of the thread each link runs on: 8 MiB, the usual main-thread stack.
constexpr unsigned LinkStackSize = 8u << 20;

class InProcessLinker final : public Linker {
public:
  llvm::Error link(const RelinkJob &Job) override;
  std::string name() const override { return "in-process LLD"; }

private:
  llvm::Error linkLocked(const RelinkJob &Job);

  std::mutex Lock; // one LLD link at a time in this process, see the top of the file
  // Set when LLD crashed (a signal, not a fatal error): its state may be corrupt, and the
  // next link could crash the process for real or produce a wrong module.
  bool Unusable = false;
};

llvm::Error InProcessLinker::link(const RelinkJob &Job) {
  std::lock_guard<std::mutex> Guard(Lock);
  return linkLocked(Job);
}

llvm::Error InProcessLinker::linkLocked(const RelinkJob &Job) {
  if (Unusable)
    return fileError(Job.OutputPath,
                     "in-process LLD crashed in an earlier link in this process; it cannot "
                     "be used again (use an external linker)");
  // A context left over means someone else in this process is using LLD, or a link was
  // abandoned without destroy(): linking now would share (and then free) their state.
  if (lld::hasContext())
    return fileError(Job.OutputPath,
                     "in-process LLD is already in use in this process by other code");

  auto Temp = OutputFile::create(Job.OutputPath, {/*Dash=*/false, Job.KeepMode});
  if (!Temp)
    return Temp.takeError();

  std::vector<const char *> Args = {
      LldArgv0, "-r", "--threads=1", "-T", Job.ScriptPath.c_str(), "-o", Temp->tempPath().c_str()};
  std::string BuildId = findBuildIdHex(Job.Inputs);
  std::string BuildIdArg = "--build-id=0x" + BuildId;
  if (!BuildId.empty())
    Args.push_back(BuildIdArg.c_str());
  auto Inputs = withoutMergeFlags(Job.Inputs);
  if (!Inputs)
    return inFile(Job.OutputPath, Inputs.takeError());
  for (const std::string &Input : Inputs->Paths)
    Args.push_back(Input.c_str());

  std::string Out, Err;
  llvm::raw_string_ostream OutOS(Out), ErrOS(Err);
  bool Ok = false;
  int RetCode = 0;
  bool DestroyFailed = false;
  // On a thread of its own, so that LLD's thread-local allocators die with it (see the top of
  // the file). The stack is the size a main thread usually has, which is where LLD expects
  // to run. The caller waits, so the lock still covers the whole link.
  llvm::thread Worker(std::optional<unsigned>(LinkStackSize), [&] {
    {
      llvm::CrashRecoveryContext CRC;
      if (!CRC.RunSafely([&] {
            Ok = lld::elf::link(Args, OutOS, ErrOS, /*exitEarly=*/false,
                                /*disableOutput=*/false);
          }))
        RetCode = CRC.RetCode;
    }
    // Free LLD's state whatever happened. destroy() itself runs LLD's cleanup code, which
    // could fault on state left inconsistent by a crash; guard it the same way. It runs
    // before the thread-local allocators are freed at the thread's exit, the order a
    // standalone ld.lld has too.
    llvm::CrashRecoveryContext CRC;
    if (!CRC.RunSafely([] { lld::CommonLinkerContext::destroy(); }))
      DestroyFailed = true;
  });
  Worker.join();
  if (DestroyFailed)
    Unusable = true;
  OutOS.flush();
  ErrOS.flush();

  if (wasSignal(RetCode)) {
    Unusable = true;
    return fileError(Job.OutputPath,
                     "in-process LLD crashed (signal " + llvm::Twine(RetCode - 128) + ")");
  }
  if (RetCode != 0 || !Ok) {
    std::string Named = mentionOutput(mentionInputNames(Err, Inputs->Paths, Job), *Temp);
    std::string Line = withInputsNamed(firstDiagnosticLine(Named, LldArgv0), Named, Job);
    if (Line.empty())
      Line = "failed without a message";
    return fileError(Job.OutputPath, "in-process LLD: " + Line);
  }
  if (llvm::Error E = restoreMergeFlags(Temp->tempPath(), Inputs->Cleared))
    return E;
  return commitLinkerOutput(*Temp);
}

} // namespace

Linker::~Linker() = default;

llvm::Expected<std::unique_ptr<Linker>> Linker::inProcess() {
  // Without this, RunSafely() runs its function without any recovery and lld::exitLld()
  // ends the process.
  llvm::CrashRecoveryContext::Enable();
  // Links run on threads that end with them; LLVM's signal handlers (and the alternate signal
  // stack that comes with them) must belong to this longer-lived thread.
  installSignalCleanup();
  return std::make_unique<InProcessLinker>();
}

} // namespace modver
