#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_vmrun.sh - check vmrun.sh's contract; kselftest-style TAP output.
#
# Boots five short VMs (about 5-15 s each under TCG).  Exit status: 0 if all
# tests passed, 1 if any failed, 4 (KSFT_SKIP) if QEMU or a kernel is missing.
#
# Environment:
#   VMRUN            runner to test (default: vmrun.sh next to this script)
#   VMRUN_TEST_ARGS  extra runner options for every boot, e.g. "-k IMG -M DIR"
#   KVER, VMRUN_*    passed on to the runner

set -u

HERE=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
VMRUN=${VMRUN:-$HERE/vmrun.sh}
KSFT_SKIP=4
NTESTS=17

# shellcheck disable=SC2206  # word splitting of VMRUN_TEST_ARGS is wanted
EXTRA=(${VMRUN_TEST_ARGS:-})

echo "TAP version 13"

skip_all() {
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

# --- can we run at all? ------------------------------------------------------
[ -x "$VMRUN" ] || skip_all "runner $VMRUN not found"
if [ -z "${VMRUN_NO_VNG:-}" ] && command -v vng >/dev/null 2>&1; then
	:   # vmrun.sh will use virtme-ng
elif ! command -v "${VMRUN_QEMU:-qemu-system-x86_64}" >/dev/null 2>&1; then
	skip_all "qemu-system-x86_64 not installed"
fi
case " ${EXTRA[*]} " in
*" -k "*) ;;
*)
	if [ -n "${KVER:-}" ]; then
		[ -r "/boot/vmlinuz-$KVER" ] || skip_all "no kernel image /boot/vmlinuz-$KVER"
	else
		found=
		for img in /boot/vmlinuz-*; do
			[ -r "$img" ] && [ -f "/lib/modules/${img#/boot/vmlinuz-}/modules.dep" ] && found=$img
		done
		[ -n "$found" ] || skip_all "no /boot/vmlinuz-* with a module tree"
	fi
	;;
esac

echo "1..$NTESTS"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_vmrun.XXXXXX") || exit 1
NAME=vmrun-selftest-$$-$RANDOM
cleanup() {
	rm -rf -- "$TMP"
	rm -f -- "/tmp/$NAME" "/etc/$NAME"   # only there if a test failed
}
trap cleanup EXIT

n=0
npass=0
nfail=0
LAST=
ok() { # COND-STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
		npass=$((npass + 1))
	else
		echo "not ok $n $2"
		nfail=$((nfail + 1))
		# Show the failing boot's output once.
		if [ -n "$LAST" ] && [ -f "$TMP/$LAST.err" ]; then
			echo "# --- '$LAST' stdout:"
			sed 's/^/# /' "$TMP/$LAST.out"
			echo "# --- '$LAST' stderr:"
			sed 's/^/# /' "$TMP/$LAST.err"
			LAST=
		fi
	fi
}

# vm NAME [runner args...] -- command: stdout/stderr into $TMP/NAME.{out,err},
# status into $RC, wall time into $SECS.
vm() {
	local name=$1 start
	shift
	start=$(date +%s)
	"$VMRUN" "${EXTRA[@]}" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null
	RC=$?
	SECS=$(($(date +%s) - start))
	LAST=$name
	echo "# boot '$name': exit $RC in ${SECS}s"
}

# --- no boot ------------------------------------------------------------------
"$VMRUN" -h >"$TMP/help.out" 2>&1
ok $(( $? == 0 ? 0 : 1 )) "-h exits 0"
grep -q 'Usage:' "$TMP/help.out"
ok $? "-h prints usage"

"$VMRUN" -Z -- true >/dev/null 2>&1
ok $(( $? == 2 ? 0 : 1 )) "an unknown option is a usage error (exit 2)"

# --- boot 1: status, output, cwd, overlays, -w, mounts -----------------------
W=$TMP/wdir
mkdir -p "$W"
HOSTFILE=$TMP/host-visible
echo "host-file-content" >"$HOSTFILE"

vm main -w "$W" -C "$TMP/main.console" -- "
echo stdout-marker
echo stderr-marker >&2
echo \"cwd=\$(pwd)\"
cat '$HOSTFILE'
echo guest >/tmp/$NAME
echo guest >/etc/$NAME
echo written-by-guest >'$W/result'
echo 'BUG: this is command output, not a kernel report'
for m in /proc /sys /dev /dev/pts /dev/shm /run /sys/kernel/debug /sys/kernel/tracing /sys/kernel/config /tmp /etc /var; do
	awk '{print \$2}' /proc/mounts | grep -qx \"\$m\" || echo \"not-mounted \$m\"
done
ip -o link show lo | grep -q 'UP' || echo lo-down
exit 3"
[ "$RC" -eq 3 ]
ok $? "the command's exit status comes back (3)"
grep -qx stdout-marker "$TMP/main.out"
ok $? "the command's stdout comes back"
grep -qx stderr-marker "$TMP/main.out"
ok $? "the command's stderr comes back on stdout"
grep -qxF "cwd=$(pwd -P)" "$TMP/main.out"
ok $? "the command runs in the caller's directory"
grep -qx host-file-content "$TMP/main.out"
ok $? "host files under /tmp are visible in the guest"
[ ! -e "/tmp/$NAME" ] && [ ! -e "/etc/$NAME" ]
ok $? "guest writes to /tmp and /etc do not reach the host"
[ "$(cat "$W/result" 2>/dev/null)" = written-by-guest ]
ok $? "a -w directory is writable and the file appears on the host"
! grep -q -e not-mounted -e lo-down "$TMP/main.out"
ok $? "proc, sys, dev, devpts, shm, run, debugfs, tracefs, configfs mounted; lo up"
! grep -q 'Linux version' "$TMP/main.out" && grep -q 'Linux version' "$TMP/main.console"
ok $? "kernel messages go to the -C console log, not to stdout"
! grep -q 'kernel reported' "$TMP/main.err"
ok $? "no kernel report on a clean boot ('BUG:' on stdout is not one)"

# --- boot 2: a WARNING in the kernel log turns exit 0 into non-zero ----------
vm warn -- 'echo "WARNING: vmrun selftest injected warning" >/dev/kmsg; exit 0'
[ "$RC" -ne 0 ] && [ "$RC" -ne 255 ] && [ "$RC" -ne 124 ] &&
	grep -q 'vmrun: kernel reported' "$TMP/warn.err"
ok $? "a WARNING: in the kernel log turns exit 0 into 1 (got $RC)"

# --- boot 3: a kernel panic gives 255 -----------------------------------------
vm panic -- 'echo c >/proc/sysrq-trigger; sleep 60'
[ "$RC" -eq 255 ]
ok $? "a kernel panic gives 255 (got $RC)"

# --- boot 4: the timeout gives 124 --------------------------------------------
vm timeout -t 3 -- 'sleep 600'
[ "$RC" -eq 124 ] && [ "$SECS" -lt 30 ]
ok $? "an expired -t timeout gives 124 (got $RC after ${SECS}s)"

# --- boot 5: the bzImage fallback (no PVH) boots and exits 0 -----------------
VMRUN_NO_PVH=1 vm nopvh -- 'exit 0'
[ "$RC" -eq 0 ]
ok $? "a clean boot of the compressed image (VMRUN_NO_PVH=1) exits 0 (got $RC)"

[ "$n" -eq "$NTESTS" ] || echo "# ran $n tests, planned $NTESTS"
echo "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:0 error:0"
echo "test_vmrun: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ] && [ "$n" -eq "$NTESTS" ]
