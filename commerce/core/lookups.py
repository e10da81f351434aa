"""Reading one row for a service: found or a 404 with the service's own code, locked on request."""
from django.db.models import QuerySet

from cityos.errors import NotFound


def get_one(queryset: QuerySet, pk: str, *, lock: bool = False, what: str, code: str):
    """The row `pk` of `queryset` — `SELECT … FOR UPDATE` of that row alone (not its joined
    relations) when `lock` — or `NotFound("No {what} {pk}.", code=code)`."""
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"No {what} {pk}.", code=code)
    return row
