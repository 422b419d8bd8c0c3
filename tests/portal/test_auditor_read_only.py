"""The auditor cannot change anything anywhere.

Every URL pattern of the project is walked (``get_resolver``, recursively, the API router and
the admin included), built with the pk of a real object of the model its view serves (made with
every app's factories, plus the records those have no factory for), and the auditor POSTs to
it — with the form an administrator is offered for that URL, filled as the page fills it
(an edit form carries the record's own values, so it is a valid change), or empty where no
page offers one; API endpoints also get PUT, PATCH and DELETE, with the record's own JSON as
an administrator reads it. Each answer must be a refusal (403), a 404
from a view that loads its object for change through ``restrict`` (which finds nothing for a
read-only account, as the permission matrix expects), or a 405 from a page that only reads;
the admin sends a non-staff account to its own login. And nothing in the database changes:
every table's row count is compared after each request and every table's full content at the
end.

A few doors are the auditor's own and may write; they are listed in ``OWN_WRITES`` with the
reason, and are posted to last, outside the comparison.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import inspect
import re
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import factory
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

FACTORY_MODULES = (
    "tests.responsibilities.factories",
    "tests.tasks.factories",
    "tests.hazards.factories",
    "tests.risks.factories",
    "tests.emergency.factories",
    "tests.supervision.factories",
)

# The auditor's own records: these may write, each for the reason given.
OWN_WRITES = {
    "login": "the login form itself (anyone may post it)",
    "logout": "signing out ends the auditor's own session",
    "admin:login": "the admin's login form (anyone may post it)",
    "admin:logout": "signing out of the admin ends the auditor's own session",
    "set_language": "the interface language is the auditor's own preference (a cookie)",
    "password_change": "the auditor's own password",
    "password_reset": "a password reset is requested by anyone for their own account",
    "password_reset_confirm": "a password reset link is used by anyone for their own account",
    "notifications:mark-read": "the auditor's own notifications' read-state",
    "notifications:mark-all-read": "the auditor's own notifications' read-state",
    "notifications:preferences": "the auditor's own notification preferences",
    "notification-read": "the auditor's own notifications' read-state (API)",
    "notification-read-all": "the auditor's own notifications' read-state (API)",
    "notification-detail": "the auditor's own notification (API; read-state only)",
    "reports:export": "an export job is the auditor's own request for a file (reading)",
    "reports:export-jobs": "the auditor's own export jobs",
    "reports:export-job": "the auditor's own export jobs",
    "hazards:citizen-report-form": "the public's hazard report form: anyone may report",
    "hazards:citizen-report-status": "the public's receipt lookup: reads only",
}

# Pages that answer any method because they only read (a POST is read like a GET): they must
# still change nothing.
READS_ON_ANY_METHOD = {
    "healthz": "the health check reads the database and the broker",
    "api-schema": "the OpenAPI document",
    "api-docs": "the API documentation page",
}

API_METHODS = ("post", "put", "patch", "delete")
REFUSED = {403, 404, 405}
SKIPPED_KWARGS = {"format"}  # a format suffix is the same view as without it


# --- the world: one or more records of every model ------------------------------------------


def _factories():
    for module_name in FACTORY_MODULES:
        module = importlib.import_module(module_name)
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, factory.django.DjangoModelFactory)
                and obj.__module__ == module_name
                and obj._meta.model is not None
            ):
                yield obj


def build_world(cast) -> None:
    """Every factory once, a hazard taken through its lifecycle by the services (events,
    photos, listing, extension, dual report), and the records no factory makes."""
    from hazards.models import DualReport, HazardExtension, HazardListing, ListingProgress
    from portal.dashboard.models import PublicationSetting, ScorecardEdition, ScoreWeight
    from portal.models import WorkdayOverride
    from portal.notifications.models import Delivery, Notification, UnitWebhook
    from portal.reports.models import Bulletin, ExportJob
    from portal.supervision.models import DeadlineEvent
    from responsibilities.models import UnitGroup
    from risks.models import IndustryRestriction, ProjectScreening, WhitePaper
    from tests.hazards.factories import closed_hazard, confirmed_hazard
    from tests.risks.factories import default_thresholds

    for factory_class in _factories():
        factory_class()
    default_thresholds()
    closed_hazard(cast)
    major = confirmed_hazard(cast, grade="major")
    today = timezone.localdate()
    now = timezone.now()
    listing = HazardListing.objects.create(
        hazard=major,
        authority="潍坊市安委办",
        notice_number="潍安督〔2026〕1号",
        listed_on=today,
        deadline=today + datetime.timedelta(days=60),
    )
    ListingProgress.objects.create(
        listing=listing,
        period_end=today,
        narrative="已制定整改方案",
        reported_by=cast.zhujian,
        reported_at=now,
    )
    HazardExtension.objects.create(
        hazard=major,
        reason="设备到货延迟",
        previous_deadline=today,
        requested_deadline=today + datetime.timedelta(days=30),
        requested_by=cast.zhujian,
        requested_at=now,
    )
    DualReport.objects.create(
        hazard=major, recipient="潍坊市应急管理局", reported_on=today, recorded_by=cast.office
    )
    notification = Notification.objects.create(recipient=cast.auditor, title="测试通知")
    Notification.objects.create(recipient=cast.zhujian, title="他人的通知")
    Delivery.objects.create(notification=notification, channel="email", target="a@example.com")
    UnitWebhook.objects.create(unit=cast.zhujian_unit, kind="wecom", url="https://example.com/hook")
    ExportJob.objects.create(user=cast.office, exporter="hazards", title="隐患台账", format="xlsx")
    Bulletin.objects.create(year=today.year, month=today.month, number="第1期", title="月度通报")
    ScorecardEdition.objects.create(
        period_kind="month",
        period_start=today.replace(day=1),
        period_end=today,
        title="考核结果",
    )
    ScoreWeight.objects.create(indicator="on_time_milestones", weight=40)
    PublicationSetting.objects.create(updated_by=cast.office)
    DeadlineEvent.objects.create(
        source="tasks.milestone",
        content_type=ContentType.objects.get(app_label="tasks", model="milestone"),
        object_id=1,
        stage="overdue",
        due_on=today,
        title="测试节点",
        sweep_id=uuid.uuid4(),
        occurred_at=now,
    )
    WorkdayOverride.objects.create(date=today, kind=WorkdayOverride.Kind.choices[0][0])
    UnitGroup.objects.create(
        name="测试单位组", rule=UnitGroup._meta.get_field("rule").choices[0][0]
    )
    IndustryRestriction.objects.create(
        number="1",
        kind=IndustryRestriction._meta.get_field("kind").choices[0][0],
        sector="化工",
        name="测试限制类产业",
    )
    ProjectScreening.objects.create(
        project_name="测试项目",
        industry_text="化工",
        verdict=ProjectScreening._meta.get_field("verdict").choices[0][0],
    )
    WhitePaper.objects.create(title="风险白皮书", as_of=today)


# --- the walk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # the qualified name ("hazards:hazard-edit"), or the route when it has none
    url_name: str | None
    kwargs: tuple[str, ...]
    callback: object
    route: str
    is_api: bool
    is_admin: bool


def _kwargs_of(pattern) -> list[str]:
    regex = pattern.pattern.regex
    return list(regex.groupindex)


def walk(resolver=None, namespace=None, prefix="", kwargs=(), in_admin=False):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        names = [*kwargs, *_kwargs_of(entry)]
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            qualified = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry, qualified, route, names, in_admin or ns == "admin")
        elif isinstance(entry, URLPattern):
            url_name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(
                name=url_name or route,
                url_name=url_name,
                kwargs=tuple(names),
                callback=entry.callback,
                route=route,
                is_api=route.startswith("api/") and hasattr(entry.callback, "cls"),
                is_admin=in_admin,
            )


def view_model(route: Route):
    """The model the view serves: its ``model``, its ``queryset``'s model, or the admin's."""
    if route.is_admin:
        match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history)$", route.url_name or "")
        if match:
            try:
                return apps.get_model(match[1], match[2])
            except LookupError:
                return None
        return None
    cls = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
    if cls is None:
        return None
    model = getattr(cls, "model", None)
    if model is None and getattr(cls, "queryset", None) is not None:
        model = cls.queryset.model
    return model


# Views whose model is not an attribute of the view class: the model each one's pk names.
PK_MODELS = {
    "tasks:report-create": "tasks.Milestone",
    "tasks:report-evidence": "tasks.ReportEvidence",
    "hazards:hazard-photo": "hazards.HazardPhoto",
    "hazards:hazard-action": "hazards.Hazard",
    "hazards:citizen-report-photo": "hazards.CitizenReport",
    "responsibilities:gridofficer-remove": "responsibilities.GridOfficer",
    "responsibilities:gridofficer-add": "responsibilities.Grid",
    "responsibilities:membership-add": "responsibilities.OrgUnit",
    "responsibilities:membership-remove": "responsibilities.OrgUnit",
    "responsibilities:enterprise-share": "responsibilities.Enterprise",
    "responsibilities:account-detail": "auth.User",
    "responsibilities:account-edit": "auth.User",
    "responsibilities:account-deactivate": "auth.User",
    "responsibilities:account-reactivate": "auth.User",
    "responsibilities:account-reset-password": "auth.User",
    "responsibilities:account-membership-add": "auth.User",
    "responsibilities:account-membership-remove": "auth.User",
    "responsibilities:account-handover": "auth.User",
    "tasks:report-detail": "tasks.ProgressReport",
    "tasks:report-submit": "tasks.ProgressReport",
    "tasks:report-confirm": "tasks.ProgressReport",
    "tasks:report-approve": "tasks.ProgressReport",
    "tasks:report-return": "tasks.ProgressReport",
    "risks:screening-points": "risks.ProjectScreening",
    "risks:threshold-edit": "risks.RiskThreshold",
    "risks:point-assess": "risks.RiskPoint",
    "risks:point-retire": "risks.RiskPoint",
    "risks:point-geojson": "risks.RiskPoint",
    "emergency:plan-file": "emergency.Plan",
    "emergency:drill-report": "emergency.Drill",
    "emergency:shelter-point": "emergency.Shelter",
    "reports:export-job": "reports.ExportJob",
    "reports:export-download": "reports.ExportJob",
    "reports:record-history": "hazards.Hazard",
    "calendar:override-edit": "portal.WorkdayOverride",
    "calendar:override-delete": "portal.WorkdayOverride",
    "notifications:mark-read": "notifications.Notification",
    "notifications:delivery-retry": "notifications.Delivery",
}


def _first_pk(model_label_or_model):
    model = (
        apps.get_model(model_label_or_model)
        if isinstance(model_label_or_model, str)
        else model_label_or_model
    )
    row = model._default_manager.order_by("pk").first()
    return row.pk if row else None


def kwarg_values(route: Route, cast) -> list[dict] | str:
    """The kwargs to build this route with (several for a slug that names an action or a
    register), or the reason it cannot be built."""
    from emergency.imports import REGISTERS
    from hazards.views.actions import ACTIONS
    from portal.exports import registered_exporters
    from responsibilities.models import Membership, SupervisionDuty

    values: dict[str, list] = {}
    for name in route.kwargs:
        if name in ("pk", "object_id", "id"):
            if route.is_admin:
                model = view_model(route)
                values[name] = [str(_first_pk(model) or 1) if model else "1"]
                continue
            model = PK_MODELS.get(route.name) or view_model(route)
            if model is None:
                return f"cannot tell which model {route.name} ({route.route}) takes: add it to PK_MODELS"
            pk = _first_pk(model)
            if pk is None:
                return f"no {model} to build {route.name} with: add one to build_world"
            values[name] = [pk]
        elif name == "unit_pk":
            values[name] = [cast.zhujian_unit.pk]
        elif name == "membership_pk":
            membership = Membership.objects.order_by("pk").first()
            values[name] = [membership.pk]
            values["pk"] = [membership.user_id if "account" in route.name else membership.unit_id]
        elif name == "industry_pk":
            values[name] = [SupervisionDuty.objects.order_by("pk").first().industry_id]
        elif name == "kind":
            values[name] = [SupervisionDuty.objects.order_by("pk").first().kind]
        elif name == "year":
            values[name] = [timezone.localdate().year]
        elif name == "action" and route.name == "hazards:hazard-action":
            values[name] = list(ACTIONS)
        elif name == "name" and route.name == "reports:export":
            values[name] = list(registered_exporters())
        elif name == "register" and route.name == "emergency:import-template":
            values[name] = list(REGISTERS)
        elif name == "month":
            values[name] = [timezone.localdate().month]
        elif name == "label" and route.name == "reports:record-history":
            values[name] = ["hazards.hazard"]
        elif name == "app_label":
            values[name] = ["hazards"]
        elif name == "content_type_id":
            values[name] = [ContentType.objects.get_for_model(cast.auditor).pk]
        else:
            values[name] = ["x"]
    combos = [{}]
    for name, options in values.items():
        combos = [{**combo, name: option} for combo in combos for option in options]
    return combos


def _substitute(route: str, kwargs: dict) -> str:
    """The route string with each parameter replaced by its value (path converters and regex
    groups alike; an unnamed regex group, as the admin's history pages have, gets "1")."""
    url = re.sub(
        r"\(\?P<(\w+)>[^()]*(?:\([^()]*\)[^()]*)*\)", lambda m: str(kwargs.get(m[1], "1")), route
    )
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs.get(m[1], "1")), url)
    url = re.sub(r"\([^()]*\)", "1", url)
    url = url.replace("^", "").replace("$", "").replace("/?", "/").replace("\\", "")
    return "/" + url


def build_url(route: Route, kwargs: dict) -> str | None:
    """The URL for this route, checked to resolve back to the same view."""
    url = _substitute(route.route, kwargs)
    try:
        match = resolve(url)
    except Exception:
        return None
    return url if match.func is route.callback or match.func == route.callback else None


def routes_to_post(cast):
    """(route, url) pairs for every pattern, and the patterns that could not be built."""
    built, unbuilt = [], []
    for route in walk():
        if set(route.kwargs) & SKIPPED_KWARGS:
            continue
        combos = kwarg_values(route, cast)
        if isinstance(combos, str):
            unbuilt.append(combos)
            continue
        for kwargs in combos:
            url = build_url(route, kwargs)
            if url is None:
                unbuilt.append(f"{route.name} ({route.route}) with {kwargs}")
            else:
                built.append((route, url))
    return built, unbuilt


# --- the forms the office is offered, filled as the office would post them ------------------


class _FormHarvester(HTMLParser):
    """Every ``<form method="post">`` of a page: its action and the values it would submit
    (text, hidden, checked boxes, selected options, textareas; files and the CSRF token left
    out)."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: dict[str, dict[str, list[str]]] = {}
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def _add(self, name, value):
        if self._form is not None and name and name != "csrfmiddlewaretoken":
            self._form.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {}
            action = a.get("action") or self.page_url
            self.forms.setdefault(urljoin(self.page_url, action).split("?")[0], self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a.get("name"), a.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._select_first is None and value:
                self._select_first = value
            if "selected" in a:
                self._add(self._select, value)
                self._select_chosen = True
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            values = self._form[self._textarea]
            values[-1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def office_forms(admin, routes) -> dict[str, dict[str, list[str]]]:
    """The forms an administrator is offered on every page the walk reaches, by the URL they
    post to: posted by the auditor, an edit form prefilled with the record's own values is a
    valid change, so a view that forgot the check would save it."""
    browser = Client(raise_request_exception=False)
    browser.force_login(admin)
    forms: dict[str, dict[str, list[str]]] = {}
    for route, url in routes:
        if route.is_admin or route.is_api or route.url_name in OWN_WRITES:
            continue
        response = browser.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        content = getattr(response, "content", b"")
        harvester = _FormHarvester(url)
        harvester.feed(content.decode(errors="replace"))
        for action, data in harvester.forms.items():
            forms.setdefault(action, data)
    return forms


def api_bodies(admin, routes) -> dict[str, str]:
    """For each API record, its own representation as an administrator reads it (a valid PUT
    or PATCH of itself); for each list, a record of it (a valid-looking POST of a copy)."""
    reader = Client(raise_request_exception=False)
    reader.force_login(admin)
    bodies: dict[str, str] = {}
    lists = {}
    for route, url in routes:
        if not route.is_api or not route.url_name:
            continue
        if route.url_name.endswith("-list"):
            lists[route.url_name.removesuffix("-list")] = url
        if not route.url_name.endswith("-detail"):
            continue
        response = reader.get(url)
        if response.status_code == 200:
            bodies[url] = response.content.decode()
            basename = route.url_name.removesuffix("-detail")
            bodies.setdefault(f"list:{basename}", bodies[url])
    for basename, url in lists.items():
        if f"list:{basename}" in bodies:
            bodies[url] = bodies.pop(f"list:{basename}")
    return bodies


# --- the database, compared -------------------------------------------------------------------

UNCOMPARED_TABLES = {
    "django_session": "the session holds the auditor's login and page messages",
}


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t not in UNCOMPARED_TABLES)


def row_counts() -> dict[str, int]:
    """Every table's row count, in one query."""
    tables = _tables()
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def content_digest() -> dict[str, str]:
    """Every table's full content, hashed (rows sorted so the order of a scan does not count)."""
    digests = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


# --- the test ---------------------------------------------------------------------------------


def _exempt(route: Route) -> str | None:
    return OWN_WRITES.get(route.url_name or "")


def _answer_ok(route: Route, response) -> bool:
    if route.is_admin:
        # Not staff: the admin sends the auditor to its own login before anything else.
        return response.status_code == 302 and reverse("admin:login") in response["Location"]
    if (route.url_name or "") in READS_ON_ANY_METHOD:
        return response.status_code < 500
    return response.status_code in REFUSED


def test_the_auditor_cannot_change_anything_anywhere(client, cast):
    build_world(cast)
    auditor = cast.auditor
    assert not auditor.is_staff
    built, unbuilt = routes_to_post(cast)
    assert not unbuilt, "URL patterns the walk could not build:\n" + "\n".join(unbuilt)
    checked = [(route, url) for route, url in built if not _exempt(route)]
    assert len(checked) > 300, "the walk found too few URL patterns"

    filled = office_forms(cast.admin, checked)
    assert len(filled) > 50, "too few forms found to fill"
    bodies = api_bodies(cast.admin, checked)
    assert len(bodies) > 40, "too few API records read"

    client.force_login(auditor)
    digest_before = content_digest()
    counts = row_counts()
    wrong_answers, writes = [], []
    for route, url in checked:
        methods = API_METHODS if route.is_api else ("post",)
        for method in methods:
            if route.is_api:
                body = bodies.get(url, "{}") if method != "delete" else ""
                response = getattr(client, method)(url, body, content_type="application/json")
            else:
                response = client.post(url, filled.get(url, {}))
            if not _answer_ok(route, response):
                wrong_answers.append(
                    f"{method.upper()} {url} ({route.name}) → {response.status_code}"
                )
            after = row_counts()
            if changed := _changed(counts, after):
                writes.append(f"{method.upper()} {url} ({route.name}) changed {changed}")
                counts = after

    assert client.get(reverse("workbench")).status_code == 200, "the walk signed the auditor out"
    assert not writes, "the auditor wrote:\n" + "\n".join(writes)
    assert not wrong_answers, "not refused:\n" + "\n".join(wrong_answers)
    changed = _changed(digest_before, content_digest())
    assert not changed, f"tables whose content changed: {changed}"


def test_the_auditors_own_doors_are_listed_and_exist(cast):
    """Each exception names a URL that exists, so the list cannot hide a removed one."""
    names = {route.url_name for route in walk()}
    assert set(OWN_WRITES) <= names
    assert set(READS_ON_ANY_METHOD) <= names
