"""Text a member of the public typed, kept as plain text: what a public form's free-text fields (a name, a
comment, an address) store, and what e-mails, exports and staff pages then show.

Control characters (C0 and C1) are removed: a bell or an escape sequence in a name reaches the terminal or mail
client that shows it, and nobody types one on purpose. So are the bidirectional overrides, embeddings and isolates
(U+202A–U+202E, U+2066–U+2069): one of them reverses or reorders the text after it, so that a greeting, a row of
the export or the check-in list reads otherwise than it was written. Marks that only shape text (the zero-width
joiner of emoji, the non-joiner of Persian spelling, the right-to-left mark) are kept: they reorder nothing beyond
the word they stand in.
"""

import re

from django import forms

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# CR LF, a lone CR, NEL and the Unicode line and paragraph separators all end a line.
LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def _kept(character: str) -> bool:
    code = ord(character)
    is_control = code < 0x20 or 0x7F <= code <= 0x9F
    return character not in BIDI_CONTROLS and (not is_control or character in "\n\t")


def plain_text(value: str, *, multiline: bool = False) -> str:
    """`value` without control and bidirectional-override characters, spaces trimmed at both ends.

    Multi-line text keeps its line breaks (as `\\n`) and tabs; in one line both become a space, so that words
    pasted from two lines stay two words.
    """
    text = LINE_BREAK.sub("\n", value or "")
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return "".join(filter(_kept, text)).strip()


class PlainTextField(forms.CharField):
    """A one-line text field whose value is `plain_text`: a value that is empty once cleaned is missing, and a
    required field says so as usual."""

    multiline = False

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return plain_text(value, multiline=self.multiline) or self.empty_value


class PlainTextareaField(PlainTextField):
    """`PlainTextField` for several lines: line breaks and tabs are kept."""

    multiline = True
    widget = forms.Textarea
