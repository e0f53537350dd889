#!/bin/bash
# make check-engines: burrow-pack's images and packs on the engines sites run — Docker,
# containerd (pulling from a local registry), Podman, rootless runc, Slurm, Charliecloud.
#
#   bash tests/engines/run.sh BUILD          (as root)
#
# Installs the Debian packages it needs when they are missing, builds the fixture store
# (tests/fixtures/make-store.sh) and its pack and images in a fresh temp dir, starts every
# daemon itself (unix sockets and state in the temp dir, TCP only on 127.0.0.1; Slurm, which
# listens on every address, in a network namespace of its own with only a loopback) and stops
# each by its pid at the end, also on failure or interrupt; then checks that no daemon,
# process, mount or temp dir is left. One line per result, as tests/integration/lib.sh
# prints them ("ok - [engines] ENGINE: what ran"); an engine that cannot start here is
# skipped with the reason. Ends with `N passed, N failed[, N skipped]`; exits 1 on a failure.
# Environment: E_ONLY="docker podman" runs only those engines (docker containerd podman
# runc slurm charliecloud; charliecloud converts from the Docker daemon).
set -u
BUILD=${1:?usage: bash tests/engines/run.sh BUILD}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "check-engines: no build directory $1" >&2; exit 2; }
for b in burrow burrow-pack; do
    [ -x "$BUILD/$b" ] || { echo "check-engines: $BUILD/$b is missing: build it with make" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "check-engines: must run as root (it installs packages and starts daemons)" >&2; exit 2; }
# Debian's docker CLI (of the same release as dockerd) before anything in /usr/local.
PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin
export PATH
unset TMPDIR CDPATH ENV BASH_ENV DOCKER_HOST DOCKER_CONTEXT DOCKER_CONFIG CONTAINER_HOST SLURM_CONF
umask 022
START=$(date +%s)

# ---- packages ------------------------------------------------------------------------
PKGS="docker.io containerd runc podman docker-registry slurm-wlm munge skopeo umoci charliecloud
      charliecloud-runtime python3 curl patchelf gcc util-linux"
missing=
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "# check-engines: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    # The packages' own services (docker, containerd, munge, slurmctld...) are not started
    # on a host with an init that would: this test starts its own. policy-rc.d says so to
    # invoke-rc.d and deb-systemd-invoke, for this install only.
    POLICY=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        POLICY=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\n# check-engines: no service starts during its apt-get install\nexit 101\n' >"$POLICY"
        chmod 755 "$POLICY"
        trap 'rm -f "$POLICY"' EXIT
        trap 'rm -f "$POLICY"; exit 130' INT
        trap 'rm -f "$POLICY"; exit 143' TERM HUP
    fi
    # Another apt-get (make deps elsewhere) may hold the lock: wait for it.
    apt_ok=1
    # shellcheck disable=SC2086
    { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing; } >/tmp/burrow-engines-apt.$$ 2>&1 || apt_ok=
    [ -n "$POLICY" ] && rm -f "$POLICY" && trap - EXIT INT TERM HUP
    if [ -z "$apt_ok" ]; then
        tail -n 20 /tmp/burrow-engines-apt.$$
        rm -f /tmp/burrow-engines-apt.$$
        echo "not ok - [engines] packages: apt-get install$missing failed"
        echo "0 passed, 1 failed"
        exit 1
    fi
    rm -f /tmp/burrow-engines-apt.$$
    echo "# check-engines: installed in $(($(date +%s) - START)) s"
fi

printf '# versions:'
for p in docker.io containerd runc podman docker-registry slurm-wlm munge skopeo umoci charliecloud; do
    printf ' %s %s' "$p" "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null)"
done
echo

# ---- the temp dir, the fixture, cleanup ------------------------------------------------
# Lower-case hex: Podman 4.3 names an image pulled from oci:DIR after DIR, and refuses
# a name with capitals.
E_TMP=/tmp/burrow-engines.$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
mkdir -m 755 "$E_TMP" || exit 2
export E_TMP
mkdir -p "$E_TMP/bin" "$E_TMP/img" "$E_TMP/scratch" "$E_TMP/home-nobody" "$E_TMP/log"
chmod 1777 "$E_TMP/scratch"
chown 65534:65534 "$E_TMP/home-nobody"
: >"$E_TMP/daemons"
: >"$E_TMP/stopped"
cp "$BUILD/burrow" "$BUILD/burrow-pack" "$E_TMP/bin/"

# Paths the engines use outside the temp dir whatever their options say (containerd's
# shim sockets in /run/containerd/s, dockerd's plugin directory /run/docker/plugins...):
# those that are not there now are removed at the end if they hold only empty directories,
# and are a failure if they hold anything else.
HOST_PATHS="/run/docker /run/containerd /run/containers /run/libpod /run/runc /run/crun /run/user/0/libpod
            /var/lib/docker /var/lib/containerd /var/lib/containers /var/lib/cni /var/run/docker.sock
            /run/munge /run/slurm /run/slurmctld /run/slurmd /var/spool/slurmd /var/spool/slurmctld /var/tmp/ch-convert"
NEW_PATHS=
for h in $HOST_PATHS; do [ -e "$h" ] || [ -L "$h" ] || NEW_PATHS="$NEW_PATHS $h"; done
# Caches that root's skopeo and podman keep in /var/lib whatever --root says: removed if new.
CACHES="/var/lib/containers/cache/blob-info-cache-v1.boltdb"
NEW_CACHES=
for c in $CACHES; do [ -e "$c" ] || NEW_CACHES="$NEW_CACHES $c"; done
host_leftovers() { # prints what is left in NEW_PATHS, removing trees of empty directories
    for c in $NEW_CACHES; do [ -e "$c" ] && rm -f "$c" && echo "# removed $c (a cache skopeo and podman keep)" >&2; done
    for h in $NEW_PATHS; do
        [ -e "$h" ] || [ -L "$h" ] || continue
        if [ -d "$h" ] && [ ! -L "$h" ] && [ -z "$(find "$h" ! -type d | head -n1)" ]; then
            echo "# removed $h: only empty directories" >&2
            rm -r "$h"
        else
            printf '%s ' "$h: $(find "$h" ! -type d | head -n3 | tr '\n' ' ')"
        fi
    done
}

CLEANED=
cleanup() {
    [ -n "$CLEANED" ] && return 0
    CLEANED=1
    cd / || true
    command -v child_stop >/dev/null 2>&1 && child_stop
    daemon_stop_all
    for m in $(mounts_under "$E_TMP"); do
        echo "# left mounted after its engine stopped: $m (unmounting)"
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
    done
    [ -n "${T_TMP:-}" ] && t_cleanup
    chmod -R u+rwX "$E_TMP" 2>/dev/null
    rm -rf --one-file-system "$E_TMP"
    host_leftovers >/dev/null
}
interrupted() {
    trap - EXIT INT TERM HUP
    echo "# check-engines: interrupted; stopping the daemons"
    cleanup
    exit "$1"
}
trap cleanup EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM HUP

if ! sh "$SRC/tests/fixtures/make-store.sh" "$E_TMP/fixture" >"$E_TMP/log/fixture" 2>&1; then
    cat "$E_TMP/log/fixture"
    echo "not ok - [engines] fixture store: make-store.sh failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# tests/integration/lib.sh: results in its format, as [engines].
T_AS=engines T_BURROW=$E_TMP/bin/burrow T_PACK=$E_TMP/bin/burrow-pack T_FIX=$E_TMP/fixture T_SCRATCH=$E_TMP/scratch
export T_AS T_BURROW T_PACK T_FIX T_SCRATCH
. "$SRC/tests/integration/lib.sh"
. "$HERE/lib.sh"
# lib.sh set its own traps; ours also stop the daemons (and call its t_cleanup).
trap cleanup EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM HUP
cd "$E_TMP" || exit 2

GREETING="hello: $FIX_GREETING"
TAG=burrow-engines/hello:1.0
# For the store's sh: "UID GID" of the process, from /proc (the images have no id(1)).
UID_GID='while read -r k v rest; do case $k in Uid:) u=$v ;; Gid:) g=$v ;; esac; done </proc/self/status; echo "$u $g"'

# The same pack() as tests/integration/t_pack_images.sh.
pack() {
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
        -e hello-script="$FIX_SCRIPT" "$@"
}
# layer_count DOCKER-ARCHIVE
layer_count() {
    tar -xOf "$1" manifest.json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["Layers"]))'
}

DOCKER_TAR=$E_TMP/img/hello-docker.tar
OCI_DIR=$E_TMP/img/hello-oci
PACK_TGZ=$E_TMP/img/hello.tar.gz
BIG_TAR=$E_TMP/img/hello-125.tar
check "images: burrow-pack -f docker --tag $TAG" pack -f docker --tag "$TAG" -o "$DOCKER_TAR"
check "images: burrow-pack -f oci --tag $TAG" pack -f oci --tag "$TAG" -o "$OCI_DIR"
check "images: burrow-pack of hello, hello-script and sh (a tarball pack)" \
    pack -e sh="$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -o "$PACK_TGZ"
# --max-layers 125 needs more items than the fixture has: a copy of its store with 130
# small items beside it, each with a file of its own (no two layers alike).
BIG=$E_TMP/bigstore
mkdir -p "$BIG"
cp -a "$FIX_STORE"/. "$BIG"/
FILLERS=
for i in $(seq 1 130); do
    item=$(printf '%032d-filler-%03d' "$i" "$i")
    mkdir -p "$BIG/$item/share"
    printf 'filler %s\n' "$i" >"$BIG/$item/share/filler-$i"
    FILLERS="$FILLERS $item"
done
chmod -R a+rX "$BIG"
# shellcheck disable=SC2086
check "images: burrow-pack -f docker --max-layers 125 of hello and 130 more items" \
    "$T_PACK" --store "$BIG:$FIX_DEST" "$FIX_ITEM_HELLO" $FILLERS -e hello="$FIX_HELLO" \
    -f docker --max-layers 125 --tag burrow-engines/hello-125:1.0 -o "$BIG_TAR"
expect_eq "images: the --max-layers 125 image has 125 layers" 125 "$(layer_count "$BIG_TAR" 2>&1)"
chmod -R a+rX "$E_TMP/img"

ENGINES=${E_ONLY:-docker containerd podman runc slurm charliecloud}
want() { case " $ENGINES " in *" $1 "*) return 0 ;; esac; return 1; }
for e in docker containerd podman runc slurm; do
    if want "$e" || { [ "$e" = docker ] && want charliecloud; }; then
        . "$HERE/$e.sh"
    fi
done

# ---- nothing left behind ---------------------------------------------------------------
daemon_stop_all
left=
while read -r name pid; do
    if [ -d "/proc/$pid" ]; then left="$left $name($pid)"; fi
done <"$E_TMP/stopped"
started=$(awk '{ print $1 }' "$E_TMP/stopped" | tr '\n' ' ' | sed 's/ $//')
expect_eq "cleanup: every daemon started (${started:-none}) is gone" "" "${left# }"
expect_eq "cleanup: no process names the temp dir" "" \
    "$(for p in $(t_pids_matching "$E_TMP" 2>/dev/null); do [ "$p" != $$ ] && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-120; done)"
expect_eq "cleanup: nothing is mounted under the temp dir" "" "$(mounts_under "$E_TMP" | tr '\n' ' ')"
expect_eq "cleanup: nothing left in the host paths the engines use ($(echo $NEW_PATHS | wc -w) checked)" "" "$(host_leftovers)"
T_DIR=$E_TMP
cleanup
expect_eq "cleanup: the temp dir is removed" "" "$(ls -d "$T_DIR" 2>/dev/null)"
expect_eq "cleanup: no mount under it remains" "" "$(mounts_under "$T_DIR" | tr '\n' ' ')"

echo "# check-engines: $(($(date +%s) - START)) s"
summary="$T_PASS passed, $T_FAILED failed"
[ "$T_SKIPPED" -gt 0 ] && summary="$summary, $T_SKIPPED skipped"
echo "$summary"
[ "$T_FAILED" -eq 0 ]
