import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0009_application_enrolment_zone'),
    ]

    operations = [
        migrations.AlterField(
            model_name='application',
            name='zone',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='zones.zone', verbose_name='zone'),
        ),
        migrations.AlterField(
            model_name='enrolment',
            name='zone',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='zones.zone', verbose_name='zone'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['zone', 'created_at', 'id'], name='application_zone_created_idx'),
        ),
        migrations.AddIndex(
            model_name='enrolment',
            index=models.Index(fields=['zone', 'created_at', 'id'], include=('archived_at', 'trainee', 'cohort', 'employed_by', 'employer_name'), name='enrolment_zone_created_idx'),
        ),
    ]
