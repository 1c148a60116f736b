"""Languages of delivery as running text says them: "events in Ukrainian".

A language's name alone (`settings.DELIVERY_LANGUAGES`) is a label, capitalised and in the nominative; inside a
sentence Latvian, Ukrainian and Russian put it in a case of its own ("ukraiņu valodā", "українською мовою",
"на украинском языке"), so each phrase is translated whole rather than built around the label.
"""

from django.conf import settings
from django.utils.translation import pgettext_lazy

IN_LANGUAGE = {
    "lv": pgettext_lazy("events held in a language, inside a sentence", "in Latvian"),
    "en": pgettext_lazy("events held in a language, inside a sentence", "in English"),
    "uk": pgettext_lazy("events held in a language, inside a sentence", "in Ukrainian"),
    "ru": pgettext_lazy("events held in a language, inside a sentence", "in Russian"),
    "be": pgettext_lazy("events held in a language, inside a sentence", "in Belarusian"),
    "ar": pgettext_lazy("events held in a language, inside a sentence", "in Arabic"),
    "fa": pgettext_lazy("events held in a language, inside a sentence", "in Persian"),
    "hi": pgettext_lazy("events held in a language, inside a sentence", "in Hindi"),
    "uz": pgettext_lazy("events held in a language, inside a sentence", "in Uzbek"),
    "ky": pgettext_lazy("events held in a language, inside a sentence", "in Kyrgyz"),
    "tg": pgettext_lazy("events held in a language, inside a sentence", "in Tajik"),
    "tr": pgettext_lazy("events held in a language, inside a sentence", "in Turkish"),
    "zh": pgettext_lazy("events held in a language, inside a sentence", "in Chinese"),
    "fr": pgettext_lazy("events held in a language, inside a sentence", "in French"),
    "de": pgettext_lazy("events held in a language, inside a sentence", "in German"),
    "pl": pgettext_lazy("events held in a language, inside a sentence", "in Polish"),
    "it": pgettext_lazy("events held in a language, inside a sentence", "in Italian"),
    "ro": pgettext_lazy("events held in a language, inside a sentence", "in Romanian"),
}


def in_language(code):
    """'in Ukrainian' for `uk`, as a sentence in the active language says it; a language added to the settings
    without a phrase here falls back to its label."""
    if code in IN_LANGUAGE:
        return IN_LANGUAGE[code]
    return dict(settings.DELIVERY_LANGUAGES).get(code, code)
