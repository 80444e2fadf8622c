"""Give every approved-or-later activity its check-in point.

Points used to be created by the first visit of the attendance page; now the approval
creates them (`mitra.checkin.signals`) and pages only read. Activities approved before that
change and never opened get theirs here, each with a fresh random token from the model's own
generator (`new_token`, the field's default).
"""

from django.db import migrations

from mitra.checkin.models import new_token

# The states that take attendance (activities.models.APPROVED_OR_LATER), frozen here as a
# migration must not follow later edits of the code.
APPROVED_OR_LATER = ("approved", "held", "reported", "report_returned", "verified")


def points_fill(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    CheckinPoint = apps.get_model("checkin", "CheckinPoint")
    missing = (
        Activity.objects.filter(status__in=APPROVED_OR_LATER, checkin_point__isnull=True)
        .values_list("pk", "office_id")
        .order_by("pk")
    )
    CheckinPoint.objects.bulk_create(
        (
            CheckinPoint(activity_id=pk, office_id=office_id, token=new_token())
            for pk, office_id in missing.iterator(chunk_size=2000)
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_method_english_name"),
        ("checkin", "0002_registration_confirm_by_message"),
    ]

    operations = [migrations.RunPython(points_fill, migrations.RunPython.noop)]
