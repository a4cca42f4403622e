"""Sign the entries written before entries carried a MAC (with the key configured at upgrade)."""

from django.db import migrations

BATCH = 2000


def fill_macs(apps, schema_editor):
    from kesu.audit.keys import entry_mac

    AuditEntry = apps.get_model("audit", "AuditEntry")
    last_pk = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(pk__gt=last_pk, mac="").order_by("pk").only("pk", "hash")[
                :BATCH
            ]
        )
        if not batch:
            break
        for entry in batch:
            entry.mac = entry_mac(entry.hash)
        AuditEntry.objects.bulk_update(batch, ["mac"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_lanes_and_macs")]

    operations = [migrations.RunPython(fill_macs, migrations.RunPython.noop)]
