// The documented default configuration, built into the binaries for 'limber config init'.
//
// config/limber.toml is the source of truth; this is a byte-for-byte copy of it between the
// raw-string delimiters below (DefaultConfigFileTests fails when the two differ). After
// editing config/limber.toml, paste its whole text between the delimiters again.

/// The documented default configuration file.
public enum DefaultConfigFile {
    /// The text of config/limber.toml: every setting at its default, with a line on each.
    public static let text: String = #"""
# limber's configuration, with every setting at its built-in default.
#
# limberd reads $XDG_CONFIG_HOME/limber/config.toml (usually ~/.config/limber/config.toml);
# without that file it uses these same defaults. 'limber config init' writes this file there.
# After an edit, check the file and apply it to the running daemon:
#
#     limber config check
#     limber reload
#
# A file with errors is refused and limberd keeps its current settings. A key you delete goes
# back to its default; 'limber config show' prints the settings in effect.
#
# Durations are strings of whole hours, minutes and seconds, in that order: "90s", "5m",
# "1h30m". Times of day are "HH:MM" strings or TOML local times (09:00:00).
#
# Reminders come due after "active time": time inside work hours while limber is not paused.

[posture]
# A posture check comes due after an amount of active time drawn at random between these
# two, so it does not become a rhythm you learn to ignore. Each from 5m to 4h; interval_min
# may not be above interval_max (make them equal for a fixed interval).
interval_min = "30m"
interval_max = "45m"

[routine]
# A movement routine comes due after this much active time (10m to 8h). A routine also
# counts as a posture check.
interval = "1h"
# What you have at hand and where you can move. A routine is offered only when you have
# everything it needs and each of its exercises can be done in one of your places, so with
# the defaults (nothing needed, never the floor) an office worker is never sent to the
# floor. 'limber routines' lists which routines these allow, and why not the others.
# Equipment: "none", "band" (resistance band), "ball" (tennis or lacrosse ball), "roller"
# (foam roller), "weights" (light dumbbells).
equipment = ["none"]
# Places: "desk" (seated at it), "standing", "wall", "doorway", "floor".
places = ["desk", "standing", "wall", "doorway"]

[reminders]
# An unanswered reminder is shown again after this long (1m to 1h) ...
reshow_after = "5m"
# ... up to this many times (0 to 5). The last showing is critical; when it too goes
# unanswered for reshow_after, the reminder is recorded as missed.
reshow_count = 2
# How long 'limber snooze' without a duration puts a reminder off (1m to 2h).
snooze_default = "5m"
# How many times one reminder may be snoozed (0 to 10).
snooze_limit = 3

[notifications]
# Urgency of a reminder's first showings: "low" or "normal". The last re-show is always
# critical.
urgency = "normal"
# How long a notification stays on screen: "default" (the notification server decides),
# "never" (until answered or closed), or a duration from 1s to 1h. With dunst, whose
# default timeout takes reminders away after a few seconds, "never" keeps them until
# answered.
expire = "default"
# A short sound when a timed step of a guided routine ends (so a hold in a doorway is not
# silent) and when the routine is done, on notification servers that play sounds.
sound = true

[stats]
# 'limber stats' marks a day as meeting your goal when at least this share of the reminders
# that came due were done, and counts such days in a row as your streak. A fraction from 0.1
# to 1.0: 0.8 is 80%.
goal = 0.8

[idle]
# Time away from the desk: the screen locked, no input for a while, the machine asleep.
# While you are away active time stands still and no reminder is shown, shown again or
# counted as missed.
#
# Time away of at least natural_break is a natural break: the posture interval starts over.
# From routine_break on it starts the routine interval over too (natural_break up to 2h;
# routine_break up to 8h and not below natural_break; make them equal to let every natural
# break count as the routine). Shorter time away only stops active time.
natural_break = "5m"
routine_break = "15m"
# A reminder that waited while you were away is shown this long after you are back (0s to
# 10m), unless the time away was the break.
grace = "30s"
# No keyboard or mouse input for this long is time away (10s to 1h), as GNOME's idle
# monitor, the Wayland compositor or the X server reports it. The time away is counted from
# your last input, so this only decides how soon a break is noticed; too short, and reading
# at the desk stops active time. (Its old name, mutter_idle_after, is still read.)
threshold = "2m"
#
# What each source of time away does: "count" (stops active time; long enough, it is a
# natural break), "pause" (stops active time, never a break) or "ignore" (not time away).
# Several sources at once are one absence, from the first away to the last back.
#   logind_idle   the session's idle hint in logind, which the desktop sets after its own
#                 idle delay (GNOME's "blank screen" delay, swayidle's idlehint)
#   lock          the screen is locked (logind's LockedHint)
#   sleep         the machine is suspended (logind's PrepareForSleep; without logind, the
#                 clocks show it after the fact)
#   mutter_idle   GNOME's idle monitor, after threshold without input
#   wayland_idle  the Wayland compositor's idle protocol (sway, Hyprland, river, labwc,
#                 niri, KDE Plasma, COSMIC), after threshold without input
#   x11_idle      the X server's idle time (i3, Openbox and other X11 window managers),
#                 after threshold without input; not used in a Wayland session
#   screensaver   org.freedesktop.ScreenSaver (KDE Plasma and others) is active
logind_idle = "count"
lock = "count"
sleep = "count"
mutter_idle = "count"
wayland_idle = "count"
x11_idle = "count"
screensaver = "count"

[hold]
# Moments you are at the desk but not to be interrupted: do not disturb, a presentation, a
# call. While something holds, a reminder that comes due waits: it is not shown, not shown
# again and never counted as missed. Active time keeps counting (you are still sitting).
# When the last hold ends, what waited is shown after the grace period of [idle]. A hold
# longer than quiet_after (30m to 8h, a working block) shows the waiting reminder once,
# quietly: low urgency, no sound.
quiet_after = "1h30m"
#
# Each source is "on" (it holds reminders) or "off" (limber does not listen to it):
#   dnd_server     the notification server's do not disturb (its Inhibited property: KDE
#                  Plasma and others)
#   gnome_banners  GNOME's do not disturb (notification banners off in GNOME's settings)
#   dunst_paused   dunst paused ('dunstctl set-paused true')
#   inhibitor      an application asks the desktop not to go idle (a presentation, a video,
#                  a call)
#   camera         a camera is in use
dnd_server = "on"
gnome_banners = "on"
dunst_paused = "on"
inhibitor = "on"
camera = "on"
#
# A natural pause: a reminder that comes due while you are typing or moving the mouse waits
# for a pause in your input (natural_pause_length without input, 2s to 2m), for at most
# natural_pause_max (30s to 15m), and is then shown anyway. The pause is watched only while a
# reminder waits, through the display server (wayland_idle, x11_idle) or GNOME's idle
# monitor (mutter_idle). Where none of them is there, reminders are shown at once, and
# 'limber status' and 'limber doctor' say so. "off" shows reminders the moment they are due.
natural_pause = "on"
natural_pause_length = "10s"
natural_pause_max = "3m"

[daily_routine]
# A longer routine (10 to 20 minutes) once a day, at a time you choose: a reminder you can
# start (limber then walks you through it), snooze or skip. Off until enabled = true.
enabled = false
# When, as "HH:MM". If limberd was not running or the machine slept then, it still comes
# within two hours; later than that, it waits for the next day.
at = "08:00"
# Which routine: "auto" takes the first daily routine your equipment and places allow (with
# a band and a foam roller; without equipment, on the floor; or standing, with no floor),
# or give any routine's id.
routine = "auto"

[sit_stand]
# For a desk you can stand at: at these times of day, a reminder to stand for a block of
# time, and a note when the block is over. The blocks start short and grow each week, so
# standing is taken up gradually. Off until enabled = true.
enabled = false
at = ["10:30", "15:00"]
# The first week's block (5m to 1h; 15 to 20 minutes is a good start) ...
first_block = "15m"
# ... grows by this much each week (0s to 30m) ...
grow_by = "5m"
# ... up to this (5m to 2h), which may not be shorter than first_block.
longest = "45m"

[step_up]
# Once routines are a habit, one suggestion to make them harder: another set, a resistance
# band, light dumbbells. It comes once, after after_weeks weeks in a row (2 to 12) in each
# of which you finished routines on at least days_per_week days (1 to 7). Off until
# enabled = true.
enabled = false
after_weeks = 4
days_per_week = 4

[hooks]
# A shell command (run with /bin/sh -c) for each event, "" for none. limberd does not wait
# for it: a hook that fails, hangs or is slow never holds up a reminder. Its output goes to
# limberd's log (journalctl --user -u limber), and it is killed after timeout.
#   due            a reminder came due (once, when it is first shown)
#   done           a reminder was done, or a break taken before it came
#   snoozed        skipped, missed: the answer, or no answer after the last re-show
#   natural_break  time away that counted as a break
#   guided_step    a guided routine moved to a step
# The command learns what happened from its environment: LIMBER_EVENT (the event's name),
# LIMBER_KIND (posture or routine), LIMBER_ROUTINE (the routine's id), LIMBER_PROMPT_ID,
# LIMBER_TIME (seconds since 1970), and per event LIMBER_SHOW, LIMBER_SHOWN (0 when no
# notification server showed it), LIMBER_EARLY, LIMBER_GUIDED, LIMBER_SNOOZE_SECONDS,
# LIMBER_AWAY_SECONDS, LIMBER_AWAY_SOURCES, LIMBER_ROUTINE_TITLE, LIMBER_STEP, LIMBER_STEPS
# and LIMBER_STEP_TEXT. For example:
#
#     due = "notify-send -u low limber \"$LIMBER_KIND due\""
#     natural_break = "echo \"away $LIMBER_AWAY_SECONDS s\" >> ~/.local/state/limber/breaks.log"
#
# Hooks run in limberd's sandbox: they may run the system's programs (when hooks are set
# at limberd's start: restart it after adding the first), read the system and this folder,
# write only in ~/.local/state/limber, and use no network.
due = ""
done = ""
snoozed = ""
skipped = ""
missed = ""
natural_break = ""
guided_step = ""
# How long a hook may run before limberd kills it (1s to 10m).
timeout = "10s"

[work_hours]
# When active time counts; outside these hours no reminder comes due. Each key takes a list
# of ranges: "HH:MM-HH:MM" or { start = 09:00:00, end = 17:30:00 }. A range ends after it
# starts, 24:00 may end one, and ranges of one day may not overlap.
#
# every_day sets all seven days; weekdays (mon to fri) and weekend (sat and sun) override it;
# mon, tue, wed, thu, fri, sat and sun override both. A day that no key covers has no work
# hours, and neither has a day given an empty list. For office hours on weekdays only,
# replace the every_day line below with, say:
#
#     weekdays = ["09:00-12:30", "13:30-17:30"]
#     fri = ["09:00-15:00"]
#
# The default is every day, all day:
every_day = ["00:00-24:00"]

# Your own exercises, routines and posture cues. They use the schema of the built-in
# catalog ('limber exercises' and 'limber routines' list it; config/catalog.toml in
# limber's sources documents every key): one [[exercises]], [[routines]] or [[cues]] table
# each. A new id adds to the catalog; a built-in id replaces that entry. For example:
#
#     [[exercises]]
#     id = "chin-nod"                  # lowercase letters, digits and dashes
#     name = "Chin nod"
#     places = ["desk", "standing"]    # any one will do
#     equipment = []                   # band, ball, roller, weights: all are needed
#     steps = ["Sit tall.", "Nod your chin slightly down and back, then relax."]
#     reps = 8                         # or hold = "30s", or duration = "1m"
#     per_side = false                 # true: right side, then left
#     sets = 1
#     why = "Suggested by my physiotherapist."
#     cautions = ["Small and slow."]
#
#     [[routines]]
#     id = "my-break"
#     title = "My break"
#     kind = "micro"                   # micro: 1 to 5 minutes, offered in rotation;
#                                      # daily: 10 to 20, for [daily_routine]
#     minutes = 2                      # optional: estimated from the doses otherwise
#     about = "Two moves my back likes."
#     steps = ["chin-nod", { exercise = "doorway-pec-stretch", hold = "20s", sets = 1 }]
#
#     [[cues]]
#     id = "feet-flat"
#     text = "Both feet flat on the floor?"
#
# 'limber config check' reports any problem with its line and column.

"""#
}
