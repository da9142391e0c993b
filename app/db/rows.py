"""Rows of hot statements with less of SQLAlchemy's per-execution work."""
import threading

from app.extensions import db


def raw_rows(statement, parameters=None):
    """All rows of `statement` as the driver's tuples, on the session's connection (same
    transaction). SQLAlchemy's Row objects and result processing cost as much as the query
    for a few dozen rows (or 100k): only for columns whose raw values need no processing
    (integers, text, floats, text-valued enums; not dates, JSON or decimals)."""
    result = db.session.connection().execute(statement, parameters)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


class Prepared:
    """A statement built once, whose SQL is also compiled once, for a page's small queries.

    On SQLite it runs straight on the driver's cursor, in the session's transaction, with
    SQLAlchemy's own bind and result processors (dates, JSON, enums, booleans) applied:
    the same values execute() would give, as plain tuples, without looking the statement up
    in the compiled cache (hashing its whole structure) and building a result object each
    time, which cost several times the query. Elsewhere it goes through execute().
    Only for statements without expanding (IN list) parameters. Engine events see it as
    before_cursor_execute (for logs and query counts), without a context.
    """

    def __init__(self, statement, processed=True):
        """`processed`: apply result processors; False where the raw values serve (like
        raw_rows: integers, text, floats, text-valued enums compared as text)."""
        self.statement = statement
        self.processed = processed
        self._lock = threading.Lock()
        self._sqlite = None  # (sql, positions, constants, bind processors, result processors)

    def rows(self, **parameters):
        connection = db.session.connection()
        if connection.dialect.name != "sqlite":
            return [tuple(row) for row in connection.execute(self.statement, parameters)]
        sql, names, constants, binds, results = self._sqlite or self._compile(connection.dialect)
        values = []
        for name in names:
            if name in parameters:
                value = parameters[name]
                process = binds.get(name)
                values.append(process(value) if process else value)
            else:
                values.append(constants[name])
        cursor = connection.connection.driver_connection.cursor()
        # Announced like any statement, so query logs and counts see it too.
        connection.dispatch.before_cursor_execute(connection, cursor, sql, values, None, False)
        rows = cursor.execute(sql, values).fetchall()
        if not results:
            return rows
        return [tuple(process(value) if process else value
                      for process, value in zip(results, row, strict=True)) for row in rows]

    def _compile(self, dialect):
        with self._lock:
            if self._sqlite is None:
                compiled = self.statement.compile(dialect=dialect)
                # (SQLAlchemy is pinned: its compiled processors are read as execute() does.)
                binds = compiled._bind_processors
                constants = {name: (binds[name](value) if name in binds else value)
                             for name, value in compiled.construct_params(_check=False).items()
                             if value is not None}
                results = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                           for column in self.statement.selected_columns] if self.processed else []
                self._sqlite = (str(compiled), tuple(compiled.positiontup), constants,
                                dict(binds), results if any(results) else None)
        return self._sqlite
