"""Simplified Chinese number formats as Chinese business documents print amounts: 36,427,270.00 (with `|floatformat:"2g"`, `|money`).

Django's zh_Hans locale has no thousands separator (¥8000000.00 next to 36,427,270.00 on one page); every
other format (dates 2026年12月7日, times) stays Django's.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
