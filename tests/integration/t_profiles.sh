# The stock profiles (profiles/*.json), each doing a real job with a real Debian tool, and
# the boundaries each one's header promises: archiver (tar on hostile archives), build (make
# and cc in the project directory), offline (python3 reading the host, writing the cwd) and
# untrusted (python3 with nothing writable but a small private /tmp), online (an HTTP
# download by host name from a server the test runs, TLS trust in place). Last, a stock profile
# used as an executable (#!/usr/bin/env -S burrow --profile).
. "$T_LIB"

PROF=$T_SRC/profiles
BDIR=${T_BURROW%/*}
EROFS="Read-only file system"
# in_dir DIR CMD...: run CMD with DIR as the current directory.
in_dir() { _d=$1; shift; (cd "$_d" && "$@"); }
# The command follows the profile directly (no "--"): that reads the same whether burrow
# parses options after the profile or, the profile being executable (#!), passes it all on.
prof() { _p=$1; shift; "$T_BURROW" --profile "$PROF/$_p.json" "$@"; }

for p in archiver build offline online untrusted; do
    expect_out "$p: the profile passes --check" "ok: $PROF/$p.json" sh -c '"$1" --check --profile "$2" | cut -d: -f1-2' \
        sh "$T_BURROW" "$PROF/$p.json"
    # The form of each profile's header ("Use: burrow --profile P -- COMMAND"), by path here;
    # by name from an installed prefix in t_profiles_installed.sh.
    mkdir -p "$T_TMP/use"
    expect_out "$p: burrow --profile FILE -- COMMAND works" "used" \
        in_dir "$T_TMP/use" "$T_BURROW" --profile "$PROF/$p.json" -- /bin/echo used
done

# A TCP server on the host's loopback, to show that the sandboxes cannot reach it.
cat > "$T_TMP/listener.py" <<'PY'
import os, socket, sys
t = socket.socket()
t.bind(("127.0.0.1", 0))
t.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(t.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    t.accept()[0].close()
PY
python3 "$T_TMP/listener.py" "$T_TMP/port" </dev/null >/dev/null 2>&1 &
LISTENER=$!
at_exit "kill $LISTENER 2>/dev/null; wait $LISTENER 2>/dev/null"
i=0
while [ ! -s "$T_TMP/port" ] && [ $i -lt 100 ] && kill -0 $LISTENER 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$T_TMP/port" 2>/dev/null)
# connect.py: prints OK or the errno's name of a connection to the host's server.
cat > "$T_TMP/connect.py" <<PY
import errno, socket
try:
    socket.create_connection(("127.0.0.1", ${PORT:-1}), timeout=10).close()
    print("OK")
except OSError as e:
    print(errno.errorcode.get(e.errno, e))
PY
CONNECT=$(cat "$T_TMP/connect.py")
expect_out "control: the host's loopback server is reachable from the host" "OK" python3 -c "$CONNECT"
IFACES='tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " "'

# --- archiver: tar on trusted and hostile archives --------------------------------------
A=$T_TMP/arc
mkdir -p "$A/src/pkg/sub" "$A/x"
echo "alpha" > "$A/src/pkg/a.txt"
echo "beta" > "$A/src/pkg/sub/b.txt"
tar czf "$A/good.tar.gz" -C "$A/src" pkg
cp "$A/good.tar.gz" "$A/x/"
check "archiver: tar xzf of an archive in the cwd" in_dir "$A/x" prof archiver tar xzf good.tar.gz
expect_out "archiver: the files are extracted into the cwd" "alpha beta" \
    sh -c 'echo $(cat "$1/pkg/a.txt" "$1/pkg/sub/b.txt")' sh "$A/x"
rm -rf "$A/x/pkg"
check "archiver: tar xzf - from stdin (an archive outside the cwd)" \
    sh -c 'cd "$1" && shift && exec "$@" < ../good.tar.gz' sh "$A/x" "$T_BURROW" --profile "$PROF/archiver.json" tar xzf -
check "archiver: stdin extraction wrote the files" test -f "$A/x/pkg/sub/b.txt"
expect_err "archiver: an archive outside the cwd is not visible" 2 "Cannot open" \
    in_dir "$A/x" prof archiver tar xzf ../good.tar.gz

# A hostile archive: ../, an absolute name, a/../../, and a symlink followed by a member
# written through it, all aimed outside the cwd.
mkdir -p "$A/linktarget"
HOSTILE_HOME=${HOME:-/nonexistent}/burrow-escape-$$
at_exit "rm -f '$HOSTILE_HOME'"
cat > "$T_TMP/mkevil.py" <<'PY'
import io, sys, tarfile
out, absname, homename, linkdir = sys.argv[1:5]
def add(t, name, data=b"pwned\n"):
    ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    add(t, "../escape-dotdot")
    add(t, absname)
    add(t, homename)
    add(t, "sub/../../escape-mid")
    ln = tarfile.TarInfo("lnk"); ln.type = tarfile.SYMTYPE; ln.linkname = linkdir; t.addfile(ln)
    add(t, "lnk/escape-through-link")
    add(t, "ok.txt", b"fine\n")
PY
python3 "$T_TMP/mkevil.py" "$A/x/evil.tar" "$A/escape-abs" "$HOSTILE_HOME" "$A/linktarget"
escaped() {
    for f in "$A/escape-dotdot" "$T_TMP/escape-dotdot" "$A/escape-abs" "$HOSTILE_HOME" "$A/escape-mid" \
             "$T_TMP/escape-mid" "$A/linktarget/escape-through-link"; do
        [ -e "$f" ] && printf '%s ' "$f"
    done
}
t_run in_dir "$A/x" prof archiver tar xf evil.tar
expect_eq "archiver: hostile archive, plain tar xf: good member extracted" "fine" "$(cat "$A/x/ok.txt" 2>/dev/null)"
expect_eq "archiver: hostile archive, plain tar xf: nothing written outside the cwd" "" "$(escaped)"
rm -rf "$A/x/ok.txt" "$A/x/lnk" "$A/x/sub" "$A/x/escape-"*
t_run in_dir "$A/x" prof archiver tar --absolute-names -xf evil.tar
expect_eq "archiver: tar --absolute-names: good member extracted" "fine" "$(cat "$A/x/ok.txt" 2>/dev/null)"
expect_eq "archiver: tar --absolute-names: nothing written outside the cwd" "" "$(escaped)"
# The same archive without the sandbox really does escape: the test can see an escape.
mkdir -p "$A/control/x"
python3 "$T_TMP/mkevil.py" "$A/control/x/evil.tar" "$A/control/escape-abs" "$A/control/escape-home" "$A/control/linktarget"
mkdir -p "$A/control/linktarget"
in_dir "$A/control/x" tar --absolute-names -xf evil.tar 2>/dev/null
expect_eq "control: unsandboxed tar --absolute-names writes outside the cwd" "yes yes" \
    "$([ -e "$A/control/escape-dotdot" ] && echo yes) $([ -e "$A/control/escape-abs" ] && echo yes)"
t_run in_dir "$A/x" prof archiver sh -c 'for d in /home /root "$1" "$2"; do [ -e "$d" ] && echo "$d is visible"; done; echo checked' \
    sh "${HOME:-/nonexistent}" "$A/good.tar.gz"
expect_eq "archiver: /home, /root, the caller's home and files next to the cwd are invisible" "checked" "$T_OUT"
expect_err "archiver: run from /, a 125 that says to run it from the directory it should see" 125 \
    "when it is the current directory (\${PWD}) that is /, run the command from the directory it should see" \
    in_dir / prof archiver /bin/true
t_run in_dir "$A/x" prof archiver sh -c "$IFACES"
expect_eq "archiver: no network (only lo)" "lo " "$T_OUT"
t_run in_dir "$A/x" prof archiver sh -c 'grep -E "^Cap(Eff|Bnd):" /proc/self/status | tr -s "\t " " " | tr "\n" ";"; grep "^Seccomp:" /proc/self/status'
expect_eq "archiver: no capabilities, seccomp filter on" \
    "CapEff: 0000000000000000;CapBnd: 0000000000000000;Seccomp:	2" "$T_OUT"

# --- build: make and cc in the project directory ------------------------------------------
B=$T_TMP/proj
mkdir -p "$B"
cat > "$B/main.c" <<'C'
#include <stdio.h>
#include "util.h"
int main(void) { printf("%d\n", twice(21)); return 0; }
C
echo 'int twice(int x) { return 2 * x; }' > "$B/util.c"
echo 'int twice(int x);' > "$B/util.h"
printf 'hello: main.o util.o\n\t$(CC) -o $@ main.o util.o\n%%.o: %%.c util.h\n\t$(CC) -c -o $@ $<\n' > "$B/Makefile"
check "build: make builds the project" in_dir "$B" prof build make
check "build: the objects were written in the project" test -f "$B/main.o" -a -f "$B/util.o" -a -x "$B/hello"
expect_out "build: the program built works" "42" "$B/hello"
HOSTTMP=/tmp/burrow-profiles-$$-$(id -u)
echo "host" > "$HOSTTMP"
at_exit "rm -f '$HOSTTMP' '$HOSTTMP.inside'"
t_run in_dir "$B" prof build sh -c '[ -e "$1" ] && echo "host file visible"; echo x > "$1.inside" && echo "$TMPDIR"' sh "$HOSTTMP"
expect_eq "build: /tmp is private (the host's file is not visible, TMPDIR=/tmp)" "/tmp" "$T_OUT"
check "build: a file written in the private /tmp does not reach the host" test ! -e "$HOSTTMP.inside"
at_exit "rm -f /var/tmp/burrow-build-$$"
expect_err "build: writing outside the project fails (EROFS)" 2 "$EROFS" \
    in_dir "$B" prof build sh -c 'echo x > "$1"' sh /var/tmp/burrow-build-$$
# (The test's directories are under /tmp, so inside they are on the private /tmp.)
t_run in_dir "$B" prof build sh -c 'echo x > "$1"' sh "$T_TMP/outside-build"
check "build: nothing was written outside the project on the host" \
    test ! -e /var/tmp/burrow-build-$$ -a ! -e "$T_TMP/outside-build"
t_run in_dir "$B" prof build sh -c "$IFACES"
expect_eq "build: the network is down except lo" "lo " "$T_OUT"
expect_out "build: the host's loopback server is unreachable" "ECONNREFUSED" \
    in_dir "$B" prof build python3 -c "$CONNECT"
expect_out "build: loopback inside the sandbox works (test servers)" "pong" in_dir "$B" prof build python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
c = socket.create_connection(s.getsockname()); a = s.accept()[0]
c.sendall(b"pong"); print(a.recv(4).decode())'

# --- offline: python3 reading the host and writing the cwd --------------------------------
O=$T_TMP/off
mkdir -p "$O"
echo "host data $$" > "$T_TMP/hostdata.txt"
cat > "$O/report.py" <<'PY'
import errno, sys
data = open(sys.argv[1]).read().strip()
with open("report.txt", "w") as f:
    f.write(data.upper() + "\n")
for path in sys.argv[2:]:
    try:
        open(path, "w").close()
        print(path, "OK")
    except OSError as e:
        print(path, errno.errorcode[e.errno])
PY
t_run in_dir "$O" prof offline python3 report.py "$T_TMP/hostdata.txt"
expect_eq "offline: python3 reads a host file and writes the cwd" "HOST DATA $$" "$(cat "$O/report.txt" 2>/dev/null)"
t_run in_dir "$O" prof offline python3 report.py "$T_TMP/hostdata.txt" \
    "$T_TMP/offline-out" /tmp/burrow-offline-$$ "${HOME:-/root}/burrow-offline-$$"
expect_eq "offline: writing anywhere but the cwd fails with EROFS" \
    "$T_TMP/offline-out EROFS
/tmp/burrow-offline-$$ EROFS
${HOME:-/root}/burrow-offline-$$ EROFS" "$T_OUT"
check "offline: nothing was written on the host" \
    test ! -e "$T_TMP/offline-out" -a ! -e /tmp/burrow-offline-$$ -a ! -e "${HOME:-/root}/burrow-offline-$$"
expect_out "offline: the host's loopback server is unreachable" "ECONNREFUSED" \
    in_dir "$O" prof offline python3 -c "$CONNECT"
t_run in_dir "$O" prof offline sh -c "$IFACES"
expect_eq "offline: no network (only lo)" "lo " "$T_OUT"
export BURROW_PROFILE_TEST="kept-$$"
expect_out "offline: the environment is kept" "kept-$$" in_dir "$O" prof offline sh -c 'echo "$BURROW_PROFILE_TEST"'
unset BURROW_PROFILE_TEST

# --- untrusted: python3 with nothing writable but a small /tmp ----------------------------
U=$T_TMP/untr
mkdir -p "$U"
printf '3\n4\n5\n' > "$U/input.txt"
cat > "$U/probe.py" <<'PY'
import errno, os, socket, sys
print("sum", sum(int(l) for l in open("input.txt")))
def attempt(what, fn):
    try:
        fn(); print(what, "OK")
    except OSError as e:
        print(what, errno.errorcode[e.errno])
attempt("cwd", lambda: open("output.txt", "w").close())
attempt("inet", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).close())
attempt("inet6", lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close())
attempt("unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close())
mib = 0
try:
    with open("/tmp/fill", "wb") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(1024):
            f.write(chunk); f.flush(); mib += 1
    print("tmp", mib, "OK")
except OSError as e:
    print("tmp", mib, errno.errorcode[e.errno])
st = os.statvfs("/tmp")
print("tmpsize", st.f_blocks * st.f_frsize // (1 << 20))
PY
t_run in_dir "$U" prof untrusted python3 probe.py
out=$T_OUT
line() { printf '%s\n' "$out" | grep "^$1 "; }
expect_eq "untrusted: python3 runs and reads the cwd" "sum 12" "$(line sum)"
expect_eq "untrusted: the cwd is not writable" "cwd EROFS" "$(line cwd)"
check "untrusted: nothing was written in the cwd" test ! -e "$U/output.txt"
expect_eq "untrusted: no inet socket" "inet EAFNOSUPPORT" "$(line inet)"
expect_eq "untrusted: no inet6 socket" "inet6 EAFNOSUPPORT" "$(line inet6)"
expect_eq "untrusted: unix sockets still work" "unix OK" "$(line unix)"
expect_eq "untrusted: /tmp is 64 MiB" "tmpsize 64" "$(line tmpsize)"
tmp=$(line tmp)
case $tmp in
    "tmp "[1-9]*" ENOSPC") n=${tmp#tmp }; n=${n% ENOSPC}
        if [ "$n" -ge 32 ] && [ "$n" -le 64 ]; then ok "untrusted: /tmp is writable up to its limit ($n MiB, then ENOSPC)"
        else fail "untrusted: /tmp is writable up to its limit" "$tmp"; fi ;;
    *) fail "untrusted: /tmp is writable up to its limit" "got '$tmp'; $(t_what)" ;;
esac
t_run in_dir "$U" prof untrusted sh -c 'for d in /home /root "$1" "$2"; do [ -e "$d" ] && echo "$d is visible"; done; echo checked' \
    sh "${HOME:-/nonexistent}" "$T_TMP/hostdata.txt"
expect_eq "untrusted: /home, /root, the caller's home and other host files are invisible" "checked" "$T_OUT"
t_run in_dir "$U" prof untrusted sh -c 'ulimit -f; ulimit -n; ulimit -c'
expect_eq "untrusted: rlimits (file size 256 MiB in 512-byte blocks, 1024 files, no core)" "524288
1024
0" "$T_OUT"

# --- online: a download by name, with the host's network, resolver and TLS trust --------
N=$T_TMP/online
mkdir -p "$N/srv" "$N/work"
echo "payload $$" > "$N/srv/file.txt"
cat > "$T_TMP/httpd.py" <<'PY'
import functools, http.server, os, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
python3 "$T_TMP/httpd.py" "$T_TMP/hport" "$N/srv" </dev/null >/dev/null 2>&1 &
HTTPD=$!
at_exit "kill $HTTPD 2>/dev/null; wait $HTTPD 2>/dev/null"
i=0
while [ ! -s "$T_TMP/hport" ] && [ $i -lt 100 ] && kill -0 $HTTPD 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
HPORT=$(cat "$T_TMP/hport" 2>/dev/null)
# fetch.py: resolves "localhost" through nsswitch and /etc/hosts (not a literal address),
# downloads into the cwd; prints what failed, or "fetched".
cat > "$N/work/fetch.py" <<PY
import socket, urllib.request
try:
    socket.getaddrinfo("localhost", ${HPORT:-1})
except OSError as e:
    print("resolve", e); raise SystemExit(1)
try:
    with urllib.request.urlopen("http://localhost:${HPORT:-1}/file.txt", timeout=10) as r, open("got.txt", "wb") as f:
        f.write(r.read())
    print("fetched")
except OSError as e:
    print("fetch", e)
PY
t_run in_dir "$N/work" prof online python3 fetch.py
expect_eq "online: python3 downloads by host name from a loopback server" "fetched" "$T_OUT"
expect_eq "online: ... into the cwd" "payload $$" "$(cat "$N/work/got.txt" 2>/dev/null)"
rm -f "$N/work/got.txt"
t_run in_dir "$N/work" prof archiver python3 fetch.py
case $T_OUT in resolve*|fetch*) ok "online: control: the same download fails under archiver (no network)" ;;
    *) fail "online: control: the same download fails under archiver (no network)" "$(t_what)" ;; esac
expect_eq "online: control: ... and writes nothing" "" "$(cat "$N/work/got.txt" 2>/dev/null)"
# TLS: OpenSSL's default trust store (what python, curl and git verify servers with) is there.
TLS='import ssl; print("ca", ssl.create_default_context().cert_store_stats()["x509_ca"] > 0)'
if [ "$(python3 -c "$TLS")" = "ca True" ]; then
    expect_out "online: the system's CA certificates are trusted inside" "ca True" in_dir "$N/work" prof online python3 -c "$TLS"
    expect_out "online: control: archiver has none" "ca False" in_dir "$N/work" prof archiver python3 -c "$TLS"
else
    skip "online: the system's CA certificates are trusted inside" "the host has no CA bundle (install ca-certificates)"
fi
t_run in_dir "$N/work" prof online sh -c 'for d in /home /root "$1"; do [ -e "$d" ] && echo "$d is visible"; done; echo checked' \
    sh "${HOME:-/nonexistent}"
expect_eq "online: /home, /root and the caller's home are invisible" "checked" "$T_OUT"
t_run in_dir "$N/work" prof online sh -c 'grep -E "^Cap(Eff|Bnd):" /proc/self/status | tr -s "\t " " " | tr "\n" ";"; grep "^Seccomp:" /proc/self/status'
expect_eq "online: no capabilities, seccomp filter on" \
    "CapEff: 0000000000000000;CapBnd: 0000000000000000;Seccomp:	2" "$T_OUT"

# --- a stock profile as an executable ------------------------------------------------------
E=$T_TMP/exe
mkdir -p "$E"
cp "$PROF/untrusted.json" "$E/tool.json"
chmod +x "$E/tool.json"
printf '3\n4\n' > "$E/input.txt"
expect_eq "exec: the stock profile starts with the env -S shebang" "#!/usr/bin/env -S burrow --profile" \
    "$(head -n1 "$E/tool.json")"
expect_out "exec: ./tool.json python3 ... runs the tool sandboxed" "7 sandbox" \
    in_dir "$E" env PATH="$BDIR:$PATH" ./tool.json python3 -c '
import socket
print(sum(int(l) for l in open("input.txt")), socket.gethostname())'
expect_status "exec: ./tool.json passes the exit status" 7 in_dir "$E" env PATH="$BDIR:$PATH" ./tool.json sh -c 'exit 7'
expect_out "exec: ./tool.json is still sandboxed (cwd read-only)" "EROFS" \
    in_dir "$E" env PATH="$BDIR:$PATH" ./tool.json python3 -c '
import errno
try: open("x", "w")
except OSError as e: print(errno.errorcode[e.errno])'
# A wrapper: the stock profile extended with process.exec, so every argument is python's.
printf '#!/usr/bin/env -S burrow --profile\n{ "version": 1, "extends": "./tool.json",\n  "process": { "exec": "/usr/bin/python3" } }\n' > "$E/py.json"
chmod +x "$E/py.json"
echo 'import sys; print("args", *sys.argv[1:])' > "$E/args.py"
expect_out "exec: ./py.json script.py ARGS runs python3 sandboxed" "args a b" \
    in_dir "$E" env PATH="$BDIR:$PATH" ./py.json args.py a b
expect_out "exec: ./py.json -c CODE: options reach the wrapped program" "wrapped" \
    in_dir "$E" env PATH="$BDIR:$PATH" ./py.json -c 'print("wrapped")'
# burrow(1), The command and its arguments; burrow-profile(5), EXECUTABLE PROFILES: "a --
# right after the file name is still burrow's end of options and is dropped"; "(with
# --profile FILE as the first two arguments)"; "burrow's own options go before --profile,
# and the usual rules then apply: an argument that starts with - goes after --"; without
# process.exec "arguments that start with - before the command are burrow's options";
# "burrow --profile build.json -- make works whether or not the file begins with #!".
expect_out "exec: ./py.json -- -c CODE: the -- is dropped" "after dashdash" \
    in_dir "$E" env PATH="$BDIR:$PATH" ./py.json -- -c 'print("after dashdash")'
expect_out "exec: burrow's own options before --profile FILE, the program's after --" "['-c', 'x']" \
    in_dir "$E" sh -c '"$1" --print-plan --profile ./py.json -- -c x | python3 -c "
import json, sys
print([s for s in json.load(sys.stdin)[\"steps\"] if s[\"op\"] == \"exec\"][0][\"argv\"][1:])"' sh "$T_BURROW"
expect_err "exec: ... where an argument that starts with - before -- is burrow's" 125 "unknown option -c" \
    in_dir "$E" "$T_BURROW" --print-plan --profile ./py.json -c x
expect_out "exec: without process.exec, options before the command are burrow's" "set by burrow" \
    in_dir "$E" env PATH="$BDIR:$PATH" ./tool.json --setenv BURROW_T_X "set by burrow" -- sh -c 'echo "$BURROW_T_X"'
expect_out "exec: burrow --profile FILE -- COMMAND with a #! file" "plain" \
    in_dir "$E" "$T_BURROW" --profile ./tool.json -- sh -c 'echo plain'

done_testing
