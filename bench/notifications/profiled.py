"""The notifications service under cProfile, for ``run.py --profile``: stats written on SIGTERM.

``profiled.py OUT`` serves (consumer and relay); ``profiled.py OUT dispatch`` is a dispatch
worker (``run.py --profile`` runs the first worker so, writing ``OUT.dispatch``).

uvicorn re-raises the signal that stopped it once it has shut down; the handler installed here
turns that into SystemExit, so the profile is dumped instead of the process dying unwritten.
"""

from __future__ import annotations

import asyncio
import cProfile
import signal
import sys
from types import FrameType

import uvicorn

from tandem_notifications.bootstrap import build_app, run_worker
from tandem_notifications.settings import NotificationsSettings


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(out: str, role: str = "serve") -> None:
    """Serve (or dispatch) until SIGTERM, profiling the event loop's thread, then write the
    stats to ``out``."""
    signal.signal(signal.SIGTERM, _exit)
    settings = NotificationsSettings()
    profile = cProfile.Profile()
    profile.enable()
    try:
        if role == "dispatch":
            asyncio.run(run_worker(settings))
        else:
            app = build_app(settings)
            uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)
    finally:
        profile.disable()
        profile.dump_stats(out)


if __name__ == "__main__":
    main(*sys.argv[1:3])
