"""Text search by index, accent- and case-insensitive, on the code and name columns of the records people look for.

"asnieres" finds "Asnières", "PS-ASN" finds "ps-asn-01": the text and the query are folded the same way (lower
case, accents removed) and matched as a substring through a trigram index, so a search costs the same at 100
sites as at 100,000:
- PostgreSQL: a GIN index (pg_trgm's gin_trgm_ops) on the folded text of the columns (`search_fold`, an
  immutable function: lower() then translate() of accented Latin letters); `LIKE '%…%'` on that same expression
  uses it. No extension but pg_trgm.
- SQLite: an FTS5 table with the trigram tokenizer per searched table (`<table>_search`, rowid = the record's id),
  kept up to date by triggers that fold the text with `search_fold`, a function every connection of the
  application registers (facilities/database.py); queries of three characters or more MATCH through the index.

A model declares its searched columns with `searchable(Model.__table__, "code", "name")`: the index is created
with the table (create_all), and the migration creates it with `ddl(dialect, table, columns)`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sqlalchemy import DDL, ColumnElement, Table, event, func, literal, literal_column, select, text
from sqlalchemy.sql import Select

# Accented Latin letters (either case: lower() in a database with the C locale leaves them alone) and their base
# letter, as fold() gives them; a letter outside this list is matched as it is written, in both.
_ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ"
_BASE = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy"
MIN_INDEXED_LENGTH = 3  # a trigram index finds substrings of three characters or more
COUNT_CAP = 10_000  # counts above this are shown as "more than 10,000"

_SEARCHED: dict[str, tuple[str, ...]] = {}


def fold(value: str | None) -> str:
    """Lower case without accents: what the index holds and what a query is compared as."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _joined(columns: Sequence[str], owner: str) -> str:
    """The searched columns as one text: `owner` is "" (the index's own table), "sites." or "new."."""
    return " || ' ' || ".join(f"coalesce({owner}{column}, '')" for column in columns)


def _pg_expression(columns: Sequence[str], owner: str) -> str:
    return f"search_fold({_joined(columns, owner)})"


# PostgreSQL's fold, immutable so that it can be indexed; PL/pgSQL and a high cost so that the planner, which
# cannot see inside, reads the trigram index rather than folding every row of a table to filter it.
_PG_FOLD = (f"CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text LANGUAGE plpgsql IMMUTABLE "
            f"PARALLEL SAFE COST 1000 AS $$ BEGIN RETURN translate(lower(value), '{_ACCENTED}', '{_BASE}'); END $$")


def ddl(dialect: str, table_name: str, columns: Sequence[str]) -> list[str]:
    """The statements that create a table's search index (and, on SQLite, fill it and keep it up to date)."""
    if dialect == "postgresql":
        expression = _pg_expression(columns, "")
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm", _PG_FOLD,
                f"CREATE INDEX IF NOT EXISTS ix_{table_name}_search ON {table_name} "
                f"USING gin (({expression}) gin_trgm_ops)"]
    if dialect != "sqlite":
        return []
    index = f"{table_name}_search"
    new = f"search_fold({_joined(columns, 'new.')})"
    changed = ", ".join(columns)
    return [
        f"DROP TABLE IF EXISTS {index}",  # a table made again (drop_all, create_all) starts with a fresh index
        f"CREATE VIRTUAL TABLE {index} USING fts5(key, tokenize='trigram')",
        f"INSERT INTO {index}(rowid, key) SELECT id, search_fold({_joined(columns, '')}) FROM {table_name}",
        f"CREATE TRIGGER IF NOT EXISTS {index}_insert AFTER INSERT ON {table_name} "
        f"BEGIN INSERT INTO {index}(rowid, key) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_update AFTER UPDATE OF {changed} ON {table_name} "
        f"BEGIN UPDATE {index} SET key = {new} WHERE rowid = new.id; END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_delete AFTER DELETE ON {table_name} "
        f"BEGIN DELETE FROM {index} WHERE rowid = old.id; END",
    ]


def drop_ddl(dialect: str, table_name: str) -> list[str]:
    """The statements that remove a table's search index (a migration's downgrade)."""
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS ix_{table_name}_search"]
    if dialect != "sqlite":
        return []
    index = f"{table_name}_search"
    return [*(f"DROP TRIGGER IF EXISTS {index}_{when}" for when in ("insert", "update", "delete")),
            f"DROP TABLE IF EXISTS {index}"]


def searchable(table: Table, *columns: str) -> None:
    """Search this table's columns by index: the index is created with the table (create_all) on SQLite and
    PostgreSQL; `matches(table, text)` uses it."""
    _SEARCHED[table.name] = columns
    for dialect in ("sqlite", "postgresql"):
        for statement in ddl(dialect, table.name, columns):
            event.listen(table, "after_create", DDL(statement.replace("%", "%%")).execute_if(dialect=dialect))


def searched_tables() -> dict[str, tuple[str, ...]]:
    """Table name -> searched columns, of every table declared searchable."""
    return dict(_SEARCHED)


def _escaped_like(folded: str) -> str:
    return "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def matches(table: Table, query_text: str, dialect: str) -> ColumnElement[bool]:
    """A condition on `table`'s rows: the folded query text is a substring of the folded searched columns."""
    columns = _SEARCHED[table.name]
    folded = fold(query_text)
    if dialect == "postgresql":
        found = literal_column(_pg_expression(columns, f"{table.name}.")).like(literal(_escaped_like(folded)),
                                                                           escape="\\")
        # OFFSET 0 keeps the subquery apart: planned alone, it reads the trigram index, where a query sorted by
        # name and limited would walk the name index and compute the folded text of every row instead.
        return table.c.id.in_(select(table.c.id).where(found).offset(0))
    if dialect == "sqlite":
        index = f"{table.name}_search"
        if len(folded) >= MIN_INDEXED_LENGTH:
            phrase = '"' + folded.replace('"', '""') + '"'
            condition = literal_column(index).op("MATCH")(literal(phrase))
        else:  # too short for a trigram: a scan of the (small) index table
            condition = literal_column(f"{index}.key").like(literal(_escaped_like(folded)), escape="\\")
        ids = select(literal_column("rowid")).select_from(text(index)).where(condition)
        return table.c.id.in_(ids)
    return func.lower(literal_column(_joined(columns, f"{table.name}."))).contains(folded)


def text_matches(table: Table, query_text: str) -> ColumnElement[bool]:
    """`matches` on the application's database."""
    from facilities.extensions import db

    return matches(table, query_text, db.engine.dialect.name)


def capped_count(query: Select) -> int:
    """How many rows a query gives, counted up to COUNT_CAP + 1 only (above the cap: "more than 10,000")."""
    from facilities.extensions import db

    limited = query.order_by(None).limit(COUNT_CAP + 1).subquery()
    return int(db.session.scalar(select(func.count()).select_from(limited)) or 0)


def include_name(name: str | None, type_: str, _parent_names) -> bool:
    """Alembic's autogenerate filter: the search indexes (SQLite's FTS tables and their shadow tables, PostgreSQL's
    expression indexes) are made by the migration's own statements, never by comparing the models."""
    if name and type_ == "table":
        return not any(name == f"{table}_search" or name.startswith(f"{table}_search_") for table in _SEARCHED)
    if name and type_ == "index":
        return not any(name == f"ix_{table}_search" for table in _SEARCHED)
    return True
