#!/bin/sh
# Installs the Debian packages burrow needs to build, test and benchmark (run as root).
set -eu
BUILD_PKGS="g++ make libseccomp-dev libcap-dev nlohmann-json3-dev doctest-dev libarchive-dev libssl-dev pkg-config libzstd-dev liblzma-dev zlib1g-dev nettle-dev"
TEST_PKGS="dpkg-dev util-linux bsdutils zsh iproute2 libcap2-bin patchelf bubblewrap proot tar gzip zstd xz-utils python3 python3-jsonschema python3-seccomp skopeo umoci charliecloud-runtime file"
BENCH_PKGS="hyperfine gnuplot-nox time strace"
# clang++ builds and make fuzz; libFuzzer (and clang's sanitizer runtimes) are in
# libclang-rt-14-dev, which clang only recommends. clang-format: make format(-check).
FUZZ_PKGS="clang libclang-rt-14-dev clang-format"
if [ "$(id -u)" != 0 ]; then
    echo "make deps: must run as root (it uses apt-get); as a user run: sudo make deps" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
missing=""
for p in $BUILD_PKGS $TEST_PKGS $BENCH_PKGS $FUZZ_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then echo "make deps: all packages present"; exit 0; fi
echo "make deps: installing$missing"
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
