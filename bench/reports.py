#!/usr/bin/env python
"""`make bench-reports`: how long the programme report takes to make.

On the bench database of `make bench` (PostgreSQL `mitra_bench` when it answers, else
SQLite; the demo built once), as a staff member of the office:

1. the city office (the demo's KPU Kota Bandung, its kecamatan boundaries attached for the
   map) with N photos picked for the report
   (default 40; photos of 1280×960 are added to counted activities when the demo has too
   few): the programme report as PDF (WeasyPrint) and as XLSX, each made `--repeat` times
   the way the background task makes it (selectors, then the document);
2. with --national: the national office with the most activities (after
   `demo --scale national`), PDF and XLSX.

Prints how many photos the city report really embeds, a table of seconds (best and median
wall time of the runs, best CPU time of the process: the wall time moves with the load of a
shared machine), the file size and the PDF's pages, and the load average before and after.
Targets (docs/performance.md): city PDF < 10 s with 40 photos, XLSX < 3 s; national < 30 s.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import bench_environment, ensure_database  # noqa: E402

PHOTO_SIZE = (1280, 960)


def _pick_photos(office, membership, programme, count: int) -> int:  # type: ignore[no-untyped-def]
    """Make sure `count` photos of the programme's counted activities are picked (adding
    photos if needed): the report shows only photos of its own programme's activities."""
    from django.core.files.base import ContentFile

    from mitra.activities.models import Evidence
    from mitra.activities.photos import make_jpeg
    from mitra.activities.selectors import counted_activities
    from mitra.core.uploads import store_upload
    from mitra.reports.selectors import ReportParams, report_photos
    from mitra.reports.services import photo_pick

    picked = len(report_photos(office=office, programme=programme))
    filters = ReportParams().filters().activity_filters(programme)
    activities = list(
        counted_activities(office=office, filters=filters).order_by("starts_at")[: count * 2]
    )
    for n, activity in enumerate(activities):
        if picked >= count:
            break
        evidence = Evidence.objects.filter(activity=activity, report_pick__isnull=True).first()
        if evidence is None:
            data = make_jpeg(
                size=PHOTO_SIZE,
                color=(40 + n % 150, 90, 140),
                taken_at=activity.starts_at,
                lat=activity.lat,
                lng=activity.lng,
            )
            name = store_upload(
                ContentFile(data, name="bench.jpg"),
                folder=f"activities/{office.pk}/photos",
                kind="jpeg",
            )
            evidence = Evidence.objects.create(
                activity=activity,
                file=name,
                width=PHOTO_SIZE[0],
                height=PHOTO_SIZE[1],
                size_bytes=len(data),
                taken_at=activity.starts_at,
            )
        photo_pick(
            membership=membership,
            evidence_id=evidence.pk,
            caption=f"Foto bench {n + 1}: {activity.title}"[:200],
            theme_id=None,
        )
        picked += 1
    return picked


def _time(make, repeat: int) -> tuple[list[float], list[float], bytes]:  # type: ignore[no-untyped-def]
    """Wall seconds and CPU seconds of this process per run: on a shared machine the wall
    time moves with the load, the CPU time much less (the work is one thread)."""
    runs, cpu, data = [], [], b""
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        data = make()
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return runs, cpu, data


def _rows(label: str, office, membership, repeat: int, programme=None) -> list[str]:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from mitra.reports import documents, workbook
    from mitra.reports.selectors import ReportParams, programme_report

    def report():  # type: ignore[no-untyped-def]
        return programme_report(membership=membership, params=ReportParams(), programme=programme)

    lines = []
    shown = report()
    embedded = sum(1 for p in shown.photos if documents.data_uri(p.evidence.file.name or ""))
    print(f"{office.name}: {shown.programme}, {embedded} photos in the report", flush=True)
    runs, cpu, pdf = _time(lambda: documents.programme_pdf(report()), repeat)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    lines.append(
        f"| {label} | PDF | {min(runs):.2f} | {statistics.median(runs):.2f} | {min(cpu):.2f} | "
        f"{len(pdf) / 1e6:.1f} MB | {pages} |"
    )
    runs, cpu, xlsx = _time(lambda: workbook.programme_workbook(report()), repeat)
    lines.append(
        f"| {label} | XLSX | {min(runs):.2f} | {statistics.median(runs):.2f} | {min(cpu):.2f} | "
        f"{len(xlsx) / 1e3:.0f} kB | — |"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--national", action="store_true")
    args = parser.parse_args()

    env = bench_environment()
    ensure_database(env, args.national)
    # The report's map needs the kecamatan boundaries (as `make run` attaches them).
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "import_boundaries",
            str(ROOT / "mitra" / "regions" / "data" / "bandung-kecamatan.geojson"),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.db.models import Count

    from bench.harness import bench_member
    from mitra.accounts.models import Membership
    from mitra.activities.models import Activity
    from mitra.demo.builder import DEMO_OFFICE_SLUG
    from mitra.elections.models import Programme
    from mitra.offices.models import Office

    def staff_of(office: Office) -> Membership:
        user = bench_member("bench-reports@bench.mitra.id", office, role="staff")
        return Membership.objects.select_related("office").get(user=user, office=office)

    print(f"Database: {env['DATABASE_URL'].split(':')[0]}; load {os.getloadavg()}", flush=True)
    lines = [
        "| office | file | best s | median s | CPU s (best) | size | pages |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    city = Office.objects.get(slug=DEMO_OFFICE_SLUG)
    member = staff_of(city)
    # The finished 2024 programme (the report the commission signs, with results and the
    # evaluation), not the running simulation the report form offers first.
    programme = Programme.objects.get(office=city, slug="pilkada-2024")
    photos = _pick_photos(city, member, programme, args.photos)
    activities = Activity.objects.filter(office=city, programme=programme).count()
    lines += _rows(
        f"{city.name}, {programme.name} ({activities} activities, {photos} photos)",
        city,
        member,
        args.repeat,
        programme,
    )
    if args.national:
        row = (
            Activity.objects.exclude(office=city)
            .values("office_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        if row is None:
            print("No national offices: run `make bench-reports BENCH_ARGS=--national`.")
        else:
            office = Office.objects.get(pk=row["office_id"])
            lines += _rows(
                f"{office.name} ({row['n']} activities)", office, staff_of(office), args.repeat
            )
    print("\n".join(lines))
    print(f"Load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
