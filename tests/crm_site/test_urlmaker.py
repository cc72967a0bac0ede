from django.urls import reverse

from crm_site.urlmaker import url_maker


def test_the_maker_gives_what_reverse_gives():
    detail = url_maker("customers:customer-detail")
    for pk in (1, 7, 10, 123456789, 9_876_543_210):
        assert detail(pk) == reverse("customers:customer-detail", args=[pk])
