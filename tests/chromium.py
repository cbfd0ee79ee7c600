"""A small driver for headless Chromium over the DevTools protocol (CDP), for tests and benchmarks.

Playwright's Python package downloads its own browser; this drives the Chromium the system
has (Debian's ``chromium``), with nothing but the ``websockets`` package. It records console
messages, uncaught exceptions and network traffic, which the tests assert on.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import NoReturn

from websockets.sync.client import connect

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    """The path of a Chromium-like browser, or None. ``CHROMIUM`` overrides the search."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


# Set to 1 to run the suite without the browser and accessibility tests, on a machine that
# lacks Chromium, Java or npm: without it, a missing tool fails those tests, so that a run
# that checked no page in a browser is never mistaken for a green one.
SKIP_BROWSER = "JOINEDUP_SKIP_BROWSER"


def missing_tool(reason: str) -> NoReturn:
    """Fail the test for want of a tool (Chromium, Java, npm), or skip it when the run asked
    for that with JOINEDUP_SKIP_BROWSER=1."""
    import pytest

    if os.environ.get(SKIP_BROWSER) == "1":
        pytest.skip(f"{reason} ({SKIP_BROWSER}=1)")
    pytest.fail(f"{reason}. Install it (bash .ci/run installs what the tests need), or set {SKIP_BROWSER}=1 "
                "to run the other tests without the browser and accessibility ones.", pytrace=False)


def chromium_for_tests() -> str:
    """The browser for a test; a missing one fails it (see missing_tool)."""
    executable = find_chromium()
    if executable is None:
        missing_tool("Chromium is not installed (Debian's chromium)")
    return executable


class BrowserError(Exception):
    pass


class Chromium:
    """One headless browser with one page; use as a context manager."""

    def __init__(self, executable: str, *, width: int = 1280, height: int = 900):
        self.profile = tempfile.mkdtemp(prefix="joinedup-chromium-")
        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
             f"--window-size={width},{height}", "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise BrowserError(f"{executable} did not start (exit {self.process.returncode})")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.socket = connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=30, proxy=None, legacy=True)
        self._next = 0
        self.events: list[dict] = []
        target = self.command("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.command("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        # Workers (Pagefind searches in one) report their console and network on their own session.
        self.send("Target.setAutoAttach", autoAttach=True, waitForDebuggerOnStart=True, flatten=True)
        self.send("Network.setCacheDisabled", cacheDisabled=False)

    # --- protocol -------------------------------------------------------------------------

    def command(self, method: str, session: str | None = None, timeout: float = 30, **params) -> dict:
        self._next += 1
        ident = self._next
        message = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"no answer to {method}")
            reply = json.loads(self.socket.recv(timeout=remaining))
            if reply.get("id") == ident:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._event(reply)

    def _fire(self, method: str, session: str, **params) -> None:
        self._next += 1
        self.socket.send(json.dumps({"id": self._next, "method": method, "params": params, "sessionId": session}))

    def _event(self, message: dict) -> None:
        self.events.append(message)
        if message["method"] == "Target.attachedToTarget":
            worker = message["params"]["sessionId"]
            for domain in ("Runtime", "Log", "Network"):
                self._fire(f"{domain}.enable", worker)
            self._fire("Runtime.runIfWaitingForDebugger", worker)

    def send(self, method: str, **params) -> dict:
        """A command to the page."""
        return self.command(method, session=self.session, **params)

    def pump(self, seconds: float = 0.05) -> None:
        """Collect the events that arrive within ``seconds``."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(self.socket.recv(timeout=remaining))
            except TimeoutError:
                return
            if "method" in message:
                self._event(message)

    # --- what tests use -------------------------------------------------------------------

    def goto(self, url: str, timeout: float = 30) -> None:
        """Load ``url`` and wait for its load event; refuses (BrowserError) a page that is not
        there: a failed navigation, or an HTTP error status such as 404 for the document."""
        start = len(self.events)
        navigation = self.send("Page.navigate", url=url)
        if navigation.get("errorText"):
            raise BrowserError(f"{url} did not load: {navigation['errorText']}")
        deadline = time.monotonic() + timeout
        while not any(e["method"] == "Page.loadEventFired" for e in self.events[start:]):
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} did not load")
            self.pump()
        for event in self.events[start:]:
            params = event.get("params", {})
            if (event["method"] == "Network.responseReceived" and params.get("type") == "Document"
                    and params.get("loaderId") == navigation.get("loaderId") and params["response"]["status"] >= 400):
                raise BrowserError(f"{url} answered {params['response']['status']}, not the page")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('exception', {}).get('description')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15):
        """Poll ``expression`` until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}")
            self.pump(0.05)

    def type_text(self, text: str) -> None:
        for character in text:
            self.send("Input.dispatchKeyEvent", type="keyDown", text=character, key=character)
            self.send("Input.dispatchKeyEvent", type="keyUp", key=character)

    def press(self, key: str, code: str, key_code: int, text: str = "") -> None:
        """Press and release one key on the focused element (``text`` for keys that type, such as Enter)."""
        down = {"type": "keyDown", "text": text} if text else {"type": "rawKeyDown"}
        self.send("Input.dispatchKeyEvent", key=key, code=code, windowsVirtualKeyCode=key_code, **down)
        self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=key_code)

    def click(self, selector: str) -> None:
        """Click the middle of the first element matching ``selector`` with the mouse, as a person would."""
        box = self.evaluate(f"(e => {{ e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();"
                            f" return [r.x + r.width / 2, r.y + r.height / 2]; }})(document.querySelector({selector!r}))")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and failed requests seen so far."""
        self.pump()
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                found.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif event["method"] == "Runtime.exceptionThrown":
                found.append("exception: " + params["exceptionDetails"].get("exception", {}).get("description", ""))
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append("log: " + params["entry"]["text"])
            elif event["method"] == "Network.loadingFailed" and not params.get("canceled"):
                found.append(f"network: {params.get('errorText')}")
            elif event["method"] == "Network.responseReceived" and params["response"]["status"] >= 400:
                found.append(f"http {params['response']['status']}: {params['response']['url']}")
        return found

    def traffic(self, since: int = 0) -> tuple[int, list[str]]:
        """Bytes received over the network (encoded, as sent) and the URLs, for events after ``since``."""
        self.pump()
        urls = {}
        total = 0
        for event in self.events[since:]:
            params = event.get("params", {})
            if event["method"] == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
            elif event["method"] == "Network.loadingFinished":
                total += int(params.get("encodedDataLength", 0))
        return total, list(urls.values())

    def close(self) -> None:
        try:
            self.socket.close()
        except Exception:
            pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".json": "application/json", ".pagefind": "application/wasm"}

    def log_message(self, format, *args):
        pass


class _WithHeaders(_Quiet):
    headers_to_send: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()


class StaticServer:
    """The folder served on 127.0.0.1 at a free port, in a thread, with ``headers`` on every response."""

    def __init__(self, folder: Path, port: int = 0, headers: dict[str, str] | None = None):
        handler_class = type("Handler", (_WithHeaders,), {"headers_to_send": dict(headers or {})})
        handler = functools.partial(handler_class, directory=str(folder))
        socketserver.TCPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

