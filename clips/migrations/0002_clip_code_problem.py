from django.db import migrations, models

from clips.code_recheck import code_problems_recheck


def mark_failing_rows(apps, schema_editor):
    # Rows saved before the check on save are kept; those that fail it are marked.
    code_problems_recheck(apps.get_model("clips", "Clip"))


class Migration(migrations.Migration):

    dependencies = [
        ('clips', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='clip',
            name='code_problem',
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_failing_rows, migrations.RunPython.noop),
    ]
