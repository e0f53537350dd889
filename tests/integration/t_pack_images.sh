# burrow-pack -f docker and -f oci: the fixture store as container images, read back by
# skopeo and umoci, unpacked and run; layering, reproducibility, bad inputs.
. "$T_LIB"

if [ -z "$T_PACK" ] || [ ! -x "$T_PACK" ]; then
    fail "images: burrow-pack is built" "T_PACK='$T_PACK' is not an executable"
    done_testing
    exit
fi
for tool in skopeo umoci python3; do
    command -v $tool >/dev/null 2>&1 || fail "images: $tool is installed" "not found in PATH"
done

pack() {
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
        -e hello-script="$FIX_SCRIPT" "$@"
}

# jget_layer_last ARCHIVE: the name of a docker archive's last layer.
jget_layer_last() {
    tar -xOf "$1" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Layers"][-1])'
}

# jget JSON-FILE PYTHON-EXPR: prints the expression over the document `d`.
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# layer_items ARCHIVE: one line per layer of a docker archive, bottom first: the store
# items it holds, sorted and space-separated ("-" for none).
layer_items() {
    python3 - "$1" "$FIX_DEST" <<'EOF'
import io, json, sys, tarfile
outer = tarfile.open(sys.argv[1])
store = sys.argv[2].lstrip("/") + "/"
for layer in json.load(outer.extractfile("manifest.json"))[0]["Layers"]:
    inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile(layer).read()))
    items = sorted({n[len(store):].split("/")[0] for n in inner.getnames() if n.startswith(store) and len(n) > len(store)})
    print(" ".join(items) or "-")
EOF
}

# by_size ITEM...: the items, largest first (sum of their regular files' sizes; ties by name).
by_size() {
    python3 - "$FIX_STORE" "$@" <<'EOF'
import os, sys
store = sys.argv[1]
def size(item):
    total = 0
    for root, dirs, files in os.walk(os.path.join(store, item)):
        for f in files:
            p = os.path.join(root, f)
            if os.path.isfile(p) and not os.path.islink(p):
                total += os.lstat(p).st_size
    return total
for item in sorted(sorted(sys.argv[2:]), key=lambda i: -size(i)):
    print(item)
EOF
}

closure_count=$(printf '%s\n' $FIX_HELLO_CLOSURE | wc -l)
hello_dir=${FIX_HELLO%/*}

# ---- -f docker --------------------------------------------------------------------
D=$T_TMP/hello-docker.tar
check "docker: pack the fixture (hello, hello-script)" pack -f docker -o "$D"
check "docker: skopeo inspect docker-archive: succeeds" sh -c 'skopeo inspect "docker-archive:$1" > "$2"' sh "$D" "$T_TMP/inspect.json"
expect_eq "docker: one layer per closure item plus the last" "$((closure_count + 1))" "$(jget "$T_TMP/inspect.json" 'len(d["Layers"])')"
expect_eq "docker: Env has PATH with the entries' bin directory" "PATH=$hello_dir:/bin" "$(jget "$T_TMP/inspect.json" 'd["Env"][0]')"
expect_eq "docker: label org.opencontainers.image.created" "1970-01-01T00:00:01Z" \
    "$(jget "$T_TMP/inspect.json" 'd["Labels"]["org.opencontainers.image.created"]')"
expect_eq "docker: label org.opencontainers.image.title" "hello" "$(jget "$T_TMP/inspect.json" 'd["Labels"]["org.opencontainers.image.title"]')"
expect_eq "docker: label org.opencontainers.image.version (from the entry's item)" "1.0" \
    "$(jget "$T_TMP/inspect.json" 'd["Labels"]["org.opencontainers.image.version"]')"
check "docker: skopeo inspect --config succeeds" sh -c 'skopeo inspect --config "docker-archive:$1" > "$2"' sh "$D" "$T_TMP/config.json"
expect_eq "docker: Entrypoint is the first entry's program" "['$FIX_HELLO']" "$(jget "$T_TMP/config.json" 'd["config"]["Entrypoint"]')"
expect_eq "docker: created is SOURCE_DATE_EPOCH (default 1)" "1970-01-01T00:00:01Z" "$(jget "$T_TMP/config.json" 'd["created"]')"
expect_eq "docker: one history entry per layer" "$((closure_count + 1))" "$(jget "$T_TMP/config.json" 'len(d["history"])')"
expect_eq "docker: RepoTags defaults to the first entry's name" "['hello:latest']" \
    "$(python3 -c 'import json,sys,tarfile; print(json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))[0]["RepoTags"])' "$D")"
# burrow-pack(1) --tag: "Default: the first entry's name (else the first named item's,
# without its hash), tag latest".
check "docker: pack an item without entries" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" -f docker -o "$T_TMP/noentry.tar"
expect_eq "docker: ... RepoTags is then the item's name without its hash" "['${FIX_ITEM_DATA#*-}:latest']" \
    "$(python3 -c 'import json,sys,tarfile; print(json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))[0]["RepoTags"])' "$T_TMP/noentry.tar")"
rm -f "$T_TMP/noentry.tar"
# diff_ids are the sha256 of the uncompressed layer tars.
expect_eq "docker: diff_ids are the sha256 of the layer tars" "ok" "$(python3 - "$D" <<'EOF'
import hashlib, json, sys, tarfile
t = tarfile.open(sys.argv[1])
m = json.load(t.extractfile("manifest.json"))[0]
cfg = json.load(t.extractfile(m["Config"]))
ids = ["sha256:" + hashlib.sha256(t.extractfile(l).read()).hexdigest() for l in m["Layers"]]
print("ok" if ids == cfg["rootfs"]["diff_ids"] else "differ: %s %s" % (ids, cfg["rootfs"]["diff_ids"]))
EOF
)"
expect_eq "docker: items in their own layers, largest first; the last layer has none" \
    "$(by_size $FIX_HELLO_CLOSURE; echo -)" "$(layer_items "$D")"

check "docker: skopeo copy docker-archive: → oci:" skopeo copy -q "docker-archive:$D" "oci:$T_TMP/copied:tag"
check "docker: umoci unpack --rootless" umoci unpack --rootless --image "$T_TMP/copied:tag" "$T_TMP/bundle"
R=$T_TMP/bundle/rootfs
check "docker: the unpacked rootfs has the entry's program" test -x "$R$FIX_HELLO"
check "docker: every closure item is in the rootfs" sh -c 'for i in $2; do test -d "$1/$i" || exit 1; done' sh "$R$FIX_DEST" "$FIX_HELLO_CLOSURE"
check "docker: /gnu is a directory of its own (no missing parents)" test -d "$R/gnu"
expect_eq "docker: /tmp is drwxrwxrwt" "drwxrwxrwt" "$(ls -ld "$R/tmp" | cut -c1-10)"
expect_eq "docker: bin/hello-script points at the entry's program" "$FIX_SCRIPT" "$(readlink "$R/bin/hello-script")"
check "docker: the pack manifest is in the image" test -f "$R/.burrow/manifest.json"
expect_eq "docker: the manifest digest label matches /.burrow/manifest.json" \
    "sha256:$(sha256sum < "$R/.burrow/manifest.json" | cut -d' ' -f1)" \
    "$(jget "$T_TMP/inspect.json" 'd["Labels"]["burrow.pack.manifest.digest"]')"
expect_out "docker: the store's hello runs from the unpacked layers" "hello: $FIX_GREETING" \
    "$T_BURROW" --bind "$R/gnu" /gnu --host-root -- "$FIX_HELLO"
if "$T_BURROW" --help 2>&1 | grep -q -e '--root DIR'; then
    expect_out "docker: burrow --root ROOTFS runs the entrypoint" "hello: $FIX_GREETING" "$T_BURROW" --root "$R" -- "$FIX_HELLO"
    expect_out "docker: burrow --root ROOTFS finds hello-script through the image's PATH" "hello: $FIX_GREETING" \
        "$T_BURROW" --root "$R" -- /bin/hello-script
else
    skip "docker: burrow --root ROOTFS runs the entrypoint" "this burrow has no --root"
fi

# ---- The image config: user, environment, workdir, labels, default arguments ---------
expect_eq "docker: the image runs as 65534:65534 by default" "65534:65534" "$(jget "$T_TMP/config.json" 'd["config"]["User"]')"
expect_eq "docker: the working directory is / by default" "/" "$(jget "$T_TMP/config.json" 'd["config"]["WorkingDir"]')"
expect_eq "docker: the last layer's history names what it holds" "yes" \
    "$(jget "$T_TMP/config.json" '"yes" if "/etc/passwd" in d["history"][-1]["comment"] else d["history"][-1]')"
C=$T_TMP/conf-docker.tar
check "config: pack with --env, --user, --workdir, --label and --cmd" pack -f docker -o "$C" --env GCONV_PATH=/g \
    --env PATH=/p:/bin --user 1000:100 --workdir /tmp --label org.example.team=tools --cmd --greet --cmd x
expect_eq "config: a --user of its own gets an /etc/passwd line" "user:x:1000:100:user:/tmp:/bin/sh" \
    "$(tar -xOf "$C" "$(jget_layer_last "$C")" | tar -xOf - etc/passwd | grep '^user:')"
skopeo inspect --config "docker-archive:$C" > "$T_TMP/cconfig.json" 2>&1
expect_eq "config: --env adds a variable, and PATH replaces the one made" "['PATH=/p:/bin', 'GCONV_PATH=/g']" \
    "$(jget "$T_TMP/cconfig.json" 'd["config"]["Env"]')"
expect_eq "config: --user" "1000:100" "$(jget "$T_TMP/cconfig.json" 'd["config"]["User"]')"
# burrow-pack(1) --user UID[:GID]: "(and group; default: the same number)".
check "config: pack with --user UID alone" pack -f docker -o "$T_TMP/uid-only.tar" --user 1000
expect_eq "config: --user UID: the group is the same number (the image's /etc/passwd)" "user:x:1000:1000:user:/tmp:/bin/sh" \
    "$(tar -xOf "$T_TMP/uid-only.tar" "$(jget_layer_last "$T_TMP/uid-only.tar")" | tar -xOf - etc/passwd | grep '^user:')"
rm -f "$T_TMP/uid-only.tar"
expect_eq "config: --workdir" "/tmp" "$(jget "$T_TMP/cconfig.json" 'd["config"]["WorkingDir"]')"
expect_eq "config: --label is beside burrow-pack's own" "tools hello" \
    "$(jget "$T_TMP/cconfig.json" 'd["config"]["Labels"]["org.example.team"] + " " + d["config"]["Labels"]["org.opencontainers.image.title"]')"
expect_eq "config: --cmd gives the default arguments, in order" "['--greet', 'x']" "$(jget "$T_TMP/cconfig.json" 'd["config"]["Cmd"]')"
conf_pack() {
    pack -f docker --env GCONV_PATH=/g --env PATH=/p:/bin --user 1000:100 --workdir /tmp --label org.example.team=tools \
        --cmd --greet --cmd x "$@"
}
check "config: the same options give the same bytes" sh -c 'cmp -s "$1" "$2"' sh "$C" \
    "$(conf_pack -o "$T_TMP/conf2.tar" && echo "$T_TMP/conf2.tar")"
expect_err "config: --user takes numbers" 125 "--user 'alice': expected UID or UID:GID, numbers" pack -f docker -o "$T_TMP/bad.tar" --user alice
expect_err "config: --env needs a variable name" 125 "'1X' is not a variable name" pack -f docker -o "$T_TMP/bad.tar" --env 1X=y
expect_err "config: --label may not replace the manifest digest" 125 "burrow-pack sets burrow.pack.manifest.digest itself" \
    pack -f docker -o "$T_TMP/bad.tar" --label burrow.pack.manifest.digest=x
expect_err "config: --env is only for images" 125 "--env: only for -f docker and -f oci" pack -o "$T_TMP/bad.tar.gz" --env A=b
check "config: no partial output is left by a refused option" test ! -e "$T_TMP/bad.tar" -a ! -e "$T_TMP/bad.tar.gz"

# Mount points and /etc files that runtimes binding into the image expect.
expect_eq "rootfs: /dev, /proc and /sys are empty directories" "0 0 0" \
    "$(for d in dev proc sys; do ls -A "$R/$d" | wc -l; done | tr '\n' ' ' | sed 's/ $//')"
expect_eq "rootfs: /etc/passwd names root and nobody" "root nobody" "$(cut -d: -f1 "$R/etc/passwd" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "rootfs: /etc/group names root and nogroup" "root nogroup" "$(cut -d: -f1 "$R/etc/group" | tr '\n' ' ' | sed 's/ $//')"
check "rootfs: /etc/hosts and /etc/resolv.conf exist, to bind over" test -f "$R/etc/hosts" -a -f "$R/etc/resolv.conf"
mkdir -p "$T_TMP/own-etc" && echo "custom:x:1:1::/:/bin/false" >"$T_TMP/own-etc/passwd"
check "rootfs: pack a slice at /etc" "$T_PACK" --slice "$T_TMP/own-etc=/etc" -f docker -o "$T_TMP/own-etc.tar"
OE=$T_TMP/own-etc.tar
OE_FIRST=$(tar -xOf "$OE" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Layers"][0])')
expect_eq "rootfs: a slice's own /etc/passwd is left as it is (not in the last layer)" "custom no" \
    "$(tar -xOf "$OE" "$OE_FIRST" | tar -xOf - etc/passwd | cut -d: -f1) $(tar -xOf "$OE" "$(jget_layer_last "$OE")" |
        tar -tf - | grep -qx etc/passwd && echo yes || echo no)"
expect_eq "rootfs: ... and /etc/group is added beside it" "root" \
    "$(tar -xOf "$OE" "$(jget_layer_last "$OE")" | tar -xOf - etc/group | head -1 | cut -d: -f1)"
if command -v ch-run >/dev/null 2>&1; then
    # ch-run binds the host's /dev, /proc, /sys, /etc/passwd, /etc/group (and more) into
    # the image's own paths, and refuses an image that lacks them.
    CH=$T_TMP/ch-root
    cp -a "$R" "$CH"
    chmod -R u+rwX,go+rX "$CH"
    expect_out "charliecloud: ch-run runs the image's hello" "hello: $FIX_GREETING" \
        env USER="$(id -un)" ch-run "$CH" -- "$FIX_HELLO"
else
    skip "charliecloud: ch-run runs the image's hello" "charliecloud-runtime is not installed (make deps installs it)"
fi

# ---- -f oci -----------------------------------------------------------------------
O=$T_TMP/hello-oci
check "oci: pack the fixture as an OCI layout directory" pack -f oci --tag hello:1.0 -o "$O"
check "oci: oci-layout, index.json and blobs/sha256" test -f "$O/oci-layout" -a -f "$O/index.json" -a -d "$O/blobs/sha256"
expect_eq "oci: index.json names the tag" "1.0" "$(jget "$O/index.json" 'd["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"]')"
expect_eq "oci: index.json's manifest media type" "application/vnd.oci.image.manifest.v1+json" "$(jget "$O/index.json" 'd["manifests"][0]["mediaType"]')"
mdigest=$(jget "$O/index.json" 'd["manifests"][0]["digest"]')
M=$O/blobs/sha256/${mdigest#sha256:}
expect_eq "oci: the manifest blob's name is its sha256" "${mdigest#sha256:}" "$(sha256sum < "$M" | cut -d' ' -f1)"
expect_eq "oci: config media type" "application/vnd.oci.image.config.v1+json" "$(jget "$M" 'd["config"]["mediaType"]')"
expect_eq "oci: layers are tar+gzip" "['application/vnd.oci.image.layer.v1.tar+gzip']" "$(jget "$M" 'sorted({l["mediaType"] for l in d["layers"]})')"
check "oci: skopeo inspect oci: succeeds" sh -c 'skopeo inspect "oci:$1:1.0" > "$2"' sh "$O" "$T_TMP/oinspect.json"
expect_eq "oci: skopeo sees the layers" "$((closure_count + 1))" "$(jget "$T_TMP/oinspect.json" 'len(d["Layers"])')"
expect_eq "oci: skopeo sees the labels" "hello" "$(jget "$T_TMP/oinspect.json" 'd["Labels"]["org.opencontainers.image.title"]')"
check "oci: umoci unpack --rootless" umoci unpack --rootless --image "$O:1.0" "$T_TMP/obundle"
check "oci: the unpacked rootfs has the entry's program" test -x "$T_TMP/obundle/rootfs$FIX_HELLO"
expect_out "oci: the store's hello runs from the unpacked layers" "hello: $FIX_GREETING" \
    "$T_BURROW" --bind "$T_TMP/obundle/rootfs/gnu" /gnu --host-root -- "$FIX_HELLO"

check "oci: -o x.tar writes a tar of the layout" pack -f oci -o "$T_TMP/hello-oci.tar"
t_run tar -tf "$T_TMP/hello-oci.tar"
expect_eq "oci: the tar lists oci-layout, index.json and blobs" "yes" \
    "$(printf '%s\n' "$T_OUT" | grep -qx oci-layout && printf '%s\n' "$T_OUT" | grep -qx index.json &&
        printf '%s\n' "$T_OUT" | grep -q '^blobs/sha256/[0-9a-f]\{64\}$' && echo yes)"
check "oci: skopeo inspect oci-archive: succeeds" skopeo inspect "oci-archive:$T_TMP/hello-oci.tar:latest"
check "oci: -C zstd" pack -f oci -C zstd -o "$T_TMP/zstd-oci"
zm=$(jget "$T_TMP/zstd-oci/index.json" 'd["manifests"][0]["digest"][7:]')
expect_eq "oci: -C zstd layers are tar+zstd" "['application/vnd.oci.image.layer.v1.tar+zstd']" \
    "$(jget "$T_TMP/zstd-oci/blobs/sha256/$zm" 'sorted({l["mediaType"] for l in d["layers"]})')"

# ---- --tag, slices and -S links ----------------------------------------------------
mkdir -p "$T_TMP/slice/sub"
echo "slice data" > "$T_TMP/slice/sub/f"
check "tags: --tag with a registry host and port, a slice and -S links" \
    pack -f docker --tag registry.example.com:5000/team/hello:2.0 --slice "$T_TMP/slice=/opt/data" \
    -S "etc/greet=$FIX_DEST/$FIX_ITEM_DATA" -S opt/d2=/opt/data/sub -o "$T_TMP/tagged.tar"
expect_eq "tags: RepoTags is the --tag" "['registry.example.com:5000/team/hello:2.0']" \
    "$(python3 -c 'import json,sys,tarfile; print(json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))[0]["RepoTags"])' "$T_TMP/tagged.tar")"
# path → what it is, over all layers of the image.
entries_of() {
    python3 - "$1" <<'EOF'
import io, json, sys, tarfile
outer = tarfile.open(sys.argv[1])
for layer in json.load(outer.extractfile("manifest.json"))[0]["Layers"]:
    for m in tarfile.open(fileobj=io.BytesIO(outer.extractfile(layer).read())).getmembers():
        print(m.name, "->" + m.linkname if m.issym() else ("dir" if m.isdir() else "file"))
EOF
}
tagged=$(entries_of "$T_TMP/tagged.tar")
expect_eq "tags: the slice is at its destination" "opt/data/sub/f file" "$(printf '%s\n' "$tagged" | grep '^opt/data/sub/f ')"
expect_eq "tags: -S to a store path is an absolute link" "etc/greet ->$FIX_DEST/$FIX_ITEM_DATA" "$(printf '%s\n' "$tagged" | grep '^etc/greet ')"
expect_eq "tags: -S to a slice path points at its destination" "opt/d2 ->/opt/data/sub" "$(printf '%s\n' "$tagged" | grep '^opt/d2 ')"
expect_err "tags: -S to a path not in the image" 1 "burrow-pack: -S etc/x: its target" \
    pack -f docker -S "etc/x=$FIX_DEST/$FIX_ITEM_HELLO/nope" -o "$T_TMP/nope.tar"
expect_err "tags: an entry outside the image" 1 "the program is not in the image" \
    pack -f oci -e sh=/bin/sh -o "$T_TMP/nope"
expect_eq "tags: ... and nothing is left behind (no output, no temporary)" "" \
    "$(ls -A "$T_TMP" | grep -e '^nope' -e '^\.')"

# ---- reproducibility and layering -------------------------------------------------
mkdir "$T_TMP/r1" "$T_TMP/r2"
check "repro: docker, second build" pack -f docker -o "$T_TMP/r1/again.tar"
check "repro: docker builds are byte-identical" cmp "$D" "$T_TMP/r1/again.tar"
check "repro: oci, second build" pack -f oci --tag hello:1.0 -o "$T_TMP/r1/oci"
check "repro: oci layouts are identical" diff -r "$O" "$T_TMP/r1/oci"
check "repro: oci tar, second build" pack -f oci -o "$T_TMP/r1/again-oci.tar"
check "repro: oci tars are byte-identical" cmp "$T_TMP/hello-oci.tar" "$T_TMP/r1/again-oci.tar"
check "repro: items in another order, one named twice" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DASH" "$FIX_ITEM_HELLO" "$FIX_ITEM_DASH" \
    -e hello="$FIX_HELLO" -e hello-script="$FIX_SCRIPT" -f docker -o "$T_TMP/r1/order1.tar"
check "repro: the items in the first order" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" "$FIX_ITEM_DASH" \
    -e hello="$FIX_HELLO" -e hello-script="$FIX_SCRIPT" -f docker -o "$T_TMP/r1/order2.tar"
check "repro: the order items are named in does not change the bytes" cmp "$T_TMP/r1/order1.tar" "$T_TMP/r1/order2.tar"
expect_eq "repro: an item named twice is packed once" \
    "$(printf '%s\n' $FIX_HELLO_CLOSURE | sort)" "$(layer_items "$T_TMP/r1/order1.tar" | tr ' ' '\n' | grep -v '^-$' | sort)"
t_run env SOURCE_DATE_EPOCH=1700000000 "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" \
    -e hello="$FIX_HELLO" -e hello-script="$FIX_SCRIPT" -f docker -o "$T_TMP/r2/late.tar"
expect_eq "repro: SOURCE_DATE_EPOCH=1700000000 builds" 0 "$T_STATUS"
expect_eq "repro: ... and sets created" "2023-11-14T22:13:20Z" \
    "$(skopeo inspect --config "docker-archive:$T_TMP/r2/late.tar" | python3 -c 'import json,sys; print(json.load(sys.stdin)["created"])')"
expect_eq "repro: ... and the layers' mtimes" "2023-11-14T22:13:20Z" "$(python3 - "$T_TMP/r2/late.tar" <<'EOF'
import io, json, sys, tarfile, datetime
outer = tarfile.open(sys.argv[1])
times = {m.mtime for m in outer.getmembers()}
for layer in json.load(outer.extractfile("manifest.json"))[0]["Layers"]:
    inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile(layer).read()))
    times |= {m.mtime for m in inner.getmembers()}
    if {(m.uid, m.gid) for m in inner.getmembers()} != {(0, 0)}: print("uid/gid not 0"); sys.exit()
print(" ".join(sorted(datetime.datetime.utcfromtimestamp(t).strftime("%Y-%m-%dT%H:%M:%SZ") for t in times)))
EOF
)"

sized=$(by_size $FIX_HELLO_CLOSURE)
biggest=$(printf '%s\n' "$sized" | sed -n 1p)
rest=$(printf '%s\n' "$sized" | sed 1d | sort | tr '\n' ' ')
check "layers: --max-layers 2" pack -f docker --max-layers 2 -o "$T_TMP/r2/two.tar"
expect_eq "layers: --max-layers 2 puts every item in one layer, then the last" \
    "$(printf '%s\n' $FIX_HELLO_CLOSURE | sort | tr '\n' ' ' | sed 's/ $//')
-" "$(layer_items "$T_TMP/r2/two.tar")"
check "layers: --max-layers 3" pack -f docker --max-layers 3 -o "$T_TMP/r2/three.tar"
expect_eq "layers: --max-layers 3: the largest item alone, the rest shared, then the last" \
    "$biggest
${rest% }
-" "$(layer_items "$T_TMP/r2/three.tar")"
check "layers: skopeo reads the merged image" skopeo inspect "docker-archive:$T_TMP/r2/three.tar"

# ---- bad inputs ---------------------------------------------------------------------
mkdir "$T_TMP/bad"
cd "$T_TMP/bad" || exit 1
expect_err "bad: --max-layers 0" 125 "burrow-pack: --max-layers '0'" pack -f docker --max-layers 0 -o img.tar
expect_err "bad: --max-layers 200" 125 "from 2 to 125" pack -f docker --max-layers 200 -o img.tar
expect_err "bad: --max-layers 126 (Docker's limit), and why" 125 "Docker refuses images of more than 125" pack -f docker --max-layers 126 -o img.tar
check "layers: --max-layers 125 is accepted" pack -f oci --max-layers 125 -o "$T_TMP/r2/max125"
expect_err "bad: --max-layers x" 125 "burrow-pack: --max-layers 'x'" pack -f oci --max-layers x -o img
expect_err "bad: --tag with upper case" 125 "burrow-pack: --tag 'Hello:1'" pack -f docker --tag Hello:1 -o img.tar
expect_err "bad: --tag with an empty tag" 125 "burrow-pack: --tag 'hello:'" pack -f docker --tag hello: -o img.tar
expect_err "bad: --tag with a bad tag" 125 "is not valid" pack -f oci --tag 'hello:-x' -o img
expect_err "bad: --tag without -f docker/oci" 125 "--tag: only for -f docker and -f oci" pack --tag hello:1 -o img.tar.gz
expect_err "bad: -C xz with -f oci" 125 "burrow-pack: -C xz" pack -f oci -C xz -o img
expect_err "bad: -C gzip with -f docker" 125 "burrow-pack: -C gzip" pack -f docker -C gzip -o img.tar
expect_err "bad: -f docker -o -" 125 "burrow-pack: -o -" pack -f docker -o -
expect_err "bad: a missing item" 1 "burrow-pack: no item" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" nosuchitem -f docker -o img.tar
expect_eq "bad: nothing is left behind" "" "$(ls -A)"
mkdir existing
echo keep > existing/file
expect_err "bad: -f oci -o EXISTING_DIR is refused" 1 "burrow-pack: $T_TMP/bad/existing already exists" \
    pack -f oci -o "$T_TMP/bad/existing"
expect_eq "bad: ... and the directory is untouched" "file keep" "$(ls -A existing) $(cat existing/file)"
expect_eq "bad: ... and nothing else is left behind" "existing" "$(ls -A)"

done_testing
