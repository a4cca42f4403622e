# SavedView now belongs to kesu.complaints (its migration 0010): only the state leaves, the
# table web_savedview and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0001_saved_view"),
        ("complaints", "0010_saved_view"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SavedView")],
            database_operations=[],
        ),
    ]
