#!/usr/bin/env python3
"""Writes limber's man pages and shell completions from the programs themselves.

    build-support/manpages.py --limber BIN --limberd BIN --config config/limber.toml --out DIR

DIR/man/limber.1      from `limber --experimental-dump-help` (swift-argument-parser's command
                      tree: every subcommand, option, flag and argument, with its help text)
DIR/man/limberd.1     limberd's options (it parses its few arguments itself) and how it runs
DIR/man/limber.toml.5 every section and key of the documented config/limber.toml, with its
                      default and the comment above it
DIR/completions/      limber.bash, _limber (zsh), limber.fish, from
                      `limber --generate-completion-script SHELL`

argument-parser has a generate-manual plugin, but it writes mdoc and needs its own tool
built from source on every run; the dump is the same command tree, and plain man(7) macros
render without warnings under groff's checks (`man --warnings -l`).
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys

DATE = os.environ.get("SOURCE_DATE_EPOCH")


def page_date():
    # Reproducible: SOURCE_DATE_EPOCH when set (Debian builds set it), else today.
    when = datetime.datetime.fromtimestamp(int(DATE), datetime.timezone.utc) if DATE else datetime.datetime.now(datetime.timezone.utc)
    return when.strftime("%Y-%m-%d")


def esc(text):
    """Escapes running text for roff: backslashes, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """Text with blank-line paragraphs as roff; runs of indented lines (examples) keep their layout."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        runs = []
        for line in block.split("\n"):
            indented = line.startswith("  ")
            if runs and runs[-1][0] == indented:
                runs[-1][1].append(line)
            else:
                runs.append((indented, [line]))
        for indented, lines in runs:
            if indented:
                out.append(".PP\n.RS 4\n.nf\n" + esc("\n".join(l.strip() for l in lines)) + "\n.fi\n.RE")
            else:
                out.append(".PP\n" + esc(" ".join(l.strip() for l in lines)))
    return "\n".join(out)


# --- limber.1 ----------------------------------------------------------------------------

def argument_synopsis(arg):
    names = arg.get("names") or []
    long = [n for n in names if n["kind"] in ("long", "longWithSingleDash")]
    short = [n for n in names if n["kind"] == "short"]
    kind = arg["kind"]
    if kind == "positional":
        text = "<" + (arg.get("valueName") or "value") + ">"
    else:
        name = long[0] if long else short[0]
        dash = "-" if name["kind"] != "long" else "--"
        text = dash + name["name"]
        if kind == "option":
            text += " <" + (arg.get("valueName") or "value") + ">"
    if arg.get("isRepeating"):
        text += " ..."
    return "[" + text + "]" if arg.get("isOptional") else text


def argument_item(arg):
    names = arg.get("names") or []
    parts = []
    for n in sorted(names, key=lambda n: n["kind"] != "short"):
        dash = "--" if n["kind"] == "long" else "-"
        part = "\\fB" + esc(dash + n["name"]) + "\\fR"
        if arg["kind"] == "option":
            part += " \\fI" + esc(arg.get("valueName") or "value") + "\\fR"
        parts.append(part)
    if arg["kind"] == "positional":
        parts = ["\\fI" + esc(arg.get("valueName") or "value") + "\\fR"]
    help_text = arg.get("abstract") or ""
    if arg.get("discussion"):
        help_text += "\n\n" + arg["discussion"]
    values = arg.get("allValues")
    if values:
        help_text += " (one of: " + ", ".join(values) + ")"
    if arg.get("defaultValue") not in (None, "", "false") and arg["kind"] != "flag":
        help_text += " (default: " + arg["defaultValue"] + ")"
    return ".TP\n" + ", ".join(parts) + "\n" + (esc(help_text.strip()) or "\\&")


def visible(args):
    return [a for a in args or [] if a.get("shouldDisplay", True)
            and not any(n["name"] in ("help", "version", "h") for n in a.get("names") or [])]


def command_section(cmd, path):
    out = []
    name = " ".join(path)
    args = visible(cmd.get("arguments"))
    out.append(".SS " + esc(name))
    synopsis = "\\fB" + esc(name) + "\\fR"
    if args:
        synopsis += " " + esc(" ".join(argument_synopsis(a) for a in args))
    if cmd.get("subcommands"):
        synopsis += " \\fIsubcommand\\fR"
    out.append(".PP\n" + synopsis)
    if cmd.get("abstract"):
        out.append(".PP\n" + esc(cmd["abstract"]))
    if cmd.get("discussion"):
        out.append(paragraphs(cmd["discussion"]))
    if args:
        out.append(".RS 4")
        out.extend(argument_item(a) for a in args)
        out.append(".RE")
    for sub in cmd.get("subcommands") or []:
        if sub.get("shouldDisplay", True) and sub.get("commandName") != "help":
            out.append(command_section(sub, path + [sub["commandName"]]))
    return "\n".join(out)


def limber_page(dump, version):
    root = dump["command"]
    out = [
        '.TH LIMBER 1 "%s" "limber %s" "User Commands"' % (page_date(), esc(version)),
        ".SH NAME",
        "limber \\- " + esc(root.get("abstract", "")),
        ".SH SYNOPSIS",
        ".B limber",
        "[\\fIsubcommand\\fR] [\\fIoptions\\fR]",
        ".SH DESCRIPTION",
        paragraphs(root.get("discussion", "")),
        ".SH COMMANDS",
    ]
    for sub in root.get("subcommands") or []:
        if sub.get("shouldDisplay", True) and sub.get("commandName") != "help":
            out.append(command_section(sub, ["limber", sub["commandName"]]))
    out += [
        ".SH FILES",
        ".TP",
        "\\fI$XDG_CONFIG_HOME/limber/config.toml\\fR",
        "The configuration; see \\fBlimber.toml\\fR(5).",
        ".TP",
        "\\fI$XDG_STATE_HOME/limber/\\fR",
        "State and history (\\fIstate.json\\fR, \\fIhistory\\-HOST.jsonl\\fR).",
        ".TP",
        "\\fI$XDG_RUNTIME_DIR/limber/control.sock\\fR",
        "The control socket limber talks to limberd through.",
        ".SH SEE ALSO",
        "\\fBlimberd\\fR(1), \\fBlimber.toml\\fR(5), \\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1)",
    ]
    return "\n".join(out) + "\n"


# --- limberd.1 ---------------------------------------------------------------------------

def limberd_page(help_text, version):
    options = []
    for line in help_text.split("\n"):
        m = re.match(r"^\s{2}(-\S+(?:, -\S+)?(?: [A-Z]+)?)\s{2,}(.*)$", line)
        if m:
            options.append([m.group(1), m.group(2)])
        elif options and re.match(r"^\s{6,}\S", line):
            options[-1][1] += " " + line.strip()
    if not options:
        raise SystemExit("manpages.py: no options found in 'limberd --help'")
    out = [
        '.TH LIMBERD 1 "%s" "limber %s" "User Commands"' % (page_date(), esc(version)),
        ".SH NAME",
        "limberd \\- the limber daemon: posture checks and movement routines as desktop notifications",
        ".SH SYNOPSIS",
        ".B limberd",
        "[\\fB\\-\\-config\\fR \\fIPATH\\fR | \\fB\\-\\-defaults\\fR]",
        ".SH DESCRIPTION",
        paragraphs("""limberd schedules a posture check every 30 to 45 minutes of active desk time and a
short movement routine every hour, shows them as desktop notifications that can be answered
in place (Done, Snooze, Skip, Start), and keeps a history of the answers. It runs as the
systemd user service limber.service (Type=notify, with a watchdog) or in a terminal; the
limber command answers and inspects it over a Unix socket.

Time away from the desk (screen locked, idle, asleep) stops active time and, long enough,
counts as a natural break. limberd learns of it from logind, Mutter's idle monitor and the
screen saver service, by signals only.

Hooks configured in the [hooks] section of the configuration run a command on events; see
limber.toml(5)."""),
        ".SH OPTIONS",
    ]
    for names, text in options:
        parts = []
        for n in names.split(", "):
            flag, _, value = n.partition(" ")
            parts.append("\\fB" + esc(flag) + "\\fR" + (" \\fI" + esc(value) + "\\fR" if value else ""))
        out += [".TP", ", ".join(parts), esc(text)]
    out += [
        ".SH SIGNALS",
        ".TP", "\\fBSIGHUP\\fR", "Re\\-read the configuration (as \\fBlimber reload\\fR). A file with errors is refused and the current settings stay.",
        ".TP", "\\fBSIGTERM\\fR, \\fBSIGINT\\fR", "Save the schedule and stop; reminders on screen are taken over by the next start.",
        ".SH EXIT STATUS",
        ".TP", "0", "Stopped by a signal.",
        ".TP", "1", "Could not start: no XDG_RUNTIME_DIR, another limberd runs, or the state folder is not writable.",
        ".TP", "2", "Bad usage.",
        ".TP", "78", "The configuration file has errors (EX_CONFIG; the unit does not restart on it).",
        ".SH ENVIRONMENT",
        ".TP", "\\fBXDG_RUNTIME_DIR\\fR", "Where the control socket lives; required.",
        ".TP", "\\fBXDG_CONFIG_HOME\\fR, \\fBXDG_STATE_HOME\\fR", "Where the configuration and the state are.",
        ".TP", "\\fBDBUS_SESSION_BUS_ADDRESS\\fR", "The session bus of the notification server.",
        ".TP", "\\fBLIMBER_LOG_LEVEL\\fR", "trace, debug, info (default), notice, warning, error or critical.",
        ".SH FILES",
        ".TP", "\\fI$XDG_CONFIG_HOME/limber/config.toml\\fR", "The configuration; see \\fBlimber.toml\\fR(5).",
        ".TP", "\\fI$XDG_STATE_HOME/limber/\\fR", "\\fIstate.json\\fR and \\fIhistory\\-HOST.jsonl\\fR.",
        ".TP", "\\fI$XDG_RUNTIME_DIR/limber/control.sock\\fR", "The control socket (mode 0600).",
        ".TP", "\\fIlimber.service\\fR", "The systemd user unit: \\fBsystemctl \\-\\-user enable \\-\\-now limber\\fR.",
        ".SH SEE ALSO",
        "\\fBlimber\\fR(1), \\fBlimber.toml\\fR(5), \\fBsystemd.service\\fR(5), \\fBjournalctl\\fR(1)",
    ]
    return "\n".join(out) + "\n"


# --- limber.toml.5 -----------------------------------------------------------------------

def config_page(text, version):
    """Sections and keys of the documented config file, each with the comment above it."""
    lines = text.split("\n")
    # The file's opening comment (up to the first table) is the page's description.
    intro, i = [], 0
    while i < len(lines) and not lines[i].startswith("["):
        if lines[i].startswith("#"):
            intro.append(lines[i][1:].strip() if lines[i] == "#" else lines[i][2:])
        else:
            intro.append("")
        i += 1
    body, comment, trailing = [], [], []
    section = None
    for line in lines[i:]:
        if line.startswith("#"):
            comment.append(line[2:] if line.startswith("# ") else "")
            continue
        m = re.match(r"^\[(\w+)\]\s*$", line)
        if m:
            section = m.group(1)
            body.append((".SS", "[" + section + "]", comment))
            comment = []
            continue
        m = re.match(r"^(\w+)\s*=\s*(.+)$", line)
        if m and section:
            body.append((".TP", (m.group(1), m.group(2)), comment))
            comment = []
            continue
        if not line.strip():
            if comment:
                trailing = comment
            continue
    trailing = comment or trailing

    def comment_roff(c):
        blocks, cur = [], []
        for l in c:
            if not l.strip():
                if cur:
                    blocks.append(cur)
                cur = []
            else:
                cur.append(l)
        if cur:
            blocks.append(cur)
        out = []
        for b in blocks:
            runs = []
            for l in b:
                indented = l.startswith("  ")
                if runs and runs[-1][0] == indented:
                    runs[-1][1].append(l)
                else:
                    runs.append((indented, [l]))
            for indented, ls in runs:
                if indented:
                    out.append(".nf\n" + esc("\n".join(l.rstrip() for l in ls)) + "\n.fi")
                else:
                    out.append(esc(" ".join(l.strip() for l in ls)))
        return "\n.IP\n".join(out) if out else "\\&"

    out = [
        '.TH LIMBER.TOML 5 "%s" "limber %s" "File Formats"' % (page_date(), esc(version)),
        ".SH NAME",
        "limber.toml \\- the configuration file of limber and limberd",
        ".SH SYNOPSIS",
        "\\fI$XDG_CONFIG_HOME/limber/config.toml\\fR (usually \\fI~/.config/limber/config.toml\\fR)",
        ".SH DESCRIPTION",
        paragraphs("\n".join(intro)),
        ".PP",
        "Each key below is shown with its default. \\fBlimber config init\\fR writes this documented file.",
        ".SH SECTIONS AND KEYS",
    ]
    for kind, what, c in body:
        if kind == ".SS":
            out.append(".SS " + esc(what))
            if c:
                out.append(".PP\n" + comment_roff(c).replace("\n.IP\n", "\n.PP\n"))
        else:
            key, value = what
            out.append(".TP\n\\fB" + esc(key) + "\\fR = " + esc(value))
            out.append(comment_roff(c) if c else "\\&")
    if trailing:
        out.append(".SH CATALOG ENTRIES")
        out.append(".PP\n" + comment_roff(trailing).replace("\n.IP\n", "\n.PP\n"))
    out += [
        ".SH SEE ALSO",
        "\\fBlimber\\fR(1), \\fBlimberd\\fR(1)",
    ]
    return "\n".join(out) + "\n"


def run(argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--limber", required=True)
    p.add_argument("--limberd", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    version = run([a.limber, "--version"]).strip().split()[-1]
    os.makedirs(os.path.join(a.out, "man"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "completions"), exist_ok=True)
    dump = json.loads(run([a.limber, "--experimental-dump-help"]))
    pages = {
        "limber.1": limber_page(dump, version),
        "limberd.1": limberd_page(run([a.limberd, "--help"]), version),
        "limber.toml.5": config_page(open(a.config, encoding="utf-8").read(), version),
    }
    for name, text in pages.items():
        with open(os.path.join(a.out, "man", name), "w", encoding="utf-8") as f:
            f.write(text)
    for shell, name in (("bash", "limber.bash"), ("zsh", "_limber"), ("fish", "limber.fish")):
        script = run([a.limber, "--generate-completion-script", shell])
        with open(os.path.join(a.out, "completions", name), "w", encoding="utf-8") as f:
            f.write(script)
    return 0


if __name__ == "__main__":
    sys.exit(main())
