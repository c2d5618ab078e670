"""The dashboard's web server: Streamlit's own (app.py), plus the one address that hands a browser its
session cookie after a password sign-in, and takes it back on signing out. Streamlit scripts cannot set
an HttpOnly cookie, which is the kind scripts in the page cannot read. With `[auth]` in secrets.toml set up
wrong (a guessable cookie_secret above all), it also turns away the start of a sign-in through the identity
provider, and says in the log at start how to put it right; passwords still work. Every answer carries a
Content-Security-Policy that lets a page load and send nothing but from the dashboard itself, and a
page that fails shows a reference to the server log instead of a traceback.

Run it as `streamlit run dashboard/server.py` (what `make run` does)."""

import base64
import datetime as dt
import hashlib
import logging
import re
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard import failures
from pipelines import accounts, sessions, store


def _inline_scripts() -> list[str]:
    """Hashes of the scripts Streamlit's own page writes inline, read from the page it serves, so the
    policy allows exactly those (and keeps allowing them after Streamlit is upgraded)."""
    index = Path(st.__file__).with_name("static") / "index.html"
    return [f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
            for script in re.findall(r"<script>(.*?)</script>", index.read_text(), re.S)]


# Data shown on a page (a name, a plan, a file name) can never make a browser fetch from, send to or be
# framed by anywhere else, even if some day it reached the page as markup: Markdown's images and links
# are escaped on the way in (dashboard/formatting.plain) and this is the second line.
# - scripts: the dashboard's own files; 'wasm-unsafe-eval' for the WebAssembly that decodes the tables
#   Streamlit sends (Apache Arrow); blob: for the scripts of its own components (the session cookie's,
#   dashboard/signin.py), which Streamlit loads from memory. Charts (Vega) run without eval.
# - styles inline: Streamlit's components style themselves through style attributes and elements.
# - images and fonts as data: and blob: URLs, made in the page (icons, charts saved as PNG).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' blob: {' '.join(_inline_scripts())}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP answer (plain ASGI: Starlette's BaseHTTPMiddleware would
    hold each answer whole, and Streamlit streams some)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                message["headers"] = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"].extend(SECURITY_HEADERS)
            await send(message)

        return await self.app(scope, receive, with_headers)


def _same_site(request: Request) -> bool:
    """Only the dashboard's own pages may ask: a page elsewhere could otherwise sign a browser into the
    attacker's own account (login cross-site request forgery) or out of its own."""
    origin = request.headers.get("origin")
    return origin is not None and origin.split("://", 1)[-1] == request.headers.get("host")


def _claimed(token: str) -> bool:
    with store.opened() as conn, store.recording(conn):
        return sessions.claim(conn, token, dt.datetime.now())


def _ended(token: str) -> None:
    with store.opened() as conn, store.recording(conn):
        sessions.end(conn, token, dt.datetime.now())


async def session(request: Request) -> Response:
    if not _same_site(request):
        return Response("Not from this dashboard.", status_code=403)
    if request.method == "DELETE":
        token = request.cookies.get(sessions.COOKIE)
        if token:
            await run_in_threadpool(_ended, token)
        answer = Response(status_code=204)
        answer.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict")
        return answer
    token = (await request.body())[:200].decode("ascii", errors="replace")
    if not await run_in_threadpool(_claimed, token):
        return Response("No such sign-in.", status_code=403)
    answer = Response(status_code=204)
    answer.set_cookie(sessions.COOKIE, token, max_age=int(sessions.LASTS.total_seconds()), path="/",
                      httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return answer


def identity_setup_problem() -> str | None:
    """What is wrong with the `[auth]` section of secrets.toml, if it sets up a provider at all."""
    if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
        return None
    try:
        accounts.identity_providers(st.secrets["auth"])
    except ValueError as wrong:
        return str(wrong)
    return None


class IdentitySetupGate:
    """Streamlit would run a provider's sign-in, and sign its cookie, with any cookie_secret: while the
    setup is wrong its addresses answer with what to put right instead (its sign-out stays, to clear an
    old cookie)."""

    STARTS = ("/auth/login", "/oauth2callback")

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].endswith(self.STARTS):
            problem = await run_in_threadpool(identity_setup_problem)
            if problem:
                answer = Response(f"Sign-in through an identity provider is off: {problem}.", status_code=403)
                return await answer(scope, receive, send)
        await self.app(scope, receive, send)


if problem := identity_setup_problem():
    logging.getLogger("bynames").error("Sign-in through an identity provider is off: %s.", problem)

app = st.App(str(Path(__file__).with_name("app.py")),
             routes=[Route(sessions.PATH, session, methods=["POST", "DELETE"])],
             # The headers go outermost, so that every answer has them, refusals included.
             middleware=[Middleware(SecurityHeaders), Middleware(IdentitySetupGate)],
             on_script_error=failures.report)
