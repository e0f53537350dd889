// Capabilities: after unshare we hold every capability in our user namespace; the program
// keeps only what the profile lists. Without no_new_privs the bounding set is emptied too, so
// a uid-0 or file-capability program cannot regain anything at execve. With no_new_privs
// execve never raises the permitted set above what we leave (capabilities(7)), the bounding
// set has nothing left to limit, and its 41 prctl calls (~30 µs, most of the exec step) are
// made only when the profile asks (clearBoundingSet, as builtin:sandbox does).
#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cerrno>

#include "runtime/launch/apply.hpp"

namespace burrow::detail {

void drop_capabilities(const Plan& plan, const step::DropCapabilities& s) {
    const auto& keep = s.keep;
    auto kept = [&](int c) { return std::find(keep.begin(), keep.end(), c) != keep.end(); };
    int last = static_cast<int>(cap_max_bits()) - 1;
    // A refused drop is fine only for a capability no longer in the set: a nested launch
    // (a pack program starting another) finds it empty and holds no CAP_SETPCAP. One
    // prctl per capability on the usual path; the READ only when a drop is refused.
    for (int c = 0; c <= last && s.clear_bounding_set; ++c)
        if (!kept(c) && ::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL &&
            ::prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
            throw Error("cannot drop capability " + std::to_string(c) + " from the bounding set: " + errno_text(errno));
    cap_t caps = cap_init();
    if (!caps) throw Error("cap_init: " + errno_text(errno));
    // Only what is held can be kept: without a user namespace, root may lack some
    // (a container's bounding set).
    std::vector<cap_value_t> vals;
    if (cap_t now = cap_get_proc()) {
        for (int c : keep) {
            cap_flag_value_t v = CAP_CLEAR;
            if (cap_get_flag(now, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET) vals.push_back(c);
        }
        cap_free(now);
    }
    // A non-zero uid loses every capability at execve unless it is ambient, so for such a
    // program the kept capabilities are made ambient (as bwrap --cap-add does); uid 0
    // keeps them anyway, and has only the ambient ones the profile asks for.
    std::vector<cap_value_t> ambient;
    for (int c : plan.uid_inside != 0 ? keep : s.ambient)
        if (std::find(vals.begin(), vals.end(), c) != vals.end()) ambient.push_back(c);
    if (!vals.empty()) {
        int n = static_cast<int>(vals.size());
        cap_set_flag(caps, CAP_PERMITTED, n, vals.data(), CAP_SET);
        cap_set_flag(caps, CAP_EFFECTIVE, n, vals.data(), CAP_SET);
    }
    // Inheritable is what lets ambient capabilities be raised and survive execve.
    if (!ambient.empty())
        cap_set_flag(caps, CAP_INHERITABLE, static_cast<int>(ambient.size()), ambient.data(), CAP_SET);
    int rc = cap_set_proc(caps);
    int err = errno;
    cap_free(caps);
    if (rc != 0) throw Error("cannot set the process capabilities: " + errno_text(err));
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    for (int c : ambient)
        if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) != 0)
            throw Error("cannot raise ambient capability " + std::to_string(c) + ": " + errno_text(errno));
}

}  // namespace burrow::detail
