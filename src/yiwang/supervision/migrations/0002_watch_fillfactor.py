"""PostgreSQL: leave half of each page of supervision_watch free, so that grading a clock (a new grade and
its moment, no indexed column) is a heap-only (HOT) update that writes no index entry (ADR 0024)."""

from django.db import migrations


def fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE supervision_watch SET (fillfactor = {int(value)})")
    return apply


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(fillfactor(50), fillfactor(100))]
