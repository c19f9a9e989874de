from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("companies", "0005_trigram_search_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="mou",
            index=models.Index(fields=["zone", "signed_on", "id"], name="mou_zone_signed_idx"),
        ),
    ]
