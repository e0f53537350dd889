// Network namespace: a new one has only "lo", and it is down; bring it up so programs
// that talk to 127.0.0.1 inside the sandbox keep working.
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "runtime/launch/apply.hpp"
#include "runtime/base/fd.hpp"

namespace burrow::detail {

void loopback_up() {
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s) throw Error("cannot bring up lo in the new network namespace: socket: " + errno_text(errno));
    struct ifreq ifr {};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) != 0) throw Error("cannot read the flags of lo: " + errno_text(errno));
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (::ioctl(s.get(), SIOCSIFFLAGS, &ifr) != 0)
        throw Error("cannot bring up lo in the new network namespace: " + errno_text(errno));
}

}  // namespace burrow::detail
