"""Guide-library search over 10,000 resources on PostgreSQL: ranked full-text search against a naive scan.

Three ways to answer the same search, each as the list page asks it (how many match, then the first page of 12):

- fts: the portal's search (`ResourceFilter`): the tsvector column with its GIN index, `ts_rank` ordering and a
  highlighted headline, through the ORM;
- raw: the very SQL that the ORM sends for `fts`, run on a cursor (what the ORM itself costs);
- icontains: what one writes without full-text search: every word `icontains` in any of the twelve title,
  summary and body columns, newest first. It scans every row and, unlike `fts`, does not forgive diacritics,
  stems or rank.

Usage (its own database, so that nothing else is touched; created with `createdb` beforehand):

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/libri_bench .venv/bin/python benchmarks/resources_search.py

The first run migrates and fills the database (resources with text in four languages generated from the demo
data's vocabulary, seeded, so every run builds the same rows); later runs reuse the rows. `--rebuild` refills.
Timings are wall-clock medians of `--repeat` runs after one warm-up run, measured with `timeit`.
"""

import argparse
import datetime
import os
import random
import re
import statistics
import sys
import timeit
import tomllib
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
# DEBUG=1 only lets the settings load without a SECRET_KEY: measure without the debug query log, as in production.
settings.DEBUG = False

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import translation  # noqa: E402

from resources import search  # noqa: E402
from resources.filters import ResourceFilter  # noqa: E402
from resources.models import Resource  # noqa: E402
from resources.services import resource_index  # noqa: E402

SLUG_PREFIX = "bench-"
PAGE = 12
SEED = 6
QUERIES = (
    # (what a visitor types, interface language)
    ("bibliotēka", "lv"),
    ("biblioteka", "lv"),
    ("valodas kafejnīca", "lv"),
    ("volunteers", "en"),
    ("новоприбулих", "uk"),
    ("волонтёров", "ru"),
)


def vocabulary():
    """Words of each content language, from the demo data's human text (so the rows read like the portal's)."""
    data = tomllib.loads((BASE_DIR / "portal" / "demo" / "samples.toml").read_text(encoding="utf-8"))
    words = {code: set() for code in search.CONTENT_LANGUAGES}
    for section in ("event", "initiative", "resource"):
        for entry in data.get(section, []):
            for field in ("title", "summary", "description", "body"):
                for code, text in entry.get(field, {}).items():
                    words[code].update(re.findall(r"[^\W\d_]{3,}", search.plain_text(text)))
    return {code: sorted(found) for code, found in words.items()}


def sentence(rng, words, weights, count):
    return " ".join(rng.choices(words, weights=weights, k=count)).capitalize()


def fill(rows):
    """Create `rows` published resources with a title, summary and three-paragraph body in each language."""
    rng = random.Random(SEED)
    vocab = vocabulary()
    # Zipf-like word frequencies, so that some words are in most resources and others in a few.
    weights = {}
    for code, words in vocab.items():
        ranks = list(range(1, len(words) + 1))
        rng.shuffle(ranks)
        weights[code] = [1 / rank for rank in ranks]
    Resource.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    kinds = Resource.Kind.values
    topics = Resource.Topic.values
    first_day = datetime.date(2023, 1, 1)
    batch = []
    for number in range(rows):
        values = {}
        for code in search.CONTENT_LANGUAGES:
            words, w = vocab[code], weights[code]
            values[f"title_{code}"] = sentence(rng, words, w, rng.randint(4, 9))[:200]
            values[f"summary_{code}"] = sentence(rng, words, w, rng.randint(20, 40)) + "."
            paragraphs = (sentence(rng, words, w, rng.randint(40, 90)) + "." for _ in range(3))
            values[f"body_{code}"] = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        batch.append(
            Resource(
                slug=f"{SLUG_PREFIX}{number}",
                kind=rng.choice(kinds),
                topics=rng.sample(topics, 2),
                audience=["librarians"],
                published_on=first_day + datetime.timedelta(days=rng.randrange(1000)),
                **values,
            )
        )
    Resource.objects.bulk_create(batch, batch_size=500)
    # The search columns are written by the guide library's own service, as for every resource.
    with transaction.atomic():
        for resource in Resource.objects.filter(slug__startswith=SLUG_PREFIX).iterator(chunk_size=500):
            resource_index(resource=resource)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE resources_resource")


# --- The three ways ---------------------------------------------------------------------------------------------


def fts_queryset(text, language):
    """The list page's queryset for this search, built by the page's own filter."""
    with translation.override(language):
        filterset = ResourceFilter(
            QueryDict(urlencode({"q": text, "sort": "relevance"})),
            queryset=Resource.objects.published(),
        )
        assert filterset.is_valid(), filterset.errors
        return filterset.qs


def icontains_queryset(text):
    columns = [f"{field}_{code}" for field in ("title", "summary", "body") for code in search.CONTENT_LANGUAGES]
    queryset = Resource.objects.published()
    for word in text.split():
        any_column = Q()
        for column in columns:
            any_column |= Q(**{f"{column}__icontains": word})
        queryset = queryset.filter(any_column)
    return queryset.order_by("-published_on", "pk")


def orm_run(queryset):
    def run():
        total = queryset.count()
        page = list(queryset[:PAGE])
        return total, page

    return run


def raw_run(queryset):
    """The statements the ORM sends for the same count and page, recorded once, then run on a plain cursor."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        orm_run(queryset)()

    def run():
        with connection.cursor() as cursor:
            results = []
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
            return results

    return run


def measure(run, repeat):
    run()  # warm-up: plans and caches, as on a live site
    timings = timeit.Timer(run).repeat(repeat=repeat, number=1)
    return statistics.median(timings) * 1000, min(timings) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="delete and regenerate the resources")
    options = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL to a database of its own.")
    call_command("migrate", verbosity=0)
    existing = Resource.objects.filter(slug__startswith=SLUG_PREFIX).count()
    if options.rebuild or existing != options.rows:
        print(f"Filling {options.rows} resources …", flush=True)
        fill(options.rows)
    print(
        f"{Resource.objects.count()} resources; PostgreSQL {connection.pg_version // 10000}; median of "
        f"{options.repeat} runs (min in brackets), each a count and a page of {PAGE}.\n"
    )

    header = f"{'query':<22}{'fts rows':>9}{'icontains rows':>15}{'fts ms':>16}{'raw ms':>16}{'icontains ms':>18}"
    print(header + f"{'icontains/fts':>15}{'fts/raw':>9}")
    ratios = []
    for text, language in QUERIES:
        fts = fts_queryset(text, language)
        naive = icontains_queryset(text)
        fts_rows, naive_rows = fts.count(), naive.count()
        fts_ms = measure(orm_run(fts), options.repeat)
        raw_ms = measure(raw_run(fts), options.repeat)
        naive_ms = measure(orm_run(naive), options.repeat)
        speedup, overhead = naive_ms[0] / fts_ms[0], fts_ms[0] / raw_ms[0]
        ratios.append((speedup, overhead))
        print(
            f"{text + ' (' + language + ')':<22}{fts_rows:>9}{naive_rows:>15}"
            + "".join(f"{f'{median:.1f} ({low:.1f})':>16}" for median, low in (fts_ms, raw_ms))
            + f"{f'{naive_ms[0]:.1f} ({naive_ms[1]:.1f})':>18}{speedup:>14.1f}×{overhead:>8.2f}×"
        )
    speedups, overheads = zip(*ratios, strict=True)
    print(
        f"\nicontains/fts: {min(speedups):.1f}× to {max(speedups):.1f}× (target ≥ 10×); "
        f"fts/raw: {min(overheads):.2f}× to {max(overheads):.2f}× (target ≤ 1.5×)"
    )


if __name__ == "__main__":
    main()
