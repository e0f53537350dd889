#include "packer/interrupt.hpp"

#include <csignal>
#include <cstring>
#include <string>

namespace burrow::pack {

namespace {
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int sig) { g_signal = sig; }
}  // namespace

Interrupted::Interrupted(int sig)
    : Error(std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal") +
                "; removed the partial output",
            128 + sig),
      sig_(sig) {}

void install_interrupt_handlers() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

int pending_signal() { return g_signal; }

void check_interrupted() {
    if (g_signal != 0) throw Interrupted(g_signal);
}

}  // namespace burrow::pack
