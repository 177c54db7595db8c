"""``kb serve`` in a real browser: the server runs as a subprocess on a free loopback
port with a temporary KB_HOME; headless Chromium (Debian's, driven by Playwright through
its executable_path) opens the page, waits for the home screen, opens Search, types
``relu`` and finds ReLU among the results; a screenshot is saved; a second tab gets a
session of its own; the server then stops
on Ctrl-C with a session still open and leaves no process behind.

textual-serve draws the terminal with xterm.js on a canvas, so the page has no text to
query. An init script keeps the page's xterm.js ``Terminal`` when the page creates it,
and the test reads the terminal's screen buffer through xterm's public API: the text
the canvas shows, cell for cell. Needs /usr/bin/chromium (``.ci/browser.sh``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at "
                                    "/usr/bin/chromium (run .ci/browser.sh as root to install it)")

# Runs before the page's scripts: the first object that gets a ``terminal`` property
# holding something with a ``buffer`` (textual-serve's `this.terminal = new Terminal(...)`)
# hands it to window.__kbTerminal; the hook then removes itself.
KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && !window.__kbTerminal) {
      window.__kbTerminal = value;
      delete Object.prototype.terminal;
    }
  },
});
"""

SCREEN_TEXT = """
() => {
  const term = window.__kbTerminal;
  if (!term) return "";
  const buffer = term.buffer.active;
  const rows = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"kb serve exited with {server.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"kb serve did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


def wait_for_text(page, needle: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = page.evaluate(SCREEN_TEXT)
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} did not appear in the browser within {timeout:.0f}s; "
                         f"the terminal showed:\n{text}")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def serve_options():
    return []


@pytest.fixture
def kb_server(tmp_path, serve_options):
    """``kb serve`` on a free loopback port, in its own process group (the sessions it
    starts join the group, so an empty group afterwards means nothing was left)."""
    port = free_port()
    home = tmp_path / "kbhome"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("KB_DATABASE_URL", "KB_CONTENT_PATH", "KB_LANG", "KB_USER")}
    env.update(KB_HOME=str(home), HOME=str(tmp_path), PYTHONUNBUFFERED="1")
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "kb", "--lang", "en", "serve", "--host", "127.0.0.1", "--port", str(port),
         *serve_options],
        env=env, cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server.log_path = tmp_path / "serve.log"  # type: ignore[attr-defined]
    try:
        wait_for_port(port, server)
        yield server, f"http://127.0.0.1:{port}/"
    finally:
        log.close()
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if group_alive(server.pid):
            os.killpg(server.pid, signal.SIGKILL)


@needs_chromium
def test_search_for_relu_in_the_browser(kb_server, tmp_path):
    from playwright.sync_api import sync_playwright

    server, url = kb_server
    shot = tmp_path / "kb-serve-search-relu.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            env={**os.environ, "HOME": str(tmp_path)},
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.add_init_script(KEEP_TERMINAL)
            # The page asks Google for a web font; there is no network here, and the
            # "load" event would wait for it: the terminal is up at DOMContentLoaded.
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_function("() => window.__kbTerminal !== undefined", timeout=30_000)

            home = wait_for_text(page, "kb — deep learning")
            assert "Search" in home, home

            page.locator(".xterm-helper-textarea").focus()
            page.keyboard.press("/")
            wait_for_text(page, "Back")  # the search screen's footer
            page.keyboard.type("relu", delay=50)
            screen = wait_for_text(page, "ReLU")
            time.sleep(0.5)  # let the canvas catch up with the buffer before the picture
            page.screenshot(path=str(shot))
            print(f"\nscreenshot: {shot}")
            assert "kb — Search" in screen, screen
            assert "relu" in screen  # the query, as typed

            # A second tab is a session of its own: it opens on the home screen, and the
            # first tab's search stays where it was.
            other = context.new_page()
            other.add_init_script(KEEP_TERMINAL)
            other.goto(url, wait_until="domcontentloaded")
            wait_for_text(other, "kb — deep learning")
            assert "kb — Search" in page.evaluate(SCREEN_TEXT)
        finally:
            # Ctrl-C while the browser's session is still open, as a terminal sends it
            # (to the whole foreground process group): the sessions must end too.
            os.killpg(server.pid, signal.SIGINT)
            code = server.wait(timeout=20)
            browser.close()

    assert code == 0, server.log_path.read_text()
    log = server.log_path.read_text()
    assert "http://127.0.0.1:" in log and "Traceback" not in log, log
    deadline = time.monotonic() + 10
    while group_alive(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not group_alive(server.pid), "a kb session outlived kb serve"
    assert shot.stat().st_size > 10_000


def session_commands(pgid: int) -> list[str]:
    """The command lines of the processes in a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ProcessLookupError):
            continue
    return found


@pytest.mark.parametrize("serve_options", [["--user-header", "X-Remote-User"]])
def test_user_header_names_each_sessions_learner(kb_server, serve_options):
    """Behind an authenticating proxy, each session runs as the learner the proxy names;
    a request without the header is refused (no session, no page)."""
    import asyncio

    import aiohttp

    server, url = kb_server

    async def scenario() -> None:
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as r:
                assert r.status == 403
                assert "X-Remote-User" in await r.text()
            async with http.get(url, headers={"X-Remote-User": "alice"}) as r:
                assert r.status == 200
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await http.ws_connect(url + "ws?width=80&height=24")
            ws = await http.ws_connect(url + "ws?width=80&height=24", headers={"X-Remote-User": "-alice b"})
            try:
                first = await asyncio.wait_for(ws.receive(), timeout=60)
                assert first.type == aiohttp.WSMsgType.BINARY  # the app is drawing
                commands = session_commands(server.pid)
                assert any(c.rstrip().endswith("-m kb --lang en --user=-alice b") for c in commands), commands
            finally:
                await ws.close()

    asyncio.run(scenario())
