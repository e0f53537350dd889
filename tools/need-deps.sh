#!/bin/sh
# Before building: are the build dependencies here? As root, install them (make deps);
# otherwise say in one line what to install.
set -u
need=""
for h in /usr/include/seccomp.h /usr/include/sys/capability.h /usr/include/nlohmann/json.hpp \
         /usr/include/doctest/doctest.h /usr/include/archive.h /usr/include/openssl/sha.h \
         /usr/include/zstd.h /usr/include/lzma.h /usr/include/zlib.h /usr/include/nettle/sha2.h; do
    [ -e "$h" ] || need="$need $h"
done
command -v patchelf >/dev/null 2>&1 || need="$need patchelf"
command -v g++ >/dev/null 2>&1 || need="$need g++"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "burrow: missing$need; running make deps"
    exec sh "$(dirname "$0")/deps.sh"
fi
echo "burrow: missing$need; install them with: sudo make deps" >&2
exit 1
