// SIGINT, SIGTERM, SIGQUIT, SIGHUP and SIGPIPE while packing: the handler only records the
// signal; the packing loops call check_interrupted(), which throws, and the RAII owners of
// the temporary output remove it on the way out. main() then exits 128+signal.
//
// SIGHUP and SIGPIPE stay ignored when they were ignored at start (nohup; a caller that
// wants EPIPE errors). SIGINT and SIGQUIT are handled even then: sh ignores them for every
// background command, and a background pack must still clean up when sent them.
#pragma once

#include <string>

#include "runtime/base/error.hpp"

namespace burrow::pack {

class Interrupted : public Error {
  public:
    explicit Interrupted(int sig);
    int signal() const { return sig_; }

  private:
    int sig_;
};

// "SIGHUP", or "signal N" for one without a name.
std::string signal_name(int sig);

// Installs the handlers (without SA_RESTART, so a blocked read/write returns EINTR).
void install_interrupt_handlers();
// The signal received so far, or 0.
int pending_signal();
void check_interrupted();

}  // namespace burrow::pack
