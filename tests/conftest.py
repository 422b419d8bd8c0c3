"""Shared fixtures: service detection, the cast of roles, and the browser."""

from __future__ import annotations

import os

import pytest

from tests import services

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# under one unless told it is safe (it is: the loop is Playwright's, not Django's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return [
        f"chengan: database={db['ENGINE'].rsplit('.', 1)[-1]} name={db.get('NAME')} host={db.get('HOST') or '-'}",
        f"chengan: broker={broker} require_services={services.services_required()}",
    ]


def pytest_collection_modifyitems(config, items):
    """Permission-matrix cells that do not apply to a model (no edit page, no API) are
    deselected, not skipped: a skip in this suite always means a missing service."""
    from tests.permission_matrix import PermissionMatrix

    keep, drop = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        applies = not (cls and issubclass(cls, PermissionMatrix)) or cls.applies(item.originalname)
        (keep if applies else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            services.missing("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis") and (why := services.redis_reachable()):
        services.missing(why)
    if item.get_closest_marker("browser") and (why := services.chromium_missing()):
        services.missing(why)


@pytest.fixture
def cast(db):
    """The demo's cast built from factories: units and one user per role.

    市住建局 (zhujian staff, zhujian-lead leader), 市应急管理局 (yingji), 侯镇 (houzhen), the office,
    the auditor and an admin. Every test that needs "own unit" versus "other unit" uses these.
    """
    from types import SimpleNamespace

    from portal.permissions import ROLE_ADMIN, ROLE_AUDITOR, ROLE_OFFICE
    from responsibilities.models import Membership, OrgUnit
    from responsibilities.services.units import org_unit_ensure_group
    from tests.responsibilities.factories import (
        MembershipFactory,
        OrgUnitFactory,
        UserFactory,
        grant_global_role,
    )

    office_unit = OrgUnitFactory(name="市安委办", kind=OrgUnit.Kind.OFFICE, short_name="安委办")
    zhujian_unit = OrgUnitFactory(name="市住建局", short_name="住建局")
    yingji_unit = OrgUnitFactory(name="市应急管理局", short_name="应急管理局")
    houzhen_unit = OrgUnitFactory(
        name="侯镇", kind=OrgUnit.Kind.TOWNSHIP, is_committee_member=False
    )
    yangkou_unit = OrgUnitFactory(
        name="羊口镇", kind=OrgUnit.Kind.TOWNSHIP, is_committee_member=False
    )

    office = UserFactory(username="t-office")
    grant_global_role(office, ROLE_OFFICE)
    MembershipFactory(user=office, unit=office_unit, role=Membership.Role.STAFF)
    auditor = UserFactory(username="t-auditor")
    grant_global_role(auditor, ROLE_AUDITOR)
    admin = UserFactory(username="t-admin", is_staff=True, is_superuser=True)
    grant_global_role(admin, ROLE_ADMIN)
    zhujian = MembershipFactory(user=UserFactory(username="t-zhujian"), unit=zhujian_unit).user
    zhujian_lead = MembershipFactory(
        user=UserFactory(username="t-zhujian-lead"), unit=zhujian_unit, role=Membership.Role.LEADER
    ).user
    yingji = MembershipFactory(user=UserFactory(username="t-yingji"), unit=yingji_unit).user
    houzhen = MembershipFactory(user=UserFactory(username="t-houzhen"), unit=houzhen_unit).user
    # As membership_add does: members belong to their unit's group, which object grants target.
    for membership in Membership.objects.select_related("user", "unit"):
        membership.user.groups.add(org_unit_ensure_group(unit=membership.unit))
    return SimpleNamespace(
        office=office,
        auditor=auditor,
        admin=admin,
        zhujian=zhujian,
        zhujian_lead=zhujian_lead,
        yingji=yingji,
        houzhen=houzhen,
        office_unit=office_unit,
        zhujian_unit=zhujian_unit,
        yingji_unit=yingji_unit,
        houzhen_unit=houzhen_unit,
        yangkou_unit=yangkou_unit,
    )


# --- a real Celery worker -------------------------------------------------------------------


@pytest.fixture
def start_celery_worker(transactional_db, tmp_path):
    """Start a real ``celery -A portal worker`` on this test's database and a broker:
    ``worker = start_celery_worker(broker_url, include=("tests.x.module",))``. The test
    process publishes to the same broker until the test ends, when the worker is stopped.
    Brokers: ``tests.celery_worker.sqlalchemy_broker_url(path)`` or the REDIS_URL."""
    import contextlib

    from tests.celery_worker import celery_worker

    with contextlib.ExitStack() as stack:

        def start(broker_url: str, include: tuple[str, ...] = (), **options):
            # options: beat=True (run beat in the worker), env={...} (worker environment)
            return stack.enter_context(
                celery_worker(broker_url=broker_url, log_dir=tmp_path, include=include, **options)
            )

        yield start


# --- the browser ----------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium through Playwright, headless; never a browser Playwright downloads."""
    if why := services.chromium_missing():
        services.missing(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=services.CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    from django.conf import settings

    path = settings.VAR_DIR / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
