"""The message log's head row, and on PostgreSQL a trigger refusing UPDATE and DELETE of entries (as audit/0003).

The hash chain detects tampering by anyone; the trigger stops the application or a careless script from
rewriting history. Someone with DDL rights can drop it — which ``yiwang exchange verify-log`` then catches.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION exchange_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'message log entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER exchange_log_append_only
  BEFORE UPDATE OR DELETE ON exchange_messagelogentry
  FOR EACH ROW EXECUTE FUNCTION exchange_log_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS exchange_log_append_only ON exchange_messagelogentry;
DROP FUNCTION IF EXISTS exchange_log_append_only();
"""


def forward(apps, schema_editor):
    apps.get_model("exchange", "MessageLogHead").objects.using(schema_editor.connection.alias).get_or_create(pk=1)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_members_services_grants_message_log")]

    operations = [migrations.RunPython(forward, backward)]
