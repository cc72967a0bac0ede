"""Logging filters named by settings.LOGGING."""

import logging

# Refusals a user meets in normal work (a file outside their scope, a page their role may not open): one line,
# no traceback. Errors (5xx) keep theirs.
EXPECTED_STATUSES = {400, 403, 404, 405}


class ExpectedRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED_STATUSES:
            record.exc_info = None
            record.exc_text = None
        return True
