"""The public site: thin views over the portal selectors and services.

Past ~600 lines because every public page (home, news, agenda list/month/iCal, activity,
partner, timeline, materials, how to vote) and the staff pages of content and the office
profile are a dozen lines each over the same office lookup, canonical link and share helpers;
split the staff pages into their own module when another group of them lands."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.accounts.selectors import request_membership
from mitra.activities.ical import ical_feed
from mitra.activities.selectors import approach_options
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.links import absolute_url, site_root
from mitra.core.pagecache import personalise, render_shareable, shared_page_allowed
from mitra.core.uploads import file_response
from mitra.elections.models import Theme
from mitra.elections.selectors import (
    archived_programmes,
    current_programme,
    office_segments,
    programme_countdown,
    programme_elections,
    programme_themes,
    programme_timeline,
    public_programme,
)
from mitra.offices.models import Office
from mitra.offices.selectors import request_public_office, request_public_office_id, site_offices
from mitra.offices.sites import PATH, is_root_office, office_site_root, sites_mode
from mitra.partners.selectors import category_list
from mitra.regions.selectors import kecamatan_of

from . import selectors, services
from .bots import counts_as_view
from .forms import ArticleForm, MaterialForm, MaterialVersionForm, OfficeProfileForm
from .maps import kecamatan_map
from .models import article_cache_key

ARTICLE_CACHE_SECONDS = 60  # also dropped at once when the article is saved
VIEWS_TOKEN = "\u2063MITRA-VIEWS\u2063"  # noqa: S105 — placeholders, not secrets


def _office(request: HttpRequest) -> Office:
    office = request_public_office(request)
    if office is None:
        raise Http404
    return office


def _can_preview(request: HttpRequest) -> bool:
    return has_right(getattr(request, "membership", None), Right.MANAGE_CONTENT)


# --- News ---------------------------------------------------------------------------------


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    query = request.GET.get("q", "").strip()[:100]
    tag = request.GET.get("label", "").strip()[:60]
    articles = selectors.public_articles(office=office, query=query, tag=tag)
    page = Paginator(articles, 10).get_page(request.GET.get("halaman"))
    params = {k: v for k, v in (("q", query), ("label", tag)) if v}
    return render(
        request,
        "portal/article_list.html",
        {
            "page": page,
            "query": query,
            "tag": tag,
            "page_query": urlencode(params),
            "canonical": absolute_url(request.path, request=request),
        },
    )


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    """The article page: cached HTML per language, with the exact view count put in per request.

    Each GET by a browser counts one view; crawlers, link-preview fetchers, prefetches and
    HEAD requests count none. Nothing is de-duplicated by address.
    """
    cacheable = shared_page_allowed(request)
    office_id = request_public_office_id(request)
    key = article_cache_key(office_id or 0, slug, get_language())
    entry = cache.get(key) if cacheable and office_id else None
    if entry is None:
        office = request_public_office(request)
        item = selectors.public_article(office=office, slug=slug) if office else None
        if item is None:
            return _article_preview(request, slug)
        entry = {"id": item.pk, "html": _render_article(request, item)}
        if cacheable:
            cache.set(key, entry, ARTICLE_CACHE_SECONDS)
    if counts_as_view(request):
        total = services.article_view_record(article_id=entry["id"])
    else:
        total = services.article_view_total(article_id=entry["id"])
    html = personalise(request, entry["html"].replace(VIEWS_TOKEN, intcomma(total)))
    response = HttpResponse(html)
    # Every load must reach the server to be counted (no shared or browser cache).
    add_never_cache_headers(response)
    return response


def _render_article(request: HttpRequest, item: Any, *, preview: bool = False) -> str:
    url = absolute_url(item.get_absolute_url(), request=request)
    context = {
        "article": item,
        "body_html": services.markdown_render(text=item.body),
        "canonical": url,
        "og_image": _image_path(item) if item.image else "",
        "share": share_links(url=url, title=item.title),
        "view_count": VIEWS_TOKEN,
        "preview": preview,
    }
    return render_shareable(request, "portal/article.html", context)


def _image_path(item: Any) -> str:
    return reverse("portal:article_image", kwargs={"slug": item.slug})


def _article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff see drafts and scheduled articles as they will look (not counted, not cached)."""
    if not _can_preview(request):
        raise Http404
    office = request_membership(request).office
    item = selectors.public_article(office=office, slug=slug, preview=True)
    if item is None:
        raise Http404
    html = _render_article(request, item, preview=True)
    html = personalise(
        request,
        html.replace(VIEWS_TOKEN, intcomma(services.article_view_total(article_id=item.pk))),
    )
    response = HttpResponse(html)
    add_never_cache_headers(response)
    return response


@require_safe
def article_image(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A visible article's image (cached publicly); staff previews also get drafts' images."""
    office = request_public_office(request)
    item = selectors.public_article(office=office, slug=slug) if office else None
    if item is not None:
        if not item.image:
            raise Http404
        response = file_response(item.image)
        patch_cache_control(response, public=True, max_age=3600)
        return response
    if not _can_preview(request):
        raise Http404
    office = request_membership(request).office
    item = selectors.public_article(office=office, slug=slug, preview=True)
    if item is None or not item.image:
        raise Http404
    response = file_response(item.image)
    # Like the preview page: only for this person, and fetched afresh after each edit.
    add_never_cache_headers(response)
    return response


# --- Timeline, how to vote ----------------------------------------------------------------


@require_safe
def timeline(request: HttpRequest) -> HttpResponse:
    """The running programme's stages and countdown; `?program=<slug>` shows an archived
    programme's instead (an unknown one answers 404)."""
    office = _office(request)
    slug = request.GET.get("program", "")[:50]
    programme = public_programme(office=office, slug=slug)
    if slug and programme is None:
        raise Http404
    context: dict[str, Any] = {
        "office": office,
        "programme": programme,
        "archive": list(archived_programmes(office=office)),
        "is_archived": bool(slug) and programme != current_programme(office=office),
    }
    if programme is not None:
        context.update(
            entries=programme_timeline(programme=programme),
            countdown=programme_countdown(programme=programme),
            elections=list(programme_elections(programme=programme)),
        )
    context["canonical"] = absolute_url(request.path, request=request)
    return render(request, "portal/timeline.html", context)


@require_safe
def how_to_vote(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    programme = current_programme(office=office)
    return render(
        request,
        "portal/how_to_vote.html",
        {
            "office": office,
            "programme": programme,
            "countdown": programme_countdown(programme=programme) if programme else None,
            "canonical": absolute_url(request.path, request=request),
        },
    )


# --- Partner directory --------------------------------------------------------------------


@require_safe
def partner_directory(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    filters = {
        "category": request.GET.get("kategori", "")[:40],
        "segment": request.GET.get("segmen", "")[:40],
        "kecamatan": request.GET.get("kecamatan", "")[:13],
    }
    partners = selectors.partner_directory(office=office, **filters)
    page = Paginator(partners, 24).get_page(request.GET.get("halaman"))
    params = {
        k: v
        for k, v in (
            ("kategori", filters["category"]),
            ("segmen", filters["segment"]),
            ("kecamatan", filters["kecamatan"]),
        )
        if v
    }
    return render(
        request,
        "portal/partners.html",
        {
            "page": page,
            "filters": filters,
            "page_query": urlencode(params),
            "categories": category_list(office_id=office.pk),
            "kinds": selectors.partner_kinds(office=office),
            "segments": office_segments(office=office),
            "kecamatan_list": kecamatan_of(city_code=office.region_id),
            "canonical": absolute_url(request.path, request=request),
        },
    )


# --- Calendar and map ---------------------------------------------------------------------


AGENDA_FILTERS = (  # query parameter → selector argument, and its longest value
    ("kecamatan", "kecamatan", 13),
    ("tema", "theme", 40),
    ("segmen", "segment", 40),
    ("pendekatan", "approach", 40),
)


def _agenda_filters(request: HttpRequest) -> tuple[dict[str, str], str]:
    """The agenda's filters from the query, and the same as a query string to keep them."""
    filters = {name: request.GET.get(param, "")[:size] for param, name, size in AGENDA_FILTERS}
    kept = {param: filters[name] for param, name, _size in AGENDA_FILTERS if filters[name]}
    return filters, urlencode(kept)


def _agenda_options(office: Office) -> dict[str, Any]:
    programme = current_programme(office=office)
    return {
        "kecamatan_list": list(kecamatan_of(city_code=office.region_id)),
        "themes": programme_themes(programme=programme) if programme else [],
        "segments": office_segments(office=office),
        "approaches": approach_options(programme=programme),
    }


AGENDA_PAGE_SIZE = 20


def _agenda_ics_url(request: HttpRequest, filter_query: str) -> str:
    """The iCal feed of the agenda as filtered (absolute: calendar apps subscribe to it)."""
    url = absolute_url(reverse("portal:calendar_ics"), request=request)
    return f"{url}?{filter_query}" if filter_query else url


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    """The agenda as a list: upcoming activities (paginated), the map, then past ones."""
    office = _office(request)
    filters, filter_query = _agenda_filters(request)
    result = selectors.activity_calendar(
        office=office,
        kecamatan=filters["kecamatan"],
        theme=filters["theme"],
        segment=filters["segment"],
        approach=filters["approach"],
    )
    options = _agenda_options(office)
    kecamatan_list = options["kecamatan_list"]
    svg = kecamatan_map(regions=kecamatan_list, counts=result.per_kecamatan)
    table = [(k, result.per_kecamatan.get(k.code, 0)) for k in kecamatan_list]
    page = Paginator(result.upcoming, AGENDA_PAGE_SIZE).get_page(request.GET.get("halaman"))
    past = Paginator(result.past, AGENDA_PAGE_SIZE).get_page(request.GET.get("lalu"))
    return render(
        request,
        "portal/calendar.html",
        {
            **options,
            "calendar": result,
            "page": page,
            "past_page": past,
            "filters": filters,
            "filter_query": filter_query,
            "page_query": filter_query,
            "map": svg,
            "kecamatan_table": table,
            "canonical": absolute_url(request.path, request=request),
            "ics_url": _agenda_ics_url(request, filter_query),
        },
    )


@require_safe
def calendar_month(request: HttpRequest) -> HttpResponse:
    """The agenda as a month grid (`?bulan=YYYY-MM`, this month by default), filters kept."""
    office = _office(request)
    filters, filter_query = _agenda_filters(request)
    today = timezone.localdate()
    try:
        year, number = (int(part) for part in request.GET.get("bulan", "").split("-"))
        first = datetime.date(year, number, 1)
    except ValueError:
        first = today.replace(day=1)
    if not 2000 <= first.year <= 2100:
        raise Http404
    activities = selectors.public_activities(office=office, **filters)
    month = selectors.activity_month(activities=activities, year=first.year, month=first.month)
    return render(
        request,
        "portal/calendar_month.html",
        {
            **_agenda_options(office),
            "month": month,
            "weekdays": [(WEEKDAYS[day], WEEKDAYS_ABBR[day]) for day in range(7)],
            "today": today,
            "filters": filters,
            "filter_query": filter_query,
            "canonical": absolute_url(request.path, request=request) + f"?bulan={first:%Y-%m}",
            "ics_url": _agenda_ics_url(request, filter_query),
        },
    )


def _ics_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=900)
    return response


ICS_LIMIT = 2000


@require_safe
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The agenda (with the same filters) as an iCalendar feed to subscribe to."""
    office = _office(request)
    filters, _query = _agenda_filters(request)
    activities = selectors.public_activities(office=office, **filters).order_by("starts_at", "pk")
    body = ical_feed(office=office, activities=activities[:ICS_LIMIT], root=site_root(request))
    return _ics_response(body, "agenda.ics")


@require_safe
def activity_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One public activity as an iCalendar event (to add to a phone's calendar)."""
    office = _office(request)
    activity = selectors.public_activity(office=office, pk=pk)
    if activity is None:
        raise Http404
    body = ical_feed(
        office=office, activities=[activity], name=activity.title, root=site_root(request)
    )
    return _ics_response(body, f"kegiatan-{activity.pk}.ics")


def share_links(*, url: str, title: str) -> dict[str, str]:
    """Share URLs of the networks people here use, for a page at `url`."""
    return {
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{title} {url}"}),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "x": "https://x.com/intent/tweet?" + urlencode({"url": url, "text": title}),
    }


@require_safe
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A public activity: its facts, registration (the check-in app's form, through its
    template tag), the self check-in link while its window is open, iCal and share links."""
    office = _office(request)
    activity = selectors.public_activity(office=office, pk=pk)
    if activity is None:
        raise Http404
    canonical = absolute_url(request.path, request=request)
    return render(
        request,
        "portal/activity.html",
        {
            "activity": activity,
            "reach": selectors.activity_verified_reach(activity=activity),
            "canonical": canonical,
            "ics_url": reverse("portal:activity_ics", args=[activity.pk]),
            "share": share_links(url=canonical, title=activity.title),
        },
    )


# --- Partner pages ------------------------------------------------------------------------


@require_safe
def partner_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An active partner's public profile, areas and its public activities."""
    office = _office(request)
    partner = selectors.public_partner(office=office, pk=pk)
    if partner is None:
        raise Http404
    activities = selectors.public_activities(office=office).filter(partner=partner)
    now = timezone.now()
    upcoming = activities.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = Paginator(activities.filter(ends_at__lt=now).order_by("-starts_at", "-pk"), 20)
    return render(
        request,
        "portal/partner.html",
        {
            "partner": partner,
            "upcoming": list(upcoming[:50]),
            "past_page": past.get_page(request.GET.get("halaman")),
            "page_query": "",
            "canonical": absolute_url(request.path, request=request),
        },
    )


# --- Materials ----------------------------------------------------------------------------


@require_safe
def materials(request: HttpRequest) -> HttpResponse:
    """The running programme's materials; `?program=<slug>` an archived programme's."""
    office = _office(request)
    slug = request.GET.get("program", "")[:50]
    programme = public_programme(office=office, slug=slug)
    if slug and programme is None:
        raise Http404
    groups = selectors.materials_by_theme(programme=programme) if programme else []
    return render(
        request,
        "portal/materials.html",
        {"groups": groups, "canonical": absolute_url(request.path, request=request)},
    )


@require_GET
def material_download(request: HttpRequest, version_id: int) -> HttpResponseBase:
    office = _office(request)
    version = selectors.public_material_version(office=office, version_id=version_id)
    if version is None:
        raise Http404
    response = file_response(
        version.file,
        download_name=version.original_name or None,
        inline=False,
    )
    services.material_download_record(version=version)
    return response


# --- robots.txt ---------------------------------------------------------------------------


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers read it at the host's root only: in path mode the root site's names every
    office's sitemap (`/<slug>/sitemap.xml`)."""
    sitemaps = [absolute_url(reverse("portal:sitemap"), request=request)]
    if sites_mode() == PATH:
        sitemaps += [
            f"{office_site_root(office=office, request=request)}/sitemap.xml"
            for office in site_offices()
            if not is_root_office(office)
        ]
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /akun/",
        "Disallow: /api/",
        "Disallow: /mitra/",
        "Disallow: /kegiatan/",
        "Disallow: /hadir/",
        "Disallow: /analitik/",
        "Allow: /",
        *(f"Sitemap: {url}" for url in sitemaps),
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# --- Staff: writing news ------------------------------------------------------------------


@login_required
@require_GET
@member_required(Right.MANAGE_CONTENT)
def staff_articles(request: MemberRequest) -> HttpResponse:
    """The office's articles in every status, for the staff who write them."""
    membership = request.membership
    query = request.GET.get("q", "").strip()[:100]
    articles = selectors.office_articles(membership=membership, query=query)
    page = Paginator(articles, 25).get_page(request.GET.get("halaman"))
    return render(
        request,
        "portal/staff_articles.html",
        {"page": page, "query": query, "page_query": urlencode({"q": query} if query else {})},
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_CONTENT)
def staff_materials(request: MemberRequest) -> HttpResponse:
    """The office's outreach materials with their versions; add a material."""
    membership = request.membership
    programme = current_programme(office=membership.office)
    themes = programme_themes(programme=programme) if programme else Theme.objects.none()
    form = MaterialForm(request.POST or None, request.FILES or None, themes=themes)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_create(membership=membership, **form.cleaned_data)
        except DomainError as exc:
            if isinstance(exc, NotFoundError):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Materi tersimpan."))
            return redirect("portal:staff_materials")
    return render(
        request,
        "portal/staff_materials.html",
        {
            "form": form,
            "materials": selectors.office_materials(membership=membership),
            "version_form": MaterialVersionForm(),
        },
    )


@login_required
@require_POST
@member_required(Right.MANAGE_CONTENT)
def staff_material_version(request: MemberRequest, pk: int) -> HttpResponse:
    """Upload a new version of a material's file."""
    membership = request.membership
    form = MaterialVersionForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("portal:staff_materials")
    version = services.material_version_add(
        membership=membership, material_id=pk, **form.cleaned_data
    )
    messages.success(request, _("Versi %(n)d tersimpan.") % {"n": version.number})
    return redirect("portal:staff_materials")


def _article_page(
    request: HttpRequest, membership: Membership, article: Any | None
) -> HttpResponse:
    initial = ArticleForm.initial_of(article) if article else {"status": "draft"}
    form = ArticleForm(request.POST or None, request.FILES or None, initial=initial)
    preview_html = services.markdown_render(text=article.body) if article else ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "preview":  # show the body as it will look; save nothing
            preview_html = services.markdown_render(text=data["body"])
        else:
            try:
                saved = services.article_save(
                    membership=membership,
                    article_id=article.pk if article else None,
                    title=data["title"],
                    slug=data.get("slug") or "",
                    lead=data["lead"],
                    body=data["body"],
                    status=data["status"],
                    published_at=data.get("published_at"),
                    tags=data["tags"],
                    image=data.get("image"),
                    image_alt=data.get("image_alt") or "",
                )
            except NotFoundError:
                raise Http404 from None
            except DomainError as exc:
                form.add_error("slug" if exc.code == "slug_taken" else None, exc.message)
            else:
                messages.success(request, _("Berita tersimpan."))
                return redirect("portal:staff_article_edit", saved.pk)
    return render(
        request,
        "portal/staff_article_form.html",
        {"form": form, "article": article, "preview_html": preview_html},
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_CONTENT)
def staff_article_new(request: MemberRequest) -> HttpResponse:
    return _article_page(request, request.membership, None)


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_CONTENT)
def staff_article_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    article = selectors.office_article(membership=membership, pk=pk)
    if article is None:
        raise Http404
    return _article_page(request, membership, article)


# --- Staff: the office's public profile and branding ----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_CONTENT)
def staff_office_profile(request: MemberRequest) -> HttpResponse:
    """Logo, colours, social accounts, contacts and link-preview image of the office."""
    membership = request.membership
    office = membership.office
    form = OfficeProfileForm(
        request.POST or None, request.FILES or None, initial=OfficeProfileForm.initial_of(office)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.office_profile_update(
                membership=membership,
                logo=data.get("logo"),
                share_image=data.get("share_image"),
                **{name: data.get(name) or "" for name in OfficeProfileForm.FIELDS},
            )
        except DomainError as exc:
            field = exc.code.removeprefix("contrast_")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Profil kantor tersimpan."))
            return redirect("portal:staff_office_profile")
    return render(request, "portal/staff_office_profile.html", {"form": form, "office": office})
