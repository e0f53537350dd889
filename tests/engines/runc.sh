# Sourced by tests/engines/run.sh: rootless runc as uid 65534 — umoci unpack --rootless of
# the OCI layout into a bundle in the (world-readable) temp dir, runc --root DIR run.
U=$E_TMP/runc
mkdir -p "$U"
chown 65534:65534 "$U"
RUNC_CHECKS="runc: umoci unpack --rootless of the OCI layout, as uid 65534
runc: runc run of the bundle, as uid 65534, prints the greeting
runc: runc run of the bundle with args /bin/hello-script, as uid 65534, prints the greeting
runc: the container's root is uid 65534 outside (uid_map 0 65534 1)
runc: runc list shows no container left"
# runc_config FILE ARG...: the bundle's config.json without a terminal (umoci asks for
# one; the output is captured here), as the container's root, with process.args ARG... if
# given. umoci keeps the image's User (65534), but its rootless config maps only uid 0 (to
# the caller) and runc refuses a map without 0: the container's root is uid 65534 outside.
runc_config() {
    as_nobody python3 - "$U/bundle/config.json" "$@" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["user"] = {"uid": 0, "gid": 0}
if len(sys.argv) > 3:
    c["process"]["args"] = sys.argv[3:]
json.dump(c, open(sys.argv[2], "w"))
PY
}
runc_run() { # CONFIG ID: runc run of the bundle with CONFIG as its config.json
    as_nobody sh -c 'cd "$1" && cp "$2" config.json && exec runc --root "$3" run "$4" </dev/null' \
        sh "$U/bundle" "$1" "$U/state" "$2"
}
if ! as_nobody unshare -U true 2>/dev/null; then
    skip_lines "uid 65534 cannot make a user namespace here (rootless runc needs one)" "$RUNC_CHECKS"
else
    check "runc: umoci unpack --rootless of the OCI layout, as uid 65534" \
        as_nobody umoci unpack --rootless --image "$OCI_DIR:1.0" "$U/bundle"
    runc_config "$U/config-hello.json"
    expect_out "runc: runc run of the bundle, as uid 65534, prints the greeting" "$GREETING" \
        runc_run "$U/config-hello.json" burrow-engines-hello
    runc_config "$U/config-script.json" /bin/hello-script
    expect_out "runc: runc run of the bundle with args /bin/hello-script, as uid 65534, prints the greeting" "$GREETING" \
        runc_run "$U/config-script.json" burrow-engines-script
    runc_config "$U/config-map.json" "$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -c 'read -r a b c </proc/self/uid_map; echo "$a $b $c"'
    expect_out "runc: the container's root is uid 65534 outside (uid_map 0 65534 1)" "0 65534 1" \
        runc_run "$U/config-map.json" burrow-engines-map
    expect_out "runc: runc list shows no container left" "" as_nobody runc --root "$U/state" list -q
fi
