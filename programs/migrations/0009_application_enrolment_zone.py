"""Applications and enrolments carry their zone (the call's, the cohort's), filled in here from the chain."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_zones(apps, schema_editor):
    Application = apps.get_model("programs", "Application")
    Call = apps.get_model("programs", "Call")
    Enrolment = apps.get_model("programs", "Enrolment")
    Cohort = apps.get_model("programs", "Cohort")
    Application.objects.update(
        zone_id=Subquery(Call.objects.filter(pk=OuterRef("call_id")).values("program__zone_id")[:1])
    )
    Enrolment.objects.update(
        zone_id=Subquery(Cohort.objects.filter(pk=OuterRef("cohort_id")).values("training_program__zone_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0008_trigram_search_indexes"), ("zones", "0006_kpi_snapshot_run")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="zone",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="zones.zone",
                verbose_name="zone",
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="zone",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="zones.zone",
                verbose_name="zone",
            ),
        ),
        migrations.RunPython(fill_zones, migrations.RunPython.noop, elidable=False),
    ]
