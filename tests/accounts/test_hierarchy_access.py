"""Read access down the hierarchy, never write access: a province reads its cities (and
drills into one, read only), the national office reads everything below it; a city never
sees its sibling, a province never another province's cities, and no write of a city's
records succeeds for anyone from above — through a service or through any URL."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from mitra.accounts.models import Role
from mitra.accounts.selectors import VIEWING_SESSION_KEY, membership_viewing
from mitra.activities import lifecycle
from mitra.activities import services as activity_services
from mitra.core.errors import PermissionDeniedError
from mitra.elections import services as election_services
from mitra.partners import services as partner_services
from tests.activities.factories import ActivityFactory
from tests.factories import (
    ElectionFactory,
    MembershipFactory,
    PartnerFactory,
    ProgrammeFactory,
    office_tree,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    offices = office_tree()
    for office in offices.values():
        programme = ProgrammeFactory(office=office)
        ElectionFactory(programme=programme, region=office.region)
    bandung = offices["bandung"]
    programme = bandung_programme = ProgrammeFactory(office=bandung, slug="kedua")
    partner = PartnerFactory(office=bandung, name="Komunitas Bandung")
    PartnerFactory(office=offices["cimahi"], name="Komunitas Cimahi")
    PartnerFactory(office=offices["magelang"], name="Komunitas Magelang")
    submitted = ActivityFactory(programme=programme, partner=partner, status="submitted")
    return {
        **offices,
        "programme": bandung_programme,
        "partner": partner,
        "activity": submitted,
    }


def _viewing(client, member, office):
    client.force_login(member.user)
    response = client.post(reverse("accounts:office_view_start", args=[office.pk]))
    return response


def test_who_may_look_at_which_office(tree):
    province = MembershipFactory(office=tree["jabar"], role="staff")
    national = MembershipFactory(office=tree["national"], role="observer")
    city = MembershipFactory(office=tree["bandung"], role="admin")
    coordinator = MembershipFactory(
        office=tree["jabar"], role="coordinator", partner=PartnerFactory(office=tree["jabar"])
    )

    assert membership_viewing(home=province, office_id=tree["bandung"].pk).role == Role.OBSERVER
    assert membership_viewing(home=national, office_id=tree["magelang"].pk) is not None
    assert membership_viewing(home=national, office_id=tree["jateng"].pk) is not None
    # A province never reaches another province's city; a city never its sibling.
    assert membership_viewing(home=province, office_id=tree["magelang"].pk) is None
    assert membership_viewing(home=city, office_id=tree["cimahi"].pk) is None
    assert membership_viewing(home=province, office_id=tree["national"].pk) is None
    assert membership_viewing(home=province, office_id=tree["jabar"].pk) is None
    assert membership_viewing(home=coordinator, office_id=tree["bandung"].pk) is None


def test_drilling_into_a_city_shows_its_pages_read_only(client, tree):
    province = MembershipFactory(office=tree["jabar"], role="admin")

    assert _viewing(client, province, tree["bandung"]).status_code == 302

    partners = client.get(reverse("partners:list"))
    assert partners.status_code == 200
    body = partners.content.decode()
    assert "Komunitas Bandung" in body and "Komunitas Cimahi" not in body
    assert "hanya baca" in body  # the banner
    assert client.get(reverse("analytics:dashboard")).status_code == 200
    assert client.get(reverse("partners:create")).status_code == 403
    assert client.get(reverse("partners:edit", args=[tree["partner"].pk])).status_code == 403

    client.post(reverse("accounts:office_view_stop"))
    assert "Komunitas Bandung" not in client.get(reverse("partners:list")).content.decode()


@pytest.mark.parametrize(
    ("home", "target"),
    [("cimahi", "bandung"), ("jabar", "magelang"), ("jateng", "bandung"), ("bandung", "jabar")],
)
def test_no_drilling_sideways_or_up(client, tree, home, target):
    member = MembershipFactory(office=tree[home], role="admin")

    assert _viewing(client, member, tree[target]).status_code == 404

    assert VIEWING_SESSION_KEY not in client.session


def test_a_forged_session_choice_gives_nothing_outside(client, tree):
    member = MembershipFactory(office=tree["jabar"], role="staff")
    client.force_login(member.user)
    session = client.session
    session[VIEWING_SESSION_KEY] = tree["magelang"].pk  # another province's city
    session.save()

    body = client.get(reverse("partners:list")).content.decode()

    assert "Komunitas Magelang" not in body and "hanya baca" not in body


def test_write_services_refuse_a_view_from_above(tree):
    province = MembershipFactory(office=tree["jabar"], role="admin")
    viewing = membership_viewing(home=province, office_id=tree["bandung"].pk)
    calls = [
        lambda m: partner_services.partner_create(membership=m, data={"name": "Baru"}),
        lambda m: activity_services.activity_approve(membership=m, activity_id=tree["activity"].pk),
        lambda m: election_services.programme_save(
            actor=m,
            name="Diubah",
            voting_day=datetime.date(2029, 1, 1),
            programme=tree["programme"],
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDeniedError):
            call(viewing)
    # Their own membership, pointed at the city's records, finds nothing to change.
    with pytest.raises(Exception) as refused:
        activity_services.activity_approve(membership=province, activity_id=tree["activity"].pk)
    assert getattr(refused.value, "status_code", None) in (403, 404)
    tree["activity"].refresh_from_db()
    assert tree["activity"].status == "submitted"


# --- Every URL of the product, posted to from above --------------------------------------

# What a signed-in person may post for themselves wherever they look from (their own
# session, language, second factor, inbox): not a city's records.
PERSONAL = {
    "set_language",
    "accounts:logout",
    "accounts:office_view_start",
    "accounts:office_view_stop",
    "accounts:totp_setup",
    "accounts:password_change",
    "accounts:login",
    "accounts:password_reset",
}


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


# Rows a reader may cause without changing the city's records: a report file rendered
# from its figures (the city's own observers may ask for one too).
READ_ARTEFACTS = {"reports.ReportJob"}


def _city_snapshot(office) -> dict[str, list[dict]]:
    """Every row of every office-scoped table that belongs to the city, and its office row."""
    snapshot = {}
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if model._meta.label in READ_ARTEFACTS:
            continue
        if "office" in fields and model._meta.get_field("office").is_relation:
            rows = model._default_manager.filter(office=office).order_by("pk").values()
            snapshot[model._meta.label] = [
                {k: v for k, v in row.items() if k not in ("updated_at", "last_used_at")}
                for row in rows
            ]
    snapshot["office"] = list(type(office).objects.filter(pk=office.pk).values())
    return snapshot


def _urls(tree):
    """Every named URL, its int arguments filled with the city's record ids and its text
    arguments with every life-cycle action and the city's slugs."""
    ids = sorted(
        {
            tree["partner"].pk,
            tree["activity"].pk,
            tree["programme"].pk,
            tree["bandung"].pk,
            *tree["programme"].elections.values_list("pk", flat=True),
        }
    )
    words = [*lifecycle.STEPS, tree["bandung"].slug, tree["programme"].slug]
    for name, pattern in _patterns(get_resolver()):
        converters = pattern.pattern.converters
        choices = [
            ids if type(c).__name__ == "IntConverter" else words for c in converters.values()
        ]
        for values in itertools.product(*choices):
            try:
                yield name, reverse(name, kwargs=dict(zip(converters, values, strict=True)))
            except NoReverseMatch:
                break  # needs more than its own arguments (e.g. a prefix with its own)


@pytest.mark.parametrize("drilled", [True, False])
def test_no_url_writes_into_a_city_from_above(client, tree, drilled):
    province = MembershipFactory(office=tree["jabar"], role="admin")
    client.force_login(province.user)
    if drilled:
        _viewing(client, province, tree["bandung"])
    before = _city_snapshot(tree["bandung"])
    posted = 0
    for name, url in _urls(tree):
        if name in PERSONAL or name.startswith("admin:"):
            continue
        response = client.post(url, {"name": "Diubah", "status": "verified", "title": "X"})
        assert response.status_code < 500, (name, url, response.status_code)
        posted += 1
    assert posted > 300  # the walk reached the product's URLs
    assert _city_snapshot(tree["bandung"]) == before


def test_valid_writes_into_a_drilled_city_are_refused(client, tree):
    """Forms that would succeed for the city's staff answer 403 to a view from above."""
    province = MembershipFactory(office=tree["jabar"], role="admin")
    _viewing(client, province, tree["bandung"])
    partner, activity = tree["partner"], tree["activity"]
    valid_partner = {"name": "Diubah", "category": partner.category_id, "status": "active"}
    attempts = [
        (reverse("partners:create"), valid_partner),
        (reverse("partners:edit", args=[partner.pk]), valid_partner),
        (reverse("activities:action", args=[activity.pk, "approve"]), {"comment": "ok"}),
        (
            reverse("elections:programme_edit", args=[tree["programme"].pk]),
            {"name": "Diubah", "voting_day": "2029-11-28", "is_current": "on"},
        ),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    activity.refresh_from_db()
    partner.refresh_from_db()
    assert (activity.status, partner.name) == ("submitted", "Komunitas Bandung")
