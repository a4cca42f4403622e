"""The sales advisor's call within 3 days of a delivery (seed 001), for organisations whose
callback plans were installed before it was one of the defaults.

New organisations get it from callbacks/defaults.py; an organisation without any plan yet gets
all of them there when its template is installed, so it is left alone here. The values are
copied, not imported, so that later changes to the defaults do not rewrite this migration.
"""

from django.db import migrations

CODE = "delivery_3"
PLAN = {
    "name": "交车3日内销售顾问回访",
    "name_en": "Sales advisor's call within 3 days of delivery",
    "event": "delivered",
    "offset_days": 1,
    "grace_days": 2,
    "level": 1,
    "role": "frontline",
    "callback_type": "delivery",
    "delivery": "call",
}


def add_plan(apps, schema_editor):
    CallbackPlan = apps.get_model("callbacks", "CallbackPlan")
    plans = CallbackPlan.objects.order_by()
    with_plans = set(plans.values_list("organisation_id", flat=True).distinct())
    having = set(plans.filter(code=CODE).values_list("organisation_id", flat=True))
    for organisation_id in sorted(with_plans - having):
        after = (
            CallbackPlan.objects.filter(organisation_id=organisation_id, code="delivery_7")
            .values_list("sort_order", flat=True)
            .first()
        )
        CallbackPlan.objects.create(
            organisation_id=organisation_id, code=CODE, sort_order=after or 0, **PLAN
        )


class Migration(migrations.Migration):

    dependencies = [
        ("callbacks", "0002_counts_and_on_time"),
    ]

    operations = [
        # Back: the plans stay (the code before this knows every value they hold).
        migrations.RunPython(add_plan, migrations.RunPython.noop),
    ]
