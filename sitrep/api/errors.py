"""One JSON shape for every error the API returns, 4xx and 5xx alike:

    {"error": {"status": 404, "code": "not_found", "message": "no event 'abc'"}}

SitrepErrors map to a status by class (NotFoundError 404, InputError 400, StoreBusyError 503 with Retry-After,
any other StoreError 500; no message carries SQL or its parameters: sitrep.store.failures); HTTP
errors (unknown routes, wrong methods), validation errors and unforeseen exceptions get the same shape.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sitrep.errors import InputError, NotFoundError, SettingsError, SitrepError, StoreBusyError, StoreError

log = logging.getLogger(__name__)

# Seconds a client is told to wait after a 503 for a busy database: about one after-batch step of merging
# (sitrep.pipeline.AFTER_BATCH_STEP documents take 0.1-0.3 s) plus the writer queue ahead of it.
RETRY_AFTER_SECONDS = 2

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 422: "invalid", 500: "internal_error", 503: "unavailable"}


class ApiError(SitrepError):
    """An error the API answers with `status` and `code` (raised by routes for HTTP-level refusals)."""

    def __init__(self, status: int, message: str, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")


def error_response(status: int, message: str, code: str = "", headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"status": status, "code": code or CODES.get(status, "error"), "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def status_of(error: SitrepError) -> tuple[int, str]:
    """The HTTP status and code for a SitrepError raised below the API."""
    if isinstance(error, ApiError):
        return error.status, error.code
    if isinstance(error, NotFoundError):
        return 404, "not_found"
    if isinstance(error, StoreBusyError):
        return 503, "unavailable"
    if isinstance(error, InputError | SettingsError):
        return 400, "bad_request"
    if isinstance(error, StoreError):
        return 500, "store_error"
    return 400, "bad_request"


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the one shape."""

    @app.exception_handler(SitrepError)
    async def sitrep_error(_request: Request, error: SitrepError) -> JSONResponse:
        status, code = status_of(error)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return error_response(status, str(error), code, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = str(error.detail)
        if error.status_code == 404 and message == "Not Found":
            message = f"no such route: {request.url.path}"
        elif error.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(error.status_code, message, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
                             for e in error.errors())
        return error_response(422, f"invalid request: {problems}", "invalid")

    @app.exception_handler(Exception)
    async def unforeseen(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unforeseen error in the API")
        return error_response(500, f"internal error: {type(error).__name__}", "internal_error")
