from kesu.mailboxes.defaults import TEMPLATES, install_message_templates
from kesu.mailboxes.models import MessageTemplate
from kesu.mailboxes.rendering import template_errors


def test_every_organisation_gets_the_templates_once(world):
    assert MessageTemplate.objects.filter(organisation=world.org).count() == len(TEMPLATES)
    install_message_templates(world.org)
    assert MessageTemplate.objects.filter(organisation=world.org).count() == len(TEMPLATES)


def test_the_default_templates_are_valid():
    for (kind, _channel, _language), (subject, body) in TEMPLATES.items():
        assert not template_errors(kind, {"subject": subject, "body": body}), kind


def test_the_data_migration_installs_them_for_existing_organisations(world):
    from importlib import import_module

    from django.apps import apps

    MessageTemplate.objects.all().delete()
    import_module("kesu.mailboxes.migrations.0002_default_templates").install(apps, None)
    assert MessageTemplate.objects.filter(organisation=world.org).count() == len(TEMPLATES)
