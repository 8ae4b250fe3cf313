"""The desktop `screen_reader_check.py` drives: Xvfb, a D-Bus session, the accessibility bus,
speech-dispatcher writing each utterance to a file, Orca and Chromium, with the keys pressed through
xdotool and what Orca said read back from the transcript."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
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
