"""The portal's own error pages, in the visitor's language: in the admin's frame for a page of the admin, in the
site's layout elsewhere; never Django's bare "403 Forbidden", "Bad Request (400)" or English CSRF page."""

import pytest
from django.test import Client
from django.urls import reverse

from mapping.models import Initiative
from partners.models import StaffMembership
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory, UserFactory
from tests.partners.helpers import force_login_with_code, staff_member

pytestmark = pytest.mark.django_db

LANGUAGES = ("lv", "en", "uk", "ru")

# What each page says in each language: its heading and the sentence that says why.
NO_ACCESS = {
    "lv": ("Nav piekļuves", "Jums nav piekļuves šim ierakstam vai lapai.", "Ieraksts pieder citai bibliotēkai"),
    "en": ("No access", "You have no access to this record or page.", "The record belongs to another library"),
    "uk": ("Немає доступу", "У вас немає доступу до цього запису чи сторінки.", "Запис належить іншій бібліотеці"),
    "ru": ("Нет доступа", "У вас нет доступа к этой записи или странице.", "Запись принадлежит другой библиотеке"),
}
NO_ACCESS_ON_THE_SITE = {
    "lv": ("Nav piekļuves", "Jūsu konts nedod piekļuvi šai lapai"),
    "en": ("No access", "Your account does not give you access to this page"),
    "uk": ("Немає доступу", "Ваш обліковий запис не дає доступу до цієї сторінки"),
    "ru": ("Нет доступа", "Ваша учётная запись не даёт доступа к этой странице"),
}
FORM_NOT_SENT = {
    "lv": ("Veidlapu neizdevās nosūtīt", "Atgriezieties, pārlādējiet lapu un nosūtiet veidlapu vēlreiz."),
    "en": ("The form could not be sent", "Go back, reload the page and send the form again."),
    "uk": ("Форму не вдалося надіслати", "Поверніться, перезавантажте сторінку й надішліть форму ще раз."),
    "ru": ("Форму не удалось отправить", "Вернитесь, перезагрузите страницу и отправьте форму ещё раз."),
}
FILTER_NOT_OFFERED = {
    "lv": ("Pieprasījumu nevarēja nolasīt", "Šo sarakstu tā atlasīt nevar", "Rādīt visu sarakstu"),
    "en": ("The request could not be read", "This list cannot be filtered that way", "Show the whole list"),
    "uk": ("Запит не вдалося прочитати", "Цей список не можна так відфільтрувати", "Показати весь список"),
    "ru": ("Запрос не удалось прочитать", "Этот список нельзя так отфильтровать", "Показать весь список"),
}
NO_STAFF_PAGE = {
    "lv": ("Lapa nav atrasta", "Šajā adresē nav darbinieku lapas"),
    "en": ("Page not found", "There is no staff page at this address"),
    "uk": ("Сторінку не знайдено", "За цією адресою немає сторінки працівників"),
    "ru": ("Страница не найдена", "По этому адресу нет страницы сотрудников"),
}
STAFF_PAGES_HEADER = {
    "lv": "LIBRI darbinieku lapas",
    "en": "LIBRI staff pages",
    "uk": "Сторінки працівників LIBRI",
    "ru": "Страницы сотрудников LIBRI",
}


@pytest.fixture(autouse=True)
def two_step_login(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


@pytest.fixture
def ogre():
    return OrganisationFactory(slug="ogre", name="Ogres Centrālā bibliotēka")


@pytest.fixture
def jelgava():
    return OrganisationFactory(slug="jelgava", name="Jelgavas pilsētas bibliotēka")


def librarian_client(organisation, language):
    librarian = staff_member(organisation, StaffMembership.Role.LIBRARIAN, f"librarian-{organisation.slug}")
    return force_login_with_code(Client(headers={"Accept-Language": language}), librarian)


def in_admin_frame(html, language):
    """The page is drawn in the admin's frame: its header, in the language, and the way back to its start page."""
    return STAFF_PAGES_HEADER[language] in html and f'href="{reverse("admin:index")}"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_another_librarys_event_answers_403_with_the_admins_page_saying_why(ogre, jelgava, language):
    event = EventFactory(organiser=jelgava, title="Jelgavas sarunu vakars")
    client = librarian_client(ogre, language)

    response = client.get(reverse("admin:activities_event_change", args=[event.pk]))

    assert response.status_code == 403
    html = response.content.decode()
    heading, no_access, why = NO_ACCESS[language]
    assert f"<h1>{heading}</h1>" in html
    assert no_access in html
    assert why in html
    assert in_admin_frame(html, language)
    assert f'<html lang="{language}"' in html
    assert "Jelgavas sarunu vakars" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_suggestion_only_coordinators_moderate_answers_403_with_the_admins_page(ogre, language):
    suggestion = InitiativeFactory(
        host=ogre,
        title="Sarunu klubs",
        status=Initiative.Status.PENDING,
        source=Initiative.Source.SUGGESTION,
        submitter_email="olena@example.org",
    )
    client = librarian_client(ogre, language)

    response = client.get(reverse("admin:mapping_initiative_change", args=[suggestion.pk]))

    assert response.status_code == 403
    html = response.content.decode()
    assert all(text in html for text in NO_ACCESS[language])
    assert in_admin_frame(html, language)
    assert "olena@example.org" not in html
    assert "Sarunu klubs" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_list_only_coordinators_open_answers_403_with_the_admins_page(ogre, language):
    client = librarian_client(ogre, language)

    response = client.get(reverse("admin:partners_staffmembership_changelist"))

    assert response.status_code == 403
    assert NO_ACCESS[language][1] in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_staff_page_without_a_role_answers_403_with_the_sites_page(language):
    account = UserFactory(username="former-librarian", is_staff=True)
    client = Client()
    client.force_login(account)

    response = client.get(f"/{language}/staff/")

    assert response.status_code == 403
    html = response.content.decode()
    heading, why = NO_ACCESS_ON_THE_SITE[language]
    assert f"<h1>{heading}</h1>" in html
    assert why in html
    assert f'<html lang="{language}">' in html
    assert f'href="/{language}/"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_admin_form_refused_by_the_csrf_check_answers_403_in_the_visitors_language(language):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": language})

    response = client.post(reverse("admin:login"), {"username": "someone", "password": "secret"})

    assert response.status_code == 403
    html = response.content.decode()
    heading, what_to_do = FORM_NOT_SENT[language]
    assert f"<h1>{heading}</h1>" in html
    assert what_to_do in html
    assert in_admin_frame(html, language)
    assert "CSRF verification failed" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_public_form_refused_by_the_csrf_check_answers_403_in_the_sites_layout(language):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/{language}/events/alerts/", {"email": "olena@example.org"})

    assert response.status_code == 403
    html = response.content.decode()
    assert all(text in html for text in FORM_NOT_SENT[language])
    assert f'<html lang="{language}">' in html
    assert "CSRF verification failed" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_filter_the_list_does_not_offer_answers_400_with_the_way_back_to_the_list(ogre, language):
    client = librarian_client(ogre, language)
    url = reverse("admin:activities_registration_changelist")

    response = client.get(url, {"event__organiser__id__exact": ogre.pk})

    assert response.status_code == 400
    html = response.content.decode()
    heading, why, whole_list = FILTER_NOT_OFFERED[language]
    assert f"<h1>{heading}</h1>" in html
    assert why in html
    assert f'<a href="{url}">{whole_list}</a>' in html
    assert in_admin_frame(html, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_address_under_the_admin_that_names_no_page_answers_404_in_the_admins_frame(ogre, language):
    client = librarian_client(ogre, language)

    response = client.get("/admin/activities/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    heading, why = NO_STAFF_PAGE[language]
    assert f"<h1>{heading}</h1>" in html
    assert why in html
    assert in_admin_frame(html, language)
