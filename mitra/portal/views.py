"""The public site: thin views over the portal selectors and services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.accounts.selectors import request_membership
from mitra.activities.selectors import approach_options
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.links import absolute_url
from mitra.core.pagecache import personalise, render_shareable, shared_page_allowed
from mitra.core.uploads import file_response
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
from mitra.offices.selectors import request_public_office
from mitra.partners.selectors import category_list
from mitra.regions.selectors import kecamatan_of

from . import selectors, services
from .bots import counts_as_view
from .forms import ArticleForm
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
    key = article_cache_key(slug, get_language())
    entry = cache.get(key) if cacheable else None
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
    share_text = f"{item.title} {url}"
    context = {
        "article": item,
        "body_html": services.markdown_render(text=item.body),
        "canonical": url,
        "image_url": absolute_url(_image_path(item), request=request) if item.image else "",
        "share": {
            "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
            "x": "https://x.com/intent/tweet?" + urlencode({"url": url, "text": item.title}),
            "whatsapp": "https://wa.me/?" + urlencode({"text": share_text}),
        },
        "view_count": VIEWS_TOKEN,
        "preview": preview,
    }
    return render_shareable(request, "portal/article.html", context)


def _image_path(item: Any) -> str:
    from django.urls import reverse

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


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    programme = current_programme(office=office)
    filters = {
        "kecamatan": request.GET.get("kecamatan", "")[:13],
        "theme": request.GET.get("tema", "")[:40],
        "segment": request.GET.get("segmen", "")[:40],
        "approach": request.GET.get("pendekatan", "")[:40],
    }
    result = selectors.activity_calendar(
        office=office,
        kecamatan=filters["kecamatan"],
        theme=filters["theme"],
        segment=filters["segment"],
        approach=filters["approach"],
    )
    kecamatan_list = list(kecamatan_of(city_code=office.region_id))
    svg = kecamatan_map(regions=kecamatan_list, counts=result.per_kecamatan)
    table = [(k, result.per_kecamatan.get(k.code, 0)) for k in kecamatan_list]
    return render(
        request,
        "portal/calendar.html",
        {
            "calendar": result,
            "filters": filters,
            "map": svg,
            "kecamatan_table": table,
            "kecamatan_list": kecamatan_list,
            "themes": programme_themes(programme=programme) if programme else [],
            "segments": office_segments(office=office),
            "approaches": approach_options(programme=programme),
            "canonical": absolute_url(request.path, request=request),
            "now": timezone.now(),
        },
    )


@require_safe
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    office = _office(request)
    activity = selectors.public_activity(office=office, pk=pk)
    if activity is None:
        raise Http404
    return render(
        request,
        "portal/activity.html",
        {
            "activity": activity,
            "reach": selectors.activity_verified_reach(activity=activity),
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
        f"Sitemap: {absolute_url('/sitemap.xml', request=request)}",
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
