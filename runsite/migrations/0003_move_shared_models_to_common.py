# ConsentRecord and WelcomeSent are common's now (common/migrations/0001): runsite forgets them
# here without touching their tables, which common's models keep using under the same names.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0001_initial"),
        ("runsite", "0002_welcome_sent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ConsentRecord"),
                migrations.DeleteModel(name="WelcomeSent"),
            ],
            database_operations=[],
        ),
    ]
