#include "Support/SignalCleanup.h"

#include "llvm/Support/Signals.h"

#include <atomic>
#include <csignal>
#include <ctime>
#include <iterator>
#include <mutex>
#include <pthread.h>

namespace modver {
namespace {

// The signals after which LLVM removes the registered files (its "interrupt" signals).
constexpr int InterruptSignals[] = {SIGHUP, SIGINT, SIGTERM, SIGUSR2};

// Lock-free atomics only: they are touched from the signal handler.
std::atomic<int> &openWindows() {
  static std::atomic<int> N{0};
  return N;
}
std::atomic<bool> &dying() {
  static std::atomic<bool> D{false};
  return D;
}
struct sigaction (&llvmHandlers())[std::size(InterruptSignals)] {
  static struct sigaction Saved[std::size(InterruptSignals)];
  return Saved;
}

void sleepBriefly() {
  struct timespec T = {0, 1000000}; // 1 ms; nanosleep is async-signal-safe
  nanosleep(&T, nullptr);
}

void handler(int Sig, siginfo_t *Info, void *Context) {
  dying().store(true);
  // Wait for the files being made to be registered (bounded: the signal may have hit a thread
  // that is itself inside a window).
  for (int I = 0; I < 2000 && openWindows().load() > 0; ++I)
    sleepBriefly();
  for (size_t I = 0; I < std::size(InterruptSignals); ++I) {
    if (InterruptSignals[I] != Sig)
      continue;
    const struct sigaction &Next = llvmHandlers()[I];
    if (Next.sa_flags & SA_SIGINFO)
      Next.sa_sigaction(Sig, Info, Context); // removes the files, re-raises the signal
    else if (Next.sa_handler != SIG_IGN && Next.sa_handler != SIG_DFL)
      Next.sa_handler(Sig);
    signal(Sig, SIG_DFL);
    raise(Sig);
  }
}

// LLVM installs its handlers once, when the first file is registered; ours go in front of them.
void install() {
  llvm::sys::SetInterruptFunction(nullptr); // makes LLVM register its handlers now
  for (size_t I = 0; I < std::size(InterruptSignals); ++I) {
    struct sigaction Mine = {};
    Mine.sa_sigaction = handler;
    Mine.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&Mine.sa_mask); // no second interrupt while this one waits
    sigaction(InterruptSignals[I], &Mine, &llvmHandlers()[I]);
  }
}

} // namespace

void installSignalCleanup() {
  static std::once_flag Once;
  std::call_once(Once, install);
}

CreationWindow::CreationWindow() {
  installSignalCleanup();
  sigset_t Block;
  sigemptyset(&Block);
  for (int Sig : InterruptSignals)
    sigaddset(&Block, Sig);
  pthread_sigmask(SIG_BLOCK, &Block, &Saved);
  openWindows().fetch_add(1);
  while (dying().load()) {
    // Leave the window so the handler stops waiting, then wait for the end of the process.
    openWindows().fetch_sub(1);
    pthread_sigmask(SIG_SETMASK, &Saved, nullptr);
    for (;;)
      sleepBriefly();
  }
}

CreationWindow::~CreationWindow() {
  openWindows().fetch_sub(1);
  pthread_sigmask(SIG_SETMASK, &Saved, nullptr);
}

} // namespace modver
