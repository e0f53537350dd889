// Name tables for seccomp messages and values; see seccomp_names.hpp.
#include "runtime/seccomp/seccomp_names.hpp"

#include <cerrno>
#include <sys/socket.h>

namespace burrow::seccomp {
namespace {

struct Named {
    const char* name;
    int value;
};

// Linux errno names. Where two names share a value the first one is canonical.
#define E(x) \
    { #x, x }
constexpr Named kErrnos[] = {
    E(EPERM),
    E(ENOENT),
    E(ESRCH),
    E(EINTR),
    E(EIO),
    E(ENXIO),
    E(E2BIG),
    E(ENOEXEC),
    E(EBADF),
    E(ECHILD),
    E(EAGAIN),
    E(EWOULDBLOCK),
    E(ENOMEM),
    E(EACCES),
    E(EFAULT),
    E(ENOTBLK),
    E(EBUSY),
    E(EEXIST),
    E(EXDEV),
    E(ENODEV),
    E(ENOTDIR),
    E(EISDIR),
    E(EINVAL),
    E(ENFILE),
    E(EMFILE),
    E(ENOTTY),
    E(ETXTBSY),
    E(EFBIG),
    E(ENOSPC),
    E(ESPIPE),
    E(EROFS),
    E(EMLINK),
    E(EPIPE),
    E(EDOM),
    E(ERANGE),
    E(EDEADLK),
    E(EDEADLOCK),
    E(ENAMETOOLONG),
    E(ENOLCK),
    E(ENOSYS),
    E(ENOTEMPTY),
    E(ELOOP),
    E(ENOMSG),
    E(EIDRM),
    E(ECHRNG),
    E(EL2NSYNC),
    E(EL3HLT),
    E(EL3RST),
    E(ELNRNG),
    E(EUNATCH),
    E(ENOCSI),
    E(EL2HLT),
    E(EBADE),
    E(EBADR),
    E(EXFULL),
    E(ENOANO),
    E(EBADRQC),
    E(EBADSLT),
    E(EBFONT),
    E(ENOSTR),
    E(ENODATA),
    E(ETIME),
    E(ENOSR),
    E(ENONET),
    E(ENOPKG),
    E(EREMOTE),
    E(ENOLINK),
    E(EADV),
    E(ESRMNT),
    E(ECOMM),
    E(EPROTO),
    E(EMULTIHOP),
    E(EDOTDOT),
    E(EBADMSG),
    E(EOVERFLOW),
    E(ENOTUNIQ),
    E(EBADFD),
    E(EREMCHG),
    E(ELIBACC),
    E(ELIBBAD),
    E(ELIBSCN),
    E(ELIBMAX),
    E(ELIBEXEC),
    E(EILSEQ),
    E(ERESTART),
    E(ESTRPIPE),
    E(EUSERS),
    E(ENOTSOCK),
    E(EDESTADDRREQ),
    E(EMSGSIZE),
    E(EPROTOTYPE),
    E(ENOPROTOOPT),
    E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT),
    E(EOPNOTSUPP),
    E(ENOTSUP),
    E(EPFNOSUPPORT),
    E(EAFNOSUPPORT),
    E(EADDRINUSE),
    E(EADDRNOTAVAIL),
    E(ENETDOWN),
    E(ENETUNREACH),
    E(ENETRESET),
    E(ECONNABORTED),
    E(ECONNRESET),
    E(ENOBUFS),
    E(EISCONN),
    E(ENOTCONN),
    E(ESHUTDOWN),
    E(ETOOMANYREFS),
    E(ETIMEDOUT),
    E(ECONNREFUSED),
    E(EHOSTDOWN),
    E(EHOSTUNREACH),
    E(EALREADY),
    E(EINPROGRESS),
    E(ESTALE),
    E(EUCLEAN),
    E(ENOTNAM),
    E(ENAVAIL),
    E(EISNAM),
    E(EREMOTEIO),
    E(EDQUOT),
    E(ENOMEDIUM),
    E(EMEDIUMTYPE),
    E(ECANCELED),
    E(ENOKEY),
    E(EKEYEXPIRED),
    E(EKEYREVOKED),
    E(EKEYREJECTED),
    E(EOWNERDEAD),
    E(ENOTRECOVERABLE),
    E(ERFKILL),
    E(EHWPOISON),
};
#undef E

// Socket address families by their lower-case names (the AF_ constant without "AF_").
constexpr Named kFamilies[] = {
    {"unix", AF_UNIX},
    {"inet", AF_INET},
    {"ax25", AF_AX25},
    {"ipx", AF_IPX},
    {"appletalk", AF_APPLETALK},
    {"netrom", AF_NETROM},
    {"bridge", AF_BRIDGE},
    {"atmpvc", AF_ATMPVC},
    {"x25", AF_X25},
    {"inet6", AF_INET6},
    {"rose", AF_ROSE},
    {"decnet", AF_DECnet},
    {"netbeui", AF_NETBEUI},
    {"security", AF_SECURITY},
    {"key", AF_KEY},
    {"netlink", AF_NETLINK},
    {"packet", AF_PACKET},
    {"ash", AF_ASH},
    {"econet", AF_ECONET},
    {"atmsvc", AF_ATMSVC},
    {"rds", AF_RDS},
    {"sna", AF_SNA},
    {"irda", AF_IRDA},
    {"pppox", AF_PPPOX},
    {"wanpipe", AF_WANPIPE},
    {"llc", AF_LLC},
    {"ib", AF_IB},
    {"mpls", AF_MPLS},
    {"can", AF_CAN},
    {"tipc", AF_TIPC},
    {"bluetooth", AF_BLUETOOTH},
    {"iucv", AF_IUCV},
    {"rxrpc", AF_RXRPC},
    {"isdn", AF_ISDN},
    {"phonet", AF_PHONET},
    {"ieee802154", AF_IEEE802154},
    {"caif", AF_CAIF},
    {"alg", AF_ALG},
    {"nfc", AF_NFC},
    {"vsock", AF_VSOCK},
    {"kcm", AF_KCM},
    {"qipcrtr", AF_QIPCRTR},
    {"smc", AF_SMC},
    {"xdp", 44},
    {"mctp", 45},
};
constexpr Named kFamilyAliases[] = {{"local", AF_UNIX}, {"route", AF_NETLINK}};

}  // namespace

std::optional<int> errno_from_name(std::string_view name) {
    for (const auto& e : kErrnos)
        if (name == e.name) return e.value;
    return std::nullopt;
}

std::string errno_name(int value) {
    for (const auto& e : kErrnos)
        if (e.value == value) return e.name;
    return "errno " + std::to_string(value);
}

std::vector<std::string> errno_names() {
    std::vector<std::string> out;
    for (const auto& e : kErrnos) out.emplace_back(e.name);
    return out;
}

std::optional<int> family_from_name(std::string_view name) {
    for (const auto& f : kFamilies)
        if (name == f.name) return f.value;
    for (const auto& f : kFamilyAliases)
        if (name == f.name) return f.value;
    return std::nullopt;
}

std::vector<std::string> family_names() {
    std::vector<std::string> out;
    for (const auto& f : kFamilies) out.emplace_back(f.name);
    return out;
}

}  // namespace burrow::seccomp
