#!/usr/bin/env python3
"""make bench: burrow side by side with bwrap, unshare, proot and plain exec (issue 5).

Usage: python3 bench/bench.py BUILD      (bench/run.sh checks the tools, then runs this)

Everything runs unprivileged (as uid 65534 via setpriv when started as root), from a fresh
world-readable temp dir W that is removed at the end. Timings come from hyperfine (-N, no
shell); each row is measured in several rounds, the commands rotated from round to round,
so that the contenders interleave and share the machine's noise. bench/report.py turns the
raw numbers into bench/RESULTS.md and bench/scaling.png.

Environment: BENCH_QUICK=1 runs every row with few repetitions (for trying the script out;
the report then says its numbers are not valid). BENCH_KEEP=1 keeps W. BENCH_ONLY=launch,
sandbox,scale,steady,pack,footprint,binds,bwrap,runfile,strace runs only those rows: their sections (and
their lines in the targets table) replace the ones in the existing bench/RESULTS.md, which
keeps the rest and says which sections were measured when. BENCH_BASELINE=FILE is an older
burrow binary that the binds row measures beside this build's, in the same rounds (before
and after). BENCH_RESULTS_COPY=FILE saves the raw numbers (report.py FILE rewrites the
report from them).
"""
import base64
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
import report  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
NOBODY = 65534

# Repetitions: rounds × runs per round (≥ 30 per command unless noted in the report).
# Many short rounds interleave the contenders finely (load on a shared machine drifts).
LAUNCH = dict(rounds=40, runs=5, warmup=2) if not QUICK else dict(rounds=1, runs=3, warmup=1)
SCALE = dict(rounds=10, runs=3, warmup=0) if not QUICK else dict(rounds=1, runs=2, warmup=0)
STEADY = dict(rounds=15, runs=2, warmup=0) if not QUICK else dict(rounds=1, runs=2, warmup=0)
PROOT_ROUNDS = 3 if not QUICK else 1  # one run in each of the first rounds: ~40× slower, for reference
PACK = dict(rounds=3, runs=1, warmup=0) if not QUICK else dict(rounds=1, runs=1, warmup=0)
BINDS = dict(rounds=5, runs=3, warmup=0) if not QUICK else dict(rounds=1, runs=2, warmup=0)
SCALE_N = [0, 1, 10, 100, 1000]
BINDS_N = [0, 100, 1000, 10000]
STAT_CALLS = 200_000
C_FILES = 20
PACK_MIN_BYTES = 200 * 1000 * 1000
RSS_REPS = 15 if not QUICK else 3


def log(msg):
    print(f"bench: {msg}", flush=True)


def store_name(tag):
    """A Guix-style store item name: 32 characters of Nix base32, a dash, the tag."""
    raw = hashlib.sha256(tag.encode()).digest()[:20]
    b32 = base64.b32encode(raw).decode().lower()
    table = str.maketrans("abcdefghijklmnopqrstuvwxyz234567", "0123456789abcdfghijklmnpqrsvwxyz")
    return b32.translate(table)[:32] + "-" + tag


class Bench:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.root = os.geteuid() == 0
        self.runas = (["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
                      if self.root else [])
        # Short on purpose: 1000 --ro-bind pairs must fit in one argument (128 KiB).
        self.w = tempfile.mkdtemp(prefix="bb-", dir="/tmp")
        os.chmod(self.w, 0o755)
        self.res = {"meta": {}, "hf": {}, "commands": {}, "failed": {}, "elapsed": {}, "quick": QUICK}
        self.t0 = time.monotonic()

    # ---- utilities ----------------------------------------------------------------------
    def p(self, *parts):
        return os.path.join(self.w, *parts)

    def mkdir_user(self, *parts):
        """A directory the benchmark user may write into."""
        d = self.p(*parts)
        os.makedirs(d, exist_ok=True)
        if self.root:
            os.chown(d, NOBODY, NOBODY)
        return d

    def env(self):
        return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": self.p("home"),
                "TMPDIR": self.p("tmp"), "LANG": "C.UTF-8"}

    def run_user(self, argv, timeout=300, check=True, capture=True):
        """Run argv as the benchmark user from W; returns CompletedProcess."""
        proc = subprocess.Popen(self.runas + argv, cwd=self.w, env=self.env(),
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
                                start_new_session=True, text=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(f"timed out after {timeout}s: {shlex.join(argv)[:300]}")
        except BaseException:
            # Interrupted (^C reaches only our own session): stop what we started.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
        cp = subprocess.CompletedProcess(argv, proc.returncode, out, err)
        if check and cp.returncode != 0:
            raise RuntimeError(f"exit {cp.returncode}: {shlex.join(argv)[:300]}\n{(err or '')[-2000:]}")
        return cp

    def preflight(self, key, name, argv, prepare=None):
        """Run a command once; a failing one is reported and left out of the timing."""
        if prepare:
            self.run_user(prepare, check=False)
        cp = self.run_user(argv, check=False)
        if cp.returncode != 0:
            msg = (cp.stderr or cp.stdout or "").strip().splitlines()
            msg = msg[-1] if msg else ""
            self.res["failed"].setdefault(key, {})[name] = f"exit {cp.returncode}: {msg}"
            log(f"  {name} FAILED (exit {cp.returncode}): {msg}")
            return False
        return True

    def measure(self, key, groups, rounds, warmup):
        """groups: [(runs_per_round, [Cmd, ...]) or (runs, [Cmd, ...], only_first_rounds), ...]
        with Cmd = (name, argv) or (name, argv, {"prepare": argv, "preflight": False}). Each
        round runs one hyperfine per group with every command of it, the order rotated by one
        from round to round."""
        t0 = time.monotonic()
        rec = self.res["hf"].setdefault(key, {"times": {}, "round_medians": {}, "cpu": {},
                                             "rounds": rounds, "warmup": warmup})
        opt = lambda c, k, d=None: (c[2] if len(c) > 2 else {}).get(k, d)
        live = []
        for group in groups:
            runs, cmds = group[0], group[1]
            max_rounds = group[2] if len(group) > 2 else rounds
            ok = [c for c in cmds
                  if not opt(c, "preflight", True) or self.preflight(key, c[0], c[1], opt(c, "prepare"))]
            for c in ok:
                self.res["commands"].setdefault(key, []).append([c[0], shlex.join(c[1])])
            if ok:
                live.append((runs, ok, max_rounds))
        for r in range(rounds):
            for gi in [(i + r) % len(live) for i in range(len(live))]:
                runs, cmds, max_rounds = live[gi]
                if not cmds or r >= max_rounds:
                    continue
                k = r % len(cmds)
                order = cmds[k:] + cmds[:k]
                out = self.p("out", f"{key}-{r}-{gi}.json")
                argv = ["hyperfine", "-N", "--style", "none", "--warmup", str(warmup),
                        "--runs", str(runs), "--export-json", out]
                if any(opt(c, "prepare") for c in order):
                    for c in order:
                        argv += ["--prepare", shlex.join(opt(c, "prepare") or ["true"])]
                for c in order:
                    argv += ["-n", c[0], shlex.join(c[1])]
                cp = self.run_user(argv, timeout=900, check=False)
                if cp.returncode != 0:
                    # Without a preflight a command may fail here: report it, keep the rest.
                    msg = (cp.stderr or "").strip().splitlines()
                    for c in cmds:
                        self.res["failed"].setdefault(key, {})[c[0]] = \
                            f"hyperfine failed: {msg[-1] if msg else cp.returncode}"
                    live[gi] = (runs, [], max_rounds)
                    log(f"  hyperfine failed for {', '.join(c[0] for c in cmds)}: {msg[-1] if msg else ''}")
                    continue
                with open(out) as f:
                    for res in json.load(f)["results"]:
                        rec["times"].setdefault(res["command"], []).extend(res["times"])
                        rec["round_medians"].setdefault(res["command"], []).append(
                            report.median(res["times"]))
                        rec["cpu"].setdefault(res["command"], []).append(
                            [len(res["times"]), res["user"] + res["system"]])
        self.res["elapsed"][key] = time.monotonic() - t0
        return rec

    # ---- fixtures -----------------------------------------------------------------------
    def setup(self):
        log(f"work dir {self.w} (runs as {'uid 65534' if self.root else 'uid ' + str(os.getuid())})")
        for d in ("bin", "prof"):
            os.makedirs(self.p(d))
        for d in ("out", "home", "tmp"):
            self.mkdir_user(d)
        self.burrow = self.p("bin", "burrow")
        self.packer = self.p("bin", "burrow-pack")
        shutil.copy2(os.path.join(self.build, "burrow"), self.burrow)
        shutil.copy2(os.path.join(self.build, "burrow-pack"), self.packer)
        shutil.copy2(os.path.join(self.build, "burrow-run"), self.p("bin", "burrow-run"))  # -f run's stub
        os.chmod(self.burrow, 0o755)
        os.chmod(self.packer, 0o755)
        self.res["meta"]["host_root_bwrap"] = shlex.join(self.host_root_bwrap())
        self.res["meta"]["sha256"] = {os.path.basename(f): hashlib.sha256(open(f, "rb").read()).hexdigest()[:16]
                                      for f in (self.burrow, self.packer)}

        # The store of rows 1, 2 and 4: one item with the stat loop and a header.
        self.store = self.p("store")
        self.item = store_name("bench-tools")
        it = self.p("store", self.item)
        os.makedirs(os.path.join(it, "bin"))
        os.makedirs(os.path.join(it, "include"))
        self.stat_rel = "share/bench/a/b/c/target"
        os.makedirs(os.path.join(it, os.path.dirname(self.stat_rel)))
        with open(os.path.join(it, self.stat_rel), "w") as f:
            f.write("stat me\n")
        cc = ["gcc", "-O2", "-Wall"]
        subprocess.run(cc + ["-o", os.path.join(it, "bin", "statloop"), os.path.join(HERE, "statloop.c")], check=True)
        # Row 9's entry: the store's own /bin/true.
        subprocess.run(cc + ["-x", "c", "-o", os.path.join(it, "bin", "true"), "-"], input=b"int main(void) { return 0; }\n",
                       check=True)
        subprocess.run(cc + ["-static", "-o", self.p("bin", "fdexec"), os.path.join(HERE, "fdexec.c")], check=True)
        subprocess.run(cc + ["-static", "-o", self.p("bin", "argexec"), os.path.join(HERE, "argexec.c")], check=True)
        subprocess.run(cc + ["-o", self.p("bin", "mountloop"), os.path.join(HERE, "mountloop.c")], check=True)
        baseline = os.environ.get("BENCH_BASELINE")
        self.baseline = None
        if baseline:
            self.baseline = self.p("bin", "burrow-baseline")
            shutil.copy2(baseline, self.baseline)
            os.chmod(self.baseline, 0o755)
            self.res["meta"]["sha256"]["burrow (baseline)"] = \
                hashlib.sha256(open(self.baseline, "rb").read()).hexdigest()[:16]
        subprocess.run(["g++", "-std=c++20", "-O1", "-I" + os.path.dirname(HERE), "-I" + os.path.join(os.path.dirname(HERE), "runtime"),
                        "-D_GNU_SOURCE", "-o", self.p("bin", "seccomp-export"), os.path.join(HERE, "seccomp-export.cpp"),
                        os.path.join(self.build, "libburrow.a"), "-lseccomp"], check=True)
        self.bpf = self.p("bin", "sandbox.bpf")
        cp = subprocess.run([self.p("bin", "seccomp-export"), self.bpf], check=True, capture_output=True, text=True)
        self.res["meta"]["seccomp_rules"] = cp.stdout.strip()
        self.res["meta"]["seccomp_bpf_insns"] = os.path.getsize(self.bpf) // 8

        # C build fixture (row 4): C_FILES sources with a header from the store item.
        with open(os.path.join(it, "include", "bench.h"), "w") as f:
            f.write("#pragma once\n")
            for i in range(C_FILES):
                f.write(f"long f{i}(long x);\n")
        cb = self.mkdir_user("cbuild")
        for i in range(C_FILES):
            with open(os.path.join(cb, f"f{i:02d}.c"), "w") as f:
                f.write('#include "bench.h"\n')
                for j in range(4):
                    f.write(f"static long g{j}(long x) {{ long s = 0; for (long k = 0; k < x; k++) "
                            f"s += (k * {j + 3}) ^ (s >> {j % 7 + 1}); return s; }}\n")
                body = " + ".join(f"g{j}(x + {j})" for j in range(4))
                f.write(f"long f{i}(long x) {{ return {body}; }}\n")
        with open(os.path.join(cb, "main.c"), "w") as f:
            f.write('#include <stdio.h>\n#include "bench.h"\nint main(void) { long s = 0;\n')
            for i in range(C_FILES):
                f.write(f"  s += f{i}({i});\n")
            f.write('  printf("%ld\\n", s); return 0; }\n')
        with open(os.path.join(cb, "Makefile"), "w") as f:
            f.write("CC = gcc\nCFLAGS = -O1 -I$(INC)\nSRCS = $(sort $(wildcard *.c))\n"
                    "app: $(SRCS:.c=.o)\n\t$(CC) -o $@ $^\n"
                    "%.o: %.c $(INC)/bench.h\n\t$(CC) $(CFLAGS) -c $<\n")
        for name in os.listdir(cb):
            if self.root:
                os.chown(os.path.join(cb, name), NOBODY, NOBODY)

        # Row 3: a store with 1000 items, each a directory with one file.
        self.scale_store = self.p("s")
        self.scale_items = [store_name(f"i{i:04d}") for i in range(max(SCALE_N))]
        for name in self.scale_items:
            os.makedirs(os.path.join(self.scale_store, name, "bin"))
            with open(os.path.join(self.scale_store, name, "bin", "x"), "w") as f:
                f.write(name + "\n")
        for n in SCALE_N:
            prof = {"version": 1, "extends": "builtin:pack"}
            if n:
                prof["stores"] = [{"source": self.scale_store, "destination": "/gnu/store",
                                   "items": self.scale_items[:n]}]
            with open(self.p("prof", f"scale-{n}.json"), "w") as f:
                json.dump(prof, f, indent=1)

        with open(self.p("bin", "passwd"), "w") as f:
            f.write(f"nobody:x:{NOBODY}:{NOBODY}::/homeless-shelter:/bin/sh\n")
        with open(self.p("bin", "group"), "w") as f:
            f.write(f"nogroup:x:{NOBODY}:\n")

    # ---- command lines ------------------------------------------------------------------
    @staticmethod
    def host_root_bwrap():
        """bwrap's spelling of burrow --host-root: every top-level entry of / bound
        (recursively, read-write, devices allowed: the cheapest bwrap bind), symlinks
        recreated."""
        args = []
        for name in sorted(os.listdir("/")):
            path = "/" + name
            if os.path.islink(path):
                args += ["--symlink", os.readlink(path), path]
            else:
                args += ["--dev-bind", path, path]
        return args

    @staticmethod
    def usr_layout():
        """Root symlinks into /usr on this host (merged-/usr Debian: bin, lib, lib64, sbin)."""
        out = []
        for name in ("bin", "sbin", "lib", "lib64"):
            path = "/" + name
            if os.path.islink(path) and os.readlink(path).startswith("usr/"):
                out += ["--symlink", os.readlink(path), path]
        return out

    def pack_cmds(self, prog):
        """(name, argv) for rows 1 and 4: host root + the store at /gnu/store."""
        return {
            "burrow": [self.burrow, "--host-root", "--store", self.store + ":/gnu/store", "--"] + prog,
            "bwrap": ["bwrap", "--unshare-user"] + self.host_root_bwrap() +
                     ["--ro-bind", self.store, "/gnu/store"] + prog,
        }

    # ---- rows ---------------------------------------------------------------------------
    def row_launch(self):
        log("row 1: pack-style launch of /bin/true")
        c = self.pack_cmds(["/bin/true"])
        cmds = [("plain", ["/bin/true"]),
                ("unshare -Urm", ["unshare", "-Urm", "/bin/true"]),
                ("burrow", c["burrow"]),
                ("bwrap", c["bwrap"])]
        self.measure("launch", [(LAUNCH["runs"], cmds)], LAUNCH["rounds"], LAUNCH["warmup"])

    def sandbox_cmds(self, profile="builtin:sandbox"):
        usr = ["--ro-bind", "/usr", "/usr"] + self.usr_layout()
        burrow = [self.burrow, "--profile", profile] + usr + ["--chdir", "/", "--", "/bin/true"]
        env = ["--clearenv", "--setenv", "LANG", "C.UTF-8", "--setenv", "HOME", "/homeless-shelter",
               "--setenv", "TMPDIR", "/tmp", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin"]
        masks = []
        for m in ("kcore", "keys", "timer_list", "sched_debug", "sysrq-trigger"):
            if os.path.exists("/proc/" + m):
                masks += ["--ro-bind", "/dev/null", "/proc/" + m]
        bw = (["bwrap", "--unshare-all", "--die-with-parent", "--hostname", "sandbox"] + usr +
              ["--dev", "/dev", "--proc", "/proc"] + masks +
              ["--tmpfs", "/tmp", "--ro-bind", self.p("bin", "passwd"), "/etc/passwd",
               "--ro-bind", self.p("bin", "group"), "/etc/group", "--remount-ro", "/"] + env +
              ["--chdir", "/"])
        fdexec = self.p("bin", "fdexec")
        return burrow, bw, fdexec

    def row_sandbox(self):
        log("row 2: sandbox-style launch of /bin/true")
        burrow, bw, fdexec = self.sandbox_cmds()
        # Diagnostic: the same sandbox without its seccomp filter.
        nosc = self.p("prof", "sandbox-no-seccomp.json")
        with open(nosc, "w") as f:
            json.dump({"version": 1, "extends": "builtin:sandbox",
                       "security": {"seccomp": {"baseline": "none"}}}, f)
        cmds = [("plain", ["/bin/true"]),
                ("fdexec floor", [fdexec, "3", self.bpf, "/bin/true"]),
                ("unshare -Urmpinu --fork", ["unshare", "-Urmpinu", "--fork", "/bin/true"]),
                ("burrow sandbox", burrow),
                ("burrow, no seccomp", self.sandbox_cmds(nosc)[0]),
                ("bwrap, no seccomp", bw + ["/bin/true"]),
                ("bwrap + seccomp", [fdexec, "3", self.bpf] + bw + ["--seccomp", "3", "/bin/true"])]
        self.measure("sandbox", [(LAUNCH["runs"], cmds)], LAUNCH["rounds"], LAUNCH["warmup"])

    def bwrap_lines(self):
        """bwrap's own command lines (name, options), run by Debian's bwrap and by burrow as bwrap."""
        flatpak = (["--unshare-all", "--die-with-parent", "--tmpfs", "/", "--ro-bind", "/usr", "/usr"] +
                   self.usr_layout() + ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                                        "--dir", f"/run/user/{NOBODY}", "--ro-bind", "/etc", "/etc", "--chdir", "/"])
        return [("ro-bind /", ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]),
                ("unshare-all", ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/"]),
                ("flatpak-style", flatpak)]

    def row_bwrap(self):
        log("row 8: bwrap's own command lines, bwrap vs burrow as bwrap")
        as_bwrap = self.p("bin", "bwrap")
        if not os.path.lexists(as_bwrap):
            os.symlink("burrow", as_bwrap)
        cmds = [("plain", ["/bin/true"])]
        for name, opts in self.bwrap_lines():
            cmds += [(f"bwrap {name}", ["bwrap"] + opts + ["/bin/true"]),
                     (f"burrow as bwrap {name}", [as_bwrap] + opts + ["/bin/true"])]
        self.res["meta"]["bwrap_lines"] = {n: shlex.join(o) for n, o in self.bwrap_lines()}
        self.measure("bwrap", [(LAUNCH["runs"], cmds)], LAUNCH["rounds"] // 2 or 1, LAUNCH["warmup"])

    def row_scale(self):
        log("row 3: mount scaling, N = " + ", ".join(map(str, SCALE_N)))
        host = ["bwrap", "--unshare-user"] + self.host_root_bwrap()
        cmds = []
        for n in SCALE_N:
            cmds.append((f"burrow N={n}", [self.burrow, "--profile", self.p("prof", f"scale-{n}.json"), "--", "/bin/true"]))
            binds = []
            for name in self.scale_items[:n]:
                binds += ["--ro-bind", os.path.join(self.scale_store, name), "/gnu/store/" + name]
            cmds.append((f"bwrap N={n}", host + binds + ["/bin/true"]))
        # Check that burrow really mounts every item separately.
        plan = self.run_user([self.burrow, "--profile", self.p("prof", f"scale-{max(SCALE_N)}.json"),
                              "--print-plan", "--", "/bin/true"], check=False)
        self.res["meta"]["scale_plan_items"] = count_items(plan.stdout)
        self.measure("scale", [(SCALE["runs"], cmds)], SCALE["rounds"], SCALE["warmup"])

    def row_steady(self):
        log(f"row 4: steady state ({STAT_CALLS} stat calls; make of {C_FILES + 1} C files)")
        it_host = self.p("store", self.item)
        it_in = "/gnu/store/" + self.item
        proot = ["proot", "-b", self.store + ":/gnu/store"]
        burrow = [self.burrow, "--host-root", "--store", self.store + ":/gnu/store", "--"]
        # The same path everywhere (the host's, visible inside through --host-root): identical
        # lookups, so only the namespaces and the bind mounts differ.
        stat_in = [it_in + "/bin/statloop", str(STAT_CALLS), it_host + "/" + self.stat_rel]
        bwrap = self.pack_cmds([])["bwrap"]
        stat = [("native", [it_host + "/bin/statloop", str(STAT_CALLS), it_host + "/" + self.stat_rel]),
                ("burrow", burrow + stat_in),
                ("bwrap", bwrap + stat_in)]  # same mounts as burrow: tells what the mounts cost
        cb = self.p("cbuild")
        mk = ["make", "-s", "-B", "-C", cb]
        make = [("native", mk + ["INC=" + it_host + "/include"]),
                ("burrow", burrow + mk + ["INC=" + it_in + "/include"])]
        self.measure("stat", [(STEADY["runs"], stat), (1, [("proot", proot + stat_in, {"preflight": False})], PROOT_ROUNDS)],
                     STEADY["rounds"], STEADY["warmup"])
        self.measure("make", [(STEADY["runs"], make), (1, [("proot", proot + mk + ["INC=" + it_in + "/include"], {"preflight": False})], PROOT_ROUNDS)],
                     STEADY["rounds"], STEADY["warmup"])

    def row_pack(self):
        log("row 5: packer")
        pk = self.p("pk")
        item = store_name("usr-lib")
        dest = os.path.join(pk, item)
        os.makedirs(dest)
        # Real files, a mix like a real pack's: an interpreter's library (many small files and
        # a few shared objects), headers, then the compiler's binaries; file by file in name
        # order until just over PACK_MIN_BYTES (a bigger tree only makes the run longer).
        copied = copy_tree_until([("/usr/lib/python3.11", 60e6), ("/usr/include", 50e6), ("/usr/lib/gcc", None),
                                  ("/usr/lib/x86_64-linux-gnu", None), ("/usr/lib", None)], dest, PACK_MIN_BYTES)
        nbytes, nfiles = tree_bytes(dest)
        entry = first_executable(dest)
        self.res["pack"] = {"sources": copied, "bytes": nbytes, "files": nfiles, "item": item,
                            "entry": "/gnu/store/" + item + "/" + os.path.relpath(entry, dest) if entry else None}
        out = self.p("out")
        tarflags = "--sort=name --format=gnu --mtime=@1 --owner=0 --group=0 --numeric-owner"
        scripts = {}
        for name, comp, ext in (("tar | gzip -6", "gzip -6 -n", "gz"), ("tar | zstd -T0 -3", "zstd -3 -q -T0", "zst")):
            script = self.p("bin", f"tar-{ext}.sh")
            with open(script, "w") as f:
                f.write(f"#!/bin/sh\nset -e\ntar {tarflags} -C {pk} -cf - {item} | {comp} > {out}/tar.tar.{ext}\n")
            scripts[name] = (script, f"{out}/tar.tar.{ext}")
        # The read floor: every file's bytes, read once from the page cache.
        script = self.p("bin", "cat-tree.sh")
        with open(script, "w") as f:
            f.write(f"#!/bin/sh\nset -e\nfind {pk}/{item} -type f -exec cat {{}} + > /dev/null\n")
        scripts["cat (read floor)"] = (script, "/dev/null")
        entry_args = ["-e", "bench=" + self.res["pack"]["entry"]] if entry else []

        def packer(comp, output):
            return [self.packer, "--store", pk + ":/gnu/store", item] + entry_args + ["-C", comp, "-o", output]

        def keep_previous(path):
            # Before each run the previous output moves aside: the last two timed runs are
            # then compared byte for byte, with no extra run.
            return ["sh", "-c", f"if [ -e {path} ]; then mv -f {path} {path}.prev; fi"]
        # One command per hyperfine call (a run takes seconds, and no preflight run is spent on
        # it): the rounds still interleave them, and a failing one does not take others along.
        cmds = [(n, ["sh", s], {"prepare": ["rm", "-f", o] if o != "/dev/null" else ["true"], "preflight": False})
                for n, (s, o) in scripts.items()]
        cmds += [("burrow-pack -C gzip, 1 thread", ["env", "BURROW_PACK_THREADS=1"] + packer("gzip", out + "/one.tar.gz"),
                  {"prepare": ["rm", "-f", out + "/one.tar.gz"], "preflight": False})]
        cmds += [("burrow-pack -C gzip", packer("gzip", out + "/pack.tar.gz"),
                  {"prepare": keep_previous(out + "/pack.tar.gz"), "preflight": False}),
                 ("burrow-pack -C zstd", packer("zstd", out + "/pack.tar.zst"),
                  {"prepare": keep_previous(out + "/pack.tar.zst"), "preflight": False})]
        self.res["pack"]["scripts"] = {n: open(s).read().splitlines()[-1] for n, (s, _) in scripts.items()}
        self.measure("pack", [(PACK["runs"], [c]) for c in cmds], PACK["rounds"], PACK["warmup"])
        sizes, same = {}, {}
        for name, path in (("tar | gzip -6", out + "/tar.tar.gz"), ("tar | zstd -T0 -3", out + "/tar.tar.zst"),
                           ("burrow-pack -C gzip", out + "/pack.tar.gz"), ("burrow-pack -C zstd", out + "/pack.tar.zst")):
            if os.path.exists(path):
                sizes[name] = os.path.getsize(path)
        for comp, last in (("gzip", out + "/pack.tar.gz"), ("zstd", out + "/pack.tar.zst")):
            if not os.path.exists(last):
                continue
            if not os.path.exists(last + ".prev"):  # a single timed run: make a second one
                self.run_user(keep_previous(last), check=False)
                self.run_user(packer(comp, last), check=False)
            same[comp] = (os.path.exists(last) and os.path.exists(last + ".prev") and
                          subprocess.run(["cmp", "-s", last + ".prev", last]).returncode == 0)
        # One thread and every CPU: the same bytes.
        one = out + "/one.tar.gz"
        if os.path.exists(one) and os.path.exists(out + "/pack.tar.gz"):
            same["gzip, 1 thread vs all"] = subprocess.run(["cmp", "-s", one, out + "/pack.tar.gz"]).returncode == 0
        self.res["pack"]["sizes"] = sizes
        self.res["pack"]["identical"] = same
        shutil.rmtree(pk)

    def row_binds(self):
        """N --bind options into a fresh tmpfs, planned (--print-plan) and launched, and the
        same N as store items of a pack-style profile (issue: 10,000 mounts)."""
        log("row 7: plan and launch with N binds, N = " + ", ".join(map(str, BINDS_N)))
        n_max = max(BINDS_N)
        src = self.p("b")
        names = [f"{i:05d}" for i in range(n_max)]
        for name in names:
            os.makedirs(os.path.join(src, name))
        # The command lines do not fit in one hyperfine argument (128 KiB): each is a file of
        # NUL-separated arguments that bench/argexec.c appends to burrow's own.
        head = ["--ro-bind", "/usr", "/usr"] + self.usr_layout() + ["--tmpfs", "/mnt", "--chdir", "/"]
        argexec = self.p("bin", "argexec")
        os.makedirs(self.p("binds"))
        for n in BINDS_N:
            args = list(head)
            for name in names[:n]:
                args += ["--bind", os.path.join(src, name), "/mnt/" + name]
            args += ["--", "/bin/true"]
            with open(self.p("binds", f"args-{n}"), "wb") as f:
                f.write(b"".join(a.encode() + b"\0" for a in args))
            prof = {"version": 1, "extends": "builtin:pack"}
            if n:
                prof["stores"] = [{"source": src, "destination": "/gnu/store", "items": names[:n]}]
            with open(self.p("binds", f"items-{n}.json"), "w") as f:
                json.dump(prof, f)
        self.res["meta"]["binds_head"] = shlex.join(head)
        # The kernel's part alone: the same binds, made by bench/mountloop.c.
        floor_mnt = self.p("binds", "mnt")
        os.makedirs(floor_mnt)
        cmds = [(f"floor N={n}", [self.p("bin", "mountloop"), src, str(n), floor_mnt]) for n in BINDS_N]
        for who, exe in (("", self.burrow), ("before ", self.baseline)):
            if not exe:
                continue
            for n in BINDS_N:
                a = self.p("binds", f"args-{n}")
                cmds += [(f"{who}plan N={n}", [argexec, a, exe, "--print-plan"]),
                         (f"{who}launch N={n}", [argexec, a, exe]),
                         (f"{who}items N={n}", [exe, "--profile", self.p("binds", f"items-{n}.json"), "--", "/bin/true"])]
        self.res["meta"]["binds_load"] = open("/proc/loadavg").read().split()[:3]
        self.measure("binds", [(BINDS["runs"], cmds)], BINDS["rounds"], BINDS["warmup"])
        self.res["meta"]["binds_load_end"] = open("/proc/loadavg").read().split()[:3]
        shutil.rmtree(src)

    def row_runfile(self):
        """Single-file packs (-f run): a warm start against ./bin/NAME of the same pack
        unpacked, a first start (the cache emptied before each run) against `tar xf` of the
        same pack followed by that launch, and the store's program run directly."""
        log("row 9: -f run single-file pack, warm and first start")
        d = self.mkdir_user("rf")
        prog = "/gnu/store/" + self.item + "/bin/true"
        base = [self.packer, "--store", self.store + ":/gnu/store", self.item, "-e", "true=" + prog]
        self.run_user(base + ["-o", d + "/pack.tar.gz"])
        self.run_user(base + ["-f", "run", "-o", d + "/true.run"])
        self.run_user(["mkdir", d + "/u"])
        self.run_user(["tar", "xf", d + "/pack.tar.gz", "-C", d + "/u"])
        self.run_user([d + "/true.run"])  # the warm cache
        self.res["runfile"] = {"sizes": {"pack.tar.gz": os.path.getsize(d + "/pack.tar.gz"),
                                         "true.run": os.path.getsize(d + "/true.run")}}
        cache = self.p("home", ".cache", "burrow")
        first = self.p("bin", "tar-then-true.sh")
        with open(first, "w") as f:
            f.write(f"#!/bin/sh\nset -e\nmkdir {d}/x\ntar xf {d}/pack.tar.gz -C {d}/x\nexec {d}/x/bin/true\n")
        os.chmod(first, 0o755)
        warm = [("store in place", [self.store + "/" + self.item + "/bin/true"]),
                ("unpacked ./bin/true", [d + "/u/bin/true"]),
                ("true.run, warm", [d + "/true.run"])]
        cold = [("true.run, first start", [d + "/true.run"], {"prepare": ["rm", "-rf", cache]}),
                ("tar xf + ./bin/true", [first], {"prepare": ["rm", "-rf", d + "/x"]})]
        self.measure("runfile", [(LAUNCH["runs"], warm), (2, cold)], max(1, LAUNCH["rounds"] // 2), LAUNCH["warmup"])

    def row_footprint(self):
        log("row 6: footprint")
        # The copy taken at the start: every row measured the same binary.
        stripped = self.p("bin", "burrow.stripped")
        subprocess.run(["strip", "-o", stripped, self.burrow], check=True)
        fp = {"built": os.path.getsize(self.burrow), "stripped": os.path.getsize(stripped), "rss_kb": {}}
        file_out = subprocess.run(["file", "-b", self.burrow], capture_output=True, text=True).stdout.strip() \
            if shutil.which("file") else ""
        fp["file"] = file_out
        c = self.pack_cmds(["/bin/true"])
        sb_burrow, sb_bwrap, _ = self.sandbox_cmds()
        cmds = [("plain /bin/true", ["/bin/true"]), ("unshare -Urm", ["unshare", "-Urm", "/bin/true"]),
                ("burrow pack-style", c["burrow"]), ("burrow sandbox", sb_burrow),
                ("bwrap pack-style", c["bwrap"]), ("bwrap sandbox", sb_bwrap + ["/bin/true"])]
        tfile = self.p("out", "time.txt")
        for name, argv in cmds:
            vals = []
            for _ in range(RSS_REPS):
                cp = self.run_user(["/usr/bin/time", "-f", "%M", "-o", tfile] + argv, check=False)
                if cp.returncode == 0:
                    with open(tfile) as f:
                        vals.append(int(f.read().split()[-1]))
            fp["rss_kb"][name] = vals
        self.res["footprint"] = fp

    def row_strace(self):
        """One traced launch of each: where the time goes, in syscalls."""
        log("syscall profile (strace -c -f)")
        c = self.pack_cmds(["/bin/true"])
        sb_burrow, sb_bwrap, _ = self.sandbox_cmds()
        n = 100  # bwrap at N = 1000 takes half a minute under strace
        host = ["bwrap", "--unshare-user"] + self.host_root_bwrap()
        binds = []
        for name in self.scale_items[:n]:
            binds += ["--ro-bind", os.path.join(self.scale_store, name), "/gnu/store/" + name]
        cmds = [("burrow pack-style", c["burrow"]), ("bwrap pack-style", c["bwrap"]),
                ("unshare -Urm", ["unshare", "-Urm", "/bin/true"]),
                ("burrow sandbox", sb_burrow), ("bwrap sandbox", sb_bwrap + ["/bin/true"]),
                (f"burrow N={n}", [self.burrow, "--profile", self.p("prof", f"scale-{n}.json"), "--", "/bin/true"]),
                (f"bwrap N={n}", host + binds + ["/bin/true"])]
        out = {}
        for name, argv in cmds:
            f = self.p("out", "strace.txt")
            cp = self.run_user(["strace", "-f", "-c", "-w", "-o", f, "--"] + argv, check=False)
            if cp.returncode == 0 and os.path.exists(f):
                with open(f) as fh:
                    out[name] = parse_strace(fh.read())
        self.res["strace"] = out

    # ---- machine ------------------------------------------------------------------------
    def machine(self):
        m = self.res["meta"]
        m["nproc"] = os.cpu_count()
        m["cpu"] = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
        m["kernel"] = platform.release()
        m["debian"] = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else "?"
        m["mem"] = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
        m["host_mounts"] = sum(1 for _ in open("/proc/self/mountinfo"))
        m["top_level"] = len(os.listdir("/"))
        m["user"] = "uid 65534 (setpriv --reuid 65534 --regid 65534 --clear-groups)" if self.root else f"uid {os.getuid()}"
        m["workdir"] = self.w
        m["load"] = open("/proc/loadavg").read().split()[:3]

        def ver(argv):
            try:
                cp = subprocess.run(argv, capture_output=True, text=True, timeout=10)
                return (cp.stdout or cp.stderr).strip().splitlines()[0]
            except (OSError, IndexError, subprocess.SubprocessError):
                return "?"

        def deb(pkg):
            cp = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True)
            return cp.stdout.strip() if cp.returncode == 0 else "?"
        m["versions"] = {
            "burrow": ver([self.burrow, "--version"]),
            "burrow-pack": ver([self.packer, "--version"]),
            "bwrap": ver(["bwrap", "--version"]),
            "unshare": ver(["unshare", "--version"]),
            "proot": "proot " + deb("proot") + " (Debian package)",
            "hyperfine": ver(["hyperfine", "--version"]),
            "gcc": ver(["gcc", "--version"]),
            "make": ver(["make", "--version"]),
            "tar": ver(["tar", "--version"]),
            "gzip": ver(["gzip", "--version"]),
            "zstd": ver(["zstd", "--version"]),
            "libarchive": "libarchive13 " + deb("libarchive13"),
            "libseccomp": "libseccomp2 " + deb("libseccomp2"),
            "gnuplot": ver(["gnuplot", "--version"]),
            "python3": platform.python_version(),
        }

    def run(self):
        try:
            self.setup()
            self.machine()
            only = os.environ.get("BENCH_ONLY", "").split(",")
            if only != [""]:
                self.res["meta"]["only"] = only
            for name, row in (("launch", self.row_launch), ("sandbox", self.row_sandbox),
                              ("scale", self.row_scale), ("steady", self.row_steady),
                              ("pack", self.row_pack), ("footprint", self.row_footprint),
                              ("binds", self.row_binds), ("bwrap", self.row_bwrap),
                              ("runfile", self.row_runfile), ("strace", self.row_strace)):
                if only == [""] or name in only:
                    row()
            self.res["meta"]["elapsed_s"] = time.monotonic() - self.t0
            self.res["meta"]["load_end"] = open("/proc/loadavg").read().split()[:3]
            self.res["meta"]["date"] = time.strftime("%Y-%m-%d %H:%M %Z")
            with open(self.p("results.json"), "w") as f:
                json.dump(self.res, f, indent=1)
            if os.environ.get("BENCH_RESULTS_COPY"):
                shutil.copy(self.p("results.json"), os.environ["BENCH_RESULTS_COPY"])
            report.write(self.res, HERE, self.w)
            failed = sum(len(v) for v in self.res["failed"].values())
            log(f"done in {self.res['meta']['elapsed_s']:.0f} s → bench/RESULTS.md, bench/scaling.png"
                + (f"; {failed} command(s) FAILED (see RESULTS.md)" if failed else ""))
            return 1 if failed else 0
        finally:
            if os.environ.get("BENCH_KEEP") == "1":
                log(f"kept {self.w}")
            else:
                shutil.rmtree(self.w, ignore_errors=True)


def copy_tree_until(sources, dest, limit):
    """Copy regular files and symlinks to dest/<path>, walking each (directory, budget) of
    `sources` in name order, taking at most `budget` bytes from it (None: no own cap), until
    `limit` bytes of file contents are there. Returns the directories used."""
    total, used, seen = 0, [], set()
    for src, budget in sources:
        if not os.path.isdir(src):
            continue
        taken = 0
        for dirpath, dirs, files in os.walk(src):
            dirs.sort()
            for n in sorted(files):
                path = os.path.join(dirpath, n)
                if path in seen:
                    continue
                seen.add(path)
                target = os.path.join(dest, path.lstrip("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                if os.path.islink(path):
                    os.symlink(os.readlink(path), target)
                elif os.path.isfile(path) and os.access(path, os.R_OK):
                    shutil.copy2(path, target)
                    size = os.path.getsize(target)
                    total += size
                    taken += size
                else:
                    continue
                if src not in used:
                    used.append(src)
                if total >= limit:
                    return used
                if budget is not None and taken >= budget:
                    break
            else:
                continue
            break
    return used


def tree_bytes(top):
    nbytes = nfiles = 0
    for dirpath, _, files in os.walk(top):
        for n in files:
            st = os.lstat(os.path.join(dirpath, n))
            if not os.path.islink(os.path.join(dirpath, n)):
                nbytes += st.st_size
                nfiles += 1
    return nbytes, nfiles


def first_executable(top):
    for dirpath, dirs, files in os.walk(top):
        dirs.sort()
        for n in sorted(files):
            p = os.path.join(dirpath, n)
            if not os.path.islink(p) and os.access(p, os.X_OK) and not n.endswith((".so", ".a")) and ".so." not in n:
                return p
    return None


def count_items(plan_text):
    """Number of separately mounted store items in a --print-plan document."""
    try:
        plan = json.loads(plan_text)
    except ValueError:
        return None
    found = []

    def walk(v):
        if isinstance(v, dict):
            if isinstance(v.get("items"), list):
                found.append(len(v["items"]))
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(plan)
    return sum(found) if found else None


def parse_strace(text):
    rows, total = [], None
    for line in text.splitlines():
        f = line.split()
        if len(f) < 5 or not re.match(r"^[\d.]+$", f[0]):
            continue
        name = f[-1]
        nums = f[:-1]
        rec = {"name": name, "seconds": float(nums[1]), "calls": int(nums[3]),
               "errors": int(nums[4]) if len(nums) > 4 else 0}
        if name == "total":
            total = rec
        else:
            rows.append(rec)
    rows.sort(key=lambda r: -r["calls"])
    return {"total": total, "rows": rows}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench.py BUILD")
    bench = Bench(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        sys.exit(bench.run())
    except KeyboardInterrupt:
        sys.exit(130)
