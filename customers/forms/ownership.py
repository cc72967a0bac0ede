from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crm_site.models import StaffProfile
from crm_site.selectors import assignable_staff
from customers.identity import normalize_phone
from customers.models import CustomerConflict

User = get_user_model()


class ConflictResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (CustomerConflict.Status.KEPT, _("Keep: the first receiver keeps the customer")),
            (CustomerConflict.Status.SHARED, _("Share: the claimant becomes a co-owner")),
            (CustomerConflict.Status.REASSIGNED, _("Reassign: the claimant becomes the owner")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("decision", "reason", Submit("save", _("Decide")))


class HandoverForm(forms.Form):
    from_user = forms.ModelChoiceField(label=_("From"), queryset=User.objects.none())
    to_user = forms.ModelChoiceField(label=_("To"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300)
    only_ids = forms.CharField(
        label=_("Only these customer ids (optional)"),
        required=False,
        help_text=_("Comma-separated ids; leave empty to hand over every customer."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        staff = assignable_staff(user=user)
        # A deactivated rep's customers must still be movable: offer inactive staff as the source too.
        self.fields["from_user"].queryset = User.objects.filter(
            staff__in=StaffProfile.objects.visible_to(user)
        ).order_by("username")
        self.fields["to_user"].queryset = staff
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("from_user"), Column("to_user")), "reason", "only_ids", Submit("go", _("Hand over"))
        )

    def clean_only_ids(self):
        raw = self.cleaned_data["only_ids"].replace("，", ",")
        try:
            return [int(part) for part in raw.split(",") if part.strip()] or None
        except ValueError:
            raise forms.ValidationError(_("Use numbers separated by commas.")) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_user") and cleaned.get("from_user") == cleaned.get("to_user"):
            self.add_error("to_user", _("Hand over to a different colleague."))
        return cleaned


class KeyAccountForm(forms.Form):
    rep = forms.ModelChoiceField(label=_("Responsible rep"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = assignable_staff(user=user)
        self.helper = FormHelper()
        self.helper.layout = Layout("rep", "reason", Submit("save", _("Make key account")))


class MergeForm(forms.Form):
    other_phone = forms.CharField(label=_("Phone of the duplicate file"), max_length=40)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "other_phone", "reason", Submit("merge", _("Merge into this file"), css_class="btn-danger")
        )

    def clean_other_phone(self):
        return normalize_phone(self.cleaned_data["other_phone"])
