"""One place that turns Earful's errors into a status code and a JSON body (or a page)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from starlette.responses import Response

log = logging.getLogger(__name__)


def install(app: FastAPI) -> None:
    from earful.errors import ConfigError, EarfulError, InputError

    async def handle(request: Request, exc: Exception) -> Response:
        from fastapi.responses import JSONResponse

        body: dict[str, object] = {"error": str(exc)}
        status = 500
        if isinstance(exc, InputError):
            status = 422
            body.update(line=exc.line, column=exc.column, field=exc.field)
        elif isinstance(exc, ConfigError):
            status = 422
            body.update(field=exc.key)
        else:
            log.warning("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
        return JSONResponse(body, status_code=status)

    app.add_exception_handler(EarfulError, handle)
