from django.db import migrations


def install(apps, schema_editor):
    """The default message templates for the organisations that exist already."""
    from kesu.mailboxes.defaults import template_rows

    Organisation = apps.get_model("organisation", "Organisation")
    MessageTemplate = apps.get_model("mailboxes", "MessageTemplate")
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        MessageTemplate.objects.bulk_create(
            [MessageTemplate(**row) for row in template_rows(organisation_id)],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("mailboxes", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
