# dom0's side of the "xen domU xenstore-list" boot test, run by
# scripts/run-xen-domu's /init in the background once the domU exists
# (DOM0_CHECK).  $B is busybox, $XS the xenstore client, $D the domU's id.
# It checks from outside what apps/xenstore-list writes, and plays the
# backend of a device "tern/0" that only the two of them know, so the
# front-end handshake runs against the real xenstored.
H=/local/domain/$D
FE=$H/device/tern/0
BE=/local/domain/0/backend/tern/$D/0
say() { $B echo "dom0: $*"; }
# wait_for KEY VALUE: up to 60 s (300 polls) for KEY to read VALUE.
wait_for() {
    i=0
    while [ $i -lt 300 ]; do
        [ "$($XS read "$1" 2>/dev/null)" = "$2" ] && return 0
        $B usleep 200000
        i=$((i + 1))
    done
    say "$1 never became $2"
    return 1
}
wait_for $H/data/ready 1 || exit 0
v=$($XS read $H/data/tern-test)
say "xenstore-read data/tern-test = $v"
$XS write $H/data/dom0-saw "$v"

# The backend's node, readable by the domU; the front-end's, its own.
$XS write $BE/frontend $FE $BE/frontend-id $D $BE/state 1
$XS chmod $BE n0 r$D
$XS chmod $BE/state n0 r$D
$XS write $FE/backend $BE $FE/state 1
$XS chmod $FE n$D r0
$XS chmod $FE/backend n$D r0
$XS chmod $FE/state n$D r0
$XS write $FE/backend-id 0
$XS write $BE/state 2
say "backend tern/0 in InitWait"
wait_for $FE/state 3 || exit 0
ref=$($XS read $FE/ring-ref)
say "frontend Initialised, ring-ref $ref"
# Map the grant and hold it: the domU's end of it must be refused.
/usr/bin/gntmap $D $ref /tmp/unmap &
gm=$!
i=0
while [ ! -f /tmp/mapped ] && [ $i -lt 100 ]; do $B usleep 100000; i=$((i + 1)); done
$XS write $BE/state 4
wait_for $H/data/unmap 1 || exit 0
$B touch /tmp/unmap
wait $gm
$XS write $H/data/unmapped 1
# The domU leaves the device connected: its exit hook closes it.
wait_for $FE/state 5 || exit 0
say "frontend Closing"
$XS write $BE/state 6
