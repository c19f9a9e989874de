"""How money is shown: whole won, with 억원/조원 in Korean."""

from django.utils.translation import get_language

EOK = 10**8
JO = 10**12


def format_krw(amount: int | None) -> str:
    """1,234,567,890 -> "12.3억원" in Korean, "KRW 1,234,567,890" in English; exact won below 1억."""
    if amount is None:
        return "-"
    amount = int(amount)
    if (get_language() or "ko").startswith("ko"):
        if abs(amount) >= JO:
            return f"{amount / JO:,.2f}".rstrip("0").rstrip(".") + "조원"
        if abs(amount) >= EOK:
            return f"{amount / EOK:,.1f}".rstrip("0").rstrip(".") + "억원"
        return f"{amount:,}원"
    return f"KRW {amount:,}"
