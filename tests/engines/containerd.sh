# Sourced by tests/engines/run.sh: a registry (docker-registry, storage in the temp dir,
# on 127.0.0.1) that skopeo pushes burrow-pack's images to, and a containerd of its own
# (root, state and sockets in the temp dir) that pulls them with ctr and runs them.
C=$E_TMP/containerd
R=$E_TMP/registry
mkdir -p "$C" "$R/data"
CTR_CHECKS="containerd: skopeo copy oci:LAYOUT to the local registry
containerd: skopeo copy docker-archive: to the local registry
containerd: ctr image pull --plain-http of the OCI image
containerd: ctr run --rm of the OCI image prints the greeting
containerd: ctr image pull --plain-http of the docker archive's image
containerd: ctr run --rm of the docker archive's image prints the greeting
containerd: the container runs as uid 65534 (the image's User)"

containerd_checks() {
    ctr_() { ctr -a "$C/containerd.sock" -n burrow-engines "$@"; }
    # ctr run's FIFOs and runc's state in the temp dir too (they default to /run/containerd).
    run_() { ctr_ run --rm --fifo-dir "$C/fifo" --runc-root "$C/runc" "$@"; }
    REG=127.0.0.1:$REG_PORT
    check "containerd: skopeo copy oci:LAYOUT to the local registry" \
        skopeo copy -q --dest-tls-verify=false "oci:$OCI_DIR:1.0" "docker://$REG/burrow-engines/hello:oci"
    check "containerd: skopeo copy docker-archive: to the local registry" \
        skopeo copy -q --dest-tls-verify=false "docker-archive:$DOCKER_TAR" "docker://$REG/burrow-engines/hello:docker"
    check "containerd: ctr image pull --plain-http of the OCI image" ctr_ image pull --plain-http "$REG/burrow-engines/hello:oci"
    expect_out "containerd: ctr run --rm of the OCI image prints the greeting" "$GREETING" \
        run_ "$REG/burrow-engines/hello:oci" burrow-engines-oci
    check "containerd: ctr image pull --plain-http of the docker archive's image" \
        ctr_ image pull --plain-http "$REG/burrow-engines/hello:docker"
    expect_out "containerd: ctr run --rm of the docker archive's image prints the greeting" "$GREETING" \
        run_ "$REG/burrow-engines/hello:docker" burrow-engines-docker
    expect_out "containerd: the container runs as uid 65534 (the image's User)" "65534 65534" \
        run_ "$REG/burrow-engines/hello:oci" burrow-engines-uid "$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -c "$UID_GID"
    # Images and snapshots go, so that containerd leaves no mount when it stops.
    for ref in oci docker; do ctr_ image rm "$REG/burrow-engines/hello:$ref" >/dev/null 2>&1; done
}

REG_PORT=$(free_port)
cat >"$R/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $R/data
http:
  addr: 127.0.0.1:$REG_PORT
YML
cat >"$C/config.toml" <<TOML
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$C/containerd.sock"
[ttrpc]
  address = "$C/containerd.sock.ttrpc"
[debug]
  address = "$C/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$C/opt"
TOML
daemon_start registry "$E_TMP/log/registry" docker-registry serve "$R/config.yml"
daemon_start containerd "$E_TMP/log/containerd" containerd --config "$C/config.toml"
if ! daemon_wait registry 30 curl -sf "http://127.0.0.1:$REG_PORT/v2/"; then
    skip_lines "the registry did not start: $(daemon_why registry)" "$CTR_CHECKS"
elif ! daemon_wait containerd 30 ctr -a "$C/containerd.sock" version; then
    skip_lines "containerd did not start: $(daemon_why containerd)" "$CTR_CHECKS"
else
    containerd_checks
fi
daemon_stop containerd
daemon_stop registry
