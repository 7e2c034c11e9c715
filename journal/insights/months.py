"""Grouping by month inside the database, the same way on SQLite and PostgreSQL."""

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class month_text(FunctionElement):  # noqa: N801 - reads as an SQL function
    """``YYYY-MM`` of a date column."""

    type = String()
    inherit_cache = True
    name = "month_text"


@compiles(month_text, "sqlite")
def _month_text_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(list(element.clauses)[0], **kw)}, 1, 7)"


@compiles(month_text, "postgresql")
def _month_text_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(list(element.clauses)[0], **kw)}, 'YYYY-MM')"
