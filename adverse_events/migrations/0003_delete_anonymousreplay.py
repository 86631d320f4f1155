"""The anonymous path uses the one idempotency record of qms.core (issue 15 item 4)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("adverse_events", "0002_seed_severity_and_types")]

    operations = [migrations.DeleteModel(name="AnonymousReplay")]
