"""``kb serve``: the app in the browser, through textual-serve.

Each browser tab (each websocket) starts its own ``python -m kb`` process, so every tab
is its own kb session; the sessions share the server's environment (``KB_HOME``,
``KB_DATABASE_URL``, ``KB_USER``, content packs, language), or, with ``--user-header``,
each session's learner is the name an authenticating reverse proxy puts in that header.
The app has no login: on anything but loopback, put it behind a reverse proxy that
authenticates (README, "Classroom: kb in the browser").
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import sys
from pathlib import Path

from kb.cli import UserError
from kb.errors import UNAVAILABLE
from kb.i18n import tr

README_SECTION = "README.md, “Classroom: kb in the browser”"


def register(sub: argparse._SubParsersAction, lang: str = "en") -> None:
    p = sub.add_parser(
        "serve",
        help=tr(lang, "serve the app to web browsers (one kb session per browser tab)",
                "通过网页浏览器提供应用（每个浏览器标签页一个 kb 会话）"),
        description=tr(lang, "Serve the app over HTTP with textual-serve: each browser tab runs its own kb "
                       "session with this command's environment (KB_HOME, KB_DATABASE_URL, KB_USER, --lang, "
                       "--content). The app has no login: keep the default loopback host, or put it behind a "
                       "reverse proxy with authentication (see the README). Ctrl-C stops the server.",
                       "用 textual-serve 通过 HTTP 提供应用：每个浏览器标签页都以本命令的环境"
                       "（KB_HOME、KB_DATABASE_URL、KB_USER、--lang、--content）运行自己的 kb 会话。"
                       "应用没有登录功能：请保持默认的本机回环地址，或放在带身份验证的反向代理之后（见 README）。"
                       "按 Ctrl-C 停止服务器。"),
    )
    p.add_argument("--host", default="127.0.0.1", help=tr(lang, "address to listen on (default 127.0.0.1)",
                                                          "监听地址（默认 127.0.0.1）"))
    p.add_argument("--port", type=int, default=8000, help=tr(lang, "port to listen on (default 8000)",
                                                             "监听端口（默认 8000）"))
    p.add_argument("--public-url", metavar="URL",
                   help=tr(lang, "the URL browsers use to reach the server, when a proxy changes it "
                           "(default: taken from each request's Host and X-Forwarded-Proto headers)",
                           "代理改变了地址时，浏览器访问服务器所用的 URL"
                           "（默认取自每个请求的 Host 和 X-Forwarded-Proto 头）"))
    p.add_argument("--user-header", metavar="HEADER",
                   help=tr(lang, "take each session's learner (as --user) from this request header, which "
                           "an authenticating reverse proxy sets, e.g. X-Remote-User; requests without it "
                           "are refused. Only with a proxy in front: a browser can send any header",
                           "从这个请求头（由带身份验证的反向代理设置，如 X-Remote-User）取每个会话的学习者"
                           "（相当于 --user）；没有该请求头的请求会被拒绝。只能在前面有代理时使用：浏览器可以发送任意请求头"))
    p.set_defaults(func=cmd_serve)


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (``localhost``, 127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(args: argparse.Namespace) -> str:
    """The shell command each browser session runs: this interpreter's kb app, with the
    language (when chosen explicitly, so that otherwise each learner's saved choice wins)
    and content packs of this command. Everything else travels in the environment."""
    argv = [sys.executable, "-m", "kb"]
    explicit = bool(os.environ.get("KB_LANG")) or any(
        a == "--lang" or a.startswith("--lang=") for a in sys.argv[1:])
    if explicit and args.lang:
        argv += ["--lang", args.lang]
    for folder in args.content or []:
        argv += ["--content", str(Path(folder).resolve())]
    return shlex.join(argv)


def child_pids() -> list[int]:
    """This process's child processes, zombies included (they are not reaped yet);
    empty where there is no /proc."""
    me, found = os.getpid(), []
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 1 and int(fields[1]) == me:
            found.append(int(name))
    return found


def _server_class():
    import asyncio
    import logging

    from aiohttp import WSCloseCode, web
    # textual-serve is aiohttp and Rich: it never imports Textual (each session runs the
    # TUI in a process of its own).
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    from kb.progress.learner import check_learner

    log = logging.getLogger("textual-serve")

    class KbServer(Server):
        """textual-serve's server, with kb's start-up message; the page's URLs taken from
        the request (so a browser on another machine, or behind a proxy that keeps the
        Host header, connects back to where it came from) unless --public-url is set; each
        session's learner taken from --user-header when set; and open sessions closed on
        Ctrl-C rather than waited for."""

        def __init__(self, command: str, *, host: str, port: int, public_url: str | None,
                     user_header: str | None, shown_url: str, lang: str) -> None:
            super().__init__(command, host=host, port=port, title="kb", public_url=public_url)
            self.fixed_public_url = public_url
            self.user_header = user_header
            self.shown_url = shown_url
            self.lang = lang
            self.sockets: set[web.WebSocketResponse] = set()

        def initialize_logging(self) -> None:  # textual-serve logs every session at INFO
            super().initialize_logging()
            log.setLevel(logging.WARNING)
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app: web.Application) -> None:
            t = self.lang
            print(tr(t, f"kb serve: open {self.shown_url} in a browser (each tab is its own session)",
                     f"kb serve：在浏览器中打开 {self.shown_url}（每个标签页都是独立的会话）"), flush=True)
            if self.user_header:
                print(tr(t, f"Each session's learner is the {self.user_header} header set by your proxy.",
                         f"每个会话的学习者取自代理设置的 {self.user_header} 请求头。"), flush=True)
            print(tr(t, "Press Ctrl+C to stop.", "按 Ctrl+C 停止。"), flush=True)

        async def on_shutdown(self, app: web.Application) -> None:
            # Ctrl-C: aiohttp waits for open handlers before it exits, and a session's
            # handler only returns when its websocket closes; closing them here ends each
            # session's kb process (textual-serve tells it to quit and waits for it).
            await asyncio.gather(*(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")
                                   for ws in list(self.sockets)), return_exceptions=True)
            # Then wait (bounded) for the sessions to end and their processes to be
            # reaped: asyncio reaps a child from a thread and reports to the loop, and a
            # report that finds the loop closed prints a traceback at exit.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while (self.sockets or child_pids()) and loop.time() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.1)

        def learner(self, request: web.Request) -> str | None:
            """The learner named by --user-header (None without that option), or 403."""
            if not self.user_header:
                return None
            try:
                return check_learner(request.headers.get(self.user_header, ""))
            except ValueError:
                raise web.HTTPForbidden(text=tr(
                    self.lang,
                    f"kb serve: this server takes the learner's name from the {self.user_header} header, "
                    "and this request has none (or an invalid one): open kb through the class's proxy",
                    f"kb serve：此服务器从 {self.user_header} 请求头获取学习者名称，但此请求没有（或无效）："
                    "请通过课程的代理打开 kb",
                )) from None

        async def handle_index(self, request: web.Request):
            self.learner(request)
            if self.fixed_public_url is None:
                scheme = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
                host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
                if scheme not in ("http", "https"):
                    scheme = "http"
                # Nothing awaits between here and the template's use of the URL, so
                # concurrent requests cannot see each other's value.
                self.public_url = f"{scheme}://{host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            # textual-serve's handler, with the command chosen per session and the socket
            # kept for on_shutdown.
            learner = self.learner(request)
            command = self.command if learner is None else f"{self.command} {shlex.quote('--user=' + learner)}"
            websocket = web.WebSocketResponse(heartbeat=15)
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            app_service = None
            self.sockets.add(websocket)
            try:
                await websocket.prepare(request)
                async def close_socket(socket: web.WebSocketResponse = websocket) -> None:
                    await socket.close()  # AppService awaits a close that returns nothing

                app_service = AppService(command, write_bytes=websocket.send_bytes,
                                         write_str=websocket.send_str, close=close_socket,
                                         download_manager=self.download_manager, debug=self.debug)
                await app_service.start(width, height)
                await self._process_messages(websocket, app_service)
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # noqa: BLE001 - one session's failure is logged, not fatal
                log.exception(error)
            finally:
                try:
                    if app_service is not None:
                        await app_service.stop()
                finally:
                    self.sockets.discard(websocket)
            return websocket

    return KbServer


def cmd_serve(args: argparse.Namespace) -> int:
    import importlib.util
    import socket

    lang = args.lang
    if not 0 < args.port < 65536:
        raise UserError(tr(lang, f"--port {args.port} is not a port number; use 1–65535",
                           f"--port {args.port} 不是端口号；请使用 1–65535"))
    if importlib.util.find_spec("textual_serve") is None:
        raise UserError(tr(lang, "kb serve needs textual-serve: pip install textual-serve",
                           "kb serve 需要 textual-serve：pip install textual-serve"), code=UNAVAILABLE)

    # Fail with one sentence when the port is taken, before textual-serve prints anything.
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((args.host.strip("[]"), args.port))
    except OSError as exc:
        raise UserError(tr(lang, f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); "
                           "choose another --port or --host",
                           f"无法在 {args.host}:{args.port} 上监听（{exc.strerror or exc}）；"
                           "请换一个 --port 或 --host"), code=UNAVAILABLE) from None

    if not is_loopback(args.host):
        print(tr(lang,
                 f"kb serve: warning: listening on {args.host}, so anyone who can reach this port "
                 "can use kb and change its learners' progress: the app has no login. Put it behind a reverse proxy "
                 f"with authentication ({README_SECTION}).",
                 f"kb serve：警告：正在 {args.host} 上监听，任何能访问此端口的人都能使用 kb 并改动学习者的进度："
                 f"应用没有登录。请把它放在带身份验证的反向代理之后（{README_SECTION}）。"),
              file=sys.stderr, flush=True)

    shown_host = args.host
    if shown_host in ("0.0.0.0", "::", ""):
        shown_host = socket.gethostname()
    elif ":" in shown_host and not shown_host.startswith("["):
        shown_host = f"[{shown_host}]"
    shown_url = args.public_url or f"http://{shown_host}:{args.port}"

    server = _server_class()(app_command(args), host=args.host, port=args.port,
                             public_url=args.public_url, user_header=args.user_header,
                             shown_url=shown_url, lang=lang)
    server.serve()  # returns on Ctrl-C or SIGTERM (textual-serve stops every session)
    print(tr(lang, "kb serve: stopped", "kb serve：已停止"), file=sys.stderr)
    return 0
