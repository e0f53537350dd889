#!/bin/sh
# A hostile image root: symlinks named like burrow's internal paths, and dangling
# absolute symlinks (into /.oldroot, where the host's root sits while the root is built)
# at every kind of mount destination. burrow must never create, open or write anything
# through them: the victim directory stays empty, and each launch either runs or fails
# with a clear 125.
. "$T_LIB"

victim="$T_TMP/victim"
mkdir -p "$victim" && chmod 1777 "$victim"

# An image that runs the fixture's hello (interpreter and libraries in its own store).
img="$T_TMP/img"
mkdir -p "$img/gnu" "$img/etc" "$img/opt"
cp -a "$FIX_STORE" "$img/gnu/store"
for n in .burrow-files .staged .newroot; do ln -s "/.oldroot$victim" "$img/$n"; done
ln -s "/.oldroot$victim/planted" "$img/etc/resolv.conf"

victim_empty() { # NAME: the victim directory is still empty
    left=$(ls -A "$victim")
    if [ -z "$left" ]; then ok "$1"; else fail "$1" "created on the host: $left"; rm -rf "${victim:?}"/* "$victim"/.[!.]*; fi
}

export API_TOKEN=s3cret-token
cat > "$T_TMP/token.json" <<JSON
{ "version": 1, "extends": "builtin:sandbox",
  "root": { "path": "$img" },
  "mounts": [ { "type": "file", "destination": "/etc/token", "content": "\${env:API_TOKEN}" } ],
  "process": { "cwd": "/", "exec": "$FIX_HELLO" } }
JSON
expect_out "hostile: a file mount's content reaches the program" "s3cret-token" \
    "$T_BURROW" --profile "$T_TMP/token.json" -- --cat /etc/token
victim_empty "hostile: staged file contents never land behind an image's .burrow-files/.staged link"
expect_out "hostile: sandbox base over a hostile image runs" "hello: $FIX_GREETING" \
    "$T_BURROW" --profile builtin:sandbox --root "$img" --chdir / -- "$FIX_HELLO"
victim_empty "hostile: the sandbox's passwd and group are not written to the host"
case $(cat "$victim"/* 2>/dev/null) in *s3cret*) fail "hostile: the token never leaks" "found in $victim" ;; *) ok "hostile: the token never leaks" ;; esac

# (b) a dangling link at a file destination, with a synthesised sibling (/etc/hosts is
# missing from the image, so /etc is rebuilt entry by entry on burrow's tmpfs).
expect_status "hostile: binds onto a dangling /etc/resolv.conf link run" 0 \
    "$T_BURROW" --root "$img" --ro-bind /etc/resolv.conf /etc/resolv.conf \
    --ro-bind /etc/hosts /etc/hosts --chdir / -- "$FIX_HELLO"
victim_empty "hostile: nothing is created at a dangling link's host target"
expect_eq "hostile: ... the bound file is reached through the link inside" "$(cat /etc/resolv.conf)" \
    "$("$T_BURROW" --root "$img" --ro-bind /etc/resolv.conf /etc/resolv.conf \
        --ro-bind /etc/hosts /etc/hosts --chdir / -- "$FIX_HELLO" --cat /etc/resolv.conf)"

# Every destination kind, at a dangling absolute link and below a link to a host directory.
for kind in bind-file bind-dir tmpfs dir symlink proc dev file mask; do
    ln -sfn "/.oldroot$victim/$kind" "$img/opt/$kind"
    ln -sfn "../../.oldroot$victim/$kind-rel" "$img/opt/$kind-rel"
done
ln -sfn "/.oldroot$victim" "$img/hostdir"
echo data > "$T_TMP/afile"
for d in /opt/KIND /opt/KIND-rel /hostdir/KIND /hostdir/new/KIND; do
    for kind in bind-file bind-dir tmpfs dir symlink proc dev; do
        dest=$(echo "$d" | sed "s/KIND/$kind/")
        case $kind in
            bind-file) args="--ro-bind $T_TMP/afile $dest" ;;
            bind-dir) args="--ro-bind $T_TMP $dest" ;;
            tmpfs) args="--tmpfs $dest" ;;
            dir) args="--dir $dest" ;;
            symlink) args="--symlink /x $dest" ;;
            proc) args="--unshare-pid --proc $dest" ;;
            dev) args="--dev $dest" ;;
        esac
        # shellcheck disable=SC2086
        t_run "$T_BURROW" --root "$img" $args --chdir / -- "$FIX_HELLO"
        case $T_STATUS in
            0|125) ok "hostile: $kind at $dest runs or refuses ($T_STATUS)" ;;
            *) fail "hostile: $kind at $dest runs or refuses" "$(t_what)" ;;
        esac
        victim_empty "hostile: $kind at $dest creates nothing on the host"
    done
    for kind in file mask; do
        dest=$(echo "$d" | sed "s/KIND/$kind/")
        if [ $kind = file ]; then m="{ \"type\": \"file\", \"destination\": \"$dest\", \"content\": \"x\" }"
        else m="{ \"type\": \"mask\", \"destination\": \"$dest\" }"; fi
        printf '{ "version": 1, "root": { "path": "%s" }, "mounts": [ %s ], "process": { "cwd": "/" } }\n' \
            "$img" "$m" > "$T_TMP/k.json"
        t_run "$T_BURROW" --profile "$T_TMP/k.json" -- "$FIX_HELLO"
        case $T_STATUS in
            0|125) ok "hostile: $kind at $dest runs or refuses ($T_STATUS)" ;;
            *) fail "hostile: $kind at $dest runs or refuses" "$(t_what)" ;;
        esac
        victim_empty "hostile: $kind at $dest creates nothing on the host"
    done
done

# Inside, a destination's symlinks resolve as the sandbox sees them: /opt/bind-file is
# a link to /.oldroot/..., so the file appears at that path inside the new root.
expect_out "hostile: a dangling destination link resolves inside the new root" "data" \
    "$T_BURROW" --root "$img" --ro-bind "$T_TMP/afile" /opt/bind-file --chdir / -- \
    "$FIX_HELLO" --cat "/.oldroot$victim/bind-file"
victim_empty "hostile: ... and not on the host"

# An image whose own /.oldroot is a link to below itself: a loop, refused, nothing made.
img2="$T_TMP/img2"
mkdir -p "$img2/etc"
cp -a "$img/gnu" "$img2/gnu"
ln -s "/.oldroot$victim" "$img2/.oldroot"
ln -s "/.oldroot$victim/planted" "$img2/etc/resolv.conf"
expect_err "hostile: a destination through a symlink loop is refused" 125 "too many levels of symbolic links" \
    "$T_BURROW" --root "$img2" --ro-bind /etc/resolv.conf /etc/resolv.conf --chdir / -- "$FIX_HELLO"
victim_empty "hostile: ... and creates nothing on the host"

# The host's root is gone once the program runs, even with mounts at burrow's old names.
for n in /.oldroot /.newroot /.staged /.burrow-files; do
    expect_err "hostile: a tmpfs at $n shows nothing of the host" 1 "No such file" \
        "$T_BURROW" --root "$img" --tmpfs "$n" --chdir / -- "$FIX_HELLO" --cat "$n/etc/passwd"
done
printf '{ "version": 1, "root": { "path": "%s" }, "mounts": [ { "type": "mask", "destination": "/.oldroot" } ], "process": { "cwd": "/" } }\n' \
    "$img" > "$T_TMP/m.json"
expect_err "hostile: a mask at /.oldroot shows nothing of the host" 1 "No such file" \
    "$T_BURROW" --profile "$T_TMP/m.json" -- "$FIX_HELLO" --cat /.oldroot/etc/passwd
expect_err "hostile: the host's root is not reachable at /.oldroot with --host-root" 1 "No such file" \
    "$T_BURROW" --host-root --tmpfs /.oldroot --chdir / -- /bin/cat /.oldroot/etc/passwd
# Entries bound from an image are nosuid and nodev (the image's set-id programs and device
# nodes are not trusted), whatever the profile.
t_run "$T_BURROW" --root "$img" --chdir / -- "$FIX_HELLO" --cat /proc/self/mountinfo
gnu=$(printf '%s\n' "$T_OUT" | awk '$5 == "/gnu" { print $6 }')
case ,$gnu, in
    *,nosuid,*nodev,*|*,nodev,*nosuid,*) ok "hostile: image entries are bound nosuid,nodev ($gnu)" ;;
    *) fail "hostile: image entries are bound nosuid,nodev" "/gnu has options '$gnu'; $(t_what)" ;;
esac
done_testing
