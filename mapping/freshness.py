"""The version of the data the map shows (`groundwork.freshness`): the same for every filter and viewport.

It changes whenever an initiative or an organisation (the host shown with it) is saved or deleted.
"""

from groundwork.freshness import DataVersion
from partners.models import Organisation

from .models import Initiative

MAP_DATA = DataVersion("map", models=(Initiative, Organisation), format="3")
