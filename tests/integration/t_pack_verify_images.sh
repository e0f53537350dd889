# burrow-pack verify and info on images: a docker archive, an OCI layout directory and an
# OCI layout tarball verify as written; a changed layer, a changed blob, a missing layer,
# a whiteout, a symlinked blob and an unsafe member name are each reported by name.
. "$T_LIB"

pack_image() {
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" "$@"
}
N=$(echo $FIX_HELLO_CLOSURE | wc -w)
check "images: -f docker" pack_image -f docker -o "$T_TMP/d.tar"
check "images: -f oci, a directory" pack_image -f oci -o "$T_TMP/oci"
check "images: -f oci, a tarball" pack_image -f oci -o "$T_TMP/oci.tar"
for img in d.tar oci oci.tar; do
    expect_status "images: $img verifies" 0 "$T_PACK" verify "$T_TMP/$img"
    case $T_OUT in
        *": ok ($N items, 1 entries, "*" files match the manifest, in "*" layers of an image)") ok "images: $img: it says what it checked" ;;
        *) fail "images: $img: it says what it checked" "$(t_what)" ;;
    esac
    t_run "$T_PACK" info "$T_TMP/$img"
    case $T_OUT in
        *"runtime: none (an image: its programs run directly)"*"bin/hello  $FIX_HELLO"*) ok "images: info $img summarises its manifest" ;;
        *) fail "images: info $img summarises its manifest" "$(t_what)" ;;
    esac
done

# The docker archive's layer that holds the greeting, changed in place (same length): its
# hash no longer matches the config's diff_ids, and the item's content differs.
X=$T_TMP/dx
mkdir "$X" && tar -xf "$T_TMP/d.tar" -C "$X"
layer=$(grep -l -a "$FIX_GREETING" "$X"/*/layer.tar | head -n 1)
python3 - "$layer" "$FIX_GREETING" <<'PY'
import sys
p, g = sys.argv[1], sys.argv[2].encode()
b = open(p, 'rb').read()
open(p, 'wb').write(b.replace(g, g.upper()))
PY
(cd "$X" && tar -cf "$T_TMP/d-changed.tar" *)
rel=${layer#"$X"/}
expect_err "images: a changed docker layer is named" 1 "layer $rel: changed (sha256 " \
    "$T_PACK" verify "$T_TMP/d-changed.tar"
expect_err "images: ... and so is the item whose file changed" 1 "item $FIX_ITEM_DATA: content differs" \
    "$T_PACK" verify "$T_TMP/d-changed.tar"

# A docker archive whose manifest lists a layer it lacks.
rm "$layer"
(cd "$X" && tar -cf "$T_TMP/d-missing.tar" *)
expect_err "images: a missing docker layer is named" 1 "layer $rel: missing" "$T_PACK" verify "$T_TMP/d-missing.tar"

# An OCI blob changed: named by its digest.
cp -R "$T_TMP/oci" "$T_TMP/oci2"
blob=$(ls "$T_TMP/oci2/blobs/sha256" | head -n 1)
printf 'x' >>"$T_TMP/oci2/blobs/sha256/$blob"
expect_err "images: a changed OCI blob is named by its digest" 1 "blob sha256:$blob: changed (its content has sha256 " \
    "$T_PACK" verify "$T_TMP/oci2"

# A symlinked blob is not followed.
cp -R "$T_TMP/oci" "$T_TMP/oci3"
blob=$(ls "$T_TMP/oci3/blobs/sha256" | head -n 1)
mv "$T_TMP/oci3/blobs/sha256/$blob" "$T_TMP/elsewhere-blob"
ln -s "$T_TMP/elsewhere-blob" "$T_TMP/oci3/blobs/sha256/$blob"
expect_err "images: a symlinked OCI blob is not followed" 1 "blobs/sha256/$blob: not a regular file" \
    "$T_PACK" verify "$T_TMP/oci3"

# Hostile layers: a whiteout, a member that climbs out and an entry's link changed, in to the last layer of
# the docker archive (whose layers are plain tarballs), with the hashes made to match.
X=$T_TMP/dh
mkdir "$X" && tar -xf "$T_TMP/d.tar" -C "$X"
last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][-1])' "$X/manifest.json")
mkdir -p "$T_TMP/hostile/etc"
: >"$T_TMP/hostile/etc/.wh.passwd"
python3 - "$X/$last" "$T_TMP/hostile" "$X" <<'PY'
import hashlib, io, json, sys, tarfile
layer, hostile, root = sys.argv[1], sys.argv[2], sys.argv[3]
old = tarfile.open(layer)
buf = io.BytesIO()
new = tarfile.open(fileobj=buf, mode='w', format=tarfile.GNU_FORMAT)
for m in old.getmembers():
    if m.name == 'bin/hello':
        m.linkname = '/gnu/store/elsewhere'
    new.addfile(m, old.extractfile(m) if m.isfile() else None)
new.add(hostile + '/etc/.wh.passwd', arcname='etc/.wh.passwd')
evil = tarfile.TarInfo('../escape')
evil.size = 0
new.addfile(evil, io.BytesIO(b''))
new.close()
open(layer, 'wb').write(buf.getvalue())
# Keep the hashes right, so that only the members themselves are wrong.
m = json.load(open(root + '/manifest.json'))
cfg = json.load(open(root + '/' + m[0]['Config']))
cfg['rootfs']['diff_ids'][-1] = 'sha256:' + hashlib.sha256(buf.getvalue()).hexdigest()
open(root + '/' + m[0]['Config'], 'w').write(json.dumps(cfg))
PY
(cd "$X" && tar -cf "$T_TMP/d-hostile.tar" *)
expect_err "images: a whiteout in a layer is named" 1 "member etc/.wh.passwd is a whiteout; burrow-pack never writes one" \
    "$T_PACK" verify "$T_TMP/d-hostile.tar"
expect_err "images: a member that climbs out of the image is named" 1 "member ../escape: has a '..' component" \
    "$T_PACK" verify "$T_TMP/d-hostile.tar"

expect_err "images: an entry's link to another program is named" 1 "entry hello: bin/hello is not the symlink $FIX_HELLO" \
    "$T_PACK" verify "$T_TMP/d-hostile.tar"

# Neither a pack nor an image.
mkdir "$T_TMP/plain" && echo x >"$T_TMP/plain/f" && tar -cf "$T_TMP/plain.tar" -C "$T_TMP/plain" f
expect_err "images: a tarball that is neither is refused" 1 "is not a burrow pack or image" \
    "$T_PACK" verify "$T_TMP/plain.tar"

done_testing
