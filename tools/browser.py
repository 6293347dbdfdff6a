"""Headless Chromium for the browser tests: find or install Debian's build, and its flags.

Playwright for Python is used as a driver only, pointed at ``/usr/bin/chromium``
(``executable_path``): ``playwright install`` would download browsers, which this project never does.
The fake camera (``--use-file-for-fake-video-capture``) plays a Y4M file built by ``tools.fake_camera``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_SCRIPT = Path(__file__).resolve().parent / "install_chromium.sh"
# Flags this machine needs (no sandbox as root in a container, no GPU, no network chatter).
BASE_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync")


class ChromiumUnavailableError(RuntimeError):
    """Chromium is not installed and could not be installed."""


def ensure_chromium(install: bool = True) -> Path:
    """The Chromium executable; runs ``tools/install_chromium.sh`` (apt-get) when it is missing."""
    found = CHROMIUM if CHROMIUM.exists() else (Path(p) if (p := shutil.which("chromium")) else None)
    if found is not None:
        return found
    if not install:
        raise ChromiumUnavailableError("chromium is not installed: run tools/install_chromium.sh")
    # Our own script at a fixed path, no input from outside.
    done = subprocess.run(["/bin/sh", str(INSTALL_SCRIPT)],  # noqa: S603
                          capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0 or not CHROMIUM.exists():
        raise ChromiumUnavailableError(f"installing chromium failed (tools/install_chromium.sh): {done.stderr[-2000:]}")
    return CHROMIUM


def chromium_version(executable: Path) -> str:
    return subprocess.run([str(executable), "--version"], capture_output=True,  # noqa: S603 text=True, timeout=60,
                          check=True).stdout.strip()


def chromium_args(user_data_dir: Path, fake_video: Path | None = None) -> list[str]:
    """Launch flags: the base set, a fresh profile, and a fake camera playing ``fake_video`` if given."""
    args = [*BASE_FLAGS, f"--user-data-dir={user_data_dir}"]
    if fake_video is not None:
        args += ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                 f"--use-file-for-fake-video-capture={fake_video}"]
    return args
