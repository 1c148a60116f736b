"""The widgets rendered in Python write the very markup of Django's own templates."""

import pytest
from django import forms
from django.test.html import parse_html

from groundwork.widgets import CheckboxList, Select

CHOICES = [("step_free", "Step-free access"), ("free", 'Free & "open"'), ("<b>", "<i>odd</i>")]


@pytest.mark.parametrize("value", [None, [], ["free"], ["free", "<b>"], ["unknown"]])
def test_the_checkbox_list_is_djangos_markup(value):
    ours = CheckboxList(choices=CHOICES).render("access", value, attrs={"id": "id_access"})
    django = forms.CheckboxSelectMultiple(choices=CHOICES).render("access", value, attrs={"id": "id_access"})

    assert parse_html(ours) == parse_html(django)
    assert "<i>" not in ours


@pytest.mark.parametrize("value", [None, "free", "<b>"])
def test_the_select_is_djangos_markup(value):
    ours = Select(choices=CHOICES).render("kind", value, attrs={"id": "id_kind"})
    django = forms.Select(choices=CHOICES).render("kind", value, attrs={"id": "id_kind"})

    assert parse_html(ours) == parse_html(django)
