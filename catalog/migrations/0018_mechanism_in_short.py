from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0017_product_name_order_ignores_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="mechanism",
            name="in_short",
            field=models.TextField(
                default="",
                help_text="Plain text for patients, 3 to 5 short sentences, read "
                "at US grade 8 or below; shown in a box above the detailed text.",
            ),
            preserve_default=False,
        ),
    ]
