#include "packer/interrupt.hpp"

#include <csignal>
#include <cstring>
#include <string>

namespace burrow::pack {

namespace {
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int sig) {
    // The first signal is the one reported.
    if (g_signal == 0) g_signal = sig;
}
}  // namespace

std::string signal_name(int sig) {
    const char* abbrev = ::sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

Interrupted::Interrupted(int sig)
    : Error("interrupted by " + signal_name(sig) + "; removed the partial output", 128 + sig), sig_(sig) {}

void install_interrupt_handlers() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    for (const int sig : {SIGINT, SIGTERM, SIGQUIT}) sigaction(sig, &sa, nullptr);
    for (const int sig : {SIGHUP, SIGPIPE}) {
        struct sigaction old;
        if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sig, &sa, nullptr);
    }
}

int pending_signal() { return g_signal; }

void check_interrupted() {
    if (g_signal != 0) throw Interrupted(g_signal);
}

}  // namespace burrow::pack
