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
* **Caching.** Responses carry an ETag and Last-Modified derived from the map data version
  (`mapping.conditional` on `portal.freshness`: row counts and latest changes of initiatives and organisations,
  kept in the cache and renewed by every change the portal makes, the same for every filter), so unchanged data is
  answered with 304. The serialised body is kept in the cache under that ETag: any change renews every ETag and so
  every key. The final compressed response is kept too, and `portal.middleware` answers a repeated request with it
  before the rest of the middleware runs.

Every request runs a constant number of queries: none for the version while it is cached (one short statement
when it is read again), then (on a cache miss) the cell query and the single-member query, or the one feature query;
plus one per filter whose choices are checked in the database (city, country, host).
"""

import hashlib
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, FloatField, Max, Min, Q
from django.db.models.functions import Cast, Floor, Ln, Pi, Radians, Tan
from django.utils.translation import get_language, gettext
from modeltranslation.utils import build_localized_fieldname, resolution_order

from .models import Initiative

# Bump when the shape of the output changes, so that cached bodies of the old shape are never served.
FORMAT_VERSION = "2"
CELL_PIXELS = 64
TILE_PIXELS = 256
MAX_CELLS = 1200
INDIVIDUAL_ZOOM = 15
MAX_ZOOM = 22
# Web Mercator stops here; points beyond cannot be drawn on the map, and the projection diverges at the poles.
MERCATOR_MAX_LATITUDE = 85.0511
CACHE_SECONDS = 24 * 60 * 60


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
        return f"{self.west!r},{self.south!r},{self.east!r},{self.north!r}"

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

    @classmethod
    def from_request(cls, queryset, params, filter_query_string):
        bbox = BBox.parse(params["bbox"]) if params.get("bbox") else None
        zoom = parse_zoom(params["zoom"]) if params.get("zoom") else None
        if zoom is not None:
            bbox = bbox or WORLD
            zoom = grid_zoom(bbox, zoom)
        shown = queryset.on_map()
        if bbox is not None:
            shown = bbox.filter(shown)
        parts = [filter_query_string, f"bbox={bbox}" if bbox else "", f"zoom={zoom}" if zoom is not None else ""]
        return cls(shown, bbox, zoom, "&".join(part for part in parts if part))

    @property
    def clustered(self):
        return self.zoom is not None and self.zoom < INDIVIDUAL_ZOOM

    def etag(self, version, url_template):
        """Names this exact answer: the data version, the query, the language of labels and the links' address
        (scheme and host: a portal reached under two names must not hand one name's links to the other)."""
        key = "|".join((FORMAT_VERSION, get_language(), url_template, self.query_string, version.token))
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def render(self, etag, url_template):
        """The serialised FeatureCollection, from the cache when this exact answer was already computed."""
        cache_key = f"mapping:geojson:{etag}"
        body = cache.get(cache_key)
        if body is None:
            body = json.dumps(self.feature_collection(url_template), separators=(",", ":"), ensure_ascii=False)
            body = body.encode()
            cache.set(cache_key, body, CACHE_SECONDS)
        return body

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
        "pk", "slug", "title", "category", "languages", "city", "latitude", "longitude", *host_columns
    )


_LANGUAGE_NAMES = dict(settings.DELIVERY_LANGUAGES)
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
            "language_names": [str(_LANGUAGE_NAMES.get(code, code)) for code in languages],
            "host": next((row[column] for column in host_columns if row[column]), ""),
            "city": row["city"],
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
