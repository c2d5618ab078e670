"""The dashboard's web server: Streamlit's own (app.py), plus the one address that hands a browser its
session cookie after a password sign-in, and takes it back on signing out. Streamlit scripts cannot set
an HttpOnly cookie, which is the kind scripts in the page cannot read. With `[auth]` in secrets.toml set up
wrong (a guessable cookie_secret above all), it also turns away the start of a sign-in through the identity
provider, and says in the log at start how to put it right; passwords still work.

Run it as `streamlit run dashboard/server.py` (what `make run` does)."""

import datetime as dt
import logging
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipelines import accounts, loading, sessions, store


def _same_site(request: Request) -> bool:
    """Only the dashboard's own pages may ask: a page elsewhere could otherwise sign a browser into the
    attacker's own account (login cross-site request forgery) or out of its own."""
    origin = request.headers.get("origin")
    return origin is not None and origin.split("://", 1)[-1] == request.headers.get("host")


def _claimed(token: str) -> bool:
    with store.opened() as conn, loading.writing():
        return sessions.claim(conn, token, dt.datetime.now())


def _ended(token: str) -> None:
    with store.opened() as conn, loading.writing():
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
             middleware=[Middleware(IdentitySetupGate)])
