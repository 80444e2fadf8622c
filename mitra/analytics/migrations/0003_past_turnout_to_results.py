"""Carry the kelurahan-level past turnout over into election results.

Each past-turnout label becomes one ElectionResult; each of its kelurahan rows becomes one
StationResult with an empty TPS number (a kelurahan total: no TPS breakdown was ever
imported), DPT = registered. The kind of election is read from the label where it names one
(Pilwalkot, Pilgub, Pilbup, Pilpres/Pemilu, Pileg), else mayor. The former turnout import
batches (previews in the old format) are dropped; their figures are in the results now.
"""

from django.db import migrations

KIND_WORDS = [
    (("pilwalkot", "walikota", "wali kota"), "walikota"),
    (("pilbup", "bupati"), "bupati"),
    (("pilgub", "gubernur"), "gubernur"),
    (("pileg", "legislatif", "dpr"), "legislatif"),
    (("pilpres", "presiden", "pemilu"), "presiden"),
]


def _kind(label):
    text = label.lower()
    for words, kind in KIND_WORDS:
        if any(w in text for w in words):
            return kind
    return "walikota"


def forward(apps, schema_editor):
    PastTurnout = apps.get_model("analytics", "PastTurnout")
    ElectionResult = apps.get_model("analytics", "ElectionResult")
    StationResult = apps.get_model("analytics", "StationResult")
    FiguresImport = apps.get_model("analytics", "FiguresImport")
    results = {}
    rows = []
    for past in PastTurnout.objects.order_by("pk").iterator():
        key = (past.office_id, past.label)
        if key not in results:
            results[key] = ElectionResult.objects.create(
                office_id=past.office_id, name=past.label, year=past.year, kind=_kind(past.label)
            )
        rows.append(
            StationResult(
                office_id=past.office_id,
                result=results[key],
                region_id=past.region_id,
                tps="",
                dpt=past.registered,
                registered=past.registered,
                voted=past.voted,
            )
        )
    StationResult.objects.bulk_create(rows, batch_size=2000)
    FiguresImport.objects.filter(kind="turnout").delete()


def backward(apps, schema_editor):
    PastTurnout = apps.get_model("analytics", "PastTurnout")
    StationResult = apps.get_model("analytics", "StationResult")
    totals = {}
    for row in StationResult.objects.filter(result__election__isnull=True).select_related(
        "result"
    ):
        key = (row.office_id, row.result.name, row.result.year, row.region_id)
        registered, voted = totals.get(key, (0, 0))
        totals[key] = (registered + row.registered, voted + row.voted)
    PastTurnout.objects.bulk_create(
        PastTurnout(
            office_id=office_id, label=label, year=year, region_id=region_id,
            registered=registered, voted=voted,
        )
        for (office_id, label, year, region_id), (registered, voted) in totals.items()
    )


class Migration(migrations.Migration):
    dependencies = [("analytics", "0002_election_results")]

    operations = [migrations.RunPython(forward, backward)]
