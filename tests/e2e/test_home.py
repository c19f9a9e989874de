import pytest

from tests import factories


@pytest.mark.django_db(transaction=True)
def test_home_page_renders_korean_zone_names_in_chromium(page):
    factories.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")

    page.goto("/")

    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.get_by_text("양재 AI 특구").first.is_visible()
