#!/usr/bin/env bash
# slurm-check.sh: run the Slurm recipe of docs/explore.md, as written, on a
# single-node Slurm built from Debian's packages, and check that it gives
# byte-identical results to a single-machine run.
#
# It installs slurm-wlm and munge (if missing), writes a minimal
# /etc/slurm/slurm.conf for this host, starts munged, slurmctld and slurmd,
# builds spikemesh, and then, in a scratch directory:
#
#   1. runs the space on one machine (the reference);
#   2. submits explore-array.sbatch and explore-merge.sbatch, both taken
#      verbatim from docs/explore.md, as 2 shards with an afterany merge,
#      and compares the merged pareto.csv and points.csv with the reference;
#   3. requeues one finished task (scontrol requeue) and checks it resumes
#      (no point evaluated again) and appends to its log;
#   4. reruns one index (sbatch --array=1), which sets
#      SLURM_ARRAY_TASK_COUNT=1, and checks it still runs shard 1/2;
#   5. submits a task with the wrong shard count, checks it is refused, and
#      that a merge waiting on it with afterok is stuck; cancels that merge,
#      resubmits it as the docs say, and compares the results again.
#
# Run it as root on a scratch Debian machine or container (it refuses to
# overwrite a slurm.conf it did not write). It stops the daemons it started.
# Usage: scripts/slurm-check.sh
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DOC="$REPO/docs/explore.md"
MARK="# written by spikemesh scripts/slurm-check.sh"
WAIT_S=600 # a job of the check takes seconds; this only bounds a hang

say() { printf '== [%3d s] %s\n' "$SECONDS" "$*"; }
fail() {
	printf 'slurm-check: FAIL: %s\n' "$*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root: the check installs and starts Slurm"
command -v go >/dev/null || fail "go is not on PATH"

say "packages"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
	command -v apt-get >/dev/null || fail "no apt-get: this check needs Debian's slurm-wlm and munge packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq slurm-wlm munge >/dev/null
fi
slurmctld -V

say "munge"
started=()
if [ ! -s /etc/munge/munge.key ]; then
	mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
	runuser -u munge -- /usr/sbin/munged
	started+=(/run/munge/munged.pid)
fi
munge -n </dev/null | unmunge >/dev/null || fail "munge does not work"

say "slurm.conf"
host=$(hostname -s)
conf=/etc/slurm/slurm.conf
if [ -e "$conf" ] && ! grep -qF "$MARK" "$conf"; then
	fail "$conf exists and was not written by this script; run the check on a scratch machine"
fi
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat >"$conf" <<EOF
$MARK
ClusterName=check
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=check Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

say "daemons"
stop_started() {
	local p
	for p in "${started[@]}"; do
		[ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
}
trap stop_started EXIT
if ! scontrol ping >/dev/null 2>&1; then
	slurmctld -c
	started+=(/run/slurmctld.pid)
fi
if [ ! -s /run/slurmd.pid ] || ! kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null; then
	slurmd
	started+=(/run/slurmd.pid)
fi
for _ in $(seq 60); do
	sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
	sleep 1
done
sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)' || fail "the node did not come up: $(sinfo 2>&1)"
sinfo

# wait_gone waits until a job (and all of its array tasks) left the queue.
wait_gone() {
	local t=0
	while squeue -h -j "$1" 2>/dev/null | grep -q .; do
		t=$((t + 1))
		[ "$t" -le "$WAIT_S" ] || fail "job $1 still queued after $WAIT_S s: $(squeue -j "$1")"
		sleep 1
	done
}
# state prints a job's (or array task's) JobState.
state() { scontrol show job -o "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' ' | sed 's/ $//'; }
expect_state() {
	local s
	s=$(state "$1")
	[ "$s" = "$2" ] || fail "job $1 is $s, want $2"
	echo "job $1: $s"
}
# extract prints the code block under <!-- slurm-check: NAME --> in the docs.
extract() {
	awk -v mark="<!-- slurm-check: $1 -->" '
		$0 == mark { on = 1; next }
		on == 1 && /^```/ { on = 2; next }
		on == 2 && /^```/ { exit }
		on == 2 { print }
	' "$DOC"
}
same_results() {
	local f
	for f in pareto.csv points.csv; do
		cmp "single/$f" "results/$f" || fail "results/$f differs from the single-machine run's ($1)"
	done
	echo "results/pareto.csv and results/points.csv are byte-identical to the single run's ($1)"
}

say "build and space"
work=$(mktemp -d /tmp/slurm-check.XXXXXX)
(cd "$REPO" && go build -o "$work/spikemesh" ./cmd/spikemesh)
cd "$work"
mkdir logs
cat >space.yaml <<'EOF'
samples: 20
parameters:
  timesteps: [4, 6, 8, 10]
  energy: [loihi, paper-45nm]
objectives: [maximize accuracy_pct, minimize energy_uj]
EOF
extract explore-array.sbatch >explore-array.sbatch
extract explore-merge.sbatch >explore-merge.sbatch
grep -q 'SHARDS=' explore-array.sbatch || fail "no explore-array.sbatch block in $DOC"
grep -q 'explore merge' explore-merge.sbatch || fail "no explore-merge.sbatch block in $DOC"
echo "scratch directory $work"

say "1. single-machine run"
./spikemesh explore --space space.yaml --out single --workers 1 | tail -n 2

say "2. the documented array (2 shards) and an afterany merge"
export SHARDS=2 # the docs' override of the shard count; --array must match
jobid=$(sbatch --parsable --array=0-1 --cpus-per-task=1 explore-array.sbatch)
merge=$(sbatch --parsable --dependency=afterany:"$jobid" explore-merge.sbatch)
echo "array $jobid, merge $merge"
wait_gone "$jobid"
wait_gone "$merge"
expect_state "${jobid}_0" COMPLETED
expect_state "${jobid}_1" COMPLETED
expect_state "$merge" COMPLETED
grep -h '^shard ' logs/explore-"$jobid"_*.out
grep -h '^merged ' logs/merge-"$merge".out
same_results "array and merge"

say "3. scontrol requeue of a finished task"
scontrol requeue "${jobid}_1"
sleep 2
# Slurm holds a requeued batch job back for a while before it is eligible
# again; show for how long.
scontrol show job -o "${jobid}_1" | grep -oE '(JobState|Reason|SubmitTime|EligibleTime)=[^ ]*' | tr '\n' ' '
echo
wait_gone "${jobid}_1"
expect_state "${jobid}_1" COMPLETED
runs=$(grep -c '^shard 1/2: ' logs/explore-"$jobid"_1.out)
[ "$runs" = 2 ] || fail "the requeued task's log holds $runs runs, want 2 (--open-mode=append)"
grep -q '^shard 1/2: 4 points (0 evaluated, 4 already done)' logs/explore-"$jobid"_1.out ||
	fail "the requeued task did not resume: $(cat logs/explore-"$jobid"_1.out)"
echo "requeued task appended to its log and reused all 4 points"

say "4. rerun one index: sbatch --array=1 (SLURM_ARRAY_TASK_COUNT=1)"
rerun=$(sbatch --parsable --array=1 --cpus-per-task=1 explore-array.sbatch)
wait_gone "$rerun"
expect_state "${rerun}_1" COMPLETED
grep -h '^shard ' logs/explore-"$rerun"_1.out
grep -q '^shard 1/2: 4 points (0 evaluated, 4 already done)' logs/explore-"$rerun"_1.out ||
	fail "the rerun did not run shard 1/2 from its points"

say "5. a wrong shard count is refused; a stuck afterok merge is cancelled and resubmitted"
wrong=$(SHARDS=8 sbatch --parsable --array=1 --cpus-per-task=1 explore-array.sbatch)
stuck=$(sbatch --parsable --dependency=afterok:"$wrong" explore-merge.sbatch)
wait_gone "$wrong"
expect_state "${wrong}_1" FAILED
grep -h '^spikemesh: ' logs/explore-"$wrong"_1.out
grep -q 'holds shard 1/2, this run is shard 1/8' logs/explore-"$wrong"_1.out || fail "the wrong shard count was not refused"
sleep 2
reason=$(squeue -h -j "$stuck" -o '%T %r')
echo "merge $stuck: $reason"
[ "$reason" = "PENDING DependencyNeverSatisfied" ] || fail "merge $stuck: $reason, want PENDING DependencyNeverSatisfied"
scancel "$stuck"
again=$(sbatch --parsable explore-merge.sbatch)
wait_gone "$again"
expect_state "$again" COMPLETED
same_results "after requeue, rerun and resubmitted merge"

say "slurm-check: PASS"
rm -rf "$work"
