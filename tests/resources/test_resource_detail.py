import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import Event
from tests.factories import EventFactory, OrganisationFactory, ResourceFileFactory

pytestmark = pytest.mark.django_db


def detail_url(resource, language="en"):
    with translation.override(language):
        return reverse("resources:resource_detail", kwargs={"slug": resource.slug})


def test_detail_shows_text_files_per_language_organisations_and_sample_badge(client, make_resource):
    owner = OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogres-centrala-biblioteka")
    partner = OrganisationFactory(name="Latvijas Sarkanais Krusts", slug="sarkanais-krusts")
    resource = make_resource(
        title="Starpkultūru komunikācija",
        summary="Ceļvedis bibliotekāriem.",
        body="<h2>Ievads</h2><p>Bibliotēka ir <strong>vieta</strong>, kur satikties.</p>",
        owner=owner,
        is_sample=True,
        topics=["intercultural"],
        audience=["librarians"],
    )
    resource.related_organisations.add(partner)
    uk_file = ResourceFileFactory(resource=resource, language="uk", format="pdf", size=2_500_000, title="Посібник")
    ResourceFileFactory(resource=resource, language="lv", format="epub", size=1024)

    response = client.get(detail_url(resource))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Starpkultūru komunikācija</h1>" in content
    assert '<article class="resource" lang="lv">' in content
    assert "<p>Bibliotēka ir <strong>vieta</strong>, kur satikties.</p>" in content
    assert (
        f'href="{reverse("resources:file_download", kwargs={"pk": uk_file.pk})}" hreflang="uk">Посібник</a>' in content
    )
    assert "Ukrainian · PDF · 2.4\xa0MB" in content
    assert "Latvian · EPUB · 1.0\xa0KB" in content
    assert f'href="{owner.get_absolute_url()}"' in content
    assert f'href="{partner.get_absolute_url()}">Latvijas Sarkanais Krusts</a>' in content
    assert "badge-sample" in content
    assert "<dd>intercultural communication</dd>" in content


@pytest.mark.parametrize(
    ("language", "topics", "audience"),
    [
        ("uk", "міжкультурна комунікація, вивчення мов", "громадяни третіх країн, бібліотекарі"),
        ("ru", "межкультурная коммуникация, изучение языка", "граждане третьих стран, библиотекари"),
        ("lv", "starpkultūru komunikācija, valodu apguve", "trešo valstu valstspiederīgie, bibliotekāri"),
        ("en", "intercultural communication, language learning", "third-country nationals, librarians"),
    ],
)
def test_topics_and_audience_are_listed_in_lowercase(client, make_resource, language, topics, audience):
    resource = make_resource(topics=["intercultural", "language"], audience=["tcn", "librarians"])

    content = client.get(detail_url(resource, language)).content.decode()

    assert f"<dd>{topics}</dd>" in content
    assert f"<dd>{audience}</dd>" in content


def test_online_tool_links_out(client, make_resource):
    resource = make_resource(kind="online_tool", external_url="https://example.org/tool")

    content = client.get(detail_url(resource)).content.decode()

    assert 'href="https://example.org/tool" rel="noopener noreferrer">Open the online tool' in content


def test_related_resources_share_a_topic(client, make_resource):
    resource = make_resource(slug="main", topics=["language", "children"])
    make_resource(slug="same-topic", title="Bērnu stūrītis", topics=["children"])
    make_resource(slug="other-topic", title="Darba meklēšana", topics=["employment"])
    make_resource(slug="same-topic-draft", title="Melnraksts", topics=["language"], published_on=None)

    response = client.get(detail_url(resource))

    assert [related.slug for related in response.context["related_resources"]] == ["same-topic"]


def test_stored_script_in_the_body_renders_inert(client, make_resource):
    # Written straight to the database, as an import or an old row might: the page must still be safe.
    resource = make_resource(
        body=(
            '<p onclick="steal()">Sveiki<script>alert(1)</script></p>'
            '<a href="javascript:alert(2)">saite</a><img src="x" onerror="alert(3)">'
            '<a href="JaVaScRiPt:alert(4)">otra</a><iframe src="https://evil.example"></iframe>'
            '<p style="position:fixed">stils</p><a href="https://example.org/ok">droša</a>'
        )
    )

    content = client.get(detail_url(resource)).content.decode()
    body = content[content.index('class="rich-text"') :].split("</div>")[0]

    assert "<script" not in body and "alert(1)" not in body
    assert "onclick" not in body and "onerror" not in body
    assert "javascript:" not in body.lower()
    assert "<iframe" not in body and "<img" not in body and "style=" not in body
    assert "<p>Sveiki</p>" in body
    assert '<a href="https://example.org/ok" rel="noopener noreferrer">droša</a>' in body


def test_drafts_and_unknown_slugs_are_404(client, make_resource):
    draft = make_resource(slug="draft", published_on=None)

    assert client.get(detail_url(draft)).status_code == 404
    assert client.get("/en/resources/no-such-guide/").status_code == 404


def test_a_guide_in_ukrainian_only_is_shown_with_its_language_marked(client, make_resource):
    resource = make_resource(title="", summary="", body="", title_uk="Посібник", body_uk="<p>Текст</p>")

    content = client.get(detail_url(resource, "lv")).content.decode()

    assert '<article class="resource" lang="uk">' in content
    assert "<h1>Посібник</h1>" in content


def test_upcoming_related_events_are_shown_soonest_first_but_not_past_or_unpublished_ones(client, make_resource):
    now = timezone.now()
    resource = make_resource(slug="main")
    later = EventFactory(title="Sarunu klubs", starts_at=now + datetime.timedelta(days=20))
    sooner = EventFactory(title="Seminārs bibliotekāriem", starts_at=now + datetime.timedelta(days=3))
    cancelled = EventFactory(
        title="Atcelta tikšanās", starts_at=now + datetime.timedelta(days=9), status=Event.Status.CANCELLED
    )
    past = EventFactory(title="Pagājušais seminārs", starts_at=now - datetime.timedelta(days=30))
    draft = EventFactory(title="Neizsludināts", starts_at=now + datetime.timedelta(days=5), status=Event.Status.DRAFT)
    resource.related_events.add(later, sooner, cancelled, past, draft)

    response = client.get(detail_url(resource))

    content = response.content.decode()
    assert '<h2 id="events-heading">Upcoming related events</h2>' in content
    shown = [event.slug for event in response.context["resource"].upcoming_events]
    assert shown == [sooner.slug, cancelled.slug, later.slug]
    assert f'href="{sooner.get_absolute_url()}"' in content
    assert "badge-cancelled" in content
    assert "Pagājušais seminārs" not in content and "Neizsludināts" not in content


def test_without_upcoming_related_events_there_is_no_events_section(client, make_resource):
    resource = make_resource(slug="main")
    resource.related_events.add(EventFactory(starts_at=timezone.now() - datetime.timedelta(days=2)))

    content = client.get(detail_url(resource)).content.decode()

    assert 'id="events-heading"' not in content


@pytest.mark.parametrize("rows", [5, 50])
def test_detail_runs_a_constant_number_of_queries(client, make_resource, django_assert_max_num_queries, rows):
    resource = make_resource(slug="main", owner=OrganisationFactory(), topics=["language"])
    resource.related_organisations.add(*(OrganisationFactory() for _ in range(min(rows, 10))))
    venue = OrganisationFactory()
    for number in range(rows):
        ResourceFileFactory(resource=resource, language="uk" if number % 2 else "lv", format="pdf", size=100)
        make_resource(slug=f"related-{number}", topics=["language"])
        resource.related_events.add(EventFactory(venue_organisation=venue if number % 2 else None))

    # resource with owner + files + organisations + upcoming events with their places + related resources
    with django_assert_max_num_queries(5):
        response = client.get(detail_url(resource))
    assert response.status_code == 200
    assert len(response.context["related_resources"]) == 4
    assert len(response.context["resource"].upcoming_events) == rows
    assert 'id="events-heading"' in response.content.decode()
