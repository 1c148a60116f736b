"""Logging filters.

`RepeatThrottle` keeps an outage from flooding the log: a cache that cannot be reached fails every call, and
django-redis logs each with its traceback (hundreds a second under load). The first failure is logged in full, the
repeats within `seconds` are held back, and the next one let through says how many were.
"""

import logging
import threading
import time


class RepeatThrottle(logging.Filter):
    """One record per `seconds` for each logger and message; the next one let through counts those held back."""

    def __init__(self, seconds=60.0, clock=time.time):
        super().__init__()
        self.seconds = float(seconds)
        self.clock = clock
        self._lock = threading.Lock()
        # (logger, message) -> (when the last one was let through, how many were held back since)
        self._seen = {}

    def filter(self, record):
        key = (record.name, record.msg)
        now = self.clock()
        with self._lock:
            last, held = self._seen.get(key, (None, 0))
            # A clock set back lets the record through rather than holding records back for longer.
            if last is not None and 0 <= now - last < self.seconds:
                self._seen[key] = (last, held + 1)
                return False
            self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {now - last:.0f} s)"
        return True
