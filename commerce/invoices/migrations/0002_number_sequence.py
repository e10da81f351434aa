"""Each tenant schema numbers its invoices from its own sequence."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("invoices", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS invoices_number_seq START 1",
            "DROP SEQUENCE IF EXISTS invoices_number_seq",
        ),
    ]
