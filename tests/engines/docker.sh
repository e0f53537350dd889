# Sourced by tests/engines/run.sh: dockerd of its own (socket, data and exec root in the
# temp dir, no iptables, no bridge); docker load + docker run of burrow-pack's archives.
# Charliecloud's checks run here too: ch-convert 0.31 reads images from a Docker daemon.
D=$E_TMP/docker
mkdir -p "$D"
echo '{}' >"$D/daemon.json"
DOCKER_HOST=unix://$D/docker.sock
export DOCKER_HOST
DOCKER_CHECKS="docker: docker load of the -f docker archive
docker: docker run --rm --network none prints the greeting
docker: the image runs as uid 65534 (the default --user)
docker: docker run --entrypoint /bin/hello-script (the #! entry through the image's links)
docker: docker load of the --max-layers 125 archive
docker: docker sees 125 layers
docker: docker run of the 125-layer image prints the greeting"
CH_CHECKS="charliecloud: ch-convert -i docker $TAG into a directory
charliecloud: ch-run DIR -- hello as uid 65534 prints the greeting
charliecloud: ch-run DIR -- hello-script as uid 65534 prints the greeting"

docker_checks() {
    want docker || return 0
    check "docker: docker load of the -f docker archive" docker load -i "$DOCKER_TAR"
    expect_out "docker: docker run --rm --network none prints the greeting" "$GREETING" \
        docker run --rm --network none "$TAG"
    expect_out "docker: the image runs as uid 65534 (the default --user)" "65534 65534" \
        docker run --rm --network none --entrypoint "$FIX_DEST/$FIX_ITEM_DASH/bin/sh" "$TAG" -c "$UID_GID"
    expect_out "docker: docker run --entrypoint /bin/hello-script (the #! entry through the image's links)" "$GREETING" \
        docker run --rm --network none --entrypoint /bin/hello-script "$TAG"
    check "docker: docker load of the --max-layers 125 archive" docker load -i "$BIG_TAR"
    expect_eq "docker: docker sees 125 layers" 125 \
        "$(docker image inspect --format '{{len .RootFS.Layers}}' burrow-engines/hello-125:1.0 2>&1)"
    expect_out "docker: docker run of the 125-layer image prints the greeting" "$GREETING" \
        docker run --rm --network none burrow-engines/hello-125:1.0
}

charliecloud_checks() {
    want charliecloud || return 0
    CH=$E_TMP/charliecloud
    mkdir -p "$CH/tmp"
    if ! docker image inspect "$TAG" >/dev/null 2>&1; then
        docker load -i "$DOCKER_TAR" >/dev/null 2>&1
    fi
    check "charliecloud: ch-convert -i docker $TAG into a directory" \
        env TMPDIR="$CH/tmp" ch-convert -i docker -o dir "$TAG" "$CH/hello"
    chmod -R go+rX "$CH/hello" 2>/dev/null
    expect_out "charliecloud: ch-run DIR -- hello as uid 65534 prints the greeting" "$GREETING" \
        as_nobody ch-run "$CH/hello" -- "$FIX_HELLO"
    expect_out "charliecloud: ch-run DIR -- hello-script as uid 65534 prints the greeting" "$GREETING" \
        as_nobody ch-run "$CH/hello" -- /bin/hello-script
}

daemon_start dockerd "$E_TMP/log/dockerd" dockerd --config-file "$D/daemon.json" --data-root "$D/data" \
    --exec-root "$D/exec" --host "$DOCKER_HOST" --pidfile "$D/dockerd.pid" --iptables=false --ip6tables=false \
    --ip-masq=false --bridge=none
if daemon_wait dockerd 60 docker version; then
    docker_checks
    charliecloud_checks
else
    why="the Docker daemon did not start: $(daemon_why dockerd)"
    want docker && skip_lines "$why" "$DOCKER_CHECKS"
    want charliecloud && skip_lines "$why (ch-convert 0.31 reads images from it)" "$CH_CHECKS"
fi
daemon_stop dockerd
unset DOCKER_HOST
