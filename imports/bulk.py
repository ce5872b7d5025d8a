"""Writing thousands of rows whose keys nobody reads back, without ``bulk_create``'s SQL
compiler, which costs more than the writing itself at 2,000 rows (a dozen calls per value).
Values still go through each field's own ``pre_save`` and ``get_db_prep_save``, as in a save."""

from django.conf import settings
from django.db import connections, router
from simple_history.manager import HistoryManager
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model


def insert_objects(model, objects: list) -> None:
    """INSERT unsaved ``objects`` of ``model``, as ``bulk_create`` would but without reading
    back their keys (they stay None). No signals are sent."""
    connection = connections[router.db_for_write(model)]
    fields = _written_fields(model)
    _execute(connection, model, fields, _prepared_objects(objects, fields, connection))


def create_objects(model, objects: list) -> None:
    """INSERT unsaved ``objects`` of ``model`` in multi-row statements, each object given the
    key the database returned for its row (in order, as ``bulk_create`` relies on too)."""
    connection = connections[router.db_for_write(model)]
    fields = _written_fields(model)
    values = _prepared_objects(objects, fields, connection)
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    one_row = f"({', '.join(['%s'] * len(fields))})"
    size = _batch_size(connection, fields, objects)
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            batch = values[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one_row] * len(batch))} "  # noqa: S608
                f"RETURNING {key}",
                [value for row in batch for value in row],
            )
            for obj, (pk,) in zip(objects[start : start + size], cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias


def _prepared_objects(objects: list, fields, connection) -> list[tuple]:
    for obj in objects:  # a related object saved after it was assigned: take its key now
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    return [_prepared(obj, fields, connection) for obj in objects]


def _batch_size(connection, fields, objects) -> int:
    """Rows per statement: SQLite's variable limit (Django's own rule), PostgreSQL's 65,535
    parameters, and at most ``BATCH_SIZE``."""
    if connection.vendor == "sqlite":
        return max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, objects)))
    return max(1, min(BATCH_SIZE, _MAX_PARAMETERS // len(fields)))


def insert_rows(model, rows: list[dict], *, same: dict | None = None) -> None:
    """INSERT ``rows`` (attname -> value; a column left out takes its field's default) into
    ``model``'s table, without building an instance per row; ``same`` holds values every row
    shares, prepared once. No signals are sent."""
    connection = connections[router.db_for_write(model)]
    same = same or {}
    prototype = model(**same)  # pre_save reads values from an instance: one is refilled per row
    constant = [field for field in _written_fields(model) if field.attname in same]
    varying = [field for field in _written_fields(model) if field.attname not in same]
    shared = _prepared(prototype, constant, connection)
    values = []
    for row in rows:
        for field in varying:
            value = row[field.attname] if field.attname in row else field.get_default()
            setattr(prototype, field.attname, value)
        values.append(_prepared(prototype, varying, connection) + shared)
    _execute(connection, model, varying + constant, values)


def _written_fields(model) -> list:
    return [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning)  # the database numbers these
    ]


def _prepared(obj, fields, connection) -> tuple:
    return tuple(
        field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields
    )


def _execute(connection, model, fields, values: list[tuple]) -> None:
    """SQLite: one prepared single-row INSERT that sqlite3 runs for every row in C. Other
    databases: multi-row INSERTs, a round trip per batch rather than per row (psycopg2's
    ``executemany`` runs one statement per row)."""
    if not values:
        return
    quote = connection.ops.quote_name  # names from the model, quoted; values go as parameters
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    one_row = f"({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one_row}", values)  # noqa: S608
            return
        size = _batch_size(connection, fields, values)
        for start in range(0, len(values), size):
            batch = values[start : start + size]
            rows = ", ".join([one_row] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {rows}",  # noqa: S608
                [value for row in batch for value in row],
            )


_MAX_PARAMETERS = 65535  # PostgreSQL's limit on one statement's parameters


def create_with_history(objects: list, model, *, user, date) -> list:
    """``create_objects`` (keys read back) and the history rows of what it created, in the
    caller's transaction; simple-history's own helper where the database cannot return keys
    from a bulk insert."""
    connection = connections[router.db_for_write(model)]
    if not connection.features.can_return_rows_from_bulk_insert:
        return bulk_create_with_history(
            objects, model, batch_size=BATCH_SIZE, default_user=user, default_date=date
        )
    create_objects(model, objects)
    history_create(objects, model, user=user, date=date)
    return objects


BATCH_SIZE = 1000  # rows per multi-row INSERT (SQLite lowers it to fit its variable limit)


def history_create(objects: list, model, *, user, date, history_type: str = "+") -> None:
    """The django-simple-history rows for ``objects`` (saved, with their keys) as its
    ``bulk_history_create`` would write them — each tracked field's value, the date, the user,
    no change reason — without building a historical instance per row."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not objects:
        return
    history: HistoryManager = get_history_manager_for_model(model)
    tracked = [field.attname for field in history.model.tracked_fields]
    common = {
        "history_date": date,
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": None,
        "history_type": history_type,
    }
    known = {history.model._meta.pk.attname, *tracked, *common}
    if any(field.attname not in known for field in history.model._meta.concrete_fields):
        # A historical model with columns of its own: let simple-history fill them.
        history.bulk_history_create(
            objects, update=history_type == "~", default_user=user, default_date=date
        )
        return
    insert_rows(
        history.model,
        [{name: getattr(obj, name) for name in tracked} for obj in objects],
        same=common,
    )
