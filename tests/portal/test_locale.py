"""The translation catalogues are complete: every UI string translated in every language, nothing fuzzy.

English is the source language of the UI strings, so an empty English entry means "as written" and is allowed
there; every other language needs a translation of each entry (and of each plural form).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

# Independent of the database: CI runs these in its SQLite stage only (see .ci/run).
pytestmark = pytest.mark.standalone

PROJECT_DIR = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Local state and tools, not source: left out of the copy in which makemessages runs.
NOT_SOURCE = (".git", ".venv", ".ruff_cache", ".benchmarks", "media", "staticfiles", "test-results", "*.sqlite3")


def catalogue_path(root, language):
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def entry_key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def describe(keys):
    return "\n".join(f"  {msgid!r}" + (f" (context {ctxt!r})" if ctxt else "") for ctxt, msgid, _plural in keys)


@pytest.fixture(params=LANGUAGES)
def language(request):
    return request.param


@pytest.fixture
def catalogue(language):
    path = catalogue_path(PROJECT_DIR, language)
    assert path.is_file(), f"{path} is missing: run `make messages`"
    return polib.pofile(str(path))


def test_catalogue_header_is_final_and_declares_plural_forms(catalogue, language):
    assert not catalogue.metadata_is_fuzzy, f"{language}: remove the 'fuzzy' flag from the header entry"
    assert catalogue.metadata.get("Language") == language
    assert re.match(r"nplurals=\d+;\s*plural=", catalogue.metadata.get("Plural-Forms", ""))


def test_catalogue_has_no_fuzzy_entries(catalogue, language):
    fuzzy = [entry_key(entry) for entry in catalogue if "fuzzy" in entry.flags and not entry.obsolete]

    assert not fuzzy, f"{language}: fuzzy entries, check and unflag them:\n{describe(fuzzy)}"


def test_catalogue_has_no_empty_entries(catalogue, language):
    nplurals = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))

    def translated(entry):
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            return len(forms) == nplurals and all(form.strip() for form in forms.values())
        return bool(entry.msgstr.strip())

    empty = [entry_key(entry) for entry in catalogue if not entry.obsolete and not translated(entry)]

    assert not empty, f"{language}: {len(empty)} untranslated entries:\n{describe(empty)}"


def test_catalogue_compiles_with_consistent_format_strings(language):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(catalogue_path(PROJECT_DIR, language))],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def extracted_catalogues(tmp_path_factory):
    """Catalogues as `make messages` would leave them: makemessages run over a copy of the project."""
    copy = tmp_path_factory.mktemp("project") / "libri"
    shutil.copytree(PROJECT_DIR, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    makefile = (PROJECT_DIR / "Makefile").read_text()
    ignores = re.search(r"^MESSAGE_IGNORES := (.*)$", makefile, flags=re.MULTILINE).group(1).split()
    locales = [f"--locale={code}" for code in LANGUAGES]
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *locales, "--no-location", "--no-obsolete", *ignores],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "HOME": str(copy)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return copy


def test_every_string_in_code_and_templates_is_in_the_catalogue(extracted_catalogues, catalogue, language):
    extracted = polib.pofile(str(catalogue_path(extracted_catalogues, language)))

    missing = {entry_key(entry) for entry in extracted} - {entry_key(entry) for entry in catalogue}

    assert not missing, f"{language}: strings missing from the catalogue, run `make messages`:\n{describe(missing)}"
