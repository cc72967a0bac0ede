"""The pages' Previous / Next links keep the list's filters: Django's {% querystring %} writes the leading "?"
itself, so a link written "?{% querystring … %}" read "??q=…&page=2" and lost the first filter."""

from django.template import RequestContext, Template
from django.test import RequestFactory

from crm_site.pagination import CappedPaginator


def test_next_and_previous_keep_every_filter():
    request = RequestFactory().get("/customers/", {"q": "Li", "status": "lead", "page": "2"})
    page = CappedPaginator(list(range(100)), 25).get_page(2)
    html = Template('{% include "partials/pagination.html" %}').render(RequestContext(request, {"page": page}))
    assert 'href="?q=Li&amp;status=lead&amp;page=3"' in html
    assert 'href="?q=Li&amp;status=lead&amp;page=1"' in html
    assert "??" not in html
