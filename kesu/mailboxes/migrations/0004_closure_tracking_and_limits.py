from django.db import migrations


def update(apps, schema_editor):
    """The closure e-mails nobody edited get the tracking link and the time limits; every
    organisation gets the new closure and survey text messages."""
    from kesu.mailboxes.defaults import OLD_CLOSURE, template_rows

    Organisation = apps.get_model("organisation", "Organisation")
    MessageTemplate = apps.get_model("mailboxes", "MessageTemplate")
    new = {
        row["language"]: row["body"]
        for row in template_rows(0)
        if (row["kind"], row["channel"]) == ("closure", "email")
    }
    for language, old_body in OLD_CLOSURE.items():
        MessageTemplate.objects.filter(
            kind="closure", channel="email", language=language, body=old_body
        ).update(body=new[language])
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        MessageTemplate.objects.bulk_create(
            [MessageTemplate(**row) for row in template_rows(organisation_id)],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("mailboxes", "0003_verbose_names")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
