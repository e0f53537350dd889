# Sourced by tests/engines/run.sh: a one-node Slurm cluster of its own — munged with a key
# made here, slurmctld and slurmd (SlurmUser=root, proctrack/linuxproc, no cgroup plugin,
# the node named after `hostname -s`, CPUs=2), all state, sockets and logs in the temp dir,
# ports on the loopback of a network namespace of its own (slurmctld and slurmd listen on
# every address; srun too) — and jobs of uid 65534 that run the pack's entries.
S=$E_TMP/slurm
M=$S/munge
mkdir -p "$M" "$S/state" "$S/spool" "$S/jobs"
chmod 700 "$M"
chmod 755 "$S" "$S/jobs"
chown 65534:65534 "$S/jobs"
chmod 711 "$M"
NODE=$(hostname -s)
SLURM_CHECKS="slurm: srun -n 2 runs ./pack/bin/hello from a per-job directory: both tasks print the greeting
slurm: README's per-node recipe: each task unpacks into a mktemp -d of its own, runs, removes it
slurm: sbatch --array=1-10: the array finishes
slurm: sbatch --array=1-10: ten outputs, each the greeting
slurm: srun of burrow --profile builtin:sandbox with the store bound runs hello
slurm: ... and the sandbox hides the host (no /etc/os-release, a pid namespace of its own)
slurm: sbatch of ./pack/bin/hello --sleep: the job runs
slurm: scancel of the job: it leaves the queue
slurm: scancel of the job: no process of it is left (checked in /proc)
slurm: scancel -s USR1 of a builtin:sandbox job step: the program gets it once"

# munged refuses a key that others may read; one of 1024 random bytes.
head -c 1024 /dev/urandom >"$M/munge.key"
chmod 400 "$M/munge.key"
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
[ "$SLURMD_PORT" = "$CTLD_PORT" ] && SLURMD_PORT=$(free_port)
SLURM_CONF=$S/slurm.conf
export SLURM_CONF
cat >"$SLURM_CONF" <<CONF
ClusterName=burrow-engines
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$M/munge.socket.2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MailProg=/bin/true
KillWait=5
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=engines Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
chmod 644 "$SLURM_CONF"

# in_ns CMD...: CMD in the cluster's network namespace (the one of the holder, a sleep).
in_ns() { nsenter -t "$(daemon_pid slurm-netns)" -n "$@"; }
# as_user CMD...: CMD there as uid 65534 (as_nobody, which is a function, cannot follow nsenter).
as_user() {
    in_ns setpriv --reuid 65534 --regid 65534 --clear-groups \
        env HOME="$E_TMP/home-nobody" USER=nobody LOGNAME=nobody "$@"
}
squeue() { in_ns squeue "$@"; }
scancel() { in_ns scancel "$@"; }

# slurm_job_dir NAME: a directory of uid 65534 with the pack unpacked in it (./pack).
slurm_job_dir() {
    mkdir -p "$S/jobs/$1/pack" && chown -R 65534:65534 "$S/jobs/$1" &&
        as_nobody tar -xzf "$PACK_TGZ" -C "$S/jobs/$1/pack" && echo "$S/jobs/$1"
}
# slurm_gone JOBID: the job is no longer in the queue
slurm_gone() { [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; }

slurm_checks() {
    J=$(slurm_job_dir srun)
    expect_out "slurm: srun -n 2 runs ./pack/bin/hello from a per-job directory: both tasks print the greeting" \
        "$GREETING
$GREETING" as_user timeout 120 srun -n 2 --chdir "$J" ./pack/bin/hello

    # README's per-node recipe, as written there (the tarball's path aside).
    before=$(find /tmp -maxdepth 1 -name 'tmp.*' 2>/dev/null | sort)
    # shellcheck disable=SC2016 # the task's shell expands them
    t_run as_user timeout 120 srun -n 2 --chdir "$S/jobs" sh -c \
        'd=$(mktemp -d) && tar xf "$0" -C "$d" && "$d"/bin/hello; s=$?; rm -rf "$d"; exit $s' "$PACK_TGZ"
    after=$(find /tmp -maxdepth 1 -name 'tmp.*' 2>/dev/null | sort)
    expect_eq "slurm: README's per-node recipe: each task unpacks into a mktemp -d of its own, runs, removes it" \
        "0 $GREETING $GREETING left:" "$T_STATUS $(echo $T_OUT) left:$(printf '%s\n' "$after" | grep -vxF "$before" | tr '\n' ' ')"
    J=$(slurm_job_dir array)
    printf '#!/bin/sh\nexec ./pack/bin/hello\n' >"$J/job.sh"
    chmod 755 "$J/job.sh"
    t_run as_user sbatch --parsable --array=1-10 --chdir "$J" --output "$J/out.%a" "$J/job.sh"
    jobid=${T_OUT%%;*}
    # Polled here: sbatch --wait polls at growing intervals (up to a minute for an array).
    if [ "$T_STATUS" != 0 ] || [ -z "$jobid" ]; then
        fail "slurm: sbatch --array=1-10: the array finishes" "sbatch: $(t_what)"
    else
        for _ in $(seq 1 600); do slurm_gone "$jobid" && break; sleep 0.5; done
        if slurm_gone "$jobid"; then ok "slurm: sbatch --array=1-10: the array finishes"
        else fail "slurm: sbatch --array=1-10: the array finishes" "after 300 s: $(squeue -h -j "$jobid" 2>&1 | head -n3)"; fi
    fi
    outs=0
    for i in $(seq 1 10); do [ "$(cat "$J/out.$i" 2>/dev/null)" = "$GREETING" ] && outs=$((outs + 1)); done
    expect_eq "slurm: sbatch --array=1-10: ten outputs, each the greeting" "10 of 10 (10 files)" \
        "$outs of 10 ($(find "$J" -maxdepth 1 -name 'out.*' | wc -l) files)"

    J=$(slurm_job_dir sandbox)
    expect_out "slurm: srun of burrow --profile builtin:sandbox with the store bound runs hello" "$GREETING" \
        as_user timeout 120 srun -n 1 --chdir "$J" "$T_BURROW" --profile builtin:sandbox \
        --ro-bind "$FIX_STORE" "$FIX_DEST" --bind "$J" "$J" -- "$FIX_HELLO"

    expect_out "slurm: ... and the sandbox hides the host (no /etc/os-release, a pid namespace of its own)" "no own-pid-ns" \
        as_user timeout 120 srun -n 1 --chdir "$J" "$T_BURROW" --profile builtin:sandbox \
        --ro-bind "$FIX_STORE" "$FIX_DEST" --bind "$J" "$J" -- "$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -c \
        'if [ -e /etc/os-release ]; then printf "yes "; else printf "no "; fi; read -r p rest </proc/self/stat; [ "$p" -lt 10 ] && echo own-pid-ns || echo "pid $p"'

    # A job that sleeps through the pack; scancel must end all of it.
    J=$(slurm_job_dir cancel)
    marker="--sleep 3117"
    printf '#!/bin/sh\nexec ./pack/bin/hello %s\n' "$marker" >"$J/job.sh"
    chmod 755 "$J/job.sh"
    t_run as_user sbatch --parsable --chdir "$J" --output "$J/out" "$J/job.sh"
    jobid=${T_OUT%%;*}
    running=
    for _ in $(seq 1 150); do
        [ -n "$jobid" ] || break
        if [ -n "$(t_pids_matching "$marker" 2>/dev/null | grep -vx "$$")" ]; then running=1; break; fi
        sleep 0.2
    done
    if [ -n "$running" ]; then ok "slurm: sbatch of ./pack/bin/hello --sleep: the job runs"
    else fail "slurm: sbatch of ./pack/bin/hello --sleep: the job runs" "job '$jobid': no process with '$marker' in 30 s; $(t_what); $(cat "$J/out" 2>/dev/null)"; fi
    scancel "$jobid" 2>/dev/null
    for _ in $(seq 1 150); do slurm_gone "$jobid" && break; sleep 0.2; done
    if slurm_gone "$jobid"; then ok "slurm: scancel of the job: it leaves the queue"
    else fail "slurm: scancel of the job: it leaves the queue" "squeue: $(squeue -h -j "$jobid" 2>&1)"; fi
    for _ in $(seq 1 50); do [ -z "$(t_pids_matching "$marker" 2>/dev/null)" ] && break; sleep 0.2; done
    expect_eq "slurm: scancel of the job: no process of it is left (checked in /proc)" "" \
        "$(for p in $(t_pids_matching "$marker" 2>/dev/null); do echo "$p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done)"

    # Slurm signals every process of a job step (burrow, pid 1, the program): the program,
    # which counts its USR1s (perl counts each delivery), must get one.
    J=$(slurm_job_dir usr1)
    # shellcheck disable=SC2016 # $SIG and $h are perl's
    printf '#!/bin/sh\nexec srun -n 1 %s --profile builtin:sandbox --ro-bind /usr /usr %s --bind %s %s -- /usr/bin/perl -e %s %s\n' \
        "$T_BURROW" "$(t_usr_layout)" "$J" "$J" \
        "'\$SIG{USR1} = sub { open(my \$h, \">>\", \"$J/hits\"); print \$h \"hit\\\\n\"; close(\$h) }; open(my \$r, \">\", \"$J/ready\"); close(\$r); for (1 .. 6000) { last if -e \"$J/stop\"; select(undef, undef, undef, 0.01) }'" \
        "" >"$J/job.sh"
    chmod 755 "$J/job.sh"
    t_run as_user sbatch --parsable --chdir "$J" --output "$J/out" "$J/job.sh"
    jobid=${T_OUT%%;*}
    for _ in $(seq 1 150); do [ -e "$J/ready" ] && break; sleep 0.2; done
    scancel -s USR1 "$jobid" 2>/dev/null
    for _ in $(seq 1 100); do [ -s "$J/hits" ] && break; sleep 0.05; done
    sleep 1
    as_nobody touch "$J/stop"
    for _ in $(seq 1 150); do slurm_gone "$jobid" && break; sleep 0.2; done
    slurm_gone "$jobid" || scancel "$jobid" 2>/dev/null
    expect_eq "slurm: scancel -s USR1 of a builtin:sandbox job step: the program gets it once" "ready 1" \
        "$([ -e "$J/ready" ] && echo ready || echo "not-ready ($(head -c 300 "$J/out" 2>/dev/null))") $(grep -c hit "$J/hits" 2>/dev/null || echo 0)"
}

daemon_start slurm-netns "$E_TMP/log/slurm-netns" unshare --net sleep 100000
# Only once unshare(2) is done is the holder's namespace not ours.
daemon_wait slurm-netns 10 sh -c '[ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]' \
    sh "$(daemon_pid slurm-netns)" && in_ns ip link set lo up &&
    # A second address on lo: glibc's AI_ADDRCONFIG counts no family whose only address is
    # 127.0.0.1 or ::1, and Slurm's getaddrinfo would then find nothing (not even 127.0.0.1).
    in_ns ip addr add 127.0.0.2/8 dev lo
daemon_start munged "$E_TMP/log/munged" munged -F --key-file="$M/munge.key" --socket="$M/munge.socket.2" \
    --pid-file="$M/munged.pid" --log-file="$M/munged.log" --seed-file="$M/munged.seed"
if ! daemon_wait munged 30 sh -c 'munge -S "$1" -n | unmunge -S "$1"' sh "$M/munge.socket.2"; then
    skip_lines "munged did not start: $(daemon_why munged)" "$SLURM_CHECKS"
else
    NS=$(daemon_pid slurm-netns)
    daemon_start slurmctld "$E_TMP/log/slurmctld" nsenter -t "$NS" -n slurmctld -D
    daemon_start slurmd "$E_TMP/log/slurmd" nsenter -t "$NS" -n slurmd -D -N "$NODE"
    if ! daemon_wait slurmctld 60 in_ns scontrol ping; then
        skip_lines "slurmctld did not start: $(daemon_why slurmctld)" "$SLURM_CHECKS"
    elif ! daemon_wait slurmd 60 in_ns sh -c '[ "$(sinfo -h -n "$1" -o %T)" = idle ]' sh "$NODE"; then
        skip_lines "slurmd did not start (node $NODE: $(in_ns sinfo -h -n "$NODE" -o '%T %E' 2>&1)): $(daemon_why slurmd)" "$SLURM_CHECKS"
    else
        slurm_checks
    fi
fi
daemon_stop slurmd
daemon_stop slurmctld
daemon_stop munged
daemon_stop slurm-netns
unset SLURM_CONF
