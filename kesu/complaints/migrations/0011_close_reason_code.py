"""close_reason holds a code; the free text a withdrawal recorded there moves to close_note.

Known codes stay; any other text goes into close_note, with the code "withdrawn" on a withdrawn
complaint and "other" elsewhere. The text is moved before the column is narrowed.
"""

from django.db import migrations, models

KNOWN_CODES = ("", "completed", "merged", "withdrawn", "other")
BATCH = 1000


def move_free_text_to_close_note(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    rows = (
        Complaint.objects.exclude(close_reason__in=KNOWN_CODES)
        .only("pk", "state", "close_reason", "close_note")
        .order_by("pk")
    )
    batch = []
    for complaint in rows.iterator(chunk_size=BATCH):
        complaint.close_note = complaint.close_reason.strip()[:500]
        complaint.close_reason = "withdrawn" if complaint.state == "withdrawn" else "other"
        batch.append(complaint)
        if len(batch) == BATCH:
            Complaint.objects.bulk_update(batch, ["close_reason", "close_note"])
            batch = []
    Complaint.objects.bulk_update(batch, ["close_reason", "close_note"])


def move_close_note_back(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    rows = Complaint.objects.filter(close_reason__in=("withdrawn", "other")).exclude(close_note="")
    batch = []
    for complaint in rows.only("pk", "close_reason", "close_note").iterator(chunk_size=BATCH):
        complaint.close_reason = complaint.close_note
        batch.append(complaint)
        if len(batch) == BATCH:
            Complaint.objects.bulk_update(batch, ["close_reason"])
            batch = []
    Complaint.objects.bulk_update(batch, ["close_reason"])
    Complaint.objects.filter(close_reason="withdrawn", close_note="").update(close_reason="")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_saved_view"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="close_note",
            field=models.CharField(
                blank=True, editable=False, max_length=500, verbose_name="closing note"
            ),
        ),
        migrations.RunPython(move_free_text_to_close_note, move_close_note_back),
        migrations.AlterField(
            model_name="complaint",
            name="close_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("completed", "Completed"),
                    ("merged", "Merged into another complaint"),
                    ("withdrawn", "Withdrawn by the customer"),
                    ("other", "Other"),
                ],
                editable=False,
                max_length=20,
                verbose_name="closing reason",
            ),
        ),
    ]
