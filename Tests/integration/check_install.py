"""`make install` puts the man pages and completions where man, bash-completion, fish and zsh
look under the default PREFIX (~/.local), and `make uninstall` takes them away. Run by
`make build-checks` after the release build (install would build it otherwise), with HOME
pointed at a temp folder and DESTDIR=/ so that no user manager is ever asked to start the
unit."""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from harness import REPO


def run(argv, env, timeout=600):
    return subprocess.run([str(a) for a in argv], env=env, capture_output=True, text=True, timeout=timeout)


class MakeInstall(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not (REPO / ".build/release/limber").is_file():
            raise unittest.SkipTest("release binaries not built; run make release")
        cls.home = Path(tempfile.mkdtemp(prefix="limber-install."))
        cls.prefix = cls.home / ".local"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "MAKE", "MFLAGS"))}
        # The user's view: a home, ~/.local/bin on PATH, nothing else pointing anywhere.
        cls.env = dict(env, HOME=str(cls.home), PATH=f"{cls.prefix}/bin:/usr/bin:/bin",
                       XDG_CONFIG_HOME=str(cls.home / "empty-config"))
        r = run(["make", "-C", REPO, "install", "DESTDIR=/", f"PREFIX={cls.prefix}"], dict(env, HOME=str(cls.home)))
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)

    def test_1_man_finds_the_pages_through_path(self):
        if shutil.which("man") is None:
            self.skipTest("man is not installed (Debian: man-db)")
        for page, section in (("limber", "1"), ("limberd", "1"), ("limber.toml", "5")):
            r = run(["man", "-w", section, page], self.env)
            self.assertEqual(r.stdout.strip(), f"{self.prefix}/share/man/man{section}/{page}.{section}", r.stderr)

    def test_1_bash_completion_loads_it_on_demand(self):
        loader = Path("/usr/share/bash-completion/bash_completion")
        if not loader.exists():
            self.skipTest("bash-completion is not installed (Debian: bash-completion)")
        r = run(["bash", "--norc", "--noprofile", "-c", f"source {loader}; __load_completion limber && complete -p limber"],
                self.env)
        self.assertRegex(r.stdout.strip(), r"-F _limber limber$", r.stderr)

    def test_1_fish_finds_it(self):
        if shutil.which("fish") is None:
            self.skipTest("fish is not installed (Debian: fish)")
        r = run(["fish", "-c", "complete -C 'limber sta'"], self.env)
        self.assertEqual({line.split("\t")[0] for line in r.stdout.splitlines()}, {"status", "stats", "start"}, r.stderr)

    def test_1_zsh_finds_it_with_the_folder_in_fpath(self):
        if shutil.which("zsh") is None:
            self.skipTest("zsh is not installed (Debian: zsh)")
        # As the README says: fpath+=(~/.local/share/zsh/site-functions) before compinit.
        r = run(["zsh", "-f", "-c", "fpath+=(~/.local/share/zsh/site-functions); autoload -Uz compinit && compinit -D -u; "
                 "print -r -- $_comps[limber]"], self.env)
        self.assertEqual(r.stdout.strip(), "_limber", r.stderr)

    def test_2_uninstall_removes_them(self):
        r = run(["make", "-C", REPO, "uninstall", "DESTDIR=/", f"PREFIX={self.prefix}"], self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        left = sorted(str(p.relative_to(self.home)) for p in self.home.rglob("*")
                      if p.is_file() and "limber" in p.name and ".cache" not in p.parts)
        self.assertEqual(left, [])


if __name__ == "__main__":
    unittest.main()
