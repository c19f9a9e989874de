"""Companies, the people who act for them, tenancy, MOUs, invitations, claims and self-reports."""

from companies.models.portal import CompanyClaim, CompanyInvitation, SelfReport
from companies.models.registry import (
    AIField,
    Company,
    CompanyMember,
    CompanyQuerySet,
    Mou,
    MouCommitment,
    Tenancy,
)

__all__ = [
    "AIField",
    "Company",
    "CompanyClaim",
    "CompanyInvitation",
    "CompanyMember",
    "CompanyQuerySet",
    "Mou",
    "MouCommitment",
    "SelfReport",
    "Tenancy",
]
