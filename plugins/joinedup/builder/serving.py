"""A local preview of the built site, for ``tasks.py serve``: what it watches, and its HTTP server.

The HTTP server is a child process (Python's ``http.server``), not a thread of the process
that builds: a build forks renderer and validation workers, and forking a process that runs
other threads copies their locks in whatever state they are, which can deadlock a worker.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

# What a build reads, relative to the repository: a change to any of them means a rebuild.
# .git/logs/HEAD grows with every commit, pull, checkout or reset: pages show what git says
# (when a profile was last confirmed, a proposal's history), so a commit alone is a change too.
WATCHED = ("content", "volunteers", "data", "themes", "site.yaml", "pelicanconf.py", "publishconf.py",
           ".git/logs/HEAD")


def snapshot(root: Path) -> dict[str, float]:
    """The modification time of every watched file under ``root``, by path."""
    stamps = {}
    for name in WATCHED:
        top = root / name
        if top.is_file():
            stamps[name] = top.stat().st_mtime
            continue
        for folder, _, files in os.walk(top):
            for file in files:
                path = os.path.join(folder, file)
                try:
                    stamps[path] = os.lstat(path).st_mtime
                except OSError:
                    pass
    return stamps


class PreviewServer:
    """The site at ``site`` served on 127.0.0.1:``port`` by a child process, quietly.

    The child is this file run as a script (:func:`_serve`): it ends when :meth:`stop` is called
    or when its parent ends, however that ends (it reads its standard input, a pipe from the
    parent, until the pipe closes)."""

    def __init__(self, site: Path, port: int):
        self.site, self.port = site, port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start serving. Raises OSError (EADDRINUSE and the like) when the port cannot be
        listened on: it is bound briefly here first, so that a busy port is said at once."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", self.port))
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(self.site), str(self.port)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Its own process group: Ctrl-C reaches the parent alone, which stops the child.
            start_new_session=True,
        )

    def running(self) -> bool:
        """False once the child has ended (it could not listen after all, or was killed)."""
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ServerStopped(Exception):
    """The preview server ended on its own: another process took the port after all."""


def changes(root: Path, server: PreviewServer, *, every: float = 1.0) -> Iterator[None]:
    """Yields once each time a watched file under ``root`` changes, looking every ``every``
    seconds; raises ServerStopped when ``server`` is no longer running."""
    seen = snapshot(root)
    while True:
        time.sleep(every)
        if not server.running():
            raise ServerStopped()
        current = snapshot(root)
        if current != seen:
            seen = current
            yield


def _serve(site: str, port: int) -> None:
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    def end_with_parent():
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=end_with_parent, daemon=True).start()
    http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=site)).serve_forever()


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
