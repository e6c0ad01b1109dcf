"""The dashboard's pages: server-rendered (Jinja2, autoescape on), enhanced by static/*.js."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from earful.web import views
from earful.web.deps import WebState, get_state

if TYPE_CHECKING:
    from jinja2 import Environment

State = Annotated[WebState, Depends(get_state)]
NAV = (
    ("/today", "Today", "d"),
    ("/queue", "Queue", "q"),
    ("/search", "Search", "s"),
    ("/themes", "Themes", "h"),
    ("/alerts", "Alerts", "l"),
    ("/people", "People", "p"),
    ("/articles", "Articles", "r"),
    ("/coach", "Coach", "c"),
    ("/event", "Event", "v"),
    ("/trends", "Trends", "t"),
    ("/sources", "Sources", "o"),
    ("/settings", "Settings", "e"),
)
_env: dict[str, Environment] = {}


def templates() -> Environment:
    if "env" not in _env:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        _env["env"] = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _env["env"].filters["href"] = href
    return _env["env"]


def href(url: str | None) -> str:
    """``url`` when it is http(s), else a harmless ``#`` (no ``javascript:`` or ``data:`` links)."""
    text = (url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else "#"


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    state: WebState = request.app.state.earful
    html = (
        templates()
        .get_template(name)
        .render(
            request_path=request.url.path,
            nav=NAV,
            csrf=request.state.csrf,
            login=state.guard.needs_login,
            workspace=state.workspace.config.name,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    def home() -> Response:
        return RedirectResponse("/today", status_code=303)

    @r.get("/today")
    def today_page(request: Request, state: State) -> Response:
        from earful.engage.ledger import roi

        store = state.reader()
        digest = views.digest(state)
        weeks = [w.to_dict() for w in roi(store, state.workspace.config, weeks=4)]
        return render(request, "today.html", digest=digest, weeks=weeks, title="Today")

    @r.get("/queue")
    def queue_page(request: Request, state: State, status: str = "new") -> Response:
        from earful.engage.ledger import roi
        from earful.engage.queue import answer_queue

        status = status if status in ("new", "answered", "dismissed", "snoozed") else "new"
        store = state.reader()
        items = answer_queue(store, state.workspace.config, states=(status,), limit=100)
        weeks = [w.to_dict() for w in roi(store, state.workspace.config, weeks=1)]
        return render(
            request,
            "queue.html",
            items=[i.to_dict() for i in items],
            weeks=weeks,
            tab=status,
            limits=views.publish_limits(),
            title="Queue",
        )

    @r.get("/search")
    def search_page(
        request: Request,
        state: State,
        q: Annotated[str, Query(max_length=2000)] = "",
        order: str = "newest",
        offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    ) -> Response:
        from earful.errors import QueryError

        order = order if order in ("newest", "oldest", "popular") else "newest"
        error, result = None, None
        try:
            result = views.search(state, q, limit=50, offset=offset, order=order)
        except QueryError as exc:
            error = str(exc)
        from earful.web.data import label_values

        return render(
            request,
            "search.html",
            q=q,
            order=order,
            offset=offset,
            error=error,
            result=result,
            fields=state.cached("label-values", 300.0, lambda: label_values(state.reader())),
            title="Search",
        )

    @r.get("/trends")
    def trends_page(
        request: Request,
        state: State,
        q: Annotated[str, Query(max_length=2000)] = "",
        days: int = 90,
        product: Annotated[str, Query(max_length=200)] = "",
    ) -> Response:
        from earful.web.insight_views import product_name

        return render(
            request,
            "trends.html",
            q=q,
            days=max(1, min(days, 3650)),
            product=product_name(state, product or None),
            title="Trends",
        )

    @r.get("/sources")
    def sources_page(request: Request, state: State) -> Response:
        return render(request, "sources.html", data=views.sources(state), title="Sources")

    @r.get("/settings")
    def settings_page(request: Request, state: State) -> Response:
        return render(request, "settings.html", data=views.settings(state), title="Settings")

    @r.get("/api/docs")
    def api_docs(request: Request) -> Response:
        spec = request.app.openapi()
        routes = [
            (method.upper(), path, op.get("summary", ""), op.get("tags", [""])[0])
            for path, ops in spec["paths"].items()
            for method, op in ops.items()
        ]
        return render(request, "apidocs.html", routes=routes, title="API")

    @r.get("/login")
    def login_page(request: Request, error: str | None = None) -> Response:
        return render(request, "login.html", error=error, title="Sign in")

    @r.post("/login")
    def login(
        request: Request,
        state: State,
        token: Annotated[str, Form(max_length=1000)],
        csrf_token: Annotated[str, Form(max_length=200)],
    ) -> Response:
        import hmac

        from earful.web.security import CSRF_COOKIE, SESSION_COOKIE

        cookie = request.cookies.get(CSRF_COOKIE, "")
        guard = state.guard
        if not cookie or not hmac.compare_digest(cookie, csrf_token):
            return render(
                request, "login.html", 403, error="Session expired; try again.", title="Sign in"
            )
        if not guard.check_token(token):
            return render(request, "login.html", 401, error="Wrong token.", title="Sign in")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE, guard.session_value(), httponly=True, samesite="strict", path="/"
        )
        return response

    @r.post("/logout")
    def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
        import hmac

        from earful.web.security import CSRF_COOKIE, SESSION_COOKIE

        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, csrf_token):
            return Response("missing or wrong CSRF token", status_code=403)

        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return r
