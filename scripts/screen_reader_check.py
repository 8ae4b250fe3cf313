#!/usr/bin/env python3
"""Drive a real screen reader (Orca) through the hub's look-ups and print what it says.

Orca (GNOME's screen reader) runs under Xvfb with its own D-Bus session and accessibility bus and
reads Debian's Chromium (`--force-renderer-accessibility`). Its speech goes to speech-dispatcher,
whose only output module writes each utterance to a file instead of a sound card: the transcript
is what a blind user would have heard. Keys are real X key presses (xdotool), so they pass through
Orca as a user's would (browse mode and focus mode included). Playwright only signs in and reads
the page to confirm what the keyboard did; it never presses a key of the journey.

The journey (the project manager logs a visit, keyboard only):
  1. Tab from the top of "Log a visit" until Orca reads the "Who made the visit" look-up;
  2. type "hus", hear how many suggestions there are and the highlighted one; Down and Up arrows,
     hear each; Enter, hear the choice;
  3. Tab on to the "Care home" look-up, type "brook", hear the suggestions, Enter;
  4. save with the required fields empty: hear the error summary.
Each step asserts the phrases a screen reader user needs (label, hint, number of suggestions,
highlighted option, chosen value, the errors); the exit status is 1 when one is missing.

Needs (Debian 12): apt-get install orca xvfb dbus-x11 at-spi2-core speech-dispatcher xdotool chromium
and a running hub with the demo city (seed_demo), e.g.

    NONPROD_APPS=True DEBUG=True DATABASE_URL=... .venv/bin/python manage.py seed_demo
    NONPROD_APPS=True DEBUG=True DATABASE_URL=... .venv/bin/python manage.py runserver 127.0.0.1:8608
    .venv/bin/python scripts/screen_reader_check.py --base-url http://127.0.0.1:8608

Options: --transcript FILE (also write the transcript there), --keep (leave the processes running
and print how to reach them, to explore by hand). Exit status 2 when a tool is missing.
See docs/accessibility/screen-reader-check.md for a transcript and what it found.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
AT_SPI_BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
TOOLS = ("Xvfb", "dbus-launch", "orca", "speech-dispatcher", "xdotool")

# speech-dispatcher's generic module runs this for each utterance: append it to the transcript.
LOGGER_MODULE = """Debug 0
GenericExecuteSynth "printf %s \\'$DATA\\' >> {log}; echo >> {log}"
GenericLanguage "en" "en" "utf-8"
AddVoice "en" "MALE1" "logger"
DefaultVoice "logger"
"""

SPEECHD_CONF = """CommunicationMethod "unix_socket"
SocketPath "default"
Timeout 0
LogLevel 3
LogDir "{logdir}"
DefaultLanguage "en"
AddModule "logger" "sd_generic" "logger.conf"
DefaultModule logger
DisableAutoSpawn
AudioOutputMethod "libao"
"""

# Orca's defaults, but a page is not read from top to bottom as it loads (the journey starts at
# once); the page summary ("Page has 6 landmarks, ...") stays.
ORCA_SETTINGS = {
    "general": {"sayAllOnLoad": False, "pageSummaryOnLoad": True, "enableSpeech": True},
    "profiles": {"default": {"profile": ["Default", "default"]}},
    "pronunciations": {},
    "keybindings": {},
}


class Failed(Exception):
    pass


# Where the X server makes its socket and lock: fixed by X, not ours to choose.
X_SOCKETS = Path("/tmp/.X11-unix")  # noqa: S108


def free_display() -> int:
    for number in range(60, 200):
        if not (X_SOCKETS / f"X{number}").exists() and not (X_SOCKETS.parent / f".X{number}-lock").exists():
            return number
    raise Failed("no free X display number")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Desktop:
    """Xvfb, a D-Bus session, the accessibility bus, speech-dispatcher, Orca and Chromium."""

    def __init__(self, root: Path):
        self.root = root
        self.speech_log = root / "speech.log"
        self.processes: list[subprocess.Popen] = []
        self.env = dict(os.environ)
        self.mark = 0

    def start(self, name, args, **kwargs):
        with open(self.root / f"{name}.log", "wb") as out:
            process = subprocess.Popen(
                args, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
            )
        self.processes.append(process)
        return process

    def up(self):
        home = self.root / "home"
        runtime = self.root / "run"
        config = home / ".config"
        for folder in (home, runtime, config / "speech-dispatcher" / "modules", self.root / "orca"):
            folder.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        self.speech_log.touch()
        (config / "speech-dispatcher" / "speechd.conf").write_text(SPEECHD_CONF.format(logdir=self.root))
        (config / "speech-dispatcher" / "modules" / "logger.conf").write_text(
            LOGGER_MODULE.format(log=self.speech_log)
        )
        (self.root / "orca" / "user-settings.conf").write_text(json.dumps(ORCA_SETTINGS, indent=1))
        display = free_display()
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(config),
            XDG_RUNTIME_DIR=str(runtime),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            DISPLAY=f":{display}",
            GTK_MODULES="gail:atk-bridge",
        )
        self.env.pop("NO_AT_BRIDGE", None)
        self.start("xvfb", ["Xvfb", f":{display}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
        wait_until(lambda: (X_SOCKETS / f"X{display}").exists(), 10, "Xvfb did not start")
        bus = subprocess.run(
            ["dbus-launch", "--sh-syntax"], env=self.env, capture_output=True, text=True, check=True
        ).stdout
        for line in bus.splitlines():
            if line.startswith("DBUS_SESSION_BUS_ADDRESS="):
                self.env["DBUS_SESSION_BUS_ADDRESS"] = line.split("=", 1)[1].rstrip(";").strip("'")
            if line.startswith("DBUS_SESSION_BUS_PID="):
                self.dbus_pid = int(line.split("=", 1)[1].rstrip(";"))
        self.start("at-spi", [AT_SPI_BUS_LAUNCHER, "--launch-immediately"])
        time.sleep(1)
        self.start("speech-dispatcher", ["speech-dispatcher", "--run-single", "--timeout", "0"])
        socket_path = runtime / "speech-dispatcher" / "speechd.sock"
        wait_until(socket_path.exists, 20, "speech-dispatcher did not start")
        self.start("orca", ["orca", "--replace", "--user-prefs", str(self.root / "orca")])
        self.wait_for("Screen reader on", 30)

    def chromium(self, url: str, debugging_port: int):
        profile = self.root / "chromium" / "Default"
        profile.mkdir(parents=True)
        # No "Save password?" bubble to read out over the page.
        (profile / "Preferences").write_text(
            json.dumps({"credentials_enable_service": False, "profile": {"password_manager_enabled": False}})
        )
        args = [
            CHROMIUM,
            "--force-renderer-accessibility",
            f"--user-data-dir={self.root / 'chromium'}",
            f"--remote-debugging-port={debugging_port}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--password-store=basic",
            "--window-position=0,0",
            "--window-size=1280,1000",
        ]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        self.start("chromium", [*args, url])

    def focus_browser(self):
        def window():
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--class", "chromium"],
                env=self.env,
                capture_output=True,
                text=True,
            ).stdout.split()
            return found[0] if found else None

        wait_until(window, 30, "no Chromium window appeared")
        subprocess.run(["xdotool", "windowfocus", "--sync", window()], env=self.env, check=True)

    # -- keys and speech ---------------------------------------------------------------------------
    def key(self, *keys):
        subprocess.run(["xdotool", "key", "--delay", "120", *keys], env=self.env, check=True)

    def type(self, text):
        subprocess.run(["xdotool", "type", "--delay", "150", text], env=self.env, check=True)

    def said(self) -> str:
        return self.speech_log.read_text(errors="replace")

    def heard_since_mark(self) -> str:
        return self.said()[self.mark :]

    def set_mark(self):
        self.mark = len(self.said())

    def wait_for(self, phrase: str, seconds: float) -> str:
        wait_until(lambda: phrase in self.heard_since_mark(), seconds, f"Orca never said {phrase!r}")
        return self.heard_since_mark()

    def settle(self, quiet: float = 1.2, seconds: float = 10) -> str:
        """Wait until Orca has said nothing new for `quiet` seconds; what it said since the mark."""
        deadline = time.monotonic() + seconds
        last, since = self.said(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = self.said()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return self.heard_since_mark()

    def down(self):
        # One at a time, newest first: Orca ended before speech-dispatcher, or it starts another.
        for process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        if getattr(self, "dbus_pid", None):
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.dbus_pid, signal.SIGTERM)


def wait_until(check, seconds, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise Failed(message)


class Journey:
    def __init__(self, desktop: Desktop, page, base_url: str):
        self.desktop = desktop
        self.page = page
        self.base_url = base_url
        self.transcript: list[tuple[str, str]] = []
        self.failures: list[str] = []

    def step(self, action: str, do, expect=(), quiet=1.2, seconds=20) -> str:
        """Do `action`; wait (up to `seconds`: a busy machine slows Orca) until Orca has said every
        phrase expected, then until it is quiet; record what it said, and any phrase it did not."""
        self.desktop.set_mark()
        do()
        with contextlib.suppress(Failed):
            wait_until(
                lambda: all(p in " ".join(self.desktop.heard_since_mark().split()) for p in expect),
                seconds,
                "",
            )
        heard = self.desktop.settle(quiet=quiet)
        self.transcript.append((action, heard))
        flat = " ".join(heard.split())
        for phrase in expect:
            if phrase not in flat:
                self.failures.append(f"{action}: Orca did not say {phrase!r}")
        return flat

    def tabs_heard(self) -> int:
        return sum(line.strip() == "tab" for line in self.desktop.heard_since_mark().splitlines())

    def tab_to(self, phrase: str, limit: int = 40) -> str:
        self.desktop.set_mark()
        for presses in range(1, limit + 1):
            self.desktop.key("Tab")
            # Orca echoes the key ("tab") before it reads the next stop; a busy machine slows both.
            with contextlib.suppress(Failed):
                wait_until(lambda n=presses: self.tabs_heard() >= n, 5, "")
            time.sleep(0.5)
            if phrase in " ".join(self.desktop.heard_since_mark().split()):
                heard = self.desktop.settle()
                self.transcript.append((f"Tab until Orca says {phrase!r}", heard))
                return " ".join(heard.split())
        raise Failed(f"Tab never reached {phrase!r}; heard: {self.desktop.heard_since_mark()!r}")

    def run(self):
        page, desktop = self.page, self.desktop
        # Setup, not the journey: sign in as the project manager, open "Log a visit".
        page.goto(f"{self.base_url}/accounts/login/")
        page.get_by_label("Username").fill("pm")
        page.get_by_label("Password").fill(os.environ.get("DEMO_PASSWORD", "carehomes-demo"))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        desktop.focus_browser()
        self.step(
            "Open Log a visit",
            lambda: page.goto(f"{self.base_url}/visits/new/"),
            expect=["Finished loading Log a visit"],
        )

        # The person look-up. The first suggestion is highlighted as soon as there are any (the
        # library's autoselect for a select), so Down goes to the second.
        heard = self.tab_to("Who made the visit")
        for phrase in (
            "editable combo box",
            "Leave it empty if it was you. Project managers may log and correct visits for anyone",
            "Type to see matches",
        ):
            if phrase not in heard:
                self.failures.append(f"Tab into the person look-up: Orca did not say {phrase!r}")
        self.step(
            "Type 'hus'",
            lambda: desktop.type("hus"),
            expect=["2 results are available", "Anita Hussain 1 of 2 is highlighted"],
            quiet=2.0,
        )
        self.step(
            "Down arrow",
            lambda: desktop.key("Down"),
            expect=["Rory Hussain 2 of 2 is highlighted"],
            quiet=2.0,
        )
        self.step(
            "Up arrow", lambda: desktop.key("Up"), expect=["Anita Hussain 1 of 2 is highlighted"], quiet=2.0
        )
        self.step(
            "Down arrow",
            lambda: desktop.key("Down"),
            expect=["Rory Hussain 2 of 2 is highlighted"],
            quiet=2.0,
        )
        self.step(
            "Enter",
            lambda: desktop.key("Return"),
            expect=["Who made the visit editable combo box. Rory Hussain."],
        )
        chosen = page.locator("#id_staff").input_value()
        if chosen != "Rory Hussain":
            self.failures.append(f"The person look-up holds {chosen!r}, not 'Rory Hussain'")

        # The care-home look-up.
        heard = self.tab_to("Care home")
        if "Type to see matches" not in heard:
            self.failures.append("Tab into the care-home look-up: Orca did not say 'Type to see matches'")
        self.step(
            "Type 'brook'",
            lambda: desktop.type("brook"),
            expect=["2 results are available", "Brookfield House, LS16 1JG 1 of 2 is highlighted"],
            quiet=2.0,
        )
        # Enter on the highlighted suggestion while still in the box: the box's new text is read.
        self.step("Enter", lambda: desktop.key("Return"), expect=["Brookfield House, LS16 1JG"])
        chosen_home = page.locator("#id_care_home").input_value()
        if chosen_home != "Brookfield House, LS16 1JG":
            self.failures.append(
                f"The care-home look-up holds {chosen_home!r}, not 'Brookfield House, LS16 1JG'"
            )

        # Save with the required fields empty: the error summary is read out, every error in it.
        heard = self.tab_to("Save visit")
        # An empty count box is read as empty, not as a spin button holding 0.
        if "Minutes spent entry required" not in heard:
            self.failures.append("Tab through the form: Orca did not say 'Minutes spent entry required'")
        if "0.0" in heard:
            self.failures.append("Tab through the form: Orca read an empty box as '0.0'")
        self.step(
            "Enter on Save visit",
            lambda: desktop.key("Return"),
            expect=[
                "Error: Log a visit",
                "There is a problem",
                "Choose at least one activity",
                "Choose how the visit was made: on site, video or phone.",
                "Enter minutes spent.",
            ],
            quiet=2.5,
        )
        # Nothing misleading on the way: "No search results" before anything was typed.
        for action, heard in self.transcript:
            if "No search results" in heard:
                self.failures.append(f"{action}: Orca said 'No search results'")
        return self.failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8608")
    parser.add_argument("--transcript", type=Path)
    parser.add_argument("--keep", action="store_true", help="leave the desktop running afterwards")
    options = parser.parse_args(argv)

    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    missing += [path for path in (CHROMIUM, AT_SPI_BUS_LAUNCHER) if not Path(path).exists()]
    if missing:
        print("Missing: " + ", ".join(missing), file=sys.stderr)
        print(
            "apt-get install orca xvfb dbus-x11 at-spi2-core speech-dispatcher xdotool chromium",
            file=sys.stderr,
        )
        return 2

    from playwright.sync_api import sync_playwright

    base_url = options.base_url.rstrip("/")
    try:
        wait_until(lambda: _answers(f"{base_url}/accounts/login/"), 30, "")
    except Failed:
        print(
            f"The hub does not answer at {base_url} (run the demo server first: see --help)", file=sys.stderr
        )
        return 2

    root = Path(tempfile.mkdtemp(prefix="screen-reader-"))
    desktop = Desktop(root)
    journey = None
    started = time.monotonic()
    # Killed, the script still ends what it started (finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        desktop.up()
        port = free_port()
        desktop.chromium("about:blank", port)
        with sync_playwright() as playwright:
            browser = wait_until(
                lambda: _connect(playwright, port), 30, "could not reach Chromium's DevTools port"
            )
            page = browser.contexts[0].pages[0]
            page.set_default_timeout(15_000)
            journey = Journey(desktop, page, base_url)
            try:
                failures = journey.run()
            except Exception as error:  # a step that could not go on: report what was heard so far
                failures = [f"{type(error).__name__}: {error}"]
            status = report(journey, failures, options.transcript, root, started)
            if options.keep:
                print(f"Kept running: DISPLAY={desktop.env['DISPLAY']}, speech in {desktop.speech_log}.")
                print("Press Ctrl-C (or kill this script) to end it.")
                with contextlib.suppress(KeyboardInterrupt):
                    while True:
                        time.sleep(1)
            return status
    except Failed as error:
        return report(journey, [str(error)], options.transcript, root, started)
    finally:
        desktop.down()


def report(journey, failures, transcript_file, root, started) -> int:
    lines = []
    for action, heard in journey.transcript if journey else []:
        lines.append(f"## {action}")
        lines.extend(f"    {line}" for line in heard.strip().splitlines() if line.strip())
    text = "\n".join(lines)
    print(text)
    if transcript_file:
        transcript_file.write_text(text + "\n")
    print(f"\n{time.monotonic() - started:.0f} s; logs in {root}")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print("\nOK: Orca read every label, hint, suggestion count, option, choice and error checked.")
    return 0


def _answers(url) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a URL the user gave)
            return response.status == 200
    except OSError:
        return False


def _connect(playwright, port):
    try:
        return playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
    except Exception:
        return None


if __name__ == "__main__":
    sys.exit(main())
