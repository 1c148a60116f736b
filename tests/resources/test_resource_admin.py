import pytest
from django.test import override_settings
from django.urls import reverse

from resources.models import Resource, ResourceFile
from tests.factories import OrganisationFactory, ResourceFactory
from tests.resources.helpers import epub_bytes, form_data, pdf_bytes, upload, with_files

pytestmark = pytest.mark.django_db

ADD_URL = "admin:resources_resource_add"


def test_add_form_has_one_tab_per_language_and_the_file_inline(admin_client):
    response = admin_client.get(reverse(ADD_URL))

    content = response.content.decode()
    assert response.status_code == 200
    for code in ("lv", "en", "uk", "ru"):
        assert f'name="title_{code}"' in content
        assert f'name="body_{code}"' in content
    assert "tabbed_translation_fields.js" in content
    assert 'name="files-__prefix__-language"' in content


def test_staff_create_a_guide_with_a_file_per_language(admin_client):
    owner = OrganisationFactory()
    data = with_files(
        form_data(owner=str(owner.pk)),
        ("lv", upload("celvedis.pdf", pdf_bytes())),
        ("uk", upload("posibnyk.epub", epub_bytes())),
    )

    response = admin_client.post(reverse(ADD_URL), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    resource = Resource.objects.get(slug="celvedis-bibliotekariem")
    assert resource.title_uk == "Посібник для бібліотекарів"
    assert resource.owner == owner
    assert resource.body_lv == "<p>Sveiki!</p>"
    assert {(f.language, f.format) for f in resource.files.all()} == {("lv", "pdf"), ("uk", "epub")}
    assert all(f.size > 0 for f in resource.files.all())
    # The search columns were written: the guide is found without diacritics.
    assert "posibnyk" not in resource.search_text
    listing = admin_client.get(reverse("resources:resource_list"), {"q": "celvedis bibliotekariem"})
    assert [r.slug for r in listing.context["resources"]] == ["celvedis-bibliotekariem"]


def test_a_disguised_html_file_is_refused_with_a_message_next_to_it(admin_client):
    data = with_files(form_data(), ("lv", upload("guide.pdf", b"<html><body onload=alert(1)></body></html>")))

    response = admin_client.post(reverse(ADD_URL), data)

    assert response.status_code == 200
    assert "not one of the accepted types" in response.content.decode()
    assert not Resource.objects.exists()
    assert not ResourceFile.objects.exists()


@override_settings(RESOURCE_FILE_MAX_BYTES=100)
def test_an_oversize_file_is_refused_with_a_message(admin_client):
    data = with_files(form_data(), ("lv", upload("guide.pdf", pdf_bytes() + b" " * 200)))

    response = admin_client.post(reverse(ADD_URL), data)

    assert response.status_code == 200
    assert "the largest file accepted is 100" in response.content.decode()
    assert not Resource.objects.exists()


def test_changelist_search_and_filters(admin_client):
    ResourceFactory(title="Ceļvedis", slug="celvedis", kind="guide")
    ResourceFactory(title="Tiešsaistes rīks", slug="riks", kind="online_tool", published_on=None)

    response = admin_client.get(reverse("admin:resources_resource_changelist"), {"q": "rīks"})
    assert [r.slug for r in response.context["cl"].result_list] == ["riks"]
    response = admin_client.get(reverse("admin:resources_resource_changelist"), {"published": "no"})
    assert [r.slug for r in response.context["cl"].result_list] == ["riks"]
