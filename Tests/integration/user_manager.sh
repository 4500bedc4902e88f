#!/bin/bash
# user_manager.sh: limber's installed unit under a real, unprivileged `systemd --user`, on a
# machine whose PID 1 need not be systemd. Run by test_user_manager.py (as root); prints one
# "CHECK <name> ok|FAIL <detail>" line per check, and "SKIP: <reason>" with exit status 77 when
# this machine cannot run it.
#
#   user_manager.sh MODE W
#     MODE host    the manager runs in a private mount namespace only
#     MODE userns  ... inside a user namespace mapping uids/gids 0-65535 1:1 whose
#                  max_user_namespaces is 0: unprivileged user namespaces are unavailable to the
#                  manager and its units (as with user.max_user_namespaces=0)
#     W            a fresh folder under /tmp holding in/ (limberd, limber, limber.service,
#                  limber.toml) and fakes/ (notification_server.py, common.py)
#   environment: UM_HIERS="MOUNT=OWNCGROUP ..." every cgroup hierarchy and this process's cgroup
#                in it (the caller reads them from /proc/self/mountinfo and /proc/self/cgroup)
#
# Safety, learned the hard way (see ../shared/systemd-user/README.md in the project's history):
#  * The manager runs only as the unprivileged test user (uid 4242), only inside a private mount
#    namespace, and only after this script moved itself into a cgroup subtree it created under
#    its own cgroup in EVERY hierarchy and chowned to that user; it refuses to go on unless
#    /proc/self/cgroup says so, and the manager's wrapper checks again before exec. An
#    unprivileged manager can write only cgroups it owns, so nothing outside can be moved.
#  * /run, /tmp, /var/tmp and /var/log/journal are tmpfs inside the namespace only (W stays
#    visible); /run/systemd/system makes sd_booted() true there only; a private journald.
#  * Only PIDs checked to be inside the subtree are signalled; everything stops by PID; the
#    cgroup folders are removed at exit; the mounts vanish with the namespace.
set -u
MODE=${1:?usage: user_manager.sh host|userns W}
W=${2:?usage: user_manager.sh host|userns W}
PHASE=${3:-outer}
U=limbertest; UIDT=4242
H=$W/home
NAME=limber-um-${UM_RUN:-$$}.slice      # unique per run: concurrent runs never share a subtree
SUB=$NAME
USERCG=$SUB/user-$UIDT.slice/user@$UIDT.service
SESSCG=$SUB/user-$UIDT.slice/session-1.scope
LAUNCHCG=$SUB/launcher.scope
RT=/run/user/$UIDT
REC=$W/u/notify.jsonl
LOGS=$W/logs

skip() { echo "SKIP: $*"; exit 77; }

# ----------------------------------------------------------------------------------------------
outer() {
  [ "$(id -u)" = 0 ] || skip "needs root (to create the test user and a cgroup subtree for it)"
  [ -n "${UM_HIERS:-}" ] || skip "no cgroup hierarchy is mounted, so no cgroup subtree can be delegated"
  [ -x /lib/systemd/systemd ] && [ -x /lib/systemd/systemd-journald ] || skip "systemd is not installed (apt-get install systemd)"
  getent passwd $UIDT >/dev/null || useradd -M -d /nonexistent -u $UIDT -U -s /bin/bash $U \
    || skip "cannot create the test user $U (uid $UIDT)"
  [ "$(getent passwd $UIDT | cut -d: -f1)" = $U ] || skip "uid $UIDT belongs to $(getent passwd $UIDT | cut -d: -f1), not the test user $U"
  mkdir -p $LOGS $W/u "$H"; chown $UIDT:$UIDT $W/u "$H"; chmod 0755 "$W"; chmod -R a+rX $W/in $W/fakes
  HS=(); local m
  for m in $UM_HIERS; do HS+=("$m"); done
  for m in "${HS[@]}"; do
    local base=${m%%=*}${m#*=}; base=${base%/}/$SUB
    [ -e "$base" ] && { echo "REFUSING: $base exists"; exit 1; }
  done
  trap outer_cleanup EXIT; trap 'exit 143' TERM INT HUP
  for m in "${HS[@]}"; do
    local parent=${m%%=*}${m#*=}; parent=${parent%/}; local b=$parent/$SUB
    mkdir "$b" 2>/dev/null || skip "cannot create a cgroup under $parent (read-only cgroup file system?): no delegation possible"
    # cgroup v1 cpuset: a new group has no CPUs until given its parent's, and takes no process
    if [ -f "$b/cpuset.cpus" ] && [ -z "$(cat "$b/cpuset.cpus")" ]; then
      cat "$parent/cpuset.cpus" > "$b/cpuset.cpus"; cat "$parent/cpuset.mems" > "$b/cpuset.mems"
      [ -f "$b/cgroup.clone_children" ] && echo 1 > "$b/cgroup.clone_children"
    fi
    mkdir -p "$b/launcher.scope" "$b/user-$UIDT.slice/session-1.scope" "$b/user-$UIDT.slice/user@$UIDT.service"
    chown -R $UIDT:$UIDT "$b"
    echo $$ > "$b/launcher.scope/cgroup.procs" || skip "cannot move into $b/launcher.scope"
  done
  # every line of /proc/self/cgroup must now name our subtree, or we stop here
  if grep -v "/$LAUNCHCG\$" /proc/self/cgroup; then echo "REFUSING: not fully inside $LAUNCHCG"; exit 1; fi
  if [ $MODE = userns ]; then
    unshare --user --mount --propagation private -- /bin/bash "$0" $MODE "$W" mapwait &
    NSPID=$!
    local i
    for i in $(seq 100); do [ "$(readlink /proc/$NSPID/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break; sleep 0.05; done
    echo '0 0 65536' > /proc/$NSPID/uid_map && echo '0 0 65536' > /proc/$NSPID/gid_map || { echo "uid/gid map failed"; exit 1; }
  else
    unshare --mount --propagation private -- /bin/bash "$0" $MODE "$W" inner &
    NSPID=$!
  fi
  wait $NSPID; local rc=$?
  exit $rc
}

outer_cleanup() {
  local rc=$?
  trap - EXIT
  if [ -n "${NSPID:-}" ] && kill -0 $NSPID 2>/dev/null; then kill -TERM $NSPID; wait $NSPID 2>/dev/null; fi
  local m
  # back to where this shell came from, then end whatever is left in the subtree, by PID
  for m in "${HS[@]}"; do
    local parent=${m%%=*}${m#*=}; parent=${parent%/}
    [ -d "$parent/$SUB" ] && echo $$ > "$parent/cgroup.procs"
  done
  local left p i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    left=$(for m in "${HS[@]}"; do local parent=${m%%=*}${m#*=}; find "${parent%/}/$SUB" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -u)
    [ -z "$left" ] && break
    for p in $left; do
      [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -gt 1 ] || continue
      echo "cleanup: leftover pid $p ($(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)) -> SIGKILL"; kill -KILL $p 2>/dev/null
    done
    sleep 0.2
  done
  for m in "${HS[@]}"; do
    local parent=${m%%=*}${m#*=}; parent=${parent%/}
    [ -d "$parent/$SUB" ] && find "$parent/$SUB" -depth -type d -exec rmdir {} \; 2>/dev/null
    [ -d "$parent/$SUB" ] && echo "cleanup: LEFTOVER cgroup $parent/$SUB"
  done
  exit $rc
}

mapwait() {  # first process of the new user namespace: wait for the map, then re-exec as uid 0 with caps
  local i
  for i in $(seq 100); do [ -n "$(cat /proc/self/uid_map)" ] && break; sleep 0.05; done
  exec /bin/bash "$0" $MODE "$W" inner
}

# ----------------------------------------------------------------------------------------------
ENVU=(env -i HOME=$H USER=$U LOGNAME=$U SHELL=/bin/bash PATH=$H/.local/bin:/usr/local/bin:/usr/bin:/bin
      XDG_RUNTIME_DIR=$RT DBUS_SESSION_BUS_ADDRESS=unix:path=$RT/bus LANG=C.UTF-8 SYSTEMD_PAGER=cat
      SYSTEMD_COLORS=0 TERM=dumb)
tosess() { local m; for m in "${HS[@]}"; do local p=${m%%=*}${m#*=}; echo "echo \$\$ > ${p%/}/$SESSCG/cgroup.procs;"; done; }
uq()   { setpriv --reuid=$UIDT --regid=$UIDT --init-groups "${ENVU[@]}" bash -c "$(tosess) cd; $1" 2>&1; }
now()  { date +%s%N; }
waitu() {  # waitu SECONDS 'condition run as the user': polls until true or the time is up
  local end=$(( $(now) + $1 * 1000000000 ))
  while ! uq "$2" >/dev/null 2>&1; do
    [ "$(now)" -gt $end ] && return 1
    sleep 0.1
  done
}
check() {  # check NAME STATUS DETAIL: STATUS 0 is ok
  if [ "$2" = 0 ]; then echo "CHECK $1 ok ${3:-}"; else echo "CHECK $1 FAIL ${3:-}"; fi
}
prop() { uq "systemctl --user show -P $1 limber.service"; }
SHOW='systemctl --user show -p ActiveState,SubState,MainPID,NRestarts,Result,ExecMainStatus limber.service | tr "\n" " "'
cursor() { journalctl -q -n 0 --show-cursor | sed -n 's/^-- cursor: //p'; }
jlimber() { journalctl --no-pager -q -o cat --after-cursor="$1" _SYSTEMD_USER_UNIT=limber.service + USER_UNIT=limber.service; }
pidok() {  # a PID we may signal: a number > 1 whose unified cgroup is inside the user manager's subtree
  [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -gt 1 ] && grep -q "^0::.*/$USERCG/" /proc/$1/cgroup 2>/dev/null
}
ukill() { pidok "$2" && uq "kill -$1 $2" >/dev/null; }
dropin() { uq "mkdir -p ~/.config/systemd/user/limber.service.d && printf '%b' '$2' > ~/.config/systemd/user/limber.service.d/$1.conf && systemctl --user daemon-reload"; }
isactive() { echo "[ \"\$(systemctl --user show -P ActiveState limber)\" = active ]"; }
newpid() { echo "p=\$(systemctl --user show -P MainPID limber); [ \"\$p\" != 0 ] && [ \"\$p\" != $1 ] && $(isactive)"; }

inner_setup() {
  cd /
  HS=(); local m; for m in $UM_HIERS; do HS+=("$m"); done
  export LIBMOUNT_UTAB=$LOGS/.libmount-utab   # never the host's /run/mount
  mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run && mkdir -p /run/systemd /run/log /run/user && mkdir -m 1777 /run/lock
  mkdir /run/systemd/system            # sd_booted() is true in this namespace only
  # PID 1 leaves this behind on a systemd host; an unprivileged manager cannot create it.
  mkdir -m 0700 /run/systemd/unit-root
  mkdir -p /var/log/journal && mount -t tmpfs -o mode=2755 tmpfs /var/log/journal && chgrp systemd-journal /var/log/journal 2>/dev/null
  # private /tmp and /var/tmp, with W kept visible at the same path
  mkdir /run/user/.keep && mount --bind "$W" /run/user/.keep
  mount -t tmpfs -o mode=1777 tmpfs /tmp && mkdir -p "$W" && mount --bind /run/user/.keep "$W"
  umount /run/user/.keep && rmdir /run/user/.keep
  mount -t tmpfs -o mode=1777 tmpfs /var/tmp
  mkdir -m 700 $RT && chown $UIDT:$UIDT $RT
  if [ $MODE = userns ]; then
    echo 0 > /proc/sys/user/max_user_namespaces || { echo "cannot set max_user_namespaces"; exit 1; }
  fi
  /lib/systemd/systemd-journald > $LOGS/journald.log 2>&1 & JPID=$!
  local i
  for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && [ -S /run/systemd/journal/stdout ] && break; sleep 0.05; done
  journalctl --flush
  setpriv --reuid=$UIDT --regid=$UIDT --init-groups "${ENVU[@]}" bash -c "$(tosess) cd; exec dbus-daemon --session --address=unix:path=$RT/bus --nofork --nopidfile" > $LOGS/dbus.log 2>&1 & DPID=$!
  for i in $(seq 100); do [ -S $RT/bus ] && break; sleep 0.05; done
  setpriv --reuid=$UIDT --regid=$UIDT --init-groups "${ENVU[@]}" PYTHONDONTWRITEBYTECODE=1 bash -c "$(tosess) cd; exec /usr/bin/python3 $W/fakes/notification_server.py --record $REC" > $W/u/fake.out 2> $LOGS/fake.err & FPID=$!
  for i in $(seq 200); do grep -qx ready $W/u/fake.out 2>/dev/null && break; sleep 0.05; done
  grep -qx ready $W/u/fake.out || { echo "fake notification server did not start:"; cat $LOGS/fake.err; exit 1; }
  # The test's dbus-daemon is the session bus: the manager must not start its own dbus.socket
  # on the same path (it would replace the socket). Masked before the manager starts.
  uq 'mkdir -p ~/.config/systemd/user && cd ~/.config/systemd/user && for u in dbus.socket dbus.service pipewire.socket pipewire.service pipewire-pulse.socket pipewire-pulse.service wireplumber.service; do ln -sf /dev/null $u; done' >/dev/null
  # the user manager, started the way user@.service would: as the user, in user@4242.service
  local moves=""; for m in "${HS[@]}"; do local p=${m%%=*}${m#*=}; moves+="echo \$\$ > ${p%/}/$USERCG/cgroup.procs || exit 99; "; done
  setpriv --reuid=$UIDT --regid=$UIDT --init-groups env -i HOME=$H USER=$U LOGNAME=$U SHELL=/bin/bash \
      PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR=$RT LANG=C.UTF-8 bash -c "
    $moves
    grep -v '/$USERCG\$' /proc/self/cgroup && { echo 'REFUSING to start systemd --user outside $USERCG'; exit 99; }
    ulimit -c 0; cd; exec /lib/systemd/systemd --user --log-target=journal" > $LOGS/manager.log 2>&1 & MPID=$!
  for i in $(seq 200); do [ -S $RT/systemd/private ] && break; kill -0 $MPID 2>/dev/null || break; sleep 0.05; done
  [ -S $RT/systemd/private ] || { echo "manager did not come up:"; cat $LOGS/manager.log; exit 1; }
  waitu 20 '[ "$(systemctl --user is-system-running)" != starting ]' || true
}

inner_teardown() {
  trap - EXIT
  journalctl --no-pager -o short-monotonic > $LOGS/journal.txt 2>&1
  if [ -n "${MPID:-}" ] && kill -0 $MPID 2>/dev/null; then
    kill -TERM $MPID; local i; for i in $(seq 100); do kill -0 $MPID 2>/dev/null || break; sleep 0.05; done
  fi
  local p; for p in ${FPID:-} ${DPID:-} ${JPID:-}; do kill -TERM $p 2>/dev/null; wait $p 2>/dev/null; done
}

# ---- the checks --------------------------------------------------------------------------------
install_unit() {  # what `make install` does for a user, with the binaries built already
  uq 'install -d -m 0755 ~/.local/bin ~/.local/share/limber ~/.config/systemd/user &&
      install -m 0755 '$W'/in/limberd '$W'/in/limber ~/.local/bin/ &&
      install -m 0644 '$W'/in/limber.toml ~/.local/share/limber/limber.toml &&
      sed "s|@BINDIR@|$HOME/.local/bin|g" '$W'/in/limber.service > ~/.config/systemd/user/limber.service &&
      systemctl --user daemon-reload && systemctl --user enable limber.service &&
      systemctl --user set-environment DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG_RUNTIME_DIR/bus LIMBER_TEST_SAFETY_NOTICE=off' > $LOGS/install.log
  check install $? "$(tail -3 $LOGS/install.log | tr '\n' ' ')"
  # an emulated desktop session: BindsTo= graphical-session.target, as gnome-session's targets do
  uq 'printf "[Unit]\nBindsTo=graphical-session.target\nBefore=graphical-session.target\n" > ~/.config/systemd/user/desktop-session.target && systemctl --user daemon-reload' >/dev/null
}

checks_mode() {
  if [ $MODE = userns ]; then
    uq 'unshare -U true' >/dev/null; local rc=$?
    [ $rc != 0 ]; check userns-unavailable $? "unshare -U as the user exited $rc"
  fi
}

checks_session() {
  uq 'systemctl --user start desktop-session.target' >/dev/null
  waitu 20 "$(isactive)"; check session-start $? "$(uq "$SHOW")"
  uq 'systemctl --user stop desktop-session.target' >/dev/null
  waitu 20 '[ "$(systemctl --user show -P ActiveState limber)" = inactive ]'; check session-stop $? "$(uq "$SHOW")"
}

checks_start() {
  local c t0 t1 rc; c=$(cursor); t0=$(now)
  uq 'timeout 30 systemctl --user start limber' > $LOGS/start.log; rc=$?; t1=$(now)
  [ $rc = 0 ] && [ "$(prop ActiveState)" = active ] && [ "$(prop SubState)" = running ]
  check start $? "rc=$rc in $(( (t1 - t0) / 1000000 )) ms; $(uq "$SHOW") $(jlimber "$c" | grep -iE 'fail|error' | head -3 | tr '\n' ' ')"
  local sandbox; sandbox=$(uq 'limber status --json' | /usr/bin/python3 -c 'import json,sys; print((json.load(sys.stdin).get("sandbox") or {}).get("state"))' 2>&1)
  echo "INFO sandbox $sandbox"
}

checks_working() {
  uq 'limber now posture' > $LOGS/now.log; local rc=$?
  waitu 10 "grep -q '\"method\": \"Notify\"' $REC"
  check notification $? "limber now posture rc=$rc: $(cat $LOGS/now.log | head -2 | tr '\n' ' ')"
  uq 'limber done' >/dev/null
  waitu 10 'grep -q "\"outcome\":\"done\"" ~/.local/state/limber/history-*.jsonl'
  check history $? "$(uq 'ls -la ~/.local/state/limber 2>&1' | tr '\n' ' ')"
  [ "$(uq 'stat -c %a ~/.local/state/limber')" = 700 ]; check state-folder-0700 $? "$(uq 'stat -c %a ~/.local/state/limber')"

  local c pid rc2; c=$(cursor); pid=$(prop MainPID)
  uq 'systemctl --user log-level debug' >/dev/null
  uq 'timeout 30 systemctl --user reload limber' > $LOGS/reload.log; rc2=$?
  # RELOADING=1, then READY=1, both from the same main PID (the manager logs them at debug)
  local pattern="Got notification message from PID $pid \\((RELOADING|READY)=1"
  waitu 10 "journalctl --no-pager -q -o cat --after-cursor='$c' | grep -E '$pattern' | grep -q 'READY=1'"
  local seq; seq=$(journalctl --no-pager -q -o cat --after-cursor="$c" | grep -oE "$pattern" | grep -oE '(RELOADING|READY)' | tr '\n' ' ')
  uq 'systemctl --user log-level info' >/dev/null
  [ $rc2 = 0 ] && [ "$(prop MainPID)" = "$pid" ] && [ "$(prop ActiveState)" = active ] && [[ "$seq" == "RELOADING READY"* ]]
  check reload $? "rc=$rc2 MainPID $pid -> $(prop MainPID); notifications: $seq; $(cat $LOGS/reload.log | head -3 | tr '\n' ' ')"
}

checks_failures() {
  local pid n0 c
  pid=$(prop MainPID); n0=$(prop NRestarts)
  ukill 9 "$pid"; local k=$?
  waitu 15 "$(newpid $pid)"; local w=$?
  [ $k = 0 ] && [ $w = 0 ] && [ "$(prop NRestarts)" -gt "$n0" ]
  check kill9-restart $? "kill rc=$k; MainPID $pid -> $(prop MainPID), NRestarts $n0 -> $(prop NRestarts)"

  dropin 50-watchdog '[Service]\nWatchdogSec=2s\n' >/dev/null
  uq 'systemctl --user restart limber' >/dev/null
  c=$(cursor); pid=$(prop MainPID)
  ukill STOP "$pid"; k=$?
  waitu 30 "$(newpid $pid)"; w=$?
  local wd; wd=$(jlimber "$c" | grep -ciE 'watchdog timeout')
  [ $k = 0 ] && [ $w = 0 ] && [ "$wd" -ge 1 ]
  check watchdog $? "WatchdogUSec=$(prop WatchdogUSec) stop rc=$k; MainPID $pid -> $(prop MainPID); watchdog lines: $wd"
  uq 'rm ~/.config/systemd/user/limber.service.d/50-watchdog.conf; systemctl --user daemon-reload' >/dev/null

  uq 'mkdir -p ~/.config/limber && printf "[posture]\ninterval_min = 30\n" > ~/.config/limber/config.toml' >/dev/null
  uq 'timeout 30 systemctl --user restart limber' >/dev/null
  waitu 15 '[ "$(systemctl --user show -P ActiveState limber)" = failed ]'; local f=$?
  # "failed" (not "activating (auto-restart)") means no restart was scheduled; a manual
  # restart starts NRestarts from 0 again, an automatic one would have counted 1.
  [ $f = 0 ] && [ "$(prop ExecMainStatus)" = 78 ] && [ "$(prop NRestarts)" = 0 ]
  check bad-config-78 $? "$(uq "$SHOW")"
  uq 'rm ~/.config/limber/config.toml; systemctl --user reset-failed limber; timeout 30 systemctl --user start limber' >/dev/null
  [ "$(prop ActiveState)" = active ]; check start-after-fix $? "$(uq "$SHOW")"

  uq 'timeout 30 systemctl --user stop limber' >/dev/null; local s=$?
  [ $s = 0 ] && [ "$(prop ActiveState)" = inactive ] && [ "$(prop Result)" = success ] && ! uq '[ -e $XDG_RUNTIME_DIR/limber ]' >/dev/null
  check stop $? "rc=$s $(uq "$SHOW")"
}

checks_doctor() {
  # limber doctor against the real manager: the unit enabled and active, the manager's
  # environment without a display (fail), then with one imported (ok), then the unit failed
  # on a bad config (unit, daemon and config fail).
  doctor() {  # prints "rc unit environment daemon config" and the failed checks
    local j rc; j=$(uq 'limber doctor --json'); rc=$?
    echo "$j" >> $LOGS/doctor.json
    echo "$j" | /usr/bin/python3 -c 'import json,sys
r=json.load(sys.stdin); c={x["name"]:x for x in r["checks"]}
print('$rc', c["unit"]["status"], c["environment"]["status"], c["daemon"]["status"], c["config"]["status"], "|", c["unit"]["summary"])' 2>&1
  }
  uq 'timeout 30 systemctl --user start limber' >/dev/null
  local v; v=$(doctor)
  [[ "$v" == "1 ok fail ok ok | limber.service is enabled and active (running)" ]]
  check doctor-env-not-imported $? "$v"
  uq 'systemctl --user set-environment WAYLAND_DISPLAY=wayland-42' >/dev/null
  v=$(doctor)
  [[ "$v" == *" ok ok ok ok | limber.service is enabled and active (running)" ]]
  check doctor-env-imported $? "$v"
  uq 'mkdir -p ~/.config/limber && printf "[posture]\ninterval_min = 30\n" > ~/.config/limber/config.toml' >/dev/null
  uq 'timeout 30 systemctl --user restart limber' >/dev/null
  waitu 15 '[ "$(systemctl --user show -P ActiveState limber)" = failed ]'
  v=$(doctor)
  [[ "$v" == "1 fail ok fail fail | limber.service failed (exit-code)" ]]
  check doctor-unit-failed $? "$v"
  uq 'rm ~/.config/limber/config.toml; systemctl --user reset-failed limber; systemctl --user unset-environment WAYLAND_DISPLAY' >/dev/null
}

checks_state() {
  # XDG_STATE_HOME in the manager's environment, pointing at a folder that does not exist yet
  uq 'systemctl --user set-environment XDG_STATE_HOME=$HOME/elsewhere/state' >/dev/null
  uq 'timeout 30 systemctl --user start limber' > $LOGS/moved.log; local rc=$?
  [ $rc = 0 ] && [ "$(prop ActiveState)" = active ]
  check moved-state-start $? "rc=$rc $(uq "$SHOW") $(head -3 $LOGS/moved.log | tr '\n' ' ')"
  uq 'export XDG_STATE_HOME=$HOME/elsewhere/state; limber now posture && limber done' >/dev/null
  waitu 10 'grep -q "\"outcome\":\"done\"" ~/elsewhere/state/limber/history-*.jsonl'; local h=$?
  [ $h = 0 ] && [ "$(uq 'stat -c %a ~/elsewhere/state/limber')" = 700 ]
  check moved-state-history $? "$(uq 'ls -la ~/elsewhere/state/limber 2>&1' | tr '\n' ' ')"
  uq 'timeout 30 systemctl --user stop limber; systemctl --user unset-environment XDG_STATE_HOME' >/dev/null
}

checks_autostart() {
  # A session without graphical-session.target (sway here) runs the XDG autostart entry: it
  # must hand the session's variables to the manager and start limber with them.
  uq "mkdir -p ~/.config/autostart && install -m 0644 $W/in/limber-autostart.desktop ~/.config/autostart/" >/dev/null
  local exec; exec=$(sed -n 's/^Exec=//p' $W/in/limber-autostart.desktop)
  [ "$(prop ActiveState)" != active ] || uq 'systemctl --user stop limber' >/dev/null
  uq "export WAYLAND_DISPLAY=wayland-42 XDG_CURRENT_DESKTOP=sway XDG_SESSION_TYPE=wayland; $exec" > $LOGS/autostart.log
  local rc=$?
  waitu 15 "$(isactive)"; local a=$?
  local pid; pid=$(prop MainPID)
  local seen=""; pidok "$pid" && seen=$(tr '\0' '\n' < /proc/$pid/environ | grep -E '^(WAYLAND_DISPLAY|XDG_CURRENT_DESKTOP)=' | sort | tr '\n' ' ')
  [ $rc = 0 ] && [ $a = 0 ] && [ "$seen" = "WAYLAND_DISPLAY=wayland-42 XDG_CURRENT_DESKTOP=sway " ]
  check autostart $? "rc=$rc $(uq "$SHOW") limberd sees: $seen $(head -3 $LOGS/autostart.log | tr '\n' ' ')"
  uq 'timeout 30 systemctl --user stop limber' >/dev/null
}

checks_no_landlock() {
  # A kernel without Landlock, as the unit's seccomp filter can make it look (ENOSYS): limberd
  # says so once and works unconfined.
  dropin 60-no-landlock '[Service]\nSystemCallFilter=~landlock_create_ruleset:ENOSYS\n' >/dev/null
  local c; c=$(cursor)
  uq 'timeout 30 systemctl --user start limber' >/dev/null; local rc=$?
  local state; state=$(uq 'limber status --json' | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin)["sandbox"]; print(s["state"], s["problem"])' 2>&1)
  local n; n=$(jlimber "$c" | grep -c 'has no Landlock')
  [ $rc = 0 ] && [ "$(prop ActiveState)" = active ] && [[ "$state" == "unavailable this kernel has no Landlock"* ]] && [ "$n" = 1 ]
  check no-landlock $? "rc=$rc status: $state; log lines: $n"
  uq 'timeout 30 systemctl --user stop limber; rm ~/.config/systemd/user/limber.service.d/60-no-landlock.conf; systemctl --user daemon-reload' >/dev/null
}

inner() {
  trap inner_teardown EXIT; trap 'exit 143' TERM INT HUP
  inner_setup
  echo "INFO manager pid $MPID; $(systemctl --version | head -1); kernel $(uname -r)"
  install_unit
  checks_mode
  checks_session
  checks_start
  checks_working
  checks_failures
  checks_doctor
  checks_state
  checks_autostart
  checks_no_landlock
  echo "DONE"
}

case $PHASE in
  outer) outer ;;
  mapwait) mapwait ;;
  inner) inner ;;
esac
