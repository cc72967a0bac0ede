from crm_site.bench import Scenario, register


def _own_customer(user):
    from customers.models import Customer

    customer = Customer.objects.filter(owner=user).order_by("-created_at").first()
    return f"/customers/{customer.pk}/" if customer else None


def _phone_tail(user):
    """The last four digits (尾号): what a rep usually types."""
    from customers.models import Customer

    customer = Customer.objects.exclude(phone="").order_by("-id").first()
    return f"/customers/?q={customer.phone[-4:]}" if customer else None


def _phone_fragment(user):
    """Four digits from the middle, including the carrier prefix: many more matches."""
    from customers.models import Customer

    customer = Customer.objects.exclude(phone="").order_by("-id").first()
    return f"/customers/?q={customer.phone[1:5]}" if customer else None


def _name(user):
    from customers.models import Customer

    customer = Customer.objects.order_by("-id").first()
    return f"/customers/?q={customer.name}" if customer else None


def _surname(user):
    """One Chinese character, a surname: a prefix of the name (customer_name_prefix_idx); thousands match."""
    from customers.models import Customer

    customer = Customer.objects.order_by("-id").first()
    return f"/customers/?q={customer.name[0]}" if customer else None


def _surname_global(user):
    from customers.models import Customer

    customer = Customer.objects.order_by("-id").first()
    return f"/search/?q={customer.name[0]}" if customer else None


def _pinyin(user):
    """The same name typed as pinyin, without switching to a Chinese input method."""
    from customers.models import Customer

    customer = Customer.objects.exclude(name_pinyin="").order_by("-id").first()
    return f"/customers/?q={customer.name_pinyin.split()[0]}" if customer else None


register(Scenario("customers.list.rep", "sales_rep", lambda user: "/customers/"))
register(Scenario("customers.list.executive", "executive", lambda user: "/customers/"))
register(Scenario("customers.list.filtered", "sales_manager", lambda user: "/customers/?level=A&status=intending"))
register(Scenario("customers.search.phone", "executive", _phone_tail, note="last 4 digits"))
register(Scenario("customers.search.phone_prefix", "executive", _phone_fragment, note="4 digits incl. prefix"))
register(Scenario("customers.search.name", "executive", _name, note="full name"))
register(Scenario("customers.search.pinyin", "executive", _pinyin, note="full name in pinyin"))
register(Scenario("customers.search.surname", "executive", _surname, note="one character: a surname"))
register(Scenario("customers.search.surname.rep", "sales_rep", _surname, note="one character, a rep's files"))
register(Scenario("customers.search.surname.global", "executive", _surname_global, note="/search/, one character"))
register(Scenario("customers.detail", "sales_rep", _own_customer))
register(Scenario("api.customers.list", "sales_rep", lambda user: "/api/v1/customers/", api=True))
