"""Map data for published initiatives as GeoJSON (RFC 7946), bounded in size whatever the number of initiatives.

Design
------
The map must stay usable with 100,000 initiatives, so the browser never receives an unbounded number of features
for one view. Leaflet.markercluster is not bundled (and would need every point in the browser anyway), so
clustering happens on the server, in the database:

* **Open data.** Without `zoom`, the endpoint answers every matching initiative as a Point feature (optionally
  limited to a `bbox=minLon,minLat,maxLon,maxLat`, which may cross the antimeridian as RFC 7946 allows).
* **Map views.** The map page asks for the visible `bbox` and the current `zoom` on every move. The server lays a
  grid of `CELL_PIXELS`-sized squares over Web Mercator at that zoom (the projection of the tiles, so cells are
  square on screen and fixed to the world, not to the viewport: panning does not reshuffle clusters) and groups the
  matching initiatives by cell in one `GROUP BY` query. A cell holding several initiatives becomes one cluster
  feature (its point is the mean position of its members, its `bbox` their extent, `properties.count` their number);
  a cell holding one becomes that initiative's ordinary feature, fetched by a second query bounded by the number of
  cells. From `INDIVIDUAL_ZOOM` on, a view covers a few streets and initiatives are sent one by one.
* **Bounds.** The number of cells a request may cover is capped at `MAX_CELLS`: a request for a large box at a high
  zoom is answered at the highest zoom whose grid fits, so a view carries at most `MAX_CELLS` features.
* **A bounded set of answers.** With a zoom, the box is grown to a grid of squares a tile wide (`snap`), and a
  request whose box is not on that grid is redirected to the one that is (the map script asks for the grid box
  itself). Views that differ by a pan of less than a tile share one answer, so caches hold a bounded number of
  entries per zoom whatever visitors do.
* **Caching.** Responses carry an ETag and Last-Modified from the map data version (`mapping.freshness`) and the
  release, and `Cache-Control: public` for anonymous visitors (`groundwork.caching`): browsers, a proxy and the
  portal's page cache keep them for `PUBLIC_CACHE_SECONDS`, and ask again with the ETag (304 while unchanged).

Every request runs a constant number of queries: one short statement for the version, then the cell query and the
single-member query, or the one feature query; plus one per filter whose choices are checked in the database (city,
country, host).
"""

import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, FloatField, Max, Min, Q
from django.db.models.functions import Cast, Floor, Ln, Pi, Radians, Tan
from django.utils.translation import get_language, gettext
from modeltranslation.utils import build_localized_fieldname, resolution_order

from groundwork.labels import listed_in_text
from groundwork.languages import language_names
from partners.models import ACCESS_FACT_FIELDS

from .models import Initiative

CELL_PIXELS = 64
TILE_PIXELS = 256
MAX_CELLS = 1200
INDIVIDUAL_ZOOM = 15
MAX_ZOOM = 22
# Web Mercator stops here; points beyond cannot be drawn on the map, and the projection diverges at the poles.
MERCATOR_MAX_LATITUDE = 85.0511


class MapQueryError(ValueError):
    """A map data parameter that cannot be understood; the message is shown to the client."""


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, raw):
        parts = raw.split(",")
        if len(parts) != 4:
            raise MapQueryError(gettext("bbox needs four comma-separated numbers: minLon,minLat,maxLon,maxLat."))
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise MapQueryError(
                gettext("bbox needs four comma-separated numbers: minLon,minLat,maxLon,maxLat.")
            ) from None
        if not all(math.isfinite(value) for value in (west, south, east, north)):
            raise MapQueryError(gettext("bbox values must be finite numbers."))
        if not (-180 <= west <= 180 and -180 <= east <= 180):
            raise MapQueryError(gettext("bbox longitudes must lie between -180 and 180."))
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise MapQueryError(gettext("bbox latitudes must lie between -90 and 90."))
        if south > north:
            raise MapQueryError(gettext("bbox minimum latitude is greater than its maximum latitude."))
        return cls(west, south, east, north)

    def __str__(self):
        return ",".join(_decimal(value) for value in (self.west, self.south, self.east, self.north))

    def snap(self, zoom):
        """The box grown outwards to the grid of squares `360 / 2**zoom` degrees wide (a tile's width at `zoom`).

        The edges are exact binary fractions, written out in full by `_decimal`: the map script computes the same
        numbers and the same text (static/mapping/map.js, `gridBox`).
        """
        step = 360 / 2**zoom
        return BBox(
            max(-180, math.floor((self.west + 180) / step) * step - 180),
            max(-90, math.floor(self.south / step) * step),
            min(180, math.ceil((self.east + 180) / step) * step - 180),
            min(90, math.ceil(self.north / step) * step),
        )

    @property
    def width(self):
        """Width in degrees of longitude; a box whose west edge is east of its east edge crosses the antimeridian."""
        return self.east - self.west if self.west <= self.east else 360 - self.west + self.east

    def filter(self, queryset):
        latitude = Q(latitude__gte=self.south, latitude__lte=self.north)
        if self.west <= self.east:
            longitude = Q(longitude__gte=self.west, longitude__lte=self.east)
        else:
            longitude = Q(longitude__gte=self.west) | Q(longitude__lte=self.east)
        return queryset.filter(latitude, longitude)


def _decimal(value):
    """A number in full decimal notation without trailing zeros: exact for the grid's binary fractions."""
    return f"{value:.20f}".rstrip("0").rstrip(".")


WORLD = BBox(-180, -MERCATOR_MAX_LATITUDE, 180, MERCATOR_MAX_LATITUDE)


def parse_zoom(raw):
    try:
        zoom = int(raw)
    except ValueError:
        raise MapQueryError(gettext("zoom must be a whole number.")) from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise MapQueryError(gettext("zoom must lie between 0 and %(max)d.") % {"max": MAX_ZOOM})
    return zoom


def _mercator_y(latitude):
    """0 at the top of the Web Mercator world, 1 at the bottom (as tile rows count)."""
    latitude = max(-MERCATOR_MAX_LATITUDE, min(MERCATOR_MAX_LATITUDE, latitude))
    return (1 - math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / math.pi) / 2


def _cells_per_world(zoom):
    return 2**zoom * TILE_PIXELS // CELL_PIXELS


def grid_cell_count(bbox, zoom):
    """How many grid cells at `zoom` the box touches (an upper bound on the clusters a response can hold)."""
    per_world = _cells_per_world(zoom)
    columns = math.floor(bbox.width / 360 * per_world) + 2
    rows = math.floor((_mercator_y(bbox.south) - _mercator_y(bbox.north)) * per_world) + 2
    return min(columns, per_world) * min(rows, per_world)


def grid_zoom(bbox, zoom):
    """The highest zoom not above `zoom` whose grid over `bbox` has at most MAX_CELLS cells."""
    while zoom > 0 and grid_cell_count(bbox, zoom) > MAX_CELLS:
        zoom -= 1
    return zoom


@dataclass(frozen=True)
class MapQuery:
    """A validated request for map data: the filtered initiatives, and where and how closely the map looks."""

    queryset: object
    bbox: BBox | None
    zoom: int | None
    query_string: str

    # With a zoom: the grid box and zoom as the request should have written them (`canonical`).
    canonical: dict | None = None

    @classmethod
    def from_request(cls, queryset, params, filter_query_string):
        bbox = BBox.parse(params["bbox"]) if params.get("bbox") else None
        zoom = parse_zoom(params["zoom"]) if params.get("zoom") else None
        canonical = None
        if zoom is not None:
            bbox = (bbox or WORLD).snap(zoom)
            canonical = {"bbox": str(bbox), "zoom": str(zoom)}
            zoom = grid_zoom(bbox, zoom)
        shown = queryset.on_map()
        if bbox is not None:
            shown = bbox.filter(shown)
        parts = [filter_query_string, f"bbox={bbox}" if bbox else "", f"zoom={zoom}" if zoom is not None else ""]
        return cls(shown, bbox, zoom, "&".join(part for part in parts if part), canonical)

    def is_canonical(self, params):
        """Whether the request wrote the grid box and zoom as `canonical` has them (or asked without a zoom)."""
        return self.canonical is None or all(params.get(name) == value for name, value in self.canonical.items())

    @property
    def clustered(self):
        return self.zoom is not None and self.zoom < INDIVIDUAL_ZOOM

    def etag_parts(self, url_template):
        """What this answer depends on besides the data: the query, the language of labels and the links' address
        (scheme and host: a portal reached under two names must not hand one name's links to the other)."""
        return (get_language() or "", url_template, self.query_string)

    def render(self, url_template):
        """The serialised FeatureCollection."""
        body = json.dumps(self.feature_collection(url_template), separators=(",", ":"), ensure_ascii=False)
        return body.encode()

    def feature_collection(self, url_template):
        host_columns = _host_columns()
        if self.clustered:
            features = self._clustered_features(url_template, host_columns)
        else:
            rows = _feature_rows(self.queryset, host_columns)
            features = [_point_feature(row, url_template, host_columns) for row in rows]
        # A foreign member (RFC 7946, 6.1): the licence travels with the file.
        return {"type": "FeatureCollection", "license": settings.OPEN_DATA_LICENCE_URL, "features": features}

    def _clustered_features(self, url_template, host_columns):
        per_world = _cells_per_world(self.zoom)
        latitude = Radians(Cast("latitude", FloatField()))
        longitude = Cast("longitude", FloatField())
        mercator_y = (1.0 - Ln(Tan(Pi() / 4.0 + latitude / 2.0)) / Pi()) / 2.0
        cells = (
            self.queryset.filter(latitude__gte=-MERCATOR_MAX_LATITUDE, latitude__lte=MERCATOR_MAX_LATITUDE)
            .order_by()
            .annotate(
                cell_x=Floor((longitude + 180.0) / 360.0 * per_world),
                cell_y=Floor(mercator_y * per_world),
            )
            .values("cell_x", "cell_y")
            .annotate(
                count=Count("pk"),
                first=Min("pk"),
                mean_latitude=Avg(Cast("latitude", FloatField())),
                mean_longitude=Avg(longitude),
                south=Min("latitude"),
                north=Max("latitude"),
                west=Min("longitude"),
                east=Max("longitude"),
            )
            .order_by("-count", "first")
        )
        cells = list(cells)
        singles = [cell["first"] for cell in cells if cell["count"] == 1]
        rows = _feature_rows(self.queryset.filter(pk__in=singles), host_columns) if singles else []
        rows = {row["pk"]: row for row in rows}
        features = []
        for cell in cells:
            if cell["count"] == 1:
                features.append(_point_feature(rows[cell["first"]], url_template, host_columns))
            else:
                features.append(_cluster_feature(cell))
        return features


def _host_columns():
    """The host's name columns in the order the active language falls back through.

    modeltranslation applies fallbacks to the model's own fields in `values()`, not to related ones.
    """
    languages = resolution_order(get_language())
    return [build_localized_fieldname(f"host__{field}", code) for field in ("short_name", "name") for code in languages]


def _feature_rows(queryset, host_columns):
    return queryset.order_by("pk").values(
        "pk",
        "slug",
        "title",
        "category",
        "languages",
        "city",
        "latitude",
        "longitude",
        *ACCESS_FACT_FIELDS.values(),
        *host_columns,
    )


_CATEGORY_LABELS = dict(Initiative.Category.choices)


def _point_feature(row, url_template, host_columns):
    languages = row["languages"] or []
    return {
        "type": "Feature",
        "id": row["slug"],
        # RFC 7946: longitude first.
        "geometry": {"type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]},
        "properties": {
            "title": row["title"],
            "url": url_template.replace("__slug__", row["slug"]),
            "category": row["category"],
            "category_label": str(_CATEGORY_LABELS.get(row["category"], row["category"])),
            "languages": languages,
            # Shown as the list of the point's languages.
            "language_names": language_names(languages, in_text=True),
            "host": next((row[column] for column in host_columns if row[column]), ""),
            "city": row["city"],
            # The accessibility and practical facts that hold (`partners.models.AccessFact` codes), and their labels
            # as the point's list of them writes them.
            "access": [code for code, column in ACCESS_FACT_FIELDS.items() if row[column]],
            "access_labels": listed_in_text(code.label for code, column in ACCESS_FACT_FIELDS.items() if row[column]),
        },
    }


def _cluster_feature(cell):
    west, south, east, north = (float(cell[edge]) for edge in ("west", "south", "east", "north"))
    return {
        "type": "Feature",
        "bbox": [west, south, east, north],
        "geometry": {
            "type": "Point",
            "coordinates": [round(cell["mean_longitude"], 5), round(cell["mean_latitude"], 5)],
        },
        "properties": {"cluster": True, "count": cell["count"]},
    }
