#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmrun.sh - run a command inside a throw-away QEMU VM that boots a given
# kernel on top of the host's root filesystem (read-only 9p + tmpfs overlays).
#
# See usage() below for the command line.  Environment knobs:
#   KVER             kernel release to boot (default: newest /boot/vmlinuz-*
#                    that has /lib/modules/<release>/modules.dep)
#   VMRUN_TIMEOUT    default for -t (900 s)
#   VMRUN_CACHE      cache directory for the initramfs and the extracted
#                    vmlinux (default ${XDG_CACHE_HOME:-$HOME/.cache}/mipkex-vmrun)
#   VMRUN_VERBOSE=1  show the guest console live on stderr
#   VMRUN_NO_VNG=1   never use virtme-ng (vng), even when it is installed
#   VMRUN_ACCEL      QEMU accelerator: tcg (default) or kvm
#   VMRUN_QEMU       QEMU binary (default qemu-system-x86_64)
#   VMRUN_BUSYBOX    static busybox binary put into the initramfs
#   VMRUN_NO_PVH=1   boot the compressed bzImage instead of the cached,
#                    uncompressed vmlinux (PVH entry; saves 3-5 s per boot)
#
# How it works: the initramfs (busybox + the 9p/virtio/overlay modules) mounts
# the host's / over virtio-9p and switch_roots into it; stage 2 (PID 1, busybox
# sh) sets up mounts and overlays, runs the command with stdout+stderr on the
# second serial port (ttyS1 = this script's stdout) and writes its exit status
# into a 9p-shared run directory; the kernel console (ttyS0) goes to a file.
#
# Exit status: the command's exit status; 124 if the timeout expired; 255 if
# the VM died without reporting a status (panic, init failure, QEMU error);
# 2 for a usage error.
# If the kernel log shows an oops/BUG/WARNING/KASAN/UBSAN/kmemleak report, an
# exit status of 0 is turned into 1 and an excerpt of the log goes to stderr.

set -u
set -o pipefail

PROG=vmrun
SCRIPT_PATH=$(readlink -f -- "${BASH_SOURCE[0]}")

# Modules the initramfs needs to mount the 9p root and the overlays (their
# dependencies are resolved from modules.dep).  Built-in ones are skipped.
INITRAMFS_MODULES="virtio_pci 9pnet_virtio 9p overlay"
# Nice to have, silently skipped when the kernel lacks them (loading them here
# is faster than the host's modprobe over 9p later).
INITRAMFS_OPTIONAL_MODULES="virtio_rng configfs"

# Kernel log lines that mean "the kernel reported a problem".
REPORT_RE='BUG:|WARNING:|Kernel panic|kernel BUG at|KASAN:|UBSAN:|KFENCE:|KCSAN:|unreferenced object|Call Trace:|ref_tracker:|RIP: |general protection fault|Oops:|INFO: task .* blocked for more than|rcu: INFO: .* detected stalls'

usage() {
	cat <<EOF
Usage: ${0##*/} [options] -- COMMAND [ARGS...]

Run COMMAND (as 'sh -c "COMMAND ARGS..."', in the current directory) as root
inside a fresh QEMU VM.  The VM sees the host root filesystem read-only, with
throw-away overlays on /tmp /var /etc /root /home /srv /opt.  The command's
stdout and stderr arrive on this script's stdout; the kernel console goes to
a log file that is scanned for oops/BUG/WARNING/KASAN/UBSAN/kmemleak reports.

Options:
  -k KERNEL   kernel image (default /boot/vmlinuz-\$KVER, KVER autodetected)
  -M DIR      module tree of that kernel (the directory holding modules.dep);
              bound over /lib/modules/<its release> in the guest
  -m MEM      guest memory (default 1G)
  -c CPUS     guest CPUs (default 2)
  -t SECS     timeout for the whole VM run (default \${VMRUN_TIMEOUT:-900})
  -w DIR      export host DIR read-write at the same path (repeatable)
  -a ARG      extra kernel command line argument (repeatable)
  -C FILE     write the kernel console log to FILE (default: temp file)
  -h          show this help

Exit status: the command's status; 124 on timeout; 255 if the VM died
without reporting a status (panic, init failure); 2 on a usage error.  A
kernel report in the console log turns status 0 into 1.

Environment: KVER, VMRUN_TIMEOUT, VMRUN_CACHE, VMRUN_VERBOSE=1 (console live
on stderr), VMRUN_NO_VNG=1, VMRUN_ACCEL (tcg|kvm), VMRUN_QEMU, VMRUN_BUSYBOX,
VMRUN_NO_PVH=1 (boot the compressed image as is).
virtme-ng's 'vng' is used instead of the built-in runner when it is on PATH.
EOF
}

msg() { echo "$PROG: $*" >&2; }
die() { msg "error: $*"; exit 255; }
usage_error() { msg "$*"; echo "Try '${0##*/} -h'." >&2; exit 2; }

# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
KERNEL=
MODDIR=
MEM=1G
CPUS=2
TIMEOUT=${VMRUN_TIMEOUT:-900}
CONSOLE_LOG=
WDIRS=()
KARGS=()

while getopts ":hk:M:m:c:t:w:a:C:" opt; do
	case $opt in
	h) usage; exit 0 ;;
	k) KERNEL=$OPTARG ;;
	M) MODDIR=$OPTARG ;;
	m) MEM=$OPTARG ;;
	c) CPUS=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	w) WDIRS+=("$OPTARG") ;;
	a) KARGS+=("$OPTARG") ;;
	C) CONSOLE_LOG=$OPTARG ;;
	:) usage_error "option -$OPTARG needs an argument" ;;
	*) usage_error "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage_error "no command given"
CMD="$*"

[[ $CPUS =~ ^[1-9][0-9]*$ ]] || usage_error "-c wants a positive number, not '$CPUS'"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || usage_error "-t wants a positive number of seconds, not '$TIMEOUT'"
[[ $MEM =~ ^[1-9][0-9]*[kKmMgGtT]?$ ]] || usage_error "-m wants a size like 1G or 512M, not '$MEM'"

for i in "${!WDIRS[@]}"; do
	d=${WDIRS[$i]}
	[ -d "$d" ] || usage_error "-w $d: not a directory"
	d=$(readlink -f -- "$d")
	[[ $d != *$'\n'* ]] || usage_error "-w: directory names with newlines are not supported"
	[ "$d" != / ] || usage_error "-w /: the root cannot be exported read-write"
	WDIRS[i]=$d
done
if [ -n "$MODDIR" ]; then
	[ -d "$MODDIR" ] || usage_error "-M $MODDIR: not a directory"
	MODDIR=$(readlink -f -- "$MODDIR")
	[[ $MODDIR != *$'\n'* ]] || usage_error "-M: directory names with newlines are not supported"
	[ -f "$MODDIR/modules.dep" ] || msg "warning: $MODDIR has no modules.dep (run depmod?)"
fi

# ---------------------------------------------------------------------------
# Kernel discovery
# ---------------------------------------------------------------------------

# Newest /boot/vmlinuz-* that has an installed module tree.
detect_kver() {
	local img rel best=
	for img in /boot/vmlinuz-*; do
		[ -e "$img" ] || continue
		rel=${img#/boot/vmlinuz-}
		[ -f "/lib/modules/$rel/modules.dep" ] || continue
		best+="$rel"$'\n'
	done
	[ -n "$best" ] || return 1
	printf '%s' "$best" | sort -V | tail -n 1
}

# Release string of a kernel image.  An x86 bzImage's setup header ("HdrS"
# at 0x202) has a pointer at 0x20e to "RELEASE (builder) #1 ...", relative
# to 0x200; an uncompressed vmlinux (ELF) contains "Linux version RELEASE".
image_release() {
	local img=$1 off rel
	if [ "$(head -c 4 "$img" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
		rel=$(grep -a -m 1 -o 'Linux version [^ ]*' "$img" | head -n 1 | cut -d ' ' -f 3)
	else
		[ "$(dd if="$img" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] || return 1
		off=$(od --endian=little -An -tu2 -j526 -N2 "$img" 2>/dev/null | tr -d ' ')
		[[ $off =~ ^[0-9]+$ ]] || return 1
		rel=$(dd if="$img" bs=1 skip=$((off + 512)) count=256 2>/dev/null |
			tr '\0' '\n' | head -n 1 | cut -d ' ' -f 1)
	fi
	[ -n "$rel" ] || return 1
	printf '%s\n' "$rel"
}

if [ -z "$KERNEL" ]; then
	if [ -z "${KVER:-}" ]; then
		KVER=$(detect_kver) ||
			die "no kernel found: need /boot/vmlinuz-<release> with /lib/modules/<release>/modules.dep (or set KVER, or use -k)"
	fi
	KERNEL=/boot/vmlinuz-$KVER
	REL=$KVER
else
	[ -f "$KERNEL" ] || die "kernel image $KERNEL not found"
	REL=$(image_release "$KERNEL") || REL=
	if [ -z "$REL" ]; then
		REL=${KVER:-}
		[ -n "$REL" ] || { [ -n "$MODDIR" ] && REL=${MODDIR##*/}; }
		[ -n "$REL" ] || die "cannot tell the release of $KERNEL; set KVER"
		msg "warning: cannot read the release from $KERNEL, assuming $REL"
	fi
fi
[ -f "$KERNEL" ] || die "kernel image $KERNEL not found"
[ -r "$KERNEL" ] || die "kernel image $KERNEL is not readable"
KERNEL=$(readlink -f -- "$KERNEL")
TREE=${MODDIR:-/lib/modules/$REL}

# ---------------------------------------------------------------------------
# Per-run state and cleanup
# ---------------------------------------------------------------------------
RUN=$(mktemp -d "${TMPDIR:-/tmp}/vmrun.XXXXXX") || die "cannot create a temp dir"
QEMU_PIDFILE=$RUN/qemu.pid
TPID=
TAILPID=
USING_VNG=

# Processes whose command line names this run's private temp dir: vng's QEMU
# (and virtiofsd) get it through --rwdir, and they may outlive vng itself.
run_pids() {
	command -v pgrep >/dev/null || return 0
	pgrep -f -- "$(printf '%s' "$RUN" | sed 's/[][\\.*^$]/\\&/g')" 2>/dev/null
}

kill_vm() {
	local pids='' p
	[ -s "$QEMU_PIDFILE" ] && pids=$(cat "$QEMU_PIDFILE" 2>/dev/null)
	if [ -n "$TPID" ] && kill -0 "$TPID" 2>/dev/null; then
		kill -TERM "$TPID" 2>/dev/null   # timeout(1) passes it on to its child
		sleep 0.5
	fi
	[ -n "$USING_VNG" ] && pids="$pids $(run_pids)"
	for p in $pids; do
		if ! [[ $p =~ ^[0-9]+$ ]] || ! kill -0 "$p" 2>/dev/null; then
			continue
		fi
		kill -TERM "$p" 2>/dev/null
		sleep 1
		kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	TPID=
}

# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
	kill_vm
	if [ -n "$TAILPID" ]; then
		kill "$TAILPID" 2>/dev/null
		wait "$TAILPID" 2>/dev/null
	fi
	rm -rf -- "$RUN"
}
trap cleanup EXIT
for sig in INT TERM HUP; do
	# shellcheck disable=SC2064
	trap "msg 'interrupted'; kill_vm; exit $((128 + $(kill -l $sig)))" "$sig"
done

# ---------------------------------------------------------------------------
# Result handling, shared by the QEMU and vng paths
# ---------------------------------------------------------------------------

# scan_log LOGFILE STATUS -> prints the final exit status on stdout.
scan_log() {
	local log=$1 rc=$2 first start
	[ -s "$log" ] || { echo "$rc"; return; }
	first=$(grep -a -n -m 1 -E "$REPORT_RE" "$log" | cut -d : -f 1)
	if [ -n "$first" ]; then
		start=$((first > 20 ? first - 20 : 1))
		{
			msg "kernel reported a problem: $(sed -n "${first}p" "$log" | tr -d '\r')"
			msg "---- kernel console, lines $start-$((start + 79)) ----"
			sed -n "${start},$((start + 79))p" "$log" | tr -d '\r'
			msg "---- end of excerpt$([ -n "$CONSOLE_LOG" ] && echo "; full log in $CONSOLE_LOG") ----"
		} >&2
		[ "$rc" -eq 0 ] && rc=1
	fi
	echo "$rc"
}

print_tail() {
	local log=$1
	[ -s "$log" ] || return 0
	{
		msg "---- last 80 lines of the kernel console ----"
		tail -n 80 "$log" | tr -d '\r'
		msg "---- end$([ -n "$CONSOLE_LOG" ] && echo "; full log in $CONSOLE_LOG") ----"
	} >&2
}

# finish QEMU_OR_VNG_STATUS LOGFILE
finish() {
	local vmrc=$1 log=$2 rc
	if [ -s "$RUN/status" ]; then
		rc=$(cat "$RUN/status")
		[[ $rc =~ ^[0-9]+$ ]] || rc=255
		rc=$(scan_log "$log" "$rc")
	elif [ "$vmrc" -eq 124 ] || [ "$vmrc" -eq 137 ]; then
		msg "timed out after ${TIMEOUT}s"
		print_tail "$log"
		rc=124
	else
		if [ -s "$log" ] && grep -a -q -E "$REPORT_RE" "$log"; then
			msg "the VM died without reporting an exit status (VM exit code $vmrc)"
			scan_log "$log" 255 >/dev/null
		else
			msg "the VM died without reporting an exit status (VM exit code $vmrc; kernel panic or init failure?)"
			print_tail "$log"
		fi
		rc=255
	fi
	return "$rc"
}

# ---------------------------------------------------------------------------
# virtme-ng path
# ---------------------------------------------------------------------------
# vng boots the kernel with its own initramfs/init.  We run a small wrapper
# script from a read-write run directory which records the exit status and
# the kernel log (dmesg) after the command, so the same status contract and
# the same log scan apply.  Limitation: if the kernel panics, the log cannot
# be collected this way (vng's console is not captured), so only the status
# (255) is reported.  With -M, the module tree is bind-mounted over
# /lib/modules/$(uname -r) inside the guest before the command runs; vng
# itself looks for modules of the booted kernel in the host's /lib/modules,
# so a kernel needing modules for its root filesystem should have 9p/virtiofs
# and overlayfs built in (debug kernels built for vmrun usually do).
# shellcheck disable=SC2016  # the wrapper's $vars expand in the guest
run_vng() {
	local wrapper=$RUN/vng-run.sh args d a rc
	{
		echo '#!/bin/sh'
		if [ -n "$MODDIR" ]; then
			printf 'rel=$(uname -r)\nmkdir -p "/lib/modules/$rel" && mount --bind %q "/lib/modules/$rel" || echo "vmrun: cannot bind %q" >&2\n' "$MODDIR" "$MODDIR"
		fi
		printf 'cd %q || exit 255\n' "$PWD"
		printf 'sh -c "$(cat %q)" </dev/null 2>&1\n' "$RUN/cmd"
		echo 'rc=$?'
		printf 'dmesg >%q 2>/dev/null\n' "$RUN/dmesg"
		printf 'echo "$rc" >%q\n' "$RUN/status"
		echo 'exit "$rc"'
	} >"$wrapper"
	args=(vng --run "$KERNEL" --cpus "$CPUS" --memory "$MEM" --user root --rwdir "$RUN")
	[ "${VMRUN_ACCEL:-tcg}" = kvm ] || args+=(--disable-kvm)
	for d in "${WDIRS[@]}"; do args+=(--rwdir "$d"); done
	for a in panic=-1 oops=panic loglevel=7 mitigations=off \
		rcupdate.rcu_cpu_stall_timeout=120 sysctl.kernel.hung_task_timeout_secs=600 \
		"${KARGS[@]}"; do
		args+=(--append "$a")
	done
	[ "${VMRUN_VERBOSE:-0}" = 1 ] && args+=(--verbose)
	args+=(--exec "sh $(printf %q "$wrapper")")
	[ "${VMRUN_VERBOSE:-0}" = 1 ] && msg "running: ${args[*]}"
	timeout --foreground -k 5 "$TIMEOUT" "${args[@]}" </dev/null &
	TPID=$!
	wait "$TPID"
	rc=$?
	TPID=
	kill_vm   # QEMU may outlive vng when the timeout killed vng
	[ -n "$CONSOLE_LOG" ] && [ -f "$RUN/dmesg" ] && cp "$RUN/dmesg" "$CONSOLE_LOG"
	finish "$rc" "$RUN/dmesg"
}

# ---------------------------------------------------------------------------
# Initramfs
# ---------------------------------------------------------------------------

# First stage, PID 1 in the initramfs: load the 9p/overlay modules, mount the
# host root, put busybox and stage 2 on a tmpfs /run and switch_root into it.
write_init() {
	cat <<'EOF'
#!/bin/busybox sh
# vmrun initramfs /init (generated by vmrun.sh)
BB=/bin/busybox
say() { echo "vmrun-init: $*"; }
die() { say "$*"; say "giving up"; $BB poweroff -f; $BB reboot -f; while :; do $BB sleep 60; done; }
while read -r m; do
	[ -n "$m" ] || continue
	$BB insmod "/modules/$m" || say "insmod $m returned an error"
done </modules/order
$BB mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro hostroot /newroot ||
	die "cannot mount the host root filesystem over 9p"
[ -d /newroot/run ] || die "the host has no /run directory"
$BB mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run || die "cannot mount /run"
$BB mkdir -p /newroot/run/vmrun /newroot/run/.vmrun || die "cannot populate /run"
$BB cp /bin/busybox /stage2 /newroot/run/.vmrun/ || die "cannot copy stage 2"
exec $BB switch_root /newroot /run/.vmrun/busybox sh /run/.vmrun/stage2
die "switch_root failed"
EOF
}

# Second stage, PID 1 on the host root: mounts, overlays, run the command.
write_stage2() {
	cat <<'EOF'
# vmrun stage 2 (generated by vmrun.sh), run by busybox sh as PID 1
BB=/run/.vmrun/busybox
R=/run/vmrun
P9='trans=virtio,version=9p2000.L,msize=512000'
say() { echo "vmrun-guest: $*"; }
halt_vm() {
	$BB sync
	$BB poweroff -f
	$BB reboot -f
	while :; do $BB sleep 60; done
}
die() { say "$*"; say "giving up"; halt_vm; }
try() { "$@" 2>/dev/null || say "note: '$*' did not work"; }

$BB mount -t proc -o nosuid,nodev,noexec proc /proc || die "cannot mount /proc"
$BB mount -t sysfs -o nosuid,nodev,noexec sysfs /sys || die "cannot mount /sys"
$BB mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev || die "cannot mount /dev"
$BB mount -t 9p -o "$P9" vmrun "$R" || die "cannot mount the run directory"

# Copy-on-write overlays: tmpfs upper layer, host directory as lower layer.
# The merged root directory takes its mode/owner from the upper directory,
# so copy them from the host directory (e.g. 1777 for /tmp, 700 for /root).
$BB mkdir -p /run/.vmrun/ovl
$BB mount -t tmpfs -o mode=0700 vmrun-overlays /run/.vmrun/ovl || die "cannot mount the overlay tmpfs"
ovl() { # DIR MODE UID GID
	u=/run/.vmrun/ovl$1
	$BB mkdir -p -m "$2" "$u/upper" "$u/work" || die "cannot create $u"
	[ "$3:$4" = 0:0 ] || $BB chown "$3:$4" "$u/upper"
	$BB mount -t overlay -o "lowerdir=$1,upperdir=$u/upper,workdir=$u/work" overlay "$1" ||
		die "cannot mount an overlay on $1"
}
ovl_dirs=
for d in /tmp /var /etc /root /home /srv /opt; do
	[ -d "$d" ] && [ ! -L "$d" ] && ovl_dirs="$ovl_dirs $d"
done
# shellcheck disable=SC2086
$BB stat -c '%n %a %u %g' $ovl_dirs >/run/.vmrun/ovl/attrs || die "cannot stat$ovl_dirs"
while read -r d mode uid gid; do
	ovl "$d" "$mode" "$uid" "$gid"
done </run/.vmrun/ovl/attrs

# -M: another kernel's module tree over /lib/modules/<release>.
if [ -s "$R/moddir" ]; then
	md=$($BB cat "$R/moddir")
	rel=$($BB uname -r)
	if [ ! -d "/lib/modules/$rel" ]; then
		# shellcheck disable=SC2046
		ovl /lib/modules $($BB stat -c '%a %u %g' /lib/modules)
		$BB mkdir -p "/lib/modules/$rel" || die "cannot create /lib/modules/$rel"
	fi
	$BB mount --bind "$md" "/lib/modules/$rel" || die "cannot bind $md on /lib/modules/$rel"
fi

# -w: host directories exported read-write at the same path.
i=0
while IFS= read -r w; do
	[ -n "$w" ] || continue
	[ -d "$w" ] || $BB mkdir -p "$w"
	$BB mount -t 9p -o "$P9,cache=mmap" "vmrun_w$i" "$w" || die "cannot mount $w read-write"
	i=$((i + 1))
done <"$R/wdirs"

$BB mkdir -p /dev/pts /dev/shm
try $BB mount -t devpts -o nosuid,noexec,gid=5,mode=620,ptmxmode=666 devpts /dev/pts
try $BB mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
$BB ln -sfn /proc/self/fd /dev/fd
$BB ln -sfn /proc/self/fd/0 /dev/stdin
$BB ln -sfn /proc/self/fd/1 /dev/stdout
$BB ln -sfn /proc/self/fd/2 /dev/stderr
$BB ln -sfn /proc/kcore /dev/core
try $BB mount -t debugfs -o nosuid,nodev,noexec debugfs /sys/kernel/debug
try $BB mount -t tracefs -o nosuid,nodev,noexec tracefs /sys/kernel/tracing
[ -d /sys/kernel/security ] && try $BB mount -t securityfs securityfs /sys/kernel/security
try $BB mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup
# configfs is usually a module (loaded by the initramfs when it exists).
[ -d /sys/kernel/config ] || /sbin/modprobe -q configfs 2>/dev/null
[ -d /sys/kernel/config ] && try $BB mount -t configfs configfs /sys/kernel/config
$BB mkdir -p /run/lock /run/user
$BB chmod 1777 /run/lock
$BB hostname vmrun
try $BB ip link set lo up

# The command's stdout/stderr go to the second serial port.
$BB stty -F /dev/ttyS1 raw -echo 2>/dev/null || die "cannot set up /dev/ttyS1"
exec 3>/dev/ttyS1 || die "cannot open /dev/ttyS1"

# kmemleak (debug kernels): forget leaks from boot, report the command's.
KML=/sys/kernel/debug/kmemleak
kml=
if [ -w "$KML" ] && echo scan >"$KML" 2>/dev/null; then
	echo clear >"$KML" 2>/dev/null
	kml=1
fi

cmd=$($BB cat "$R/cmd")
cwd=$($BB cat "$R/cwd")
if cd "$cwd" 2>/dev/null; then
	$BB env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root USER=root LOGNAME=root SHELL=/bin/sh TERM=dumb \
		/bin/sh -c "$cmd" </dev/null >&3 2>&3 3>&-
	rc=$?
else
	echo "vmrun: cannot change to $cwd in the guest" >&3
	rc=255
fi
cd /

# Kill what the command left behind, then drain the output port: the last
# close of the tty waits until everything has been transmitted.
kill -KILL -1 2>/dev/null
$BB sleep 0.2
exec 3>&-

if [ -n "$kml" ]; then
	$BB sleep 5   # kmemleak ignores objects younger than 5 s
	echo scan >"$KML" 2>/dev/null
	$BB cat "$KML" 2>/dev/null   # "unreferenced object ..." on the console
fi

say "command exited with status $rc"
echo "$rc" >"$R/status.tmp" && $BB mv "$R/status.tmp" "$R/status"
halt_vm
EOF
}

# resolve_modules TREE REQUIRED OPTIONAL -> module paths (relative to TREE),
# dependencies first; missing required modules are reported on stderr.
resolve_modules() {
	local tree=$1 files=()
	[ -f "$tree/modules.builtin" ] && files+=("$tree/modules.builtin")
	files+=("$tree/modules.dep")
	awk -v want="$2" -v opt="$3" '
	function norm(p,   b) {
		b = p; sub(/.*\//, "", b); sub(/\.ko(\.[a-z0-9]+)?$/, "", b)
		gsub(/-/, "_", b); return b
	}
	function visit(n, optional,   a, k, c) {
		if (n in done) return
		done[n] = 1
		if (n in builtin) return
		if (!(n in path)) {
			if (!optional) print "MISSING " n > "/dev/stderr"
			return
		}
		c = split(deps[n], a, " ")
		for (k = c; k >= 1; k--) visit(a[k], 0)
		print path[n]
	}
	FILENAME ~ /modules\.builtin$/ { builtin[norm($1)] = 1; next }
	{
		p = $1; sub(/:$/, "", p); n = norm(p); path[n] = p; deps[n] = ""
		for (i = 2; i <= NF; i++) deps[n] = deps[n] " " norm($i)
	}
	END {
		c = split(want, w, " "); for (i = 1; i <= c; i++) visit(w[i], 0)
		c = split(opt, o, " "); for (i = 1; i <= c; i++) visit(o[i], 1)
	}' "${files[@]}"
}

build_initramfs() {
	local out=$1 dir m name list missing bb
	bb=${VMRUN_BUSYBOX:-}
	if [ -z "$bb" ]; then
		bb=$(command -v busybox 2>/dev/null) || bb=/bin/busybox
	fi
	[ -x "$bb" ] || die "busybox not found; install busybox-static (apt-get install busybox-static)"
	if command -v ldd >/dev/null && ldd "$bb" 2>/dev/null | grep '=>' >/dev/null; then
		die "$bb is dynamically linked; install busybox-static (apt-get install busybox-static)"
	fi
	command -v cpio >/dev/null || die "cpio not found (apt-get install cpio)"

	dir=$RUN/initramfs
	mkdir -p "$dir"/{bin,dev,proc,sys,newroot,modules} || die "cannot create $dir"
	cp "$bb" "$dir/bin/busybox" || die "cannot copy $bb"
	write_init >"$dir/init"
	write_stage2 >"$dir/stage2"
	chmod 0755 "$dir/init"
	: >"$dir/modules/order"

	if [ -f "$TREE/modules.dep" ]; then
		list=$(resolve_modules "$TREE" "$INITRAMFS_MODULES" "$INITRAMFS_OPTIONAL_MODULES" 2>"$RUN/missing") ||
			die "cannot read $TREE/modules.dep"
		missing=$(sed -n 's/^MISSING //p' "$RUN/missing" | tr '\n' ' ')
		[ -z "$missing" ] ||
			msg "warning: modules not found in $TREE (assuming built in): $missing"
		while IFS= read -r m; do
			[ -n "$m" ] || continue
			case $m in /*) ;; *) m=$TREE/$m ;; esac
			name=${m##*/}
			name=${name%%.ko*}.ko
			case $m in
			*.ko) cp "$m" "$dir/modules/$name" ;;
			*.ko.xz) xz -dc "$m" >"$dir/modules/$name" ;;
			*.ko.zst) zstd -qdc "$m" >"$dir/modules/$name" ;;
			*.ko.gz) gzip -dc "$m" >"$dir/modules/$name" ;;
			*) die "unknown module format: $m" ;;
			esac || die "cannot copy module $m"
			echo "$name" >>"$dir/modules/order"
		done <<<"$list"
	else
		msg "warning: no module tree at $TREE; assuming 9p, virtio and overlayfs are built in"
	fi

	(cd "$dir" && find . -print0 | LC_ALL=C sort -z |
		cpio --null --quiet -o -H newc -R 0:0) >"$out.tmp.$$" ||
		{ rm -f "$out.tmp.$$"; die "cannot create the initramfs"; }
	mv -f "$out.tmp.$$" "$out" || die "cannot write $out"
	rm -rf "$dir"
}

cache_dir() {
	local cache
	if [ -n "${VMRUN_CACHE:-}" ]; then
		cache=$VMRUN_CACHE
	elif [ -n "${XDG_CACHE_HOME:-}" ]; then
		cache=$XDG_CACHE_HOME/mipkex-vmrun
	elif [ -n "${HOME:-}" ]; then
		cache=$HOME/.cache/mipkex-vmrun
	else
		cache=${TMPDIR:-/tmp}/mipkex-vmrun-$(id -u)
	fi
	mkdir -p "$cache" || die "cannot create the cache directory $cache"
	echo "$cache"
}

get_initramfs() {
	local cache=$1 key stamp
	# Keyed by release + this script + the module tree it was built from.
	stamp=$(stat -L -c '%s %Y' "$TREE/modules.dep" 2>/dev/null)
	key=$( { cat "$SCRIPT_PATH"; echo "$TREE $stamp"; } | sha256sum | cut -c 1-16)
	INITRAMFS=$cache/initramfs-$REL-$key.cpio
	if [ ! -s "$INITRAMFS" ]; then
		[ "${VMRUN_VERBOSE:-0}" = 1 ] && msg "building $INITRAMFS"
		build_initramfs "$INITRAMFS"
		# Drop stale files from older versions of this script or kernel.
		find "$cache" -maxdepth 1 -name 'initramfs-*.cpio' -mtime +30 -delete 2>/dev/null
	fi
	touch "$INITRAMFS" 2>/dev/null
}

# Under TCG, decompressing the kernel takes several seconds per boot.  QEMU
# can boot an uncompressed vmlinux directly through its PVH entry point
# (CONFIG_PVH), so extract it from the bzImage once and cache it.  Prints
# the image to boot; falls back to the bzImage whenever something is off.
# VMRUN_NO_PVH=1 disables this.
has_pvh_note() {
	# XEN_ELFNOTE_PHYS32_ENTRY is note type 18 in the "Xen" namespace.
	# (No grep -q: with pipefail, readelf's SIGPIPE would fail the pipe.)
	readelf -n "$1" 2>/dev/null | grep -E '^ *Xen .*(\(0x0*12\)|PHYS32)' >/dev/null
}

boot_image() {
	local img=$1 cache=$2 key out setup off len start magic dec trim
	if [ -n "${VMRUN_NO_PVH:-}" ] || ! command -v readelf >/dev/null; then
		echo "$img"; return
	fi
	if [ "$(head -c 4 "$img" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
		echo "$img"; return   # already an ELF vmlinux
	fi
	key=$(stat -L -c '%n %s %Y' "$img" | sha256sum | cut -c 1-16)
	out=$cache/vmlinux-$REL-$key
	if [ -s "$out" ]; then
		touch "$out" 2>/dev/null
		echo "$out"; return
	fi
	if [ -e "$out.nopvh" ] ||
		[ "$(dd if="$img" bs=1 skip=514 count=4 2>/dev/null)" != HdrS ]; then
		echo "$img"; return
	fi
	# setup_sects at 0x1f1; payload_offset/length at 0x248/0x24c, relative
	# to the protected-mode code at (setup_sects + 1) * 512.
	setup=$(od -An -tu1 -j497 -N1 "$img" | tr -d ' ')
	[ "$setup" = 0 ] && setup=4
	off=$(od --endian=little -An -tu4 -j584 -N4 "$img" | tr -d ' ')
	len=$(od --endian=little -An -tu4 -j588 -N4 "$img" | tr -d ' ')
	start=$(((setup + 1) * 512 + off))
	magic=$(od -An -tx1 -j"$start" -N6 "$img" | tr -d ' \n')
	case $magic in
	1f8b*) dec="gzip -dc" trim=0 ;;
	fd377a585a00) dec="xz -dc" trim=4 ;;   # the kernel appends a 4-byte size
	28b52ffd*) dec="zstd -qdc" trim=4 ;;
	*) dec= ;;
	esac
	if [ -n "$dec" ] && command -v "${dec%% *}" >/dev/null &&
		dd if="$img" iflag=skip_bytes,count_bytes skip="$start" count=$((len - trim)) bs=1M 2>/dev/null |
		$dec >"$out.tmp.$$" 2>/dev/null &&
		[ "$(head -c 4 "$out.tmp.$$" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] &&
		has_pvh_note "$out.tmp.$$" && mv -f "$out.tmp.$$" "$out"; then
		find "$cache" -maxdepth 1 -name 'vmlinux-*' -mtime +30 -delete 2>/dev/null
		echo "$out"
	else
		rm -f "$out.tmp.$$"
		: >"$out.nopvh"
		[ "${VMRUN_VERBOSE:-0}" = 1 ] && msg "no PVH-bootable vmlinux in $img; booting it as is"
		echo "$img"
	fi
}

# ---------------------------------------------------------------------------
# QEMU path
# ---------------------------------------------------------------------------
run_qemu() {
	local qemu=${VMRUN_QEMU:-qemu-system-x86_64} log cmdline machine cpu i rc cache bootimg
	command -v "$qemu" >/dev/null || die "$qemu not found (apt-get install qemu-system-x86)"
	command -v timeout >/dev/null || die "timeout(1) not found (coreutils)"

	cache=$(cache_dir) || exit 255
	get_initramfs "$cache"
	bootimg=$(boot_image "$KERNEL" "$cache")

	log=${CONSOLE_LOG:-$RUN/console.log}
	: >"$log" || die "cannot write the console log $log"

	cmdline="console=ttyS0,115200 rdinit=/init panic=-1 oops=panic loglevel=7 mitigations=off"
	cmdline+=" rcupdate.rcu_cpu_stall_timeout=120 sysctl.kernel.hung_task_timeout_secs=600"
	[ ${#KARGS[@]} -gt 0 ] && cmdline+=" ${KARGS[*]}"

	case ${VMRUN_ACCEL:-tcg} in
	kvm) machine=q35,accel=kvm cpu=host ;;
	tcg) machine=q35,accel=tcg cpu=max ;;
	*) die "VMRUN_ACCEL must be tcg or kvm" ;;
	esac

	# shellcheck disable=SC2054  # commas are part of QEMU's option syntax
	local args=(
		"$qemu" -nodefaults -no-user-config -nographic -no-reboot -monitor none
		-machine "$machine" -cpu "$cpu" -smp "$CPUS" -m "$MEM"
		-pidfile "$QEMU_PIDFILE"
		-kernel "$bootimg" -initrd "$INITRAMFS" -append "$cmdline"
		-chardev "file,id=con0,path=${log//,/,,},append=on" -serial chardev:con0
		-chardev stdio,id=out0,signal=off -serial chardev:out0
		-device virtio-rng-pci
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
		-virtfs "local,path=${RUN//,/,,},mount_tag=vmrun,security_model=none,multidevs=remap"
	)
	for i in "${!WDIRS[@]}"; do
		args+=(-virtfs "local,path=${WDIRS[$i]//,/,,},mount_tag=vmrun_w$i,security_model=none,multidevs=remap")
	done

	if [ "${VMRUN_VERBOSE:-0}" = 1 ]; then
		msg "running: ${args[*]}"
		tail -n +1 -f "$log" >&2 &
		TAILPID=$!
	fi

	timeout --foreground -k 5 "$TIMEOUT" "${args[@]}" </dev/null &
	TPID=$!
	wait "$TPID"
	rc=$?
	TPID=
	if [ -n "$TAILPID" ]; then
		sleep 0.3   # let tail print the last lines
		kill "$TAILPID" 2>/dev/null
		wait "$TAILPID" 2>/dev/null
		TAILPID=
	fi
	finish "$rc" "$log"
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
printf '%s' "$CMD" >"$RUN/cmd"
pwd -P >"$RUN/cwd"
: >"$RUN/wdirs"
for d in "${WDIRS[@]}"; do printf '%s\n' "$d" >>"$RUN/wdirs"; done
[ -n "$MODDIR" ] && printf '%s\n' "$MODDIR" >"$RUN/moddir"

if [ -z "${VMRUN_NO_VNG:-}" ] && command -v vng >/dev/null 2>&1; then
	USING_VNG=1
	run_vng
else
	run_qemu
fi
exit $?
