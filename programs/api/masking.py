"""Masked personal data for staff who may see that a trainee exists but not who they are.

Officers with `programs.change_trainee` see the full record; anyone else who sees the trainee gets these.
"""

import re

from programs.models import mask_name

__all__ = ["can_see_personal_data", "mask_email", "mask_name", "mask_phone"]


def can_see_personal_data(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("programs.change_trainee"))


def mask_email(email: str) -> str:
    """kim.minsu@example.com -> k***@example.com; the domain stays (it says little about the person)."""
    email = (email or "").strip()
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    """010-1234-5678 -> 010-****-5678: the first group and the last four digits, the rest hidden."""
    groups = re.findall(r"\d+", phone or "")
    digits = "".join(groups)
    if not digits:
        return ""
    if len(digits) <= 4:
        return "*" * len(digits)
    head = (groups[0] if len(groups) > 1 and len(groups[0]) < len(digits) - 4 else digits[:3])[:4]
    if len(head) >= len(digits) - 4:
        head = ""
    prefix = "+" if (phone or "").strip().startswith("+") else ""
    return f"{prefix}{head}-****-{digits[-4:]}" if head else f"****-{digits[-4:]}"
