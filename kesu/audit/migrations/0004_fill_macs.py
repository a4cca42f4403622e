"""Sign the entries written before entries carried a MAC (with the key configured at upgrade),
and create the lanes of the organisations that have a trail, each starting above its entries
(created here rather than by the first writers after the upgrade, who would wait for each other).
"""

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


def create_lanes(apps, schema_editor):
    from django.conf import settings

    AuditChain = apps.get_model("audit", "AuditChain")
    n = min(1000, max(1, int(settings.KESU_AUDIT_LANES)))
    lanes = [*range(n), *range(1000, 1000 + n)]
    for org_id, last_seq in AuditChain.objects.filter(lane=0).values_list(
        "organisation_id", "last_seq"
    ):
        AuditChain.objects.bulk_create(
            [
                AuditChain(organisation_id=org_id, lane=lane, base_seq=last_seq, last_seq=last_seq)
                for lane in lanes
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_lanes_and_macs")]

    operations = [
        migrations.RunPython(fill_macs, migrations.RunPython.noop),
        migrations.RunPython(create_lanes, migrations.RunPython.noop),
    ]
