# Sourced by tests/engines/run.sh: Podman as root with runc (crun fails on hosts with
# hybrid cgroups), storage, run root and its own temp dir in the temp dir, no network.
P=$E_TMP/podman
mkdir -p "$P/root" "$P/runroot" "$P/tmp" "$P/conf"
# Only what we give it, not /etc/containers/storage.conf and containers.conf.
cat >"$P/conf/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$P/root"
runroot = "$P/runroot"
CONF
cat >"$P/conf/containers.conf" <<CONF
[engine]
events_logger = "file"
events_logfile_path = "$P/events.log"
cgroup_manager = "cgroupfs"
tmp_dir = "$P/tmp"
[network]
network_config_dir = "$P/net"
CONF
podman_() {
    CONTAINERS_STORAGE_CONF=$P/conf/storage.conf CONTAINERS_CONF=$P/conf/containers.conf \
        podman --root "$P/root" --runroot "$P/runroot" --tmpdir "$P/tmp" --runtime runc \
        --cgroup-manager cgroupfs --events-backend file "$@"
}
# Podman gives root's containers nofile 1048576 and nproc 4194304; raising a hard limit
# needs CAP_SYS_RESOURCE, which some hosts' root lacks (runc: "error setting rlimit type 6").
ULIMITS=
cap_bnd=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
if [ $(( (0x$cap_bnd >> 24) & 1 )) = 0 ]; then
    echo "# podman: this root has no CAP_SYS_RESOURCE: its containers get --ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
    ULIMITS="--ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
fi
PODMAN_CHECKS="podman: podman load of the -f docker archive
podman: podman run --rm --network none prints the greeting
podman: the container runs as uid 65534
podman: podman pull oci:LAYOUT:1.0
podman: podman run of the image pulled from the OCI layout prints the greeting"
t_run podman_ info
if [ "$T_STATUS" != 0 ]; then
    skip_lines "podman cannot start here: $(t_oneline "$T_ERR" | cut -c1-300)" "$PODMAN_CHECKS"
else
    check "podman: podman load of the -f docker archive" podman_ load -q -i "$DOCKER_TAR"
    # shellcheck disable=SC2086
    expect_out "podman: podman run --rm --network none prints the greeting" "$GREETING" \
        podman_ run --rm --network none $ULIMITS "$TAG"
    # shellcheck disable=SC2086
    expect_out "podman: the container runs as uid 65534" "65534 65534" \
        podman_ run --rm --network none $ULIMITS --entrypoint "$FIX_DEST/$FIX_ITEM_DASH/bin/sh" "$TAG" -c "$UID_GID"
    check "podman: podman pull oci:LAYOUT:1.0" podman_ pull -q "oci:$OCI_DIR:1.0"
    oci_id=$(printf '%s\n' "$T_OUT" | tail -n1)
    # shellcheck disable=SC2086
    expect_out "podman: podman run of the image pulled from the OCI layout prints the greeting" "$GREETING" \
        podman_ run --rm --network none $ULIMITS "${oci_id:-no-image-id}"
    # Podman has no daemon to stop: remove what it made, mounts included.
    podman_ system reset -f >/dev/null 2>&1
fi
