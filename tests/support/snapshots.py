"""Row counts of every table in a set of schemas: to prove an operation changed nothing."""
from django.db import connection


def row_counts(schemas: list[str]) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE' ORDER BY 1, 2", [schemas])
        tables = cursor.fetchall()
        for schema, table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts
