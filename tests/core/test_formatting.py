from django.utils import translation

from core.formatting import format_krw


def test_korean_money_uses_eok_and_jo():
    with translation.override("ko"):
        assert format_krw(500_000_000_000) == "5,000억원"
        assert format_krw(2_000_000_000_000) == "2조원"
        assert format_krw(426_900_000_000) == "4,269억원"
        assert format_krw(1_230_000_000) == "12.3억원"
        assert format_krw(35_000_000) == "35,000,000원"


def test_english_money_shows_whole_won():
    with translation.override("en"):
        assert format_krw(426_900_000_000) == "KRW 426,900,000,000"


def test_missing_amount_is_a_dash():
    assert format_krw(None) == "-"
