import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.factories import OrganisationFactory, ResourceFactory, ResourceFileFactory

pytestmark = pytest.mark.django_db


def list_url(language="en"):
    with translation.override(language):
        return reverse("resources:resource_list")


def slugs(response):
    return [resource.slug for resource in response.context["resources"]]


def facet(response, name):
    (found,) = [f for f in response.context["facets"] if f.name == name]
    return {option.value: option.count for option in found.options}


def test_list_shows_published_resources_newest_first_but_not_drafts_or_scheduled_ones(client, make_resource):
    make_resource(slug="older", published_on=datetime.date(2025, 3, 1))
    make_resource(slug="newer", published_on=datetime.date(2025, 9, 1))
    make_resource(slug="draft", published_on=None)
    make_resource(slug="scheduled", published_on=datetime.date(2025, 12, 1))

    response = client.get(list_url())

    assert response.status_code == 200
    assert slugs(response) == ["newer", "older"]


def test_sorting_by_oldest_and_by_title(client, make_resource):
    make_resource(slug="b", title="Beta", published_on=datetime.date(2025, 3, 1))
    make_resource(slug="a", title="Alpha", published_on=datetime.date(2025, 9, 1))

    assert slugs(client.get(list_url(), {"sort": "oldest"})) == ["b", "a"]
    assert slugs(client.get(list_url(), {"sort": "title"})) == ["a", "b"]


def test_ukrainian_only_guide_is_found_from_a_ukrainian_query(client, make_resource):
    make_resource(
        slug="posibnyk",
        title="",
        summary="",
        body="",
        title_uk="Посібник для бібліотекарів",
        summary_uk="Як допомогти людям, що шукають притулку",
        body_uk="<p>Бібліотека відкрита для всіх, хто прибув до Латвії.</p>",
    )
    make_resource(slug="other", title="Ceļvedis par valodu")

    response = client.get(list_url("uk"), {"q": "притулку"})

    assert slugs(response) == ["posibnyk"]
    content = response.content.decode()
    assert "Посібник для бібліотекарів" in content
    assert "<mark>притулку</mark>" in content
    # The card says the text is Ukrainian, whatever the interface language.
    assert slugs(client.get(list_url("lv"), {"q": "бібліотека"})) == ["posibnyk"]


def test_query_without_diacritics_finds_latvian_text_with_them(client, make_resource):
    make_resource(slug="gramata", title="Grāmata ikvienam", summary="Bibliotēka aicina jaunpienācējus.")
    make_resource(slug="cits", title="Cits ceļvedis", summary="Par darbu.")

    assert slugs(client.get(list_url("lv"), {"q": "gramata"})) == ["gramata"]
    response = client.get(list_url("lv"), {"q": "biblioteka aicina"})
    assert slugs(response) == ["gramata"]
    assert "<mark>Bibliotēka</mark>" in response.content.decode()


def test_search_covers_body_text_in_every_language(client, make_resource):
    make_resource(slug="body-en", title="Ceļvedis", body_en="<p>Storytelling hours for <b>refugee</b> children.</p>")
    make_resource(slug="body-ru", title="Rokasgrāmata", body_ru="<p>Разговорный клуб по вторникам.</p>")

    assert slugs(client.get(list_url(), {"q": "refugee"})) == ["body-en"]
    assert slugs(client.get(list_url(), {"q": "вторникам"})) == ["body-ru"]
    # Markup is not text: a tag name finds nothing.
    assert slugs(client.get(list_url(), {"q": "storytelling"})) == ["body-en"]
    assert slugs(client.get(list_url(), {"q": "xyzzy"})) == []


def test_title_matches_rank_above_text_matches(client, make_resource):
    make_resource(slug="in-text", title="Ceļvedis", summary="Par bibliotēkām", published_on=datetime.date(2025, 9, 1))
    make_resource(slug="in-title", title="Bibliotēka visiem", published_on=datetime.date(2025, 1, 1))

    assert slugs(client.get(list_url("lv"), {"q": "biblioteka"})) == ["in-title", "in-text"]


def test_search_text_with_markup_is_escaped_in_snippets(client, make_resource):
    make_resource(slug="x", title="Ceļvedis", summary='Valoda <script>alert("x")</script> un kultūra')

    content = client.get(list_url("lv"), {"q": "valoda"}).content.decode()

    # SQLite shows the markup as text, PostgreSQL's headline leaves tags out; neither lets it run.
    assert "<script" not in content
    assert "<mark>Valoda</mark>" in content


def test_facets_filter_by_kind_topic_audience_and_language(client, make_resource):
    guide = make_resource(slug="guide", kind="guide", topics=["intercultural"], audience=["librarians"])
    tool = make_resource(slug="tool", kind="online_tool", topics=["language"], audience=["tcn"])
    make_resource(slug="practice", kind="good_practice", topics=["language", "children"], audience=["librarians"])
    ResourceFileFactory(resource=guide, language="uk")
    ResourceFileFactory(resource=tool, language="ar")

    assert sorted(slugs(client.get(list_url(), {"kind": ["guide", "online_tool"]}))) == ["guide", "tool"]
    assert sorted(slugs(client.get(list_url(), {"topic": "language"}))) == ["practice", "tool"]
    assert sorted(slugs(client.get(list_url(), {"audience": "librarians"}))) == ["guide", "practice"]
    assert slugs(client.get(list_url(), {"language": "ar"})) == ["tool"]
    assert slugs(client.get(list_url(), {"topic": "language", "audience": "tcn"})) == ["tool"]


@pytest.mark.parametrize(
    ("language", "in_text", "labels"),
    [
        ("uk", "латиська, українська", ("Латиська", "Українська")),
        ("ru", "латышский, украинский", ("Латышский", "Украинский")),
        ("lv", "latviešu, ukraiņu", ("Latviešu", "Ukraiņu")),
    ],
)
def test_the_card_lists_the_files_languages_in_lowercase_and_each_box_of_the_filter_keeps_its_capital(
    client, make_resource, language, in_text, labels
):
    guide = make_resource(slug="guide")
    ResourceFileFactory(resource=guide, language="lv")
    ResourceFileFactory(resource=guide, language="uk")
    ResourceFileFactory(resource=guide, language="lv")

    content = client.get(list_url(language)).content.decode()

    with translation.override(language):
        files_in = translation.gettext("Files in:")
    assert f"{files_in} {in_text}</p>" in content
    for code, label in zip(("lv", "uk"), labels, strict=True):
        assert f'<label for="facet-language-{code}">{label} <span class="facet-count">' in content


def test_facet_counts_ignore_their_own_choice_but_follow_the_others(client, make_resource):
    guide = make_resource(slug="guide", kind="guide", topics=["intercultural"])
    make_resource(slug="guide-2", kind="guide", topics=["language"])
    make_resource(slug="tool", kind="online_tool", topics=["language"])
    ResourceFileFactory(resource=guide, language="uk")

    response = client.get(list_url(), {"kind": "guide"})

    assert facet(response, "kind") == {"guide": 2, "online_tool": 1}
    assert facet(response, "topic") == {"intercultural": 1, "language": 1}
    # Every factory resource has a Latvian text; one guide has a Ukrainian file.
    assert facet(response, "language") == {"lv": 2, "uk": 1}
    content = response.content.decode()
    assert 'name="kind" value="guide" id="facet-kind-guide" checked' in content


def test_filters_are_kept_in_the_pagination_links(client, make_resource):
    for number in range(14):
        make_resource(slug=f"r{number}", kind="toolkit")
    make_resource(slug="guide", kind="guide")

    response = client.get(list_url(), {"kind": "toolkit"})

    assert response.context["page_obj"].paginator.count == 14
    assert "?kind=toolkit&amp;page=2" in response.content.decode()
    assert len(slugs(client.get(list_url(), {"kind": "toolkit", "page": 2}))) == 2


def test_invalid_filter_values_get_a_400_with_a_message(client, make_resource):
    make_resource(slug="guide")

    response = client.get(list_url(), {"kind": "spaceship", "sort": "random"})

    assert response.status_code == 400
    assert slugs(response) == []
    assert "Some filters could not be understood" in response.content.decode()


def test_page_out_of_range_is_404(client, make_resource):
    make_resource(slug="guide")

    assert client.get(list_url(), {"page": 9}).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_list_and_search_run_a_constant_number_of_queries(client, make_resource, django_assert_max_num_queries, rows):
    owner = OrganisationFactory()
    for number in range(rows):
        resource = make_resource(
            slug=f"guide-{number}",
            title=f"Bibliotēkas ceļvedis {number}",
            owner=owner,
            topics=["intercultural", "language"],
            audience=["librarians"],
        )
        ResourceFileFactory(resource=resource, language="uk")
        ResourceFileFactory(resource=resource, language="lv")

    # count + page + files prefetch + one aggregate per facet (4) + country and library of good practices (2) = 9;
    # one spare for the session.
    with django_assert_max_num_queries(10):
        response = client.get(list_url(), {"topic": "language"})
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(list_url(), {"q": "biblioteka", "language": "uk", "sort": "relevance"})
    assert response.status_code == 200
    assert len(response.context["resources"]) == min(rows, 12)


def test_reindex_command_makes_rows_written_without_the_service_searchable(client):
    with translation.override("lv"):
        ResourceFactory(slug="imported", title="Importēts ceļvedis")
    assert slugs(client.get(list_url(), {"q": "importets"})) == []

    call_command("reindex_resources")

    assert slugs(client.get(list_url(), {"q": "importets"})) == ["imported"]
