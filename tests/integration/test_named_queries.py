"""Named SQL (sql/queries/*.sql): every query PREPAREs against the migrated schema, and the parser
that splits files into ``{name: sql}`` keeps bodies intact and refuses ambiguous files.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from worker.db.queries import load, parse, sql

QUERY_NAMES = sorted(load())


def test_there_are_named_queries() -> None:
    assert len(QUERY_NAMES) >= 10
    assert {"insert_inbound", "insert_outbound", "claim_for_send"} <= set(QUERY_NAMES)


async def test_every_query_prepares_against_the_migrated_schema(database_url: str) -> None:
    """One database for all of them; every failure is reported, not just the first."""
    problems: dict[str, str] = {}
    conn = await asyncpg.connect(database_url)
    try:
        for name in QUERY_NAMES:
            try:
                statement = await conn.prepare(load()[name])
            except asyncpg.PostgresError as exc:
                problems[name] = str(exc)
                continue
            # Every parameter's type was inferred from the schema, none left ambiguous.
            if any(t.name == "unknown" for t in statement.get_parameters()):
                problems[name] = "a parameter's type could not be inferred"
    finally:
        await conn.close()
    assert problems == {}


def test_sql_looks_queries_up_by_name() -> None:
    assert sql("claim_for_send") == load()["claim_for_send"]
    with pytest.raises(KeyError, match="no_such_query"):
        sql("no_such_query")


def test_parse_splits_a_file_into_named_bodies() -> None:
    text = (
        "-- name: first\n"
        "SELECT 1;\n"
        "\n"
        "--  name:  second_one  \n"
        "SELECT $1::int\n"
        "FROM users;\n"
    )
    assert parse(text) == {"first": "SELECT 1;", "second_one": "SELECT $1::int\nFROM users;"}


def test_parse_keeps_comment_lines_after_the_name_with_the_body() -> None:
    text = (
        "-- name: documented\n"
        "-- What this is for.\n"
        "-- And why it is written this way.\n"
        "SELECT 1;\n"
        "-- name: next\n"
        "SELECT 2;\n"
    )
    assert parse(text)["documented"] == (
        "-- What this is for.\n-- And why it is written this way.\nSELECT 1;"
    )
    assert parse(text)["next"] == "SELECT 2;"


def test_parse_rejects_a_duplicate_name() -> None:
    text = "-- name: twice\nSELECT 1;\n-- name: twice\nSELECT 2;\n"
    with pytest.raises(ValueError, match=r"users\.sql: query 'twice' is defined twice"):
        parse(text, "users.sql")


@pytest.mark.parametrize(
    "text",
    [
        "-- name: empty\n-- name: other\nSELECT 1;\n",
        "-- name: other\nSELECT 1;\n-- name: empty\n   \n\n",
    ],
)
def test_parse_rejects_an_empty_query(text: str) -> None:
    with pytest.raises(ValueError, match="'empty' is empty"):
        parse(text, "f.sql")


def test_parse_of_a_file_without_names_is_empty() -> None:
    assert parse("") == {}
    assert parse("-- just a comment\n") == {}


def test_load_refuses_one_name_in_two_files(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("-- name: shared\nSELECT 1;\n", encoding="utf-8")
    (tmp_path / "b.sql").write_text("-- name: shared\nSELECT 2;\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"b\.sql: query 'shared' is defined in another file"):
        load(tmp_path)


def test_load_reads_every_file_of_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("-- name: one\nSELECT 1;\n", encoding="utf-8")
    (tmp_path / "b.sql").write_text("-- name: two\n-- doc\nSELECT 2;\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("-- name: ignored\nSELECT 3;\n", encoding="utf-8")
    assert dict(load(tmp_path)) == {"one": "SELECT 1;", "two": "-- doc\nSELECT 2;"}


def test_a_misspelt_name_line_is_an_error_not_part_of_the_previous_query() -> None:
    text = "-- name: get_user\nSELECT 1;\n\n-- name: getUser\nSELECT 2;\n"
    with pytest.raises(ValueError, match="not a valid query name"):
        parse(text, "bad.sql")


def test_sql_before_the_first_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="belongs to no query"):
        parse("-- a file comment\nSELECT 0;\n-- name: q\nSELECT 1;\n", "bad.sql")
