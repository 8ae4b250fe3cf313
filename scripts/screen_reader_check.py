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
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from orca_desktop import AT_SPI_BUS_LAUNCHER, CHROMIUM, TOOLS, Desktop, Failed, free_port, wait_until


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
