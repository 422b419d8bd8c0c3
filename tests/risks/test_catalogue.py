"""The central-city industry catalogue (中心城区禁止和限制类产业目录): its sample file, the
reference step that loads it, keyword matching, and the page everyone signed in may read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from responsibilities.reference import REFERENCE_DIR, ReferenceDataError, load_reference
from risks.catalogue import catalogue_matches, normalize
from risks.choices import RestrictionKind
from risks.models import IndustryRestriction

pytestmark = pytest.mark.django_db

CATALOGUE = REFERENCE_DIR / "industry_catalogue.json"
URL = reverse("risks:catalogue")


def entry(**fields) -> IndustryRestriction:
    values = {
        "number": "1",
        "kind": RestrictionKind.PROHIBITED,
        "sector": "烟花爆竹",
        "name": "烟花爆竹生产项目",
        "keywords": ["烟花爆竹生产", "鞭炮生产"],
        "conditions": "中心城区内禁止。",
        "is_sample_data": False,
        **fields,
    }
    return IndustryRestriction.objects.create(**values)


# --- the file and the reference step ------------------------------------------------------


def test_the_shipped_catalogue_is_a_labelled_sample_of_about_thirty_entries():
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    entries = data["entries"]
    assert "示例" in data["source"] and "SAMPLE" in data["source"]
    assert 25 <= len(entries) <= 40
    assert all(row["is_sample_data"] is True for row in entries)
    kinds = {row["kind"] for row in entries}
    assert kinds == {"prohibited", "restricted"}
    assert all(row["keywords"] and row["conditions"] for row in entries)
    assert all(row["conditions"] for row in entries if row["kind"] == "restricted")


def test_load_reference_loads_the_catalogue_once_and_a_second_run_writes_nothing():
    first = load_reference()
    count = IndustryRestriction.objects.count()
    history = IndustryRestriction.history.count()
    second = load_reference()

    assert count == first["industry_restrictions"] == second["industry_restrictions"] == 31
    assert IndustryRestriction.objects.count() == count
    assert IndustryRestriction.history.count() == history
    assert second["created"] == 0 and second["updated"] == 0
    fireworks = IndustryRestriction.objects.get(kind="prohibited", number="5")
    assert fireworks.industry.name == "烟花爆竹" and fireworks.is_sample_data
    # 禁止类 are listed before 限制类
    kinds = list(IndustryRestriction.objects.values_list("kind", flat=True))
    assert kinds == sorted(kinds, key=lambda k: k != "prohibited")


def test_reloading_updates_an_entry_by_kind_and_number_and_keeps_entries_the_office_added():
    load_reference()
    station = IndustryRestriction.objects.get(kind="restricted", number="1")
    station.conditions = "改过的条件"
    station.save()
    own = entry(number="99", name="安委办自增条目")

    counts = load_reference()

    station.refresh_from_db()
    assert counts["updated"] == 1
    assert "GB 50156" in station.conditions
    assert IndustryRestriction.objects.filter(pk=own.pk).exists()


def _bad_directory(tmp_path: Path, mutate) -> Path:
    for path in REFERENCE_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    mutate(data["entries"])
    (tmp_path / CATALOGUE.name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda rows: rows[2].update(kind="forbidden"), "第3条（剧毒化学品生产、储存项目）"),
        (lambda rows: rows[3].update(keywords=[]), "keywords"),
        (lambda rows: rows[4].update(industry="不存在的行业"), "不存在的行业"),
        (lambda rows: rows[5].update(number="1"), "重复"),
    ],
    ids=["bad-kind", "no-keywords", "unknown-industry", "duplicate-number"],
)
def test_a_bad_catalogue_row_is_named_and_nothing_is_loaded(tmp_path, mutate, message):
    directory = _bad_directory(tmp_path, mutate)
    with pytest.raises(ReferenceDataError, match=message):
        load_reference(directory=directory)
    assert not IndustryRestriction.objects.exists()


# --- matching -------------------------------------------------------------------------------


def test_keywords_match_the_project_name_or_its_industry_in_any_width_and_case():
    ktv = entry(kind=RestrictionKind.RESTRICTED, name="歌舞娱乐场所", keywords=["KTV"])
    assert normalize("Ｋ Ｔ Ｖ") == "ktv"
    assert catalogue_matches(project_name="星光ｋｔｖ", industry_text="娱乐") == [ktv]
    assert catalogue_matches(project_name="某项目", industry_text="量贩 KTV") == [ktv]
    assert catalogue_matches(project_name="某项目", industry_text="餐饮") == []


def test_inactive_entries_never_match():
    entry(is_active=False)
    assert catalogue_matches(project_name="烟花爆竹生产线", industry_text="") == []


def test_prohibited_entries_come_before_restricted_ones():
    restricted = entry(kind=RestrictionKind.RESTRICTED, number="1", keywords=["仓储"], sort_order=1)
    prohibited = entry(number="2", keywords=["烟花爆竹"], sort_order=50)
    assert catalogue_matches(project_name="烟花爆竹仓储", industry_text="") == [
        prohibited,
        restricted,
    ]


# --- the page -------------------------------------------------------------------------------


def test_every_signed_in_user_reads_the_catalogue_with_its_sample_banner(client, cast):
    load_reference()
    for user in (cast.zhujian, cast.houzhen, cast.auditor, cast.office):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-testid="sample-banner"' in page
        assert "烟花爆竹生产项目" in page and "须符合《汽车加油加气加氢站技术标准》" in page


def test_no_sample_banner_once_every_entry_is_official(client, cast):
    entry()
    client.force_login(cast.zhujian)
    page = client.get(URL).content.decode()
    assert "烟花爆竹生产项目" in page
    assert 'data-testid="sample-banner"' not in page


def test_only_the_office_is_offered_the_screening_form(client, cast):
    entry()
    screening_url = reverse("risks:screening-create")
    client.force_login(cast.zhujian)
    assert screening_url not in client.get(URL).content.decode()
    client.force_login(cast.office)
    assert screening_url in client.get(URL).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
