"""A message to one customer from their page: choose a template, preview it for them, send (scoped: a rep reaches
only their own customers; marketing only those who consented)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers import selectors as customer_selectors
from customers.models import Customer
from outreach.forms.messages import CustomerMessageForm
from outreach.selectors import messages as selectors
from outreach.services import message_send, refusal


def _customer(request, pk) -> Customer:
    try:
        return customer_selectors.customer_get(user=request.user, pk=pk)
    except Customer.DoesNotExist:
        raise Http404 from None


@permission_required("outreach.send_message", raise_exception=True)
def customer_message(request, pk):
    customer = _customer(request, pk)
    form = CustomerMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message_send(
                template=data["template"],
                customer=customer,
                language=data["language"],
                dedupe_key=f"manual:{data['nonce']}",
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("Message to %(name)s queued: it shows on their timeline.") % {"name": customer.name}
            )
            return redirect(customer)
    context = {
        "customer": customer,
        "form": form,
        "marketing_refusal": refusal(customer, "marketing", "email"),
        "service_refusal": refusal(customer, "service", "email")
        or (None if customer.email else _("No e-mail address: a service message will be recorded as not delivered.")),
        "recent": selectors.customer_messages(customer=customer, limit=10),
        "consents": selectors.consent_history(customer=customer),
    }
    return render(request, "outreach/customer_message.html", context)
