import datetime

from django.db import migrations, models

HELP = "The day the prose was last checked against its sources."
# Rows loaded before this field existed were written on this day; the next
# `seed` replaces it with each record's own date.
FIRST_WRITTEN = datetime.date(2026, 11, 26)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_indication_disease_product"),
    ]

    operations = [
        migrations.AddField(
            model_name=model,
            name="last_reviewed",
            field=models.DateField(default=FIRST_WRITTEN, help_text=HELP),
            preserve_default=False,
        )
        for model in ("mechanism", "glossaryterm", "guide")
    ]
