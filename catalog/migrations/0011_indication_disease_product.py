import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_products(apps, schema_editor):
    """Existing rows take their indication's product (seed rewrites them all)."""
    IndicationDisease = apps.get_model("catalog", "IndicationDisease")
    Indication = apps.get_model("catalog", "Indication")
    product = Indication.objects.filter(pk=OuterRef("indication_id")).values("product_id")
    IndicationDisease.objects.update(product_id=Subquery(product))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_source_kind_other"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicationdisease",
            name="product",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="catalog.product",
            ),
        ),
        migrations.RunPython(copy_products, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="indicationdisease",
            name="product",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="catalog.product",
            ),
        ),
    ]
