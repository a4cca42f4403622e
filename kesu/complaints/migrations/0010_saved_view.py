# SavedView moved from kesu.web to kesu.complaints: the state moves, the table web_savedview stays.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_text_limits"),
        ("web", "0001_saved_view"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SavedView",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=60, verbose_name="name")),
                        (
                            "query",
                            models.CharField(blank=True, max_length=2000, verbose_name="filters"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="saved_views",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "saved view",
                        "verbose_name_plural": "saved views",
                        "db_table": "web_savedview",
                        "ordering": ["name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "name"), name="saved_view_name_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
