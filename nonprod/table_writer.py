"""Writing many generated rows fast: COPY on PostgreSQL, `bulk_create` in batches elsewhere."""

import json

from django.core.management.color import no_style
from django.db import connection


class TableWriter:
    """COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def copy(self, model, columns, rows, batch=5000):
        if self.postgres:
            # Columns a builder does not name take their model default ("" for text; Django keeps defaults in
            # Python, not in the table), so a field added later never breaks the raw COPY.
            defaults = [
                (f.column, f.get_default())
                for f in model._meta.concrete_fields
                if f.column not in columns and not f.null and not f.unique and not f.primary_key
            ]
            extra = tuple(json.dumps(v) if isinstance(v, (list, dict)) else v for _, v in defaults)
            table = model._meta.db_table
            cols = ", ".join(f'"{c}"' for c in (*columns, *(c for c, _ in defaults)))
            with connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg 3 cursor
                with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:  # noqa: S608 - table/column names are ours
                    for row in rows:
                        copy.write_row((*row, *extra))
            return
        objs = []
        for row in rows:
            objs.append(model(**dict(zip(columns, row, strict=True))))
            if len(objs) >= batch:
                model.objects.bulk_create(objs)
                objs = []
        if objs:
            model.objects.bulk_create(objs)


def reset_sequences(models):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
