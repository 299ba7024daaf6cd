// Temporary files and interrupting signals.
//
// LLVM removes every file registered with RemoveFileOnSignal (all llvm::sys::fs::TempFiles) when
// SIGINT, SIGTERM, SIGHUP or SIGUSR2 arrives, then re-raises the signal. Its handler runs on
// whichever thread the signal hits while mkmod's other threads keep going: a thread that is
// creating a temporary file at that moment can register it after the removal pass, or re-create
// (by opening for writing) a file the pass has just removed, and the dying process leaves it in
// $TMPDIR or beside an output. So every creation of a temporary file is a CreationWindow, and a
// handler that runs in front of LLVM's waits until no window is open (and refuses new ones)
// before LLVM's pass runs: what is registered by then is removed, and nothing is created after.
//
// This is process-wide by nature (signal dispositions are), so the state lives in function-local
// statics of SignalCleanup.cpp and nowhere else.
#pragma once

#include <csignal>

namespace modver {

// Puts the handlers in place now (the first CreationWindow does it otherwise). A program calls
// this early on its main thread: LLVM gives the thread that registers its handlers an
// alternate signal stack, and if that thread is a short-lived worker (a batch job, an
// in-process link) the stack dies with it; AddressSanitizer then aborts at that thread's exit
// trying to unmap memory it did not map, and a signal handled later finds no such stack.
void installSignalCleanup();

// Marks the creation and first writing of one temporary file. The interrupting signals are
// blocked on this thread meanwhile, so that the handler never runs in the middle of a creation
// it would then wait for. While a signal is being handled the constructor does not return: the
// process is about to die, and a file made now would be left behind.
class CreationWindow {
public:
  CreationWindow();
  ~CreationWindow();
  CreationWindow(const CreationWindow &) = delete;
  CreationWindow &operator=(const CreationWindow &) = delete;

private:
  sigset_t Saved;
};

} // namespace modver
