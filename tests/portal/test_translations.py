"""Translations: Chinese msgids, English in locale/en, compiled by Babel without gettext."""

from __future__ import annotations

import gettext

import pytest
from django.core.management import CommandError, call_command

PO_HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: en\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""


def write_po(tmp_path, body: str):
    po = tmp_path / "django.po"
    po.write_text(PO_HEADER + body, encoding="utf-8")
    return po


def test_compile_translations_writes_a_mo_that_gettext_reads(tmp_path):
    po = write_po(
        tmp_path,
        'msgid "隐患"\nmsgstr "Hazard"\n\n'
        '#, python-format\nmsgid "%(count)s 条"\nmsgid_plural "%(count)s 条"\n'
        'msgstr[0] "%(count)s record"\nmsgstr[1] "%(count)s records"\n',
    )
    call_command("compile_translations", str(po))
    with (tmp_path / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert catalog.gettext("隐患") == "Hazard"
    assert catalog.ngettext("%(count)s 条", "%(count)s 条", 1) == "%(count)s record"
    assert catalog.ngettext("%(count)s 条", "%(count)s 条", 3) == "%(count)s records"


def test_compile_translations_leaves_out_fuzzy_entries(tmp_path):
    po = write_po(tmp_path, '#, fuzzy\nmsgid "工作台"\nmsgstr "Desk"\n')
    call_command("compile_translations", str(po))
    with (tmp_path / "django.mo").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("工作台") == "工作台"


def test_compile_translations_rejects_a_translation_whose_placeholders_differ(tmp_path):
    po = write_po(
        tmp_path,
        '#, python-format\nmsgid "已将 %(count)d 条通知标为已读。"\nmsgstr "Marked %(n)d as read."\n',
    )
    with pytest.raises(CommandError, match=r"line \d+: .*placeholder 'n'"):
        call_command("compile_translations", str(po))
    assert not (tmp_path / "django.mo").exists()


def test_compile_translations_names_a_malformed_file(tmp_path):
    po = write_po(tmp_path, 'msgid "隐患"\n\nmsgid "工作台"\nmsgstr "Workbench"\n')
    with pytest.raises(CommandError, match=r"django\.po"):
        call_command("compile_translations", str(po))
    assert not (tmp_path / "django.mo").exists()


def test_compile_translations_skips_an_up_to_date_catalogue(tmp_path, capsys):
    po = write_po(tmp_path, 'msgid "隐患"\nmsgstr "Hazard"\n')
    call_command("compile_translations", str(po))
    call_command("compile_translations", str(po))
    assert capsys.readouterr().out.count("compiled") == 1


# --- the English catalogue in use ----------------------------------------------------------


@pytest.fixture
def english_catalogue():
    """The project's catalogues compiled (as `make` does) and Django's cache of them reset."""
    from django.utils.translation import trans_real

    call_command("compile_translations")
    trans_real._translations = {}
    yield
    trans_real._translations = {}


def project_catalogue():
    from babel.messages.pofile import read_po
    from django.conf import settings

    with (settings.LOCALE_PATHS[0] / "en" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle)


def test_every_message_in_the_english_catalogue_is_translated():
    untranslated = [
        message.id
        for message in project_catalogue()
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert untranslated == []


def test_english_translations_keep_every_placeholder():
    assert [(m.id, errors) for m, errors in project_catalogue().check()] == []


@pytest.mark.django_db
def test_login_page_speaks_english_to_an_english_browser(client, english_catalogue):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in page
    assert "Sign in" in page
    assert "账号登录" not in page


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client, english_catalogue):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans"' in page
    assert "账号登录" in page
    assert "Sign in" not in page


@pytest.mark.django_db
def test_workbench_follows_the_language_the_user_picks(client, cast, english_catalogue):
    client.force_login(cast.zhujian)

    english = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert "Workbench" in english.content.decode()
    assert "工作台" not in english.content.decode()

    chinese = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)
    assert "工作台" in chinese.content.decode()
    assert "Workbench" not in chinese.content.decode()
