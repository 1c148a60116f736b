"""Form widgets: a select and a list of checkboxes rendered in Python, and the coordinates of a place (a latitude
and a longitude field) without GDAL.

The latitude and longitude stay two plain, labelled text inputs: anyone can type or paste a point with the
keyboard. When JavaScript runs, a Leaflet map under the longitude input lets staff click the map or drag the
marker instead; both ways keep the inputs and the marker in step (`static/groundwork/point_picker.js`).
"""

from django import forms
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# Where the map opens when the form has no point yet: the middle of Latvia, the zoom that shows all of it.
DEFAULT_CENTER = (56.88, 24.6)
DEFAULT_ZOOM = 7
# The zoom for a point that is already set: a street and its neighbours.
POINT_ZOOM = 15


def _leaflet_default(key, fallback):
    return getattr(settings, "LEAFLET_CONFIG", {}).get(key, fallback)


class CoordinateInput(forms.TextInput):
    """A latitude or longitude text input that the point picker reads and fills.

    A text input with a decimal keypad rather than `type=number`: browsers localise number inputs
    inconsistently (a Latvian comma against Django's point), and a number spinner is of no use for coordinates.
    """

    def __init__(self, axis, attrs=None):
        if axis not in ("latitude", "longitude"):
            raise ValueError(f"axis must be 'latitude' or 'longitude', not {axis!r}")
        self.axis = axis
        base = {
            "inputmode": "decimal",
            "autocomplete": "off",
            "spellcheck": "false",
            "class": "point-picker-input",
            "data-point-picker-axis": axis,
        }
        super().__init__(attrs={**base, **(attrs or {})})


class PointPickerWidget(CoordinateInput):
    """The longitude input followed by the map that picks the point for it and for its latitude sibling.

    `latitude_field` and `longitude_field` are the form field names; the script finds the latitude input in the
    same form by the longitude input's HTML name with its field name swapped, so the widget also works in inline
    formsets, including rows added in the browser. The map is rendered `hidden` and only shown by the script.
    """

    class Media:
        css = {"all": ("leaflet/leaflet.css", "groundwork/point_picker.css")}
        js = ("leaflet/leaflet.js", "groundwork/point_picker.js")

    def __init__(self, attrs=None, *, latitude_field="latitude", longitude_field="longitude"):
        super().__init__("longitude", attrs)
        self.latitude_field = latitude_field
        self.longitude_field = longitude_field

    def render(self, name, value, attrs=None, renderer=None):
        field_input = super().render(name, value, attrs, renderer)
        center_lat, center_lng = _leaflet_default("DEFAULT_CENTER", DEFAULT_CENTER)
        return format_html(
            '{input}<div class="point-picker" hidden data-point-picker data-latitude-field="{latitude_field}" '
            'data-longitude-field="{longitude_field}" data-tiles-url="{tiles_url}" '
            'data-tiles-attribution="{tiles_attribution}" data-center-latitude="{center_lat}" '
            'data-center-longitude="{center_lng}" data-zoom="{zoom}" data-point-zoom="{point_zoom}" '
            'data-marker-title="{marker_title}">'
            '<div class="point-picker-map" role="group" aria-label="{map_label}"></div>'
            '<p class="point-picker-help">{help}</p></div>',
            input=field_input,
            latitude_field=self.latitude_field,
            longitude_field=self.longitude_field,
            tiles_url=settings.MAP_TILES_URL,
            tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
            center_lat=center_lat,
            center_lng=center_lng,
            zoom=_leaflet_default("DEFAULT_ZOOM", DEFAULT_ZOOM),
            point_zoom=POINT_ZOOM,
            marker_title=_("Chosen point"),
            map_label=_("Map for choosing the point"),
            help=_(
                "Click the map or drag the marker to fill in the latitude and longitude; "
                "typing the coordinates moves the marker."
            ),
        )


def _attributes(attrs):
    """Attributes as Django's `attrs.html` writes them: `False` left out, `True` as a bare name."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select, written in Python with the very same markup. Django's template includes one template per
    option; with some 80 options the list's filter form cost more to render than its twenty event cards."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"', widget["name"]), _attributes(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts += [
                    format_html('\n  <option value="{}"', option["value"]),
                    _attributes(option["attrs"]),
                    format_html(">{}</option>\n", option["label"]),
                ]
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        # Every value above is escaped.
        return mark_safe("".join(parts))


class CheckboxList(forms.CheckboxSelectMultiple):
    """Django's list of checkboxes, written in Python with the very same markup (see `Select`); a form shows it as
    a fieldset whose legend is the field's label."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        container = {key: value for key, value in widget["attrs"].items() if key == "id"}
        parts = ["<div", _attributes(container), ">"]
        for _group_name, options, _index in widget["optgroups"]:
            for option in options:
                parts += [
                    format_html('\n  <div><label for="{}">', option["attrs"].get("id", "")),
                    format_html('<input type="checkbox" name="{}" value="{}"', option["name"], option["value"]),
                    _attributes(option["attrs"]),
                    format_html("> {}</label></div>", option["label"]),
                ]
        parts.append("\n</div>")
        # Every value above is escaped.
        return mark_safe("".join(parts))
