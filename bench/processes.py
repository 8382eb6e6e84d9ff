"""Stopping the servers and workers a benchmark started, each in its own session (``start_new_session=True``)."""

from __future__ import annotations

import os
import signal
import subprocess


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM to the process group (gunicorn's master and workers, or an events worker), SIGKILL after 20 s."""
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
