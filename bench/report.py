#!/usr/bin/env python3
"""Turns the raw numbers of bench/bench.py into bench/RESULTS.md and bench/scaling.png.

Also usable on its own: python3 bench/report.py results.json  (rewrites the report from a
saved run; bench.py saves one when BENCH_RESULTS_COPY=FILE is set).
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

MIB = 1024 * 1024


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return float("nan")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def ms(x):
    return f"{x * 1000:.2f}"


def cell(text):
    """Table cell text: a '|' would end the cell."""
    return str(text).replace("|", "\\|")


def status(ok):
    return "**met**" if ok else "**missed**"


class Report:
    def __init__(self, res, w):
        self.res = res
        self.w = w
        self.out = []
        self.targets = []   # (target, numbers, met)

    def add(self, *lines):
        self.out.extend(lines)

    def t(self, key, name):
        return self.res["hf"].get(key, {}).get("times", {}).get(name)

    def med(self, key, name):
        t = self.t(key, name)
        return median(t) if t else None

    def cpu(self, key, name):
        """Mean user+system CPU time (hyperfine's, over all runs; includes every child)."""
        parts = self.res["hf"].get(key, {}).get("cpu", {}).get(name)
        if not parts:
            return None
        n = sum(p[0] for p in parts)
        return sum(p[0] * p[1] for p in parts) / n if n else None

    def rounds(self, key, name):
        return self.res["hf"].get(key, {}).get("round_medians", {}).get(name, [])

    def show(self, cmd):
        """A command line for the report: temp paths as $W, the host-root binds as $HOST_ROOT."""
        host = self.res["meta"].get("host_root_bwrap")
        if host:
            cmd = cmd.replace(host, "$HOST_ROOT")
        cmd = cmd.replace(self.w, "$W")
        if len(cmd) > 1500:
            words = cmd.split(" ")
            head = cmd[:600].rsplit(" ", 1)[0]
            kept = len(head.split(" ")) + 3
            cmd = head + f" … ({len(words) - kept} more arguments) … " + " ".join(words[-3:])
        return cmd

    def commands(self, key):
        cmds = self.res["commands"].get(key, [])
        fails = self.res["failed"].get(key, {})
        if not cmds and not fails:
            return
        self.add("", "<details><summary>Commands</summary>", "", "```")
        for name, cmd in cmds:
            self.add(f"# {name}", self.show(cmd))
        self.add("```", "", "</details>")
        for name, msg in fails.items():
            self.add("", f"**FAILED** `{name}`: {msg}")

    def timing_table(self, key, base=None, names=None):
        """min/median/max per command; with `base`, also the overhead over it."""
        rec = self.res["hf"].get(key)
        if not rec:
            self.add("", "(no measurements)")
            return
        names = names or list(rec["times"].keys())
        b = self.med(key, base) if base else None
        head = "| command | runs | min ms | median ms | max ms |" + (" overhead ms (median − plain) |" if b is not None else "") \
            + " CPU ms (user+sys, mean) |"
        self.add("", head, "|---|---:|---:|---:|---:|" + ("---:|" if b is not None else "") + "---:|")
        for n in names:
            t = self.t(key, n)
            if not t:
                continue
            row = f"| {cell(n)} | {len(t)} | {ms(min(t))} | {ms(median(t))} | {ms(max(t))} |"
            if b is not None:
                row += f" {ms(median(t) - b)} |"
            c = self.cpu(key, n)
            row += f" {ms(c)} |" if c is not None else " – |"
            self.add(row)

    # ---- sections -----------------------------------------------------------------------
    def header(self):
        m = self.res["meta"]
        self.add("# burrow benchmarks",
                 "",
                 f"Written by `make bench` (bench/run.sh → bench/bench.py → bench/report.py) on {m.get('date', '?')}; "
                 f"the whole run took {m.get('elapsed_s', 0):.0f} s ("
                 + ", ".join(f"{k} {v:.0f} s" for k, v in self.res.get("elapsed", {}).items())
                 + "). Do not edit by hand: run `make bench` again.")
        m = self.res["meta"]
        # 1-minute load averages at the start and the end (the run itself adds about 1).
        loads = [float(x[0]) for x in (m.get("load"), m.get("load_end")) if x]
        if loads and max(loads) > m.get("nproc", 1):
            self.add("", f"**Note: the machine was busy with other work during this run** (load average "
                     f"{' '.join(m.get('load', []))} at the start, {' '.join(m.get('load_end', []))} at the end, on "
                     f"{m.get('nproc')} CPUs). Wall-clock medians then include time spent waiting for a CPU and "
                     "can swing from round to round; the min and CPU-time ratios given next to each result are "
                     "less affected.")
        if self.res.get("quick"):
            self.add("", "**QUICK MODE (BENCH_QUICK=1): too few runs; these numbers are not valid.**")

    def machine(self):
        m = self.res["meta"]
        v = m["versions"]
        self.add("", "## Machine and tools", "",
                 f"- {m['nproc']} CPUs, {m['cpu']}, {m['mem']} RAM; kernel {m['kernel']}; Debian {m['debian']}; "
                 f"load average at the start {' '.join(m['load'])}, at the end {' '.join(m.get('load_end', ['?']))}",
                 f"- host: {m['host_mounts']} mounts, {m['top_level']} top-level entries in `/`",
                 f"- runs as {m['user']}, cwd `$W` = a fresh world-readable directory under /tmp "
                 f"(here `{m['workdir']}`), environment `PATH=/usr/local/bin:/usr/bin:/bin HOME=$W/home TMPDIR=$W/tmp LANG=C.UTF-8`",
                 "- " + "; ".join(f"{k}: `{val}`" for k, val in v.items()),
                 "- binaries measured (copied from the build directory at the start): " +
                 ", ".join(f"`{k}` sha256 {h}…" for k, h in m.get("sha256", {}).items()))
        self.add("", "Method: `hyperfine -N` (no shell). Each row is measured in rounds; every round is one hyperfine "
                 "call with all the row's commands (rotated by one from round to round), so the contenders "
                 "interleave and see the same noise. min/median/max are over all runs of all rounds; the "
                 "ratios use medians, and \"per round\" gives the same ratio from each round's own medians "
                 "as a measure of spread. Overhead = median − median of plain `/bin/true` from the same call. "
                 "CPU ms is hyperfine's mean user+system time of the command and the children it waited for: "
                 "less sensitive than wall time to other load on the machine, but blind to processes nobody "
                 "waits for (bwrap's sandboxed child reports its exit status through an eventfd and may "
                 "exit unwaited, so bwrap's CPU can be undercounted; wall time is the fair comparison there).")
        if m.get("host_root_bwrap"):
            self.add("", "`$HOST_ROOT` (bwrap's spelling of `burrow --host-root`: every top-level entry of `/`, "
                     "bound recursively with `--dev-bind` — the cheapest bwrap bind, no remount — and symlinks recreated):",
                     "", "```", m["host_root_bwrap"], "```")

    def robust(self, key, num, den, sub=None):
        """The same ratio from the fastest runs and from CPU time (both less sensitive to
        other load than the median wall time): "min X, CPU Y"."""
        out = []
        for label, get in (("min", lambda n: min(self.t(key, n) or [float("nan")])), ("CPU", lambda n: self.cpu(key, n))):
            a, b = get(num), get(den)
            s = get(sub) if sub else 0
            if None in (a, b, s) or b == s:
                continue
            out.append(f"{label} {(a - s) / (b - s):.2f}")
        return ", ".join(out)

    def per_round(self, key, num, den, sub=None):
        a, b = self.rounds(key, num), self.rounds(key, den)
        s = self.rounds(key, sub) if sub else None
        out = []
        for i in range(min(len(a), len(b))):
            x, y = a[i], b[i]
            if s:
                if i >= len(s):
                    break
                x, y = x - s[i], y - s[i]
            out.append(f"{x / y:.2f}" if y else "–")
        return ", ".join(out)

    def row_launch(self):
        key = "launch"
        self.add("", "## 1. Pack-style launch: host root + a store, `/bin/true`", "",
                 "burrow `--host-root --store` vs bwrap with a tmpfs root, every host top-level entry bound "
                 "and the store bound read-only, vs `unshare -Urm` (namespaces alone: the floor) vs plain exec.")
        self.timing_table(key, base="plain")
        p, b, bw, u = (self.med(key, n) for n in ("plain", "burrow", "bwrap", "unshare -Urm"))
        if None not in (p, b, bw, u):
            ob, obw, ou = b - p, bw - p, u - p
            r1, r2 = ob / obw, ob / ou
            self.add("", f"- burrow overhead / bwrap overhead = **{r1:.2f}** (target ≤ 0.5; per round: "
                     f"{self.per_round(key, 'burrow', 'bwrap', 'plain')}; {self.robust(key, 'burrow', 'bwrap', 'plain')})",
                     f"- burrow overhead / `unshare -Urm` overhead = **{r2:.2f}** (target ≤ 1.3; per round: "
                     f"{self.per_round(key, 'burrow', 'unshare -Urm', 'plain')}; "
                     f"{self.robust(key, 'burrow', 'unshare -Urm', 'plain')})")
            self.targets.append(("Pack-style launch overhead ≤ 0.5× bwrap's",
                                 f"{ms(ob)} ms vs {ms(obw)} ms = {r1:.2f}× ({self.robust(key, 'burrow', 'bwrap', 'plain')})",
                                 r1 <= 0.5))
            self.targets.append(("Pack-style launch overhead ≤ 1.3× `unshare -Urm`",
                                 f"{ms(ob)} ms vs {ms(ou)} ms = {r2:.2f}× ({self.robust(key, 'burrow', 'unshare -Urm', 'plain')})",
                                 r2 <= 1.3))
        else:
            self.targets.append(("Pack-style launch", "not measured (a command failed)", False))
        self.commands(key)

    def row_sandbox(self):
        key = "sandbox"
        m = self.res["meta"]
        self.add("", "## 2. Sandbox-style launch: user+mount+pid+net+ipc+uts, new /proc, minimal /dev, seccomp", "",
                 "burrow `--profile builtin:sandbox` with `/usr` and the host's `/bin`, `/lib`… symlinks, vs the same "
                 "setup spelled for bwrap (`--unshare-all --die-with-parent --hostname`, `--dev`, `--proc`, the "
                 "profile's five /proc masks as `--ro-bind /dev/null`, tmpfs /tmp, /etc/passwd and /etc/group, "
                 "read-only root, cleared environment). For the seccomp part bwrap loads burrow's own `default` "
                 f"baseline ({m.get('seccomp_rules', '?')}, {m.get('seccomp_bpf_insns', '?')} BPF instructions, "
                 "exported by bench/seccomp-export.cpp with libseccomp) through `--seccomp 3`; a static program "
                 "(bench/fdexec.c) opens the file on fd 3 and execs bwrap, and its own cost (`fdexec floor` − "
                 "`plain`) is subtracted from bwrap's time. Not mirrored in bwrap: `RLIMIT_CORE 0` (one "
                 "setrlimit); bwrap's `--unshare-all` also makes a cgroup namespace, burrow's sandbox does not. `unshare -Urmpinu --fork` is the namespace floor.")
        self.timing_table(key, base="plain")
        p, fl = self.med(key, "plain"), self.med(key, "fdexec floor")
        b = self.med(key, "burrow sandbox")
        bws, bwn = self.med(key, "bwrap + seccomp"), self.med(key, "bwrap, no seccomp")
        if b is not None and bws is not None and p is not None and fl is not None:
            adj = bws - (fl - p)
            r = b / adj
            self.add("", f"- bwrap + seccomp without fdexec's cost: {ms(adj)} ms",
                     f"- burrow / bwrap (both with seccomp) = **{r:.2f}** (target ≤ 0.8; "
                     f"{self.robust(key, 'burrow sandbox', 'bwrap + seccomp')}, bwrap's including fdexec)")
            bnn = self.med(key, "burrow, no seccomp")
            if bwn is not None and bnn is not None:
                self.add(f"- without seccomp on either side (diagnostic): burrow / bwrap = {bnn / bwn:.2f} (per round: "
                         f"{self.per_round(key, 'burrow, no seccomp', 'bwrap, no seccomp')}; "
                         f"{self.robust(key, 'burrow, no seccomp', 'bwrap, no seccomp')}); burrow's filter costs "
                         f"{ms(b - bnn)} ms of wall time and {ms((self.cpu(key, 'burrow sandbox') or 0) - (self.cpu(key, 'burrow, no seccomp') or 0))} ms of CPU "
                         f"per launch, bwrap's {ms(bws - bwn - (fl - p))} ms")
            self.targets.append(("Sandbox-style launch ≤ 0.8× bwrap's",
                                 f"{ms(b)} ms vs {ms(adj)} ms = {r:.2f}× ({self.robust(key, 'burrow sandbox', 'bwrap + seccomp')})",
                                 r <= 0.8))
        elif b is not None and bwn is not None:
            r = b / bwn
            self.add("", f"- burrow / bwrap (bwrap without seccomp) = **{r:.2f}** (target ≤ 0.8)")
            self.targets.append(("Sandbox-style launch ≤ 0.8× bwrap's",
                                 f"{ms(b)} ms vs {ms(bwn)} ms (bwrap without seccomp) = {r:.2f}×", r <= 0.8))
        else:
            self.targets.append(("Sandbox-style launch ≤ 0.8× bwrap's", "not measured (a command failed)", False))
        self.commands(key)

    def row_scale(self, bench_dir):
        key = "scale"
        m = self.res["meta"]
        self.add("", "## 3. Mount scaling: N store items, each mounted separately", "",
                 "burrow: a profile `{\"extends\": \"builtin:pack\", \"stores\": [{\"source\": \"$W/s\", "
                 "\"items\": [N names]}]}`; bwrap: `$HOST_ROOT` plus N `--ro-bind $W/s/ITEM /gnu/store/ITEM`. "
                 "N = 0 is the host root alone. µs per mount = (median(N) − median(0)) / N; in brackets the same "
                 "from the minimums and from CPU time. "
                 f"burrow's `--print-plan` for N = 1000 lists {m.get('scale_plan_items')} separately mounted items.")
        ns = sorted({int(n.split("=")[1]) for n in self.res["hf"].get(key, {}).get("times", {})})
        rows = []
        self.add("", "| N | burrow min / median / max ms | bwrap min / median / max ms | bwrap / burrow | "
                 "burrow µs/mount: median (min, CPU) | bwrap µs/mount: median (min, CPU) |",
                 "|---:|---:|---:|---:|---:|---:|")

        def per_mount(who, n, get):
            """µs per mount at N = n from statistic `get` of the N and N = 0 runs."""
            a, z = get(f"{who} N={n}"), get(f"{who} N=0")
            return (a - z) / n * 1e6 if n and a is not None and z is not None else None
        getters = {"median": lambda c: self.med(key, c),
                   "min": lambda c: min(self.t(key, c)) if self.t(key, c) else None,
                   "CPU": lambda c: self.cpu(key, c)}
        per = {}  # n → who → stat → µs/mount
        for n in ns:
            tb, tw = self.t(key, f"burrow N={n}"), self.t(key, f"bwrap N={n}")
            cell = lambda t: f"{ms(min(t))} / **{ms(median(t))}** / {ms(max(t))}" if t else "failed"
            sp = f"{median(tw) / median(tb):.1f}×" if tb and tw else "–"
            per[n] = {who: {s: per_mount(who, n, g) for s, g in getters.items()} for who in ("burrow", "bwrap")}

            def pm(who):
                v = per[n][who]
                if v["median"] is None:
                    return ""
                return f"{v['median']:.1f} ({v['min']:.1f}, {v['CPU']:.1f})" if None not in v.values() else f"{v['median']:.1f}"
            self.add(f"| {n} | {cell(tb)} | {cell(tw)} | {sp} | {pm('burrow')} | {pm('bwrap')} |")
            rows.append((n, tb, tw))
        big = max(ns) if ns else None
        tb, tw = (self.t(key, f"burrow N={big}"), self.t(key, f"bwrap N={big}")) if big else (None, None)
        if tb and tw:
            sp = median(tw) / median(tb)
            self.targets.append((f"N = {big} items ≥ 20× faster than bwrap",
                                 f"{ms(median(tb))} ms vs {ms(median(tw))} ms = {sp:.1f}× "
                                 f"({self.robust(key, f'bwrap N={big}', f'burrow N={big}')})", sp >= 20))
            self.add("", f"- N = {big}: bwrap / burrow = **{sp:.1f}×** (target ≥ 20×; per round: "
                     f"{self.per_round(key, f'bwrap N={big}', f'burrow N={big}')}; "
                     f"{self.robust(key, f'bwrap N={big}', f'burrow N={big}')})")
        else:
            self.targets.append((f"N = 1000 items ≥ 20× faster than bwrap", "not measured (a command failed)", False))
        if 100 in per and 1000 in per and per[100]["burrow"]["median"] and per[1000]["burrow"]["median"]:
            def growth(who, s):
                a, b = per[100][who][s], per[1000][who][s]
                return b / a if a and b else None
            g = growth("burrow", "median")
            alt = ", ".join(f"{s} {growth('burrow', s):.2f}" for s in ("min", "CPU") if growth("burrow", s))
            gb = growth("bwrap", "median")
            self.add(f"- burrow µs/mount at N = 1000 / at N = 100 = **{g:.2f}** ({alt}; linear means ≈ 1, counted "
                     "as flat when ≤ 1.25); bwrap: " + (f"{gb:.2f}" if gb else "–"))
            self.targets.append(("Growth linear in N (µs/mount flat from 100 to 1000)",
                                 f"{per[100]['burrow']['median']:.1f} → {per[1000]['burrow']['median']:.1f} µs/mount "
                                 f"= {g:.2f}× ({alt})", g <= 1.25))
        else:
            self.targets.append(("Growth linear in N", "not measured", False))
        self.plot(rows, bench_dir)
        self.add("", "![launch time against N](scaling.png)")
        self.commands(key)

    def plot(self, rows, bench_dir):
        if not any(n and tb and tw for n, tb, tw in rows):
            return  # nothing measured: keep the previous picture rather than an empty one
        fd, data = tempfile.mkstemp(prefix="burrow-scaling.", suffix=".dat")
        with os.fdopen(fd, "w") as f:
            f.write("# N burrow_med burrow_min burrow_max bwrap_med bwrap_min bwrap_max (ms)\n")
            for n, tb, tw in rows:
                if n == 0 or not tb or not tw:
                    continue
                f.write(f"{n} {median(tb) * 1e3:.4f} {min(tb) * 1e3:.4f} {max(tb) * 1e3:.4f} "
                        f"{median(tw) * 1e3:.4f} {min(tw) * 1e3:.4f} {max(tw) * 1e3:.4f}\n")
        png = os.path.join(bench_dir, "scaling.png")
        try:
            cp = subprocess.run(["gnuplot", "-e", f"data='{data}'; out='{png}'", os.path.join(bench_dir, "scaling.gp")],
                                capture_output=True, text=True)
        finally:
            os.unlink(data)
        if cp.returncode != 0:
            self.add("", f"(gnuplot failed: {cp.stderr.strip()[-300:]})")

    def row_steady(self):
        self.add("", "## 4. Steady state: syscall-heavy work inside the sandbox", "",
                 "Host root + the store at /gnu/store, as a pack runs. `stat`: bench/statloop.c calls `stat(2)` "
                 "200 000 times on one file under `$W/store` (the same path, 10 components, everywhere: inside "
                 "it is reached through the `--host-root` bind of /tmp, so only the namespaces and the bind "
                 "mounts differ; the program itself runs from `/gnu/store` inside). For `stat`, bwrap with the "
                 "same mounts (`$HOST_ROOT` + the store) is there to tell the cost of the mounts from burrow's. `make`: `make -s -B` of 21 generated C files (gcc -O1, "
                 "one job) whose header comes from the store item. Times include the launch. proot runs "
                 f"once in each of the first rounds ({len(self.t('stat', 'proot') or [])} runs in all) since it "
                 "is ~40× slower; it is there for reference.")
        for key, label in (("stat", "200 000 × stat()"), ("make", "make of 21 C files")):
            self.add("", f"**{label}**")
            self.timing_table(key, names=["native", "burrow", "bwrap", "proot"])
            n, b, pr = self.med(key, "native"), self.med(key, "burrow"), self.med(key, "proot")
            if n and b:
                ov = (b / n - 1) * 100
                pr_s = f"; proot / native = {pr / n:.1f}×" if pr else ""
                bw = self.med(key, "bwrap")
                if bw:
                    pr_s += (f"; bwrap (the same mounts) / native = {bw / n:.3f} "
                             f"({self.robust(key, 'bwrap', 'native')})")
                self.add("", f"- burrow / native = **{b / n:.3f}** (overhead {ov:+.1f} %, target ≤ 5 %; per round: "
                         f"{self.per_round(key, 'burrow', 'native')}; {self.robust(key, 'burrow', 'native')}){pr_s}")
                self.targets.append((f"Steady-state overhead ≤ 5 % ({label})",
                                     f"{ov:+.1f} % (ratio {self.robust(key, 'burrow', 'native')})", ov <= 5))
            else:
                self.targets.append((f"Steady-state overhead ≤ 5 % ({label})", "not measured", False))
            self.commands(key)

    def row_pack(self):
        key = "pack"
        pk = self.res.get("pack", {})
        if not pk:
            return
        mb = pk["bytes"] / 1e6
        self.add("", "## 5. Packer", "",
                 f"Input: one store item holding real files copied from {', '.join('`' + s + '`' for s in pk['sources'])} "
                 "(each walked in name order, the first two capped at 60 and 50 MB, until 200 MB): "
                 f"{pk['files']} files, {mb:.1f} MB (10^6 bytes) of file contents"
                 + (f"; entry `{pk['entry']}`" if pk.get("entry") else "") +
                 f". Each command ran once per round ({self.res['hf'].get(key, {}).get('rounds', '?')} rounds, "
                 "page cache warm; the outputs go to `$W/out`). MB/s = input MB / median time. "
                 "The tar baselines (one `sh` script each, so that the pipe is not a shell's `-c`):")
        self.add("", "```")
        for n, line in pk.get("scripts", {}).items():
            self.add(f"# {n}", self.show(line))
        self.add("```")
        self.add("", "| command | runs | min s | median s | max s | MB/s | output MB | ratio |", "|---|---:|---:|---:|---:|---:|---:|---:|")
        for n in ("cat (read floor)", "tar | gzip -6", "burrow-pack -C gzip, 1 thread", "burrow-pack -C gzip",
                  "tar | zstd -T0 -3", "burrow-pack -C zstd"):
            t = self.t(key, n)
            size = pk.get("sizes", {}).get(n)
            if not t:
                continue
            self.add(f"| {cell(n)} | {len(t)} | {min(t):.2f} | {median(t):.2f} | {max(t):.2f} | {mb / median(t):.1f} | "
                     + (f"{size / 1e6:.1f} | {pk['bytes'] / size:.2f} |" if size else "– | – |"))
        same = pk.get("identical", {})
        self.add("")
        for comp in ("gzip", "zstd"):
            if comp in same:
                self.add(f"- `-C {comp}`: a second run gives {'**identical bytes** (cmp)' if same[comp] else '**DIFFERENT bytes**'}")
        if "gzip, 1 thread vs all" in same:
            self.add(f"- `-C gzip` with `BURROW_PACK_THREADS=1` and with every CPU: "
                     f"{'**identical bytes** (cmp)' if same['gzip, 1 thread vs all'] else '**DIFFERENT bytes**'}")
        tg, pg, pz = self.med(key, "tar | gzip -6"), self.med(key, "burrow-pack -C gzip"), self.med(key, "burrow-pack -C zstd")
        tz, rf, p1 = self.med(key, "tar | zstd -T0 -3"), self.med(key, "cat (read floor)"), self.med(key, "burrow-pack -C gzip, 1 thread")
        if rf:
            self.add(f"- read floor (`cat` of the tree): {mb / rf:.0f} MB/s")
        if tg and pg:
            self.add(f"- burrow-pack -C gzip is **{tg / pg:.2f}×** as fast as tar | gzip -6 (target ≥ 1.7×)"
                     + (f"; with one thread {tg / p1:.2f}×" if p1 else ""))
            self.targets.append(("burrow-pack gzip ≥ 1.7× `tar | gzip -6`",
                                 f"{mb / pg:.1f} vs {mb / tg:.1f} MB/s = {tg / pg:.2f}×", tg / pg >= 1.7))
        else:
            self.targets.append(("burrow-pack gzip ≥ 1.7× `tar | gzip -6`", "not measured", False))
        if tz and pz:
            self.add(f"- burrow-pack -C zstd is **{tz / pz:.2f}×** as fast as tar | zstd -T0 -3 (target ≥ 0.9×)")
            self.targets.append(("burrow-pack zstd ≥ 0.9× `tar | zstd -T0 -3`",
                                 f"{mb / pz:.1f} vs {mb / tz:.1f} MB/s = {tz / pz:.2f}×", tz / pz >= 0.9))
        else:
            self.targets.append(("burrow-pack zstd ≥ 0.9× `tar | zstd -T0 -3`", "not measured", False))
        if tg and pz:
            self.add(f"- tar | gzip -6 / burrow-pack -C zstd = **{tg / pz:.2f}×** (target ≥ 3×)")
            self.targets.append(("burrow-pack zstd ≥ 3× faster than `tar | gzip -6`",
                                 f"{mb / pz:.1f} MB/s = {tg / pz:.2f}×", tg / pz >= 3))
        else:
            self.targets.append(("burrow-pack zstd ≥ 3× faster than `tar | gzip -6`", "not measured", False))
        ok = bool(same) and all(same.values()) and len(same) >= 2
        self.targets.append(("Pack output byte-identical across runs",
                             ", ".join(f"{c}: {'identical' if s else 'different'}" for c, s in same.items()) or "not checked", ok))
        self.commands(key)

    def row_footprint(self):
        fp = self.res.get("footprint")
        if not fp:
            return
        self.add("", "## 6. Footprint", "",
                 f"- `burrow` (the build's binary, as measured above): {fp['built']:,} bytes; after `strip`: **{fp['stripped']:,} bytes "
                 f"({fp['stripped'] / MIB:.2f} MiB)**" + (f" — {fp['file']}" if fp.get("file") else ""),
                 "", "Peak RSS of one launch (`/usr/bin/time -f %M`, KiB; the high-water mark survives "
                 "`execve`, so a launcher that execs in place is counted with its target; for forking "
                 "launchers it is the largest process):",
                 "", "| command | runs | min KiB | median KiB | max KiB |", "|---|---:|---:|---:|---:|")
        for n, vals in fp["rss_kb"].items():
            if vals:
                self.add(f"| {n} | {len(vals)} | {min(vals)} | {median(vals):.0f} | {max(vals)} |")
            else:
                self.add(f"| {n} | 0 | failed | | |")
        self.targets.append(("Static `burrow` ≤ 2 MiB stripped", f"{fp['stripped'] / MIB:.2f} MiB",
                             fp["stripped"] <= 2 * MIB))
        rss = fp["rss_kb"].get("burrow pack-style") or []
        self.targets.append(("Peak RSS of a launch ≤ 2 MiB", f"{max(rss)} KiB (max of {len(rss)})" if rss else "not measured",
                             bool(rss) and max(rss) <= 2048))

    def row_binds(self):
        key = "binds"
        rec = self.res["hf"].get(key)
        if not rec:
            return
        m = self.res["meta"]
        names = rec["times"].keys()
        whos = [w for w in ("", "before ") if any(n.startswith(w + "plan ") for n in names)]
        ns = sorted({int(n.rsplit("=", 1)[1]) for n in names if not n.startswith("floor ")})
        self.add("", "## 7. Plan and launch with thousands of binds", "",
                 "N `--bind SRC /mnt/NNNNN` options (SRC: N empty directories under `$W/b`) after "
                 f"`{self.show(m.get('binds_head', ''))}`, then `-- /bin/true`: planned only (`--print-plan`, "
                 "its output discarded) and launched. The command lines are too long for one hyperfine "
                 "argument, so bench/argexec.c reads them from a file and execs burrow with them (its "
                 "cost is in N = 0). Items: the same N directories as the items of one store in a "
                 "pack-style profile (`extends: builtin:pack`, the host root), launched. Kernel floor: "
                 "bench/mountloop.c makes the same N binds into a tmpfs with the syscalls of burrow's "
                 "fastest bind and nothing else (no planning), exit included. µs per mount = "
                 "(median(N) − median(0)) / N."
                 + (" `before` is the baseline binary (BENCH_BASELINE), measured in the same rounds."
                    if "before " in whos else ""))
        if m.get("binds_load"):
            self.add("", f"Load average at the start of this row {' '.join(m['binds_load'])}, at its end "
                     f"{' '.join(m.get('binds_load_end', ['?']))}; binaries: " +
                     ", ".join(f"`{k}` sha256 {h}…" for k, h in m.get("sha256", {}).items() if k.startswith("burrow")))
        self.add("", "| burrow | N | plan ms (median) | plan µs/mount | launch ms (median) | launch µs/mount | "
                 "items launch ms (median) | items µs/mount | kernel floor ms (median) | floor µs/mount |",
                 "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        per = {}  # (who, series, n) → µs per mount

        def us(who, series, n):
            a, z = self.med(key, f"{who}{series} N={n}"), self.med(key, f"{who}{series} N=0")
            return (a - z) / n * 1e6 if n and a is not None and z is not None else None
        for who in whos:
            for n in ns:
                cells = []
                for series in ("plan", "launch", "items", "floor"):
                    if series == "floor" and who:  # measured once: it has no burrow in it
                        cells += ["", ""]
                        continue
                    t = self.med(key, f"{who}{series} N={n}")
                    u = us(who, series, n)
                    per[(who, series, n)] = u
                    cells += [ms(t) if t is not None else "failed", f"{u:.1f}" if u is not None else ""]
                self.add(f"| {who.strip() or 'this build'} | {n} | " + " | ".join(cells) + " |")
        lo, hi = (min(n for n in ns if n), max(ns)) if any(ns) else (None, None)
        self.add("")
        for who in whos:
            flat = []
            for series in ("plan", "launch", "items") + (("floor",) if not who else ()):
                a, b = per.get((who, series, lo)), per.get((who, series, hi))
                if a and b:
                    flat.append(f"{series} {b / a:.2f}")
            if flat:
                self.add(f"- {who.strip() or 'this build'}: µs per mount at N = {hi} / at N = {lo}: " +
                         ", ".join(flat) + " (linear means ≈ 1, counted as flat when ≤ 1.25)")
        t_plan, t_launch, t_items = (self.med(key, f"{s} N={hi}") for s in ("plan", "launch", "items"))
        t_floor = self.med(key, f"floor N={hi}")
        if None not in (t_plan, t_launch, t_floor):
            self.add(f"- N = {hi}: the launch takes {ms(t_launch)} ms, of which the kernel floor (the binds "
                     f"alone, and their teardown) is {ms(t_floor)} ms; planning alone takes {ms(t_plan)} ms")
        before = {s: self.med(key, f"before {s} N={hi}") for s in ("plan", "launch", "items")}

        def was(series):
            b = before.get(series)
            return f" (before: {ms(b)} ms)" if b is not None else ""
        if t_plan is not None:
            self.targets.append((f"{hi:,} binds planned (`--print-plan`) well under 100 ms",
                                 f"{ms(t_plan)} ms{was('plan')}", t_plan < 0.1))
        if t_launch is not None:
            self.targets.append((f"{hi:,} binds launched in ≤ 150 ms", f"{ms(t_launch)} ms{was('launch')}",
                                 t_launch <= 0.15))
        if t_items is not None:
            self.targets.append((f"{hi:,} store items launched in ≤ 150 ms", f"{ms(t_items)} ms{was('items')}",
                                 t_items <= 0.15))
        ratios = {s: (per.get(("", s, hi)) or 0) / per[("", s, lo)] for s in ("plan", "launch")
                  if per.get(("", s, lo))}
        if len(ratios) == 2:
            self.targets.append((f"µs per bind flat from {lo} to {hi:,} (plan, launch)",
                                 ", ".join(f"{s} {per[('', s, lo)]:.1f} → {per[('', s, hi)]:.1f} µs = {r:.2f}×"
                                            for s, r in ratios.items()),
                                 all(r <= 1.25 for r in ratios.values())))
        self.commands(key)

    def strace(self):
        st = self.res.get("strace")
        if not st:
            return
        self.add("", "## Where the time goes: syscalls of one launch", "",
                 "`strace -f -c -w` of a single launch each (all processes; wall time inside syscalls, "
                 "inflated by tracing — compare counts rather than seconds).", "",
                 "| launch | syscalls | errors | s in syscalls | mount-related (mount, umount2, open_tree, move_mount, mount_setattr, pivot_root) | busiest syscalls (calls) |",
                 "|---|---:|---:|---:|---:|---|")
        mountish = {"mount", "umount2", "open_tree", "move_mount", "mount_setattr", "pivot_root", "fsopen", "fsmount", "fsconfig"}
        for name, s in st.items():
            tot = s.get("total") or {}
            mnt = sum(r["calls"] for r in s["rows"] if r["name"] in mountish)
            top = ", ".join(f"{r['name']} {r['calls']}" for r in s["rows"][:6])
            self.add(f"| {name} | {tot.get('calls', '?')} | {tot.get('errors', '?')} | {tot.get('seconds', 0):.4f} | {mnt} | {top} |")

    def summary(self):
        self.add("", "## Targets (issue 5)", "",
                 "Status from medians, as the issue defines the targets; in brackets the same ratio from "
                 "the fastest runs (min) and from CPU time, which show what a quiet machine would say.", "",
                 "| target | measured | status |", "|---|---|---|")
        for t, nums, ok in self.targets:
            self.add(f"| {cell(t)} | {cell(nums)} | {status(ok)} |")

    def row_bwrap(self):
        key = "bwrap"
        rec = self.res["hf"].get(key)
        if not rec:
            return
        lines = self.res["meta"].get("bwrap_lines", {})
        self.add("", "## 8. bwrap's own command lines: Debian's bwrap vs burrow as bwrap", "",
                 "The same options, then `/bin/true`, run by Debian's `bwrap` and by burrow under the name "
                 "`bwrap` (a symbolic link, burrow(1) BWRAP COMPATIBILITY), as uid 65534. "
                 "Overhead = median − median of plain `/bin/true` from the same call.", "")
        for name, opts in lines.items():
            self.add(f"- {name}: `{opts}`")
        self.timing_table(key, base="plain")
        p = self.med(key, "plain")
        self.add("")
        worst = None
        for name in lines:
            b, bw = self.med(key, f"burrow as bwrap {name}"), self.med(key, f"bwrap {name}")
            if None in (p, b, bw) or bw == p:
                self.add(f"- {name}: not measured (a command failed)")
                worst = float("inf")
                continue
            r = (b - p) / (bw - p)
            worst = r if worst is None else max(worst, r)
            self.add(f"- {name}: burrow overhead / bwrap overhead = **{r:.2f}** "
                     f"({self.robust(key, f'burrow as bwrap {name}', f'bwrap {name}', 'plain')})")
        if worst is not None:
            self.targets.append(("bwrap's command lines through burrow as bwrap ≤ 0.5× bwrap's overhead",
                                 f"worst of {len(lines)} lines: {worst:.2f}×", worst <= 0.5))
        self.commands(key)

    def row_runfile(self):
        key = "runfile"
        rf = self.res.get("runfile")
        if not rf:
            return
        sz = rf.get("sizes", {})
        self.add("", "## 9. Single-file packs (`-f run`): warm and first start", "",
                 "One pack of the benchmark's store item with the entry `true` (the store's own `/bin/true`), "
                 f"as a tarball ({sz.get('pack.tar.gz', 0) / 1e3:.0f} kB) unpacked in `$W/rf/u`, and as one `-f run` "
                 f"file, `true.run` ({sz.get('true.run', 0) / 1e6:.2f} MB: the stub, then the same tarball). Warm: the cache in "
                 "`$HOME/.cache/burrow` is already there. First start: the cache is removed before each run "
                 "(hyperfine `--prepare`), against a script that makes a directory, runs `tar xf` of the tarball "
                 "into it and execs its `bin/true`. `store in place`: the store's program run directly, "
                 "without a pack.")
        self.timing_table(key, base="store in place")
        w, u, f, t = (self.med(key, n) for n in ("true.run, warm", "unpacked ./bin/true", "true.run, first start",
                                                  "tar xf + ./bin/true"))
        if None not in (w, u):
            self.add("", f"- `-f run` warm − unpacked = **{ms(w - u)} ms** (target ≤ 0.3 ms; "
                     f"min {ms(min(self.t(key, 'true.run, warm')) - min(self.t(key, 'unpacked ./bin/true')))} ms)")
            self.targets.append(("`-f run` warm start ≤ unpacked pack + 0.3 ms", f"+{ms(w - u)} ms", w - u <= 0.0003))
        else:
            self.targets.append(("`-f run` warm start ≤ unpacked pack + 0.3 ms", "not measured", False))
        if None not in (f, t):
            self.add(f"- `-f run` first start / (`tar xf` + launch) = **{f / t:.2f}** (target ≤ 1.2; per round: "
                     f"{self.per_round(key, 'true.run, first start', 'tar xf + ./bin/true')})")
            self.targets.append(("`-f run` first start ≤ 1.2× `tar xf` + launch", f"{ms(f)} ms vs {ms(t)} ms = {f / t:.2f}×",
                                 f / t <= 1.2))
        else:
            self.targets.append(("`-f run` first start ≤ 1.2× `tar xf` + launch", "not measured", False))
        self.commands(key)

    def render(self, bench_dir):
        self.header()
        body_start = len(self.out)
        self.machine()
        self.row_launch()
        self.row_sandbox()
        self.row_scale(bench_dir)
        self.row_steady()
        self.row_pack()
        self.row_footprint()
        self.row_binds()
        self.row_bwrap()
        self.row_runfile()
        self.strace()
        body = self.out[body_start:]
        self.out = self.out[:body_start]
        self.summary()
        self.out += body
        return "\n".join(self.out) + "\n"


# The section each row writes (BENCH_ONLY: only these are replaced in the existing report).
SECTIONS = {"launch": "## 1.", "sandbox": "## 2.", "scale": "## 3.", "steady": "## 4.", "pack": "## 5.",
            "footprint": "## 6.", "binds": "## 7.", "bwrap": "## 8.", "runfile": "## 9.",
            "strace": "## Where the time goes"}
TARGETS = "## Targets"


def chunks(text):
    """[(heading or None, lines)]: the text cut before each '## ' heading."""
    out = [(None, [])]
    for line in text.split("\n"):
        if line.startswith("## "):
            out.append((line, []))
        out[-1][1].append(line)
    return out


def merge_partial(old, new, rows, res):
    """The existing report `old` with the sections (and target lines) of `rows` taken from the
    partial report `new`; the others stay as they were, and the header says what is from when."""
    old_c, new_c = chunks(old), chunks(new)
    wanted = [SECTIONS[r] for r in rows if r in SECTIONS]
    fresh = {h: lines for h, lines in new_c if h and any(h.startswith(p) for p in wanted)}
    out = []
    placed = set()
    for h, lines in old_c:
        if h and any(h.startswith(p) for p in wanted):
            for nh in fresh:
                if nh.split(" ", 2)[:2] == h.split(" ", 2)[:2] and nh not in placed:
                    out.append(fresh[nh])
                    placed.add(nh)
            continue
        if h and h.startswith("## Where the time goes"):  # new sections go before it
            out += [fresh[nh] for nh in fresh if nh not in placed and not nh.startswith("## Where")]
            placed.update(nh for nh in fresh if not nh.startswith("## Where"))
        out.append(lines)
    out += [fresh[nh] for nh in fresh if nh not in placed]
    text = "\n".join("\n".join(lines) for lines in out)
    # The target lines of these rows replace the ones of the same name, or are added.
    new_targets = [l for h, lines in new_c if h and h.startswith(TARGETS) for l in lines
                   if l.startswith("| ") and not l.startswith("| target |")]
    mine = {l.split(" | ")[0]: l for l in new_targets if "not measured" not in l}
    lines = text.split("\n")
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith(TARGETS))
        end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    except StopIteration:
        return text
    table = [i for i in range(start, end) if lines[i].startswith("| ") and not lines[i].startswith("| target |")
             and not lines[i].startswith("|---")]
    for i in table:
        name = lines[i].split(" | ")[0]
        if name in mine:
            lines[i] = mine.pop(name)
    last = table[-1] if table else end - 1
    lines[last + 1:last + 1] = list(mine.values())
    # One line after the first paragraph: which sections come from this partial run.
    m = res["meta"]
    names = [SECTIONS[r].lstrip("# ").rstrip(".") for r in rows if r in SECTIONS]
    note = (f"Section{'s' if len(names) > 1 else ''} {', '.join(names)} (and {'their' if len(names) > 1 else 'its'} "
            f"target lines) {'were' if len(names) > 1 else 'was'} measured again alone on {m.get('date', '?')} (`BENCH_ONLY={','.join(rows)}`, "
            f"{m.get('elapsed_s', 0):.0f} s)" + ("; QUICK MODE, not valid" if res.get("quick") else "") +
            "; the rest is from the run above.")
    for i in [i for i, l in enumerate(lines) if l.startswith("Section") and "measured again alone" in l][::-1]:
        del lines[i - 1 if i and lines[i - 1] == "" else i:i + 1]  # an earlier note, with its blank line
    first_blank = next((i for i in range(2, len(lines)) if lines[i] == ""), 2)
    lines[first_blank:first_blank] = ["", note]
    return "\n".join(lines)


def write(res, bench_dir, w):
    text = Report(res, w).render(bench_dir)
    rows = res["meta"].get("only")
    path = os.path.join(bench_dir, "RESULTS.md")
    if rows and os.path.exists(path):
        with open(path) as f:
            text = merge_partial(f.read(), text, rows, res)
    tmp = os.path.join(bench_dir, "RESULTS.md.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, os.path.join(bench_dir, "RESULTS.md"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py results.json")
    with open(sys.argv[1]) as f:
        r = json.load(f)
    write(r, os.path.dirname(os.path.abspath(__file__)), r["meta"]["workdir"])
