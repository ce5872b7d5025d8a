"""A page read while the database connection dropped is read once more on a new connection."""

from django.db import InterfaceError, OperationalError, connections

SAFE_METHODS = ("GET", "HEAD")


class RetryReadAfterDisconnectMiddleware:
    """A GET or HEAD whose view (or template) lost its database connection, as every open
    connection is when PostgreSQL restarts, runs once more on a fresh connection instead of
    answering 500. Never a POST: whether a write was committed before its connection dropped
    cannot be known, so it is not repeated (its form says what to do)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if request.method not in SAFE_METHODS or getattr(request, "_read_again", False):
            return None
        if any(connection.in_atomic_block for connection in connections.all()):
            return None  # inside a transaction the caller owns; let it fail as it would
        request._read_again = True
        for connection in connections.all():
            connection.close()
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
