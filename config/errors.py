"""The site's answers when something goes wrong: 400, 404, 500 and 503.

Under /api/ every error is JSON (`{"detail": …}`), whatever failed and
wherever: a path no route matches, a bad request caught by Django before any
view, an unexpected fault. Elsewhere people get a page in the site's style.

A database that cannot be reached (restarting, overloaded, a connection
killed) answers 503 with Retry-After rather than 500: nothing is wrong with
the request, and trying again shortly will work. Django calls `server_error`
from inside its exception handler wherever the fault arose (a view, a
middleware saving the session), so the exception is at hand there.

The error pages are rendered without the request's context: looking up who is
logged in would itself need the database.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: "The request could not be understood. Check the address and try again.",
    404: "There is nothing at this address. The API root lists what there is.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
    503: f"The directory's database cannot be reached just now. Please try again in {RETRY_AFTER_SECONDS} seconds.",
}


def wants_json(request) -> bool:
    return request is not None and request.path.startswith("/api/")


def database_unavailable(error: BaseException | None) -> bool:
    """A fault of reaching the database (server down or restarting, connection lost), not of the request."""
    return isinstance(error, OperationalError | InterfaceError)


def error_response(request, status: int, detail: str | None = None) -> HttpResponse:
    detail = detail or MESSAGES[status]
    if wants_json(request):
        response = JsonResponse({"detail": detail}, status=status)
    else:
        body = loader.get_template(f"{status}.html").render({"detail": detail})
        response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception=None):
    return error_response(request, 400)


def page_not_found(request, exception=None):
    if wants_json(request):
        return error_response(request, 404)
    from django.views.defaults import page_not_found as html_page_not_found

    return html_page_not_found(request, exception)


def server_error(request):
    error = sys.exc_info()[1]
    if database_unavailable(error):
        logger.warning("Database unavailable, answered 503: %s", error)
        return error_response(request, 503)
    return error_response(request, 500)
