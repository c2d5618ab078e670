"""The dashboard's web server: Streamlit's own (app.py), plus the one address that hands a browser its
session cookie after a password sign-in, and takes it back on signing out. Streamlit scripts cannot set
an HttpOnly cookie, which is the kind scripts in the page cannot read.

Run it as `streamlit run dashboard/server.py` (what `make run` does)."""

import datetime as dt
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipelines import loading, sessions, store


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


app = st.App(str(Path(__file__).with_name("app.py")),
             routes=[Route(sessions.PATH, session, methods=["POST", "DELETE"])])
