"""An uploaded file kept between the steps of an import (upload → map → report → commit).

The bytes live in the cache (compressed: a 30 MB CSV keeps as ~6 MB; an XLSX is compressed already) under a
random token; the session holds the token and the step's state. Entries expire after `seconds` and are
discarded on commit or on the next upload.
"""

import logging
import uuid
import zlib

from django.core.cache import cache

logger = logging.getLogger(__name__)


class KeptUpload:
    def __init__(self, name: str, seconds: int = 2 * 60 * 60):
        self.session_key = f"{name}_import"
        self.cache_prefix = f"{name}-import:"
        self.seconds = seconds

    def keep(self, request, data: bytes, **state) -> bool:
        """Replace this session's upload with `data` and `state`; False when the cache could not take it."""
        self.discard(request)
        token = uuid.uuid4().hex
        try:
            cache.set(self.cache_prefix + token, zlib.compress(data, 1), self.seconds)
        except Exception:
            logger.exception("Could not keep an upload for %s", self.session_key)
            return False
        request.session[self.session_key] = {**state, "token": token}
        return True

    def state(self, request) -> dict | None:
        return request.session.get(self.session_key)

    def update(self, request, **changes) -> None:
        request.session[self.session_key] = {**self.state(request), **changes}

    def load(self, request) -> tuple[dict, bytes] | None:
        """(state, bytes) of this session's upload, or None when there is none or it expired."""
        state = self.state(request)
        if not state:
            return None
        try:
            kept = cache.get(self.cache_prefix + state["token"])
        except Exception:
            logger.warning("Could not read a kept upload for %s", self.session_key, exc_info=True)
            kept = None
        return None if kept is None else (state, zlib.decompress(kept))

    def discard(self, request) -> None:
        state = request.session.pop(self.session_key, None)
        if state:
            try:
                cache.delete(self.cache_prefix + state["token"])
            except Exception:  # the entry expires anyway
                logger.warning("Could not delete a kept upload for %s", self.session_key, exc_info=True)
