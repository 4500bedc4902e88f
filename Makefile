# limber: make run (build and run limberd in the foreground), make test (every test tier),
# make bench, make install / make uninstall. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PREFIX     ?= $(HOME)/.local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/limber
UNITDIR    ?= $(if $(filter $(HOME)/.local,$(PREFIX)),$(HOME)/.config/systemd/user,$(PREFIX)/lib/systemd/user)
# Where man, bash-completion, zsh and fish look under PREFIX (~/.local/share/... included:
# man finds ~/.local/share/man through ~/.local/bin on PATH; zsh needs the folder in fpath).
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
# The XDG autostart entry that starts the unit in sessions without graphical-session.target.
AUTOSTARTDIR ?= $(if $(filter $(HOME)/.local,$(PREFIX)),$(HOME)/.config/autostart,/etc/xdg/autostart)
SWIFT      ?= swift
PYTHON     ?= /usr/bin/python3
SHARED     ?= ../shared
RELEASE    := .build/release
DEBUG      := .build/debug

# Debian packages: to build, and in addition to run every test tier.
# libwayland-dev, libxcb1-dev, libxcb-sync-dev: the wayland_idle and x11_idle sources.
BUILD_PKGS := libsystemd-dev libnotify-dev pkg-config libwayland-dev libxcb1-dev libxcb-sync-dev
# make deb: dpkg-shlibdeps, strip. The package check also runs lintian.
DEB_PKGS   := dpkg-dev binutils
# sway, wtype: the headless compositor and its input for wayland_idle's tests; xdotool: X input
# for x11_idle's; wayland-utils: wayland-info, to see what the compositor offers;
# libwayland-bin, wayland-protocols, plasma-wayland-protocols: to check the committed protocol code.
# man-db, groff-base, fish, zsh, bash-completion: the man pages and completions; waybar, grim:
# the status-bar test; libglib2.0-bin: gsettings for doctor; dpkg-dev, binutils, lintian: the .deb.
# gir1.2-gtk-3.0 and the rest of the last two lines: the real notification servers' tier.
TEST_PKGS  := dbus dunst xvfb x11-utils libnotify-bin systemd python3-dbus python3-gi util-linux gcc \
              sway wtype xdotool wayland-utils libwayland-bin wayland-protocols plasma-wayland-protocols \
              passwd desktop-file-utils \
              man-db groff-base fish libglib2.0-bin dpkg-dev binutils lintian waybar grim zsh bash-completion \
              gir1.2-gtk-3.0 xfce4-notifyd mako-notifier gnome-shell mutter gjs gsettings-desktop-schemas \
              kwin-wayland plasma-workspace qtwayland5 kde-spectacle

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help deps test-deps build release run test unit-test conformance integration \
        bench order-file install uninstall clean build-checks fuzz fuzz-build fuzz-smoke wayland-protocols \
        docs deb

help:
	@echo "make run        install what is missing, build (release) and run limberd in the foreground"
	@echo "make test       install what the tests need, build, and run every test tier"
	@echo "make bench      measure idle memory and wakeups, CLI round trip, start-up, TOML parsing, history at scale"
	@echo "make fuzz       run each libFuzzer harness for FUZZ_SECONDS (default $(FUZZ_SECONDS)) seconds"
	@echo "make install    install limber, limberd, the user unit, man pages and completions under PREFIX ($(PREFIX))"
	@echo "make uninstall  undo make install (your config, state and history stay)"
	@echo "make deb        build a Debian package (.build/deb/limber_VERSION-1_ARCH.deb)"

# Installs only the packages that are missing, so a second run does not touch apt at all.
define apt_install
	missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed' || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps:
	@$(call apt_install,$(BUILD_PKGS))

test-deps: deps
	@$(call apt_install,$(TEST_PKGS))

# A build that prints a compiler warning fails: warnings are defects here.
build: deps
	@mkdir -p .build
	@$(SWIFT) build --build-tests 2>&1 | tee .build/build-log.txt
	@if grep -E 'warning:' .build/build-log.txt; then echo "error: the build printed warnings (above)"; exit 1; fi

# lld with packed relative relocations: the relocation table shrinks from 620 KB to 5 KB, so
# start-up touches less of the binary (about 0.4 MiB less idle RSS, measured), and lld ignores
# glibc's link-time .gnu.warning notes that FoundationEssentials' static archive triggers.
#
# build-support/limberd.order lists the functions limberd runs (start-up, requests, timers,
# notifications, presence), so lld links them next to each other: fewer 64 KiB fault-around
# windows of the binary stay resident (idle RSS 12.1 -> about 10.5 MiB, measured). A stale
# list is harmless; regenerate it with 'make order-file' when code paths change a lot.
ORDER_FILE := build-support/limberd.order
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
                 $(if $(wildcard $(ORDER_FILE)),-Xlinker --symbol-ordering-file=$(ORDER_FILE) -Xlinker --no-warn-symbol-ordering)

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

# Without a user session there is no XDG_RUNTIME_DIR; limberd rightly refuses to guess one,
# so this target gives it a private folder inside the build tree and says so.
run: release
	@if [ -z "$${XDG_RUNTIME_DIR:-}" ]; then \
	  rt="$(CURDIR)/.build/run-dir"; mkdir -p "$$rt"; chmod 0700 "$$rt"; \
	  echo "make run: XDG_RUNTIME_DIR is not set (no user session); using $$rt."; \
	  echo "          Answer with: XDG_RUNTIME_DIR=$$rt $(RELEASE)/limber status"; \
	  export XDG_RUNTIME_DIR="$$rt"; \
	fi; \
	exec $(RELEASE)/limberd --defaults

test: test-deps build unit-test conformance fuzz-smoke integration build-checks

# Checks of what is built rather than how it behaves: CNotify's hand-written declarations
# against the installed glib/libnotify headers, the committed Wayland protocol code against
# wayland-scanner's output, the release binaries (they run, and the debug-only testing aids
# are not in them), the Debian package built from them (installed into a scratch root,
# lintian clean of errors), and make install's man pages and completions where man and the
# shells find them.
build-checks: release
	Tests/integration/check_cnotify_shim.sh
	Tests/integration/check_wayland_protocols.sh
	Tests/integration/check_release.sh $(DEBUG) $(RELEASE)
	cd Tests/integration && RELEASE_DIR=$(CURDIR)/$(RELEASE) $(PYTHON) -m unittest -v check_deb
	cd Tests/integration && $(PYTHON) -m unittest -v check_install

# The Wayland idle protocols' C code is generated once and committed (a build needs neither
# wayland-scanner nor the XML); this regenerates it from the XML Debian ships.
wayland-protocols: test-deps
	build-support/wayland-protocols.sh

unit-test:
	$(SWIFT) test --skip-build

conformance:
	@if [ -f "$(SHARED)/toml-test/run.py" ]; then \
	  $(PYTHON) "$(SHARED)/toml-test/run.py" --decoder "$(DEBUG)/limber-toml-decode"; \
	else \
	  echo "notice: $(SHARED)/toml-test is absent; skipping the TOML conformance run"; \
	fi

integration:
	LIMBERD=$(DEBUG)/limberd LIMBER=$(DEBUG)/limber $(PYTHON) -m unittest discover -s Tests/integration -p 'test_*.py' -v

bench: test-deps release
	$(PYTHON) Benchmarks/bench.py --bin $(RELEASE)

# Profiles a release limberd under callgrind in a desktop-like sandbox and rewrites the list.
order-file: test-deps release
	@$(call apt_install,valgrind)
	$(PYTHON) build-support/order_file.py --bin $(RELEASE)
	$(SWIFT) build $(RELEASE_FLAGS)

# Man pages and shell completions, generated from the release binaries' own command tree
# (argument-parser's --experimental-dump-help and --generate-completion-script) and from
# config/limber.toml's comments.
DOCS := .build/docs
docs: release
	$(PYTHON) build-support/manpages.py --limber $(RELEASE)/limber --limberd $(RELEASE)/limberd \
	  --config config/limber.toml --out $(DOCS)

# A Debian package of the release build: .build/deb/limber_VERSION-1_ARCH.deb.
deb: release docs
	@$(call apt_install,$(DEB_PKGS))
	build-support/deb.sh $(RELEASE) $(DOCS) .build/deb

install: release docs
	install -d -m 0755 "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(DATADIR)" "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(AUTOSTARTDIR)" \
	  "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man5" "$(DESTDIR)$(BASHCOMPDIR)" \
	  "$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)"
	install -m 0755 $(RELEASE)/limberd $(RELEASE)/limber "$(DESTDIR)$(BINDIR)/"
	install -m 0644 config/limber.toml "$(DESTDIR)$(DATADIR)/limber.toml"
	install -m 0644 $(DOCS)/man/limber.1 $(DOCS)/man/limberd.1 "$(DESTDIR)$(MANDIR)/man1/"
	install -m 0644 $(DOCS)/man/limber.toml.5 "$(DESTDIR)$(MANDIR)/man5/"
	install -m 0644 $(DOCS)/completions/limber.bash "$(DESTDIR)$(BASHCOMPDIR)/limber"
	install -m 0644 $(DOCS)/completions/_limber "$(DESTDIR)$(ZSHCOMPDIR)/_limber"
	install -m 0644 $(DOCS)/completions/limber.fish "$(DESTDIR)$(FISHCOMPDIR)/limber.fish"
	sed 's|@BINDIR@|$(BINDIR)|g' systemd/limber.service > "$(DESTDIR)$(UNITDIR)/limber.service"
	chmod 0644 "$(DESTDIR)$(UNITDIR)/limber.service"
	install -m 0644 systemd/limber-autostart.desktop "$(DESTDIR)$(AUTOSTARTDIR)/limber-autostart.desktop"
	@if [ -z "$(DESTDIR)" ] && systemctl --user show-environment >/dev/null 2>&1; then \
	  systemctl --user daemon-reload; \
	  systemctl --user enable --now limber.service; \
	  echo "limber is installed, enabled and started: try '$(BINDIR)/limber status'."; \
	else \
	  echo "limber is installed. No systemd user manager answered, so the unit was not started."; \
	  echo "In your desktop session run:  systemctl --user daemon-reload && systemctl --user enable --now limber"; \
	  echo "Sessions without graphical-session.target (sway, i3, Hyprland...) start it from"; \
	  echo "$(AUTOSTARTDIR)/limber-autostart.desktop or their config: see README, Starting with your desktop."; \
	fi

uninstall:
	@if [ -z "$(DESTDIR)" ] && systemctl --user show-environment >/dev/null 2>&1; then \
	  systemctl --user disable --now limber.service 2>/dev/null || true; \
	fi
	rm -f "$(DESTDIR)$(BINDIR)/limberd" "$(DESTDIR)$(BINDIR)/limber" "$(DESTDIR)$(UNITDIR)/limber.service" \
	      "$(DESTDIR)$(DATADIR)/limber.toml" "$(DESTDIR)$(AUTOSTARTDIR)/limber-autostart.desktop" \
	      "$(DESTDIR)$(MANDIR)/man1/limber.1" "$(DESTDIR)$(MANDIR)/man1/limberd.1" \
	      "$(DESTDIR)$(MANDIR)/man5/limber.toml.5" "$(DESTDIR)$(BASHCOMPDIR)/limber" "$(DESTDIR)$(ZSHCOMPDIR)/_limber" \
	      "$(DESTDIR)$(FISHCOMPDIR)/limber.fish"
	-rmdir "$(DESTDIR)$(DATADIR)" 2>/dev/null
	@if [ -z "$(DESTDIR)" ] && systemctl --user show-environment >/dev/null 2>&1; then systemctl --user daemon-reload; fi
	@echo "Removed limber. Your config (~/.config/limber) and history (~/.local/state/limber) are kept."

clean:
	rm -rf .build .build-fuzz

# Fuzzing: libFuzzer harnesses (Tests/Fuzz/*.swift) for the TOML parser, the config schema
# and its write-back, the control protocol and the history reader, built with
# swiftc -sanitize=fuzzer,address. Each module they need is compiled once into a static
# library in .build-fuzz, so all four harnesses come from one build. New inputs a run finds
# go to .build-fuzz/corpus/NAME; the seeds in Tests/Fuzz/corpus/NAME are only read.
# A crash leaves its input in .build-fuzz/crash-NAME-* (rerun: .build-fuzz/fuzz-NAME FILE).
FUZZ_DIR          := .build-fuzz
FUZZ_SECONDS      ?= 60
FUZZ_SMOKE_SECONDS ?= 4
FUZZERS           := toml config protocol history
SWIFTC            ?= swiftc
FUZZ_OPT          ?= -Onone
FUZZ_SWIFTC       := $(SWIFTC) -swift-version 6 -sanitize=fuzzer,address -parse-as-library -package-name limber $(FUZZ_OPT) -g -I $(FUZZ_DIR)

# $(1): module, $(2): the modules it imports, $(3): generated sources it also compiles.
define fuzz_module
$(FUZZ_DIR)/lib$(1).a: $(wildcard Sources/$(1)/*.swift) $(3) $(foreach d,$(2),$(FUZZ_DIR)/lib$(d).a)
	@mkdir -p $(FUZZ_DIR)
	@echo "fuzz: compiling $(1)"
	@$(FUZZ_SWIFTC) -module-name $(1) -emit-module -emit-module-path $(FUZZ_DIR)/$(1).swiftmodule \
	  -emit-library -static -o $$@ $(wildcard Sources/$(1)/*.swift) $(3)
endef
# LimberConfig's embedded config files (Package.swift's .embedInCode resources), as SwiftPM
# would generate them.
$(FUZZ_DIR)/LimberConfigResources.swift: config/limber.toml config/catalog.toml build-support/embed_resources.py
	@mkdir -p $(FUZZ_DIR)
	@$(PYTHON) build-support/embed_resources.py $@ config/limber.toml config/catalog.toml
$(eval $(call fuzz_module,TOML,))
$(eval $(call fuzz_module,JSON,))
$(eval $(call fuzz_module,LimberCore,JSON TOML))
$(eval $(call fuzz_module,LimberFiles,LimberCore))
$(eval $(call fuzz_module,LimberCatalog,LimberCore JSON))
$(eval $(call fuzz_module,LimberConfig,TOML LimberCore LimberCatalog JSON,$(FUZZ_DIR)/LimberConfigResources.swift))
$(eval $(call fuzz_module,LimberProtocol,JSON))

# $(1): harness, $(2): the modules it links, dependents first.
define fuzz_harness
$(FUZZ_DIR)/fuzz-$(1): Tests/Fuzz/$(1).swift $(foreach d,$(2),$(FUZZ_DIR)/lib$(d).a)
	@echo "fuzz: linking fuzz-$(1)"
	@$(FUZZ_SWIFTC) -use-ld=lld -L $(FUZZ_DIR) $(foreach d,$(2),-l$(d)) $$< -o $$@
endef
$(eval $(call fuzz_harness,toml,TOML))
$(eval $(call fuzz_harness,config,LimberConfig LimberCatalog LimberCore TOML JSON))
$(eval $(call fuzz_harness,protocol,LimberProtocol JSON))
$(eval $(call fuzz_harness,history,LimberFiles LimberCore JSON TOML))

fuzz-build: $(foreach f,$(FUZZERS),$(FUZZ_DIR)/fuzz-$(f))

# Runs each harness for $(2) seconds on its seeds plus what earlier runs found.
define fuzz_run
	@for f in $(FUZZERS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$f; \
	  echo "fuzz: $$f for $(1) s"; \
	  SWIFT_BACKTRACE=enable=no $(FUZZ_DIR)/fuzz-$$f -max_total_time=$(1) -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crash-$$f- \
	    $(FUZZ_DIR)/corpus/$$f Tests/Fuzz/corpus/$$f 2>$(FUZZ_DIR)/fuzz-$$f.log \
	    || { tail -40 $(FUZZ_DIR)/fuzz-$$f.log; echo "fuzz: $$f FAILED; the input is in $(FUZZ_DIR)/crash-$$f-*"; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' $(FUZZ_DIR)/fuzz-$$f.log | tr '\n' ' '; echo; \
	done
endef

fuzz: fuzz-build
	$(call fuzz_run,$(FUZZ_SECONDS))

# A few seconds each, in make test: the harnesses build, run and find nothing on the seeds.
fuzz-smoke: fuzz-build
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS))
