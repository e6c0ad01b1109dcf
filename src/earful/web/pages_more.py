"""Pages for themes, alerts, people, articles, the coach and conference mode.

Each calls the same view functions as the API (:mod:`earful.web.insight_views`,
:mod:`earful.web.people_views`); a bad input is shown on the page, never a stack trace."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from earful.errors import EarfulError
from earful.web import insight_views as iv
from earful.web import people_views as pv
from earful.web import views
from earful.web.deps import WebState, get_state
from earful.web.pages import render

State = Annotated[WebState, Depends(get_state)]
Text = Annotated[str, Query(max_length=2000)]


def _weeks(state: WebState) -> list[dict[str, Any]]:
    from earful.engage.ledger import roi

    return [w.to_dict() for w in roi(state.reader(), state.workspace.config, weeks=1)]


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/themes")
    def themes_page(request: Request, state: State, product: Text = "") -> Response:
        name = iv.product_name(state, product or None)
        return render(
            request,
            "themes.html",
            themes=iv.themes(state, name),
            product=name,
            products=iv.products(state),
            title="Themes",
        )

    @r.get("/themes/{theme_id}")
    def theme_page(request: Request, state: State, theme_id: int) -> Response:
        try:
            theme = iv.theme(state, theme_id)
        except EarfulError as exc:
            return render(request, "message.html", 404, message=str(exc), title="Theme")
        title = f"Theme {theme_id}"
        return render(request, "theme.html", t=theme, weeks=_weeks(state), title=title)

    @r.get("/alerts")
    def alerts_page(
        request: Request, state: State, show_all: Annotated[str, Query(alias="all")] = ""
    ) -> Response:
        rows = iv.alerts(state, show_all=bool(show_all))
        return render(request, "alerts.html", alerts=rows, show_all=bool(show_all), title="Alerts")

    @r.get("/people")
    def people_page(request: Request, state: State, topic: Text = "", peers: str = "") -> Response:
        error, found = None, []
        try:
            found = pv.people(state, topic, peers=bool(peers))
        except EarfulError as exc:
            error = str(exc)
        return render(
            request,
            "people.html",
            people=found,
            topic=topic,
            peers=bool(peers),
            error=error,
            weeks=_weeks(state),
            title="Peers" if peers else "Experts",
        )

    @r.get("/articles")
    def articles_page(
        request: Request, state: State, topic: Text = "", queue: str = "1"
    ) -> Response:
        error, found = None, []
        try:
            found = pv.articles(state, topic, queue=bool(queue))
        except EarfulError as exc:
            error = str(exc)
        return render(
            request,
            "articles.html",
            articles=found,
            topic=topic,
            queue=bool(queue),
            error=error,
            weeks=_weeks(state),
            limits=views.publish_limits(),
            networks=views.own_networks(state),
            title="Articles",
        )

    @r.get("/coach")
    def coach_page(request: Request, state: State, handle: Text = "") -> Response:
        error, reports = None, []
        try:
            reports = pv.coach(state, handle)
        except EarfulError as exc:
            error = str(exc)
        return render(request, "coach.html", reports=reports, days=30, error=error, title="Coach")

    @r.get("/event")
    def event_page(
        request: Request,
        state: State,
        tag: Text = "",
        start: Annotated[str, Query(alias="from", max_length=40)] = "",
        end: Annotated[str, Query(alias="to", max_length=40)] = "",
    ) -> Response:
        error, ev = None, None
        if tag.strip():
            try:
                ev = pv.event(state, tag, start or None, end or None)
            except EarfulError as exc:
                error = str(exc)
        return render(
            request, "event.html", tag=tag, start=start, end=end, ev=ev, error=error, title="Event"
        )

    return r
