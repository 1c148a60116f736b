"""The version of the data the public event list and the event feeds are built from (`groundwork.freshness`).

It changes whenever what the list or a feed shows can change: an event or an organisation shown with the events
saved or deleted, a registration made or changed (the cards show the places left), and the moment the next upcoming
event ends and leaves the list.
"""

from groundwork.freshness import DataVersion
from partners.models import Organisation

from .models import Event, Registration

EVENT_DATA = DataVersion(
    "events", models=(Event, Organisation, Registration), valid_until=(Event, "ends_at"), format="5"
)
