"""Each tenant schema numbers its orders from its own sequence (no lock between placements)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS orders_display_id_seq START 1",
            "DROP SEQUENCE IF EXISTS orders_display_id_seq",
        ),
    ]
