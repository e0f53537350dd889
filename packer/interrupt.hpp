// SIGINT/SIGTERM while packing: the handler only records the signal; the packing loops
// call check_interrupted(), which throws, and the RAII owners of the temporary output
// remove it on the way out. main() then exits 128+signal.
#pragma once

#include "runtime/error.hpp"

namespace burrow::pack {

class Interrupted : public Error {
public:
    explicit Interrupted(int sig);
    int signal() const { return sig_; }

private:
    int sig_;
};

// Installs the handlers (without SA_RESTART, so a blocked read/write returns EINTR).
void install_interrupt_handlers();
// The signal received so far, or 0.
int pending_signal();
void check_interrupted();

}  // namespace burrow::pack
