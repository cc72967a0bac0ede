"""The reasons the system writes on the points ledger, by code: an entry keeps the code and raw parameters and is
read in the viewer's language (LedgerEntry.reason_text), not in the language of the request or job that wrote it.

A parameter is kept raw: a plain value (a name, a contract number) is shown as it is; `{"en": ..., "zh": ...}` (a
name kept in both languages, as a benefit's) is shown in the viewer's language; `{"code": ..., "params": {...}}`
is itself a system reason, rendered the same way (a redemption cancelled because the referred contract was).
Text a person typed (an adjustment, the API's reason, a cancellation's reason) is no code: it stays in `reason`.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

REDEEMED = "redeemed"
REDEMPTION_CANCELLED = "redemption_cancelled"
PROFILE_COMPLETED = "profile_completed"
SURVEY_ANSWERED = "survey_answered"
ATTENDED_EVENT = "attended_event"
REFERRAL_SIGNED = "referral_signed"
REFERRED_CONTRACT_CANCELLED = "referred_contract_cancelled"
CONTRACT_SIGNED = "contract_signed"
CONTRACT_CANCELLED = "contract_cancelled"
POINTS_EXPIRED = "points_expired"
WELCOME = "welcome"

# code -> template with named parameters. A code is stored on rows: rename one only with a data migration.
TEMPLATES = {
    REDEEMED: _("Redeemed: %(benefit)s"),
    REDEMPTION_CANCELLED: _("Redemption cancelled: %(reason)s"),
    PROFILE_COMPLETED: _("Profile completed"),
    SURVEY_ANSWERED: _("Answered a satisfaction survey"),
    ATTENDED_EVENT: _("Attended %(event)s"),
    REFERRAL_SIGNED: _("Referral of %(name)s signed a contract"),
    REFERRED_CONTRACT_CANCELLED: _("Referred contract cancelled"),
    CONTRACT_SIGNED: _("Contract %(no)s signed"),
    CONTRACT_CANCELLED: _("Contract %(no)s cancelled"),
    POINTS_EXPIRED: _("Points expired"),
    WELCOME: _("Welcome points"),
}

# The language of the stored `reason` text (for readers that know no codes, and for searches): the templates' own.
STORED_LANGUAGE = "en"


@dataclass(frozen=True)
class Reason:
    """A system reason to write: its code and raw parameters (JSON values)."""

    code: str
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in TEMPLATES:
            raise ValueError(f"Unknown ledger reason code: {self.code!r}")

    def as_param(self) -> dict:
        """This reason as a parameter of another one."""
        return {"code": self.code, "params": dict(self.params)}

    def text(self) -> str:
        """In the active language."""
        return render(self.code, self.params)

    def stored_text(self) -> str:
        with translation.override(STORED_LANGUAGE):
            return self.text()[:200]


def bilingual(en: str, zh: str = "") -> dict:
    """A name kept in both languages (the Chinese one may be empty: English is shown then)."""
    return {"en": en, "zh": zh}


def _param(value) -> str:
    if isinstance(value, dict):
        if "code" in value:
            return render(value["code"], value.get("params") or {}) or ""
        if "en" in value:
            language = translation.get_language() or ""
            return value["zh"] if language.startswith("zh") and value.get("zh") else value["en"]
    return "" if value is None else str(value)


def render(code: str, params: dict) -> str | None:
    """The reason `code` with `params` in the active language; None for a code this version does not know."""
    template = TEMPLATES.get(code)
    if template is None:
        return None
    try:
        return str(template) % {name: _param(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):
        return None
