from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('renders', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='render',
            name='charged',
            field=models.BooleanField(default=True),
        ),
    ]
