"""Man pages and shell completions, generated from the built binaries by
build-support/manpages.py (as `make docs` and `make install` do): the pages render under
groff's warnings with every command and config key in them, and the completion scripts load
and complete in bash (compgen machinery), fish and zsh, each when the shell is present."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from harness import LIMBER, LIMBERD, REPO, SYSTEM_PYTHON, require_binaries


def setUpModule():
    require_binaries()


class GeneratedDocs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = Path(tempfile.mkdtemp(prefix="limber-docs."))
        r = subprocess.run([SYSTEM_PYTHON, str(REPO / "build-support/manpages.py"), "--limber", LIMBER,
                            "--limberd", LIMBERD, "--config", str(REPO / "config/limber.toml"),
                            "--out", str(cls.out)], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError("manpages.py failed:\n" + r.stderr)
        cls.dump = json.loads(subprocess.run([LIMBER, "--experimental-dump-help"], capture_output=True,
                                             text=True, check=True).stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def render(self, page):
        if shutil.which("man") is None:
            self.skipTest("man is not installed (Debian: man-db)")
        env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="100", MAN_KEEP_FORMATTING="0")
        # --warnings=w: every groff warning category, not only the default ones.
        r = subprocess.run(["man", "--warnings=w", "-l", str(self.out / "man" / page)], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.strip(), "", f"groff warnings for {page}:\n{r.stderr}")
        # Overstrike (bold, underline) comes out as X\bX on a pipe; drop it to compare words.
        return re.sub(r".\x08", "", r.stdout)

    def test_limber_1_names_every_command_and_option(self):
        text = self.render("limber.1")
        self.assertIn("LIMBER(1)", text)

        def walk(cmd, path):
            for sub in cmd.get("subcommands") or []:
                if sub["commandName"] == "help" or not sub.get("shouldDisplay", True):
                    continue
                name = " ".join(path + [sub["commandName"]])
                self.assertIn(name, text, f"'{name}' is not in limber.1")
                for arg in sub.get("arguments") or []:
                    for n in arg.get("names") or []:
                        if n["kind"] == "long" and n["name"] not in ("help", "version") and arg.get("shouldDisplay", True):
                            self.assertIn("--" + n["name"], text, f"{name} --{n['name']}")
                walk(sub, path + [sub["commandName"]])
        walk(self.dump["command"], ["limber"])

    def test_limberd_1_has_its_options(self):
        text = self.render("limberd.1")
        for option in ("--config", "--defaults", "--version", "--help", "SIGHUP", "78"):
            self.assertIn(option, text)

    def test_limber_toml_5_documents_every_key(self):
        text = self.render("limber.toml.5")
        section = None
        for line in (REPO / "config/limber.toml").read_text().splitlines():
            m = re.match(r"^\[(\w+)\]$", line)
            if m:
                section = m.group(1)
                self.assertIn("[" + section + "]", text)
            m = re.match(r"^(\w+) = (.*)$", line)
            if m and section:
                # Long values wrap; the key with the start of its default must be there.
                self.assertRegex(text, re.escape(m.group(1)) + r" = " + re.escape(m.group(2)[:10]),
                                 f"{section}.{m.group(1)}")
        self.assertIn("[hooks]", text)

    def completion(self, name):
        return str(self.out / "completions" / name)

    def test_bash_completes_commands_and_options(self):
        bash = shutil.which("bash")
        if bash is None:
            self.skipTest("bash is not installed")
        script = f"""
            set -e
            source {self.completion('limber.bash')}
            complete -p limber
            func=$(complete -p limber | sed -E 's/.*-F ([^ ]+).*/\\1/')
            run() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ));
                    COMP_LINE="$*"; COMP_POINT=${{#COMP_LINE}}; COMPREPLY=();
                    "$func" limber "${{COMP_WORDS[-1]}}" "${{COMP_WORDS[-2]}}"; echo "${{COMPREPLY[*]}}"; }}
            run limber sta
            run limber status --
            run limber pause --
        """
        env = dict(os.environ, PATH=os.path.dirname(LIMBER) + ":" + os.environ.get("PATH", ""))
        r = subprocess.run([bash, "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                           env=env, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.strip().splitlines()
        self.assertRegex(lines[0], r"complete .*-F \S+ limber$")
        self.assertEqual(set(lines[1].split()), {"status", "stats", "start"})
        self.assertIn("--json", lines[2].split())
        self.assertIn("--until", lines[3].split())

    def test_fish_completes_commands_and_options(self):
        fish = shutil.which("fish")
        if fish is None:
            self.skipTest("fish is not installed (Debian: fish)")
        env = dict(os.environ, HOME=str(self.out), XDG_CONFIG_HOME=str(self.out / "fishconfig"),
                   XDG_DATA_HOME=str(self.out / "fishdata"),
                   PATH=os.path.dirname(LIMBER) + ":" + os.environ.get("PATH", ""))
        script = f"source {self.completion('limber.fish')}; complete -C 'limber sta'; echo ---; complete -C 'limber pause --'"
        r = subprocess.run([fish, "--no-config", "-c", script], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        first, second = r.stdout.split("---")
        words = {line.split("\t")[0] for line in first.strip().splitlines()}
        self.assertEqual(words, {"status", "stats", "start"})
        self.assertIn("--until", {line.split("\t")[0] for line in second.strip().splitlines()})

    def test_zsh_script_loads_and_registers_every_command(self):
        zsh = shutil.which("zsh")
        if zsh is None:
            self.skipTest("zsh is not installed (Debian: zsh)")
        r = subprocess.run([zsh, "-n", self.completion("_limber")], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Sourced after compinit, as from fpath: it registers itself for limber and defines a
        # function per command.
        names = [s["commandName"] for s in self.dump["command"]["subcommands"] if s["commandName"] != "help"]
        script = (f"autoload -Uz compinit && compinit -D -u; source {self.completion('_limber')}; "
                  f"print -r -- $_comps[limber]; whence -w " + " ".join(f"_limber_{n}" for n in names))
        r = subprocess.run([zsh, "-f", "-c", script], capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, HOME=str(self.out)))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "_limber")
        self.assertEqual(len(lines), 1 + len(names), r.stdout)


if __name__ == "__main__":
    unittest.main()
