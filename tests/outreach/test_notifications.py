"""Staff notifications through the same mechanism: in-app (the bell and its list), plus e-mail when wanted."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation

from crm_site.models import StaffProfile
from outreach import defaults
from outreach.models import Channel, Kind, Message, NotificationSetting
from outreach.services import message_send, notify, notify_permission
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

defaults.register(
    "test.ticket_assigned",
    name="Ticket assigned",
    kind=Kind.SERVICE,
    channel=Channel.IN_APP,
    subject_en="Ticket {{ ticket_no }} is yours",
    subject_zh="工单{{ ticket_no }}已分配给您",
    body_en="Due {{ due }}",
    body_zh="截止{{ due }}",
)


def tell(user, **extra):
    return notify(
        user=user, template="test.ticket_assigned", context={"ticket_no": "T-7", "due": "today"}, link="/", **extra
    )


def test_a_notification_is_in_app_and_by_email_when_the_user_has_an_address(rep, django_capture_on_commit_callbacks):
    rep.email = "rep@example.com"
    rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = tell(rep)
    assert (message.channel, message.status, message.read_at) == (Channel.IN_APP, Message.Status.SENT, None)
    (email,) = mail.outbox
    assert email.to == ["rep@example.com"] and email.subject == "Ticket T-7 is yours"
    assert "https://crm.example.com/" in email.body  # the link, absolute


def test_no_email_copy_when_the_user_does_not_want_it_or_has_no_address(
    rep, other_rep, django_capture_on_commit_callbacks
):
    rep.email = "rep@example.com"
    rep.save()
    NotificationSetting.objects.create(user=rep, email=False)
    other_rep.email = ""
    other_rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        tell(rep)
        tell(other_rep)
    assert mail.outbox == []
    assert Message.objects.filter(channel=Channel.IN_APP).count() == 2


def test_the_same_dedupe_key_tells_once(rep):
    assert tell(rep, dedupe_key="ticket:7").pk == tell(rep, dedupe_key="ticket:7").pk
    assert Message.objects.filter(user=rep).count() == 1


def test_the_bell_counts_unread_and_the_list_marks_them_read(client, rep):
    first, second = tell(rep), tell(rep)
    client.force_login(rep)
    badge = client.get("/outreach/notifications/badge/", headers={"HX-Request": "true"})
    assert 'data-testid="unread-count"' in badge.content.decode() and ">2<" in badge.content.decode()
    page = client.get("/outreach/notifications/")
    assert "Ticket T-7 is yours" in page.content.decode()
    read = client.post(f"/outreach/notifications/{first.pk}/read/", headers={"HX-Request": "true"})
    assert read.status_code == 200 and "<html" not in read.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    client.post("/outreach/notifications/read-all/")
    second.refresh_from_db()
    assert second.read_at is not None
    assert "unread-count" not in client.get("/outreach/notifications/badge/").content.decode()


def test_the_list_shows_each_notification_in_the_readers_language(client, rep):
    tell(rep)
    client.force_login(rep)
    with translation.override("zh-hans"):
        html = client.get("/outreach/notifications/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "工单T-7已分配给您" in html


def test_nobody_reads_or_marks_another_users_notifications(client, rep, other_rep):
    message = tell(rep)
    client.force_login(other_rep)
    assert client.post(f"/outreach/notifications/{message.pk}/read/").status_code == 404
    assert client.post(f"/outreach/notifications/{message.pk}/open/").status_code == 404
    assert "Ticket T-7" not in client.get("/outreach/notifications/").content.decode()
    message.refresh_from_db()
    assert message.read_at is None


def test_opening_goes_only_to_a_page_of_this_site(client, rep):
    local = notify(user=rep, template="test.ticket_assigned", context={}, link="/customers/")
    outside = notify(user=rep, template="test.ticket_assigned", context={}, link="https://evil.example.com/")
    client.force_login(rep)
    assert client.post(f"/outreach/notifications/{local.pk}/open/")["Location"] == "/customers/"
    assert client.post(f"/outreach/notifications/{outside.pk}/open/")["Location"] == "/outreach/notifications/"


def test_the_email_setting_is_saved(client, rep):
    client.force_login(rep)
    client.post("/outreach/notifications/settings/", {})
    assert NotificationSetting.objects.get(user=rep).email is False


def test_notify_permission_tells_every_holder(org):
    told = notify_permission(permission="outreach.manage_webhooks", template="test.ticket_assigned", context={})
    assert told == 1
    assert Message.objects.get().user == org["admin_user"]


def test_the_bell_is_in_every_staff_members_navigation(client, rep):
    client.force_login(rep)
    html = client.get("/").content.decode()
    assert 'hx-get="/outreach/notifications/badge/"' in html


def test_each_staff_member_is_told_in_their_own_language(rep, other_rep, django_capture_on_commit_callbacks):
    StaffProfile.objects.filter(user=rep).update(language="zh-hans")  # other_rep chose none: the site's (English)
    for user in (rep, other_rep):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        chinese, english = tell(User.objects.get(pk=rep.pk)), tell(User.objects.get(pk=other_rep.pk))
    assert (chinese.language, chinese.subject, chinese.body) == ("zh-hans", "工单T-7已分配给您", "截止today")
    assert (english.language, english.subject, english.body) == ("en", "Ticket T-7 is yours", "Due today")
    sent = {email.to[0]: email.subject for email in mail.outbox}
    assert sent == {"rep@example.com": "工单T-7已分配给您", "other_rep@example.com": "Ticket T-7 is yours"}
    # Whatever language the sender's page was in.
    with translation.override("zh-hans"):
        assert tell(User.objects.get(pk=other_rep.pk), dedupe_key="again").subject == "Ticket T-7 is yours"


def test_notify_permission_tells_each_holder_in_their_language(org):
    second_admin = UserFactory(username="admin2", role="admin")
    StaffProfile.objects.filter(user=second_admin).update(language="zh-hans")
    assert notify_permission(permission="outreach.manage_webhooks", template="test.ticket_assigned", context={}) == 2
    subjects = dict(Message.objects.values_list("user__username", "subject"))
    assert subjects == {"admin_user": "Ticket is yours", "admin2": "工单已分配给您"}


def test_a_message_to_a_customer_keeps_its_own_language(rep):
    """Staff languages concern staff only: a customer's message is in the language asked for, else the site's."""
    StaffProfile.objects.filter(user=rep).update(language="zh-hans")
    customer = CustomerFactory(owner=rep, email="c@example.com")
    message = message_send(template="test.ticket_assigned", customer=customer, context={}, by=rep)
    assert message.language == "en"
