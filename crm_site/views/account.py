from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n

from crm_site import roles
from crm_site.forms import LanguageForm
from crm_site.languages import language_codes, set_language_cookie, staff_language_set, stored_language
from crm_site.outside import outside_allowed


@outside_allowed
@login_required
def account(request):
    """The user's own account (name, login, roles, language): the "My profile" of users outside the staff
    directory. A POST stores their language."""
    form = LanguageForm(request.POST or None, initial={"language": stored_language(request.user)})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            staff_language_set(user=request.user, language=language)
        except ValidationError as error:
            form.add_error("language", error.messages)
        else:
            # The pages follow at once ("" is the site's language), this confirmation already.
            language = language or settings.LANGUAGE_CODE
            translation.activate(language)
            response = redirect("account")
            set_language_cookie(response, language)
            messages.success(request, _("Your language is saved."))
            return response
    codes = request.user.groups.values_list("name", flat=True)
    context = {"role_labels": [roles.role_label(code) for code in codes], "form": form}
    return render(request, "crm_site/account.html", context, status=422 if form.errors else 200)


@login_not_required
def set_language(request):
    """Django's language switcher (the cookie, the redirect back), and for a signed-in user the choice stored on
    their profile: it follows them to their next login and to what is sent to them."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if request.user.is_authenticated and language in language_codes():
        staff_language_set(user=request.user, language=language)
    return response
