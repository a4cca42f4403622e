"""The crawl: every demo user, in Chinese and English, follows every link from `/`.

It loads the demo organisation (complaints in every state in both branches), signs in as each
demo user through the login page, sets the language the way the switch does (the language
cookie) and follows every same-site link breadth-first, at most PER_PATTERN pages per URL
pattern, plus the complaint pages of a complaint in each state the user can see. It fails with
one line per problem (user, language, url, what) on a server error, an exception, a template
variable that does not exist, a non-HTML answer of the wrong type, a link to a page that does
not exist, and visible English on a Chinese page that is not data (kesu/web/tests/visible_text.py).
"""

import copy
import json
import re
from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.conf.locale import LANG_INFO
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from kesu.complaints.choices import OPEN_STATES, State
from kesu.complaints.models import Attachment, Category, Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.customers.models import Customer, Purchase
from kesu.customers.selectors import customers_visible_to
from kesu.organisation.models import Branch, Department, Organisation, User
from kesu.web.tests.visible_text import (
    Catalogue,
    DataStripper,
    english_chunks,
    project_catalogue,
)

PASSWORD = "kesu-demo-2026"
USERNAMES = ["frontline", "callback", "handler", "sales_handler", "director", "gm",
             "west_frontline", "west_handler", "west_director", "west_gm", "group", "admin"]  # fmt: skip
LANGUAGES = ["zh-hans", "en"]
# The language whose pages are read for English: it also gets the complaint in every state and
# the whole admin. In English the crawl follows the links (up to PER_PATTERN per pattern) and
# opens the admin's index; files (PDF, Excel) are fetched once per URL pattern in all.
FULL_LANGUAGE = "zh-hans"
PER_PATTERN = 3
# The admin is one template for every model: one page per route, without its query strings
# (filters and sorting), and no history or delete confirmation pages.
ADMIN_PER_PATTERN = 1
# History, delete and password pages; and a user's own page, whose password-hash summary
# (random salt letters) is Django's and not text to translate.
ADMIN_SKIP = re.compile(r"^admin/(.*/(history|delete|password)/|organisation/user/[^/]+/change/)$")
INVALID = "@@INVALID@@"
# Pages every user is sent to besides the links: some are reached by address only.
SEEDS = [
    "/",
    "/inbox/",
    "/callbacks/",
    "/callbacks/dashboard/",
    "/api/docs/",
    "/calls/current/",
    "/portal/",
]
SKIP = re.compile(r"^/(logout/|i18n/|admin/logout/|static/|media/|admin/jsi18n/)")
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Not English to a Chinese reader: brand names, and each language's name in that language
# (the language switch says “English”).
BRANDS = ["Kesu", "Axes"]
NATIVE_NAMES = [LANG_INFO[code]["name_local"] for code, _name in django_settings.LANGUAGES]

# Defects other engineers are fixing on their branches right now: (route of the page, a regular
# expression for what the crawl reports). Delete an entry when its fix lands; the crawl fails
# when an entry no longer matches anything.
KNOWN_FAILURES: list[tuple[str, str]] = []  # (route, regex of the problem): none at present
# Text that third-party templates write without a translation: (route prefix, the exact chunk).
UNTRANSLATABLE = [
    ("admin/", "Search"),  # the alt text of the search icon in Django's admin/search_form.html
]


@dataclass(frozen=True)
class Problem:
    user: str
    language: str
    url: str
    what: str
    route: str = ""

    def __str__(self):
        return f"{self.user:<15} {self.language:<8} {self.url}  {self.what}"

    @property
    def known(self) -> bool:
        return any(self.matches(entry) for entry in KNOWN_FAILURES)

    def matches(self, entry) -> bool:
        route, pattern = entry
        return route == self.route and re.search(pattern, self.what) is not None


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links_of(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        parts = urlsplit(urljoin(base, href))
        if parts.netloc not in ("", "testserver"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def demo_data(for_admin: bool = False) -> list[str]:
    """Everything the demo database holds that a page may show as it is.

    The admin also shows codes and the English names kept for the English interface; a page of
    the workspace that shows those on a Chinese page has a defect.
    """
    values = [*BRANDS, *NATIVE_NAMES]
    values += Permission.objects.values_list("name", flat=True)  # Django stores them in English
    for model in admin.site._registry:
        # Each object's name and its free-text fields; codes (choices, slugs, `code`) and
        # English names (`name_en`) only for the admin.
        texts = [f.name for f in model._meta.fields
                 if isinstance(f, models.CharField | models.TextField) and not f.choices
                 and (for_admin or not (isinstance(f, models.SlugField) or f.name == "code"
                                    or f.name.endswith(("_code", "_en"))))]  # fmt: skip
        documents = [f.name for f in model._meta.fields if isinstance(f, models.JSONField)]
        for obj in model.objects.all()[:2000]:
            values.append(str(obj))
            values += [str(getattr(obj, name) or "") for name in texts]
            values += [json.dumps(getattr(obj, name), ensure_ascii=False) for name in documents]
    for model, fields in [
        (Organisation, ["name", "code", "number_prefix"]),
        (Branch, ["name", "code", "address", "phone"]),
        (Department, ["name"]),
        (User, ["username", "display_name", "email"]),
        (Customer, ["name", "phone"]),
        (Purchase, ["product", "plate_number", "vin", "reference"]),
        (Category, ["name"]),
        (Complaint, ["number", "title", "account"]),
        (Attachment, ["original_name", "file"]),
    ]:
        for row in model.objects.values_list(*fields):
            for value in row:
                value = str(value or "")
                values += [value, value.rpartition("/")[2]]
    return values


def seeds_for(user: User, every_state: bool) -> list[str]:
    """The fixed pages and the page of one complaint in each state the user can see."""
    if not every_state:
        return SEEDS + (["/admin/"] if user.is_staff else [])
    visible = complaints_visible_to(user).order_by("pk")
    picks = [visible.filter(state=state).first() for state in State.values]
    picks += [
        visible.filter(attachments__isnull=False).first(),
        visible.filter(is_crisis=True).first(),
        visible.filter(reopen_count__gt=0).first(),
        # Forwarded by the manufacturer, with its reference and an answered exchange.
        visible.filter(channel="manufacturer").first(),
    ]
    pages = {reverse("complaints:complaint", args=[c.pk]) for c in picks if c is not None}
    # The customer's page of a corporate customer (key persons) and of one with a calling
    # preference, with their edit forms (the links reach them too, but not surely those two).
    customers = customers_visible_to(user).order_by("pk")
    for customer in [
        customers.filter(is_company=True).first(),
        customers.filter(call_preference__isnull=False).first(),
    ]:
        if customer is not None:
            pages.add(reverse("complaints:customer", args=[customer.pk]))
            pages.add(reverse("complaints:customer-edit", args=[customer.pk]))
    # The intake's possible duplicates (an htmx panel, no link leads to it): the newest open
    # complaint's summary and account, typed again for another caller.
    newest = visible.filter(state__in=OPEN_STATES).order_by("-received_at").first()
    if newest is not None:
        typed = {"phone": "13800000000", "title": newest.title, "account": newest.account}
        pages.add(f"{reverse('complaints:intake-duplicates')}?{urlencode(typed)}")
        # The intake's triage panel (htmx, no link leads to it) for the same text.
        pages.add(f"{reverse('complaints:intake-suggestions')}?{urlencode(typed)}")
    return [*SEEDS, *sorted(pages)] + (["/admin/"] if user.is_staff else [])


class Crawl:
    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.strip = DataStripper(demo_data())
        self.admin_strip = DataStripper(demo_data(for_admin=True))
        self.problems: list[Problem] = []
        self.downloads: set[str] = set()  # routes of files: each is fetched once
        self.pages = 0

    def run(self, username: str, language: str) -> None:
        client = Client()
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        signed_in = client.post("/login/", {"username": username, "password": PASSWORD})
        assert signed_in.status_code == 302, f"{username} could not sign in"
        user = User.objects.get(username=username)
        if user.is_staff:
            # The admin lists what the crawl itself wrote so far (sign-ins, exports, prints).
            self.admin_strip = DataStripper(demo_data(for_admin=True))
        seeds = seeds_for(user, every_state=language == FULL_LANGUAGE)
        queue = deque((url, None) for url in seeds)
        seen, per_route = set(seeds), Counter()
        while queue:
            url, found_on = queue.popleft()
            path = urlsplit(url).path
            try:
                route = resolve(path).route
            except Resolver404:
                self._problem(
                    username, language, url, f"link to a page that does not exist (on {found_on})"
                )
                continue
            is_admin = route.startswith("admin/")
            if found_on is not None:
                limit = ADMIN_PER_PATTERN if is_admin else PER_PATTERN
                if per_route[route] >= limit or (is_admin and ADMIN_SKIP.match(route)):
                    continue
                if is_admin and language != FULL_LANGUAGE:
                    continue
            per_route[route] += 1
            for link in self._visit(client, username, language, url, route):
                if link.startswith("/admin/"):
                    link = link.partition("?")[0]
                if link not in seen and not SKIP.match(link):
                    seen.add(link)
                    queue.append((link, url))

    def _visit(self, client, username, language, url, route) -> list[str]:
        problem = lambda what: self._problem(username, language, url, what, route)  # noqa: E731
        suffix = next((s for s in CONTENT_TYPES if urlsplit(url).path.endswith(s)), None)
        if suffix:
            if route in self.downloads:
                return []
            self.downloads.add(route)
        self.pages += 1
        try:
            response = client.get(url)
        except Exception as error:  # the test client re-raises what the view raised
            problem(f"exception {type(error).__name__}: {str(error)[:200]}")
            return []
        status = response.status_code
        if status >= 500:
            problem(f"status {status}")
            return []
        if status in (301, 302, 303, 307, 308):
            return [response.headers["Location"]] if response.has_header("Location") else []
        content_type = response.headers.get("Content-Type", "")
        if suffix:
            if status == 200 and not content_type.startswith(CONTENT_TYPES[suffix]):
                problem(f"content type {content_type}, expected {CONTENT_TYPES[suffix]}")
            return []
        if not content_type.startswith("text/html") or status != 200:
            return []
        html = response.content.decode(response.charset or "utf-8")
        if INVALID in html and not route.startswith("admin/"):
            # The admin's own templates rely on missing variables rendering as nothing.
            around = html[max(0, html.index(INVALID) - 80) : html.index(INVALID) + 20]
            problem(f"template variable that does not exist: …{' '.join(around.split())}…")
        if language == "zh-hans":
            strip = self.admin_strip if route.startswith("admin/") else self.strip
            for chunk, why in english_chunks(html, self.catalogue, strip):
                if not any(route.startswith(r) and chunk == c for r, c in UNTRANSLATABLE):
                    problem(f"English “{chunk}” ({why})")
        return links_of(html, url)

    def _problem(self, username, language, url, what, route="") -> None:
        self.problems.append(Problem(username, language, url, what, route))


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the kept reports' files
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates
    call_command("seed_demo", verbosity=0)
    _ringing("frontline", "13812345678")  # a known customer
    _ringing("west_frontline", "13900001111")  # a new caller


def _ringing(username: str, caller: str) -> None:
    """A call at the user's extension that shows all through the crawl (the tab's pop-up)."""
    from datetime import timedelta

    from django.utils import timezone

    from kesu.integrations.models import IncomingCall, Integration

    agent = User.objects.get(username=username)
    IncomingCall.objects.create(
        integration=Integration.objects.filter(organisation=agent.organisation).first(),
        agent=agent,
        extension=agent.extension,
        caller=caller,
        expires_at=timezone.now() + timedelta(days=1),
    )


def test_every_user_in_both_languages_reaches_every_page_without_errors(demo):
    crawl = Crawl(project_catalogue())
    for username in USERNAMES:
        for language in LANGUAGES:
            crawl.run(username, language)
    unexpected = sorted({str(p) for p in crawl.problems if not p.known})
    assert not unexpected, f"{len(unexpected)} problems in {crawl.pages} pages:\n" + "\n".join(
        unexpected
    )
    # The known failures are still there: when one is fixed, delete it from KNOWN_FAILURES.
    fixed = [entry for entry in KNOWN_FAILURES if not any(p.matches(entry) for p in crawl.problems)]
    assert not fixed, f"fixed now, delete from KNOWN_FAILURES: {fixed}"


# ---- The detector itself ---------------------------------------------------------------------


def zh_page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="zh-hans"><head><title>投诉</title></head><body>{body}</body></html>'


def test_the_detector_flags_english_on_a_chinese_page():
    page = zh_page("<dl><dt>Compensation amount</dt><dd>5000 元</dd></dl>")
    found = english_chunks(page, project_catalogue())
    assert [chunk for chunk, _why in found] == ["Compensation amount"]


def test_the_detector_reads_attributes_and_buttons():
    page = zh_page(
        '<input placeholder="Search"><img alt="处理" src="x.png">'
        '<input type="submit" value="Save"><button title="保存">Close</button>'
    )
    found = [chunk for chunk, _why in english_chunks(page, project_catalogue())]
    assert found == ["Search", "Save", "Close"]


def test_the_detector_passes_chinese_with_data():
    page = zh_page(
        "<h1>投诉 KS-2026-000123</h1><p>客户 张伟，电话 138 1234 5678，车型 宝马 X5，"
        "车牌 京A·D1234</p><script>var label = 'Compensation amount';</script>"
        "<p>导出 Excel · PDF</p>"
    )
    assert english_chunks(page, project_catalogue()) == []


def test_data_is_taken_out_before_judging():
    strip = DataStripper(["Service Centre East", "KS"])
    page = zh_page("<p>分店：Service Centre East</p>")
    assert english_chunks(page, project_catalogue()) != []
    assert english_chunks(page, project_catalogue(), strip) == []


def test_a_web_address_is_not_english():
    page = zh_page("<p>网址：<span>https://kesu.example.com/portal/track/?number=KS-1</span></p>")
    assert english_chunks(page, project_catalogue()) == []
    assert english_chunks(zh_page("<p>网址 Follow my case</p>"), project_catalogue()) != []


# ---- The customer portal (kesu/portal): no login, a phone code, one bound case ---------------


def _portal_pages(client, crawl, language):
    """A customer's walk: home, a branch, the code page, filing, the filed case, tracking."""
    from kesu.callbacks.sms import MemoryBackend

    def code() -> str:
        return re.search(r"\b(\d{6})\b", MemoryBackend.sent[-1][1]).group(1)

    branch = Branch.objects.order_by("pk").first()
    visit = lambda url: crawl._visit(client, "-", language, url, resolve(urlsplit(url).path).route)  # noqa: E731
    for url in ("/portal/", "/portal/track/", f"/portal/{branch.code}/"):
        visit(url)
    client.post(f"/portal/{branch.code}/", {"phone": "+8613700137000"})
    visit("/portal/code/")
    client.post("/portal/code/", {"code": code()})
    visit(f"/portal/{branch.code}/new/")
    client.post(
        f"/portal/{branch.code}/new/",
        {"kind": "complaint", "name": "周女士", "title": "网上投诉", "account": "轮胎有鼓包。"},
    )
    visit("/portal/case/")
    number = Complaint.objects.filter(channel="web").order_by("-pk").first().number
    client.post("/portal/leave/")
    client.post("/portal/track/", {"number": number, "phone": "+8613700137000"})
    client.post("/portal/code/", {"code": code()})
    visit("/portal/case/")


def test_the_customer_portal_in_both_languages(demo, settings):
    from kesu.callbacks.sms import MemoryBackend
    from kesu.core import counters

    settings.KESU_SMS_BACKEND = "kesu.callbacks.sms.MemoryBackend"
    settings.KESU_PORTAL_CODE_INTERVAL_SECONDS = 0
    MemoryBackend.sent = []
    crawl = Crawl(project_catalogue())
    for language in LANGUAGES:
        counters.clear_all()
        client = Client(REMOTE_ADDR=f"10.3.0.{len(language)}")
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        _portal_pages(client, crawl, language)
    assert crawl.pages == 2 * 7
    assert not crawl.problems, "\n".join(str(p) for p in crawl.problems)


def test_text_marked_translate_no_is_data_and_placeholders_are_not_english():
    catalogue = Catalogue.from_pairs([("Complaint number", "投诉编号"), ("title", "标题")])
    page = (
        '<p>投诉<pre translate="no">{"id": 1, "complaint number": "x"}</pre></p><p>可用 {title}</p>'
    )
    assert english_chunks(page, catalogue) == []
    assert english_chunks("<p>Complaint number</p>", catalogue)
