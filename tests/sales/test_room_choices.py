"""The layout choices of the inventory filters are translated when shown (not once at import) and counted right."""

from django.utils import translation

from sales.forms.inventory import ROOM_CHOICES, GridFilterForm


def test_room_choices_follow_the_active_language_and_the_plural():
    labels = dict(ROOM_CHOICES)
    with translation.override("en"):
        assert (str(labels["1"]), str(labels["2"]), str(labels["5"])) == ("1 room", "2 rooms", "5+ rooms")
    with translation.override("zh-hans"):
        assert (str(labels["1"]), str(labels["3"]), str(labels["5"])) == ("1 居室", "3 居室", "5 居室及以上")


def test_the_grid_filter_shows_the_layouts_in_chinese(db):  # the form reads the units' custom fields
    with translation.override("zh-hans"):
        options = dict(GridFilterForm().fields["rooms"].choices)
        assert str(options["2"]) == "2 居室"
