"""On PostgreSQL, refuse UPDATE and DELETE of audit records in the database itself.

The hash chain detects tampering by anyone; this trigger stops the application (or a careless
script) from rewriting history in the first place. Someone with DDL rights can disable it — which
is exactly what ``yiwang audit verify`` then catches.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_record_append_only
  BEFORE UPDATE OR DELETE ON audit_auditrecord
  FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_record_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_audit_record_actor")]

    operations = [migrations.RunPython(forward, backward)]
