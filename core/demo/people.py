"""Reference rows and people: AI fields, the "Zone office" group, zone officers, reviewers, company owners."""

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django_otp.plugins.otp_totp.models import TOTPDevice

from companies.models import AIField, CompanyMember
from core.demo.common import Context, ensure_many, upsert
from zones.models import ZoneStaff

ZONE_OFFICE_GROUP = "Zone office"
ZONE_OFFICE_APPS = ("zones", "companies", "programs")
ZONE_OFFICE_ACTIONS = ("view", "add", "change")  # never delete: records are archived
# Reviewers see the reviews assigned to them (the admin narrows the rows) and write through the review services.
# Applications too: ApplicationAdmin narrows them to the reviewer's assignments.
REVIEWER_GROUP = "Reviewer"
REVIEWER_PERMISSIONS = (
    "view_review",
    "change_review",
    "view_reviewscore",
    "change_reviewscore",
    "view_call",
    "view_application",
)

# The fields of the Seoul AI Hub's companies (seed 003).
AI_FIELDS = [
    ("vision", "시각지능", "Vision"),
    ("language", "언어지능", "Language"),
    ("speech", "음성지능", "Speech"),
    ("data-labelling", "데이터 가공", "Data labelling"),
    ("general-ai", "범용 인공지능", "General AI"),
    ("agents", "지능형 에이전트", "Intelligent agents"),
    ("robotics", "로보틱스", "Robotics"),
    ("medical-ai", "의료 인공지능", "Medical AI"),
]

# Demo staff share one known authenticator key (RFC 6238's test key), base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ:
# add it to an authenticator app, or print the current code with `oathtool --totp -b <key>`.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"

# username: (last name, first name, zone, role); officers are staff and in the "Zone office" group.
OFFICERS = {
    "officer.yangjae": ("정", "서연", "yangjae"),
    "officer.gwangju": ("박", "민준", "gwangju"),
}
# External reviewers of the Gwangju compute call: staff users who see only what they are assigned.
REVIEWERS = {
    "reviewer.kim": ("김", "지훈", "gwangju"),
    "reviewer.lee": ("이", "하은", "gwangju"),
    "reviewer.park": ("박", "도윤", "gwangju"),
}


def build_ai_fields(ctx: Context) -> None:
    rows = ensure_many(
        AIField,
        [AIField(code=code, name_ko=ko, name_en=en) for code, ko, en in AI_FIELDS],
        ("code",),
    )
    ctx.fields = {code: obj for (code,), obj in rows.items()}


def ensure_user(ctx: Context, username: str, *, last_name: str, first_name: str, is_staff: bool):
    """A demo login: created once, its password reset to the demo password on every run."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.email = f"{username}@example.com"
    user.is_staff = is_staff
    user.is_active = True
    user.password = ctx.password_hash
    user.save()
    # Portal logins are by confirmed email address (allauth): demo addresses count as confirmed.
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if is_staff:  # the admin asks staff for a second factor: a known demo device
        TOTPDevice.objects.update_or_create(
            user=user, name="demo", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True, "last_t": -1}
        )
    ctx.users[username] = user
    return user


def zone_office_permissions() -> list[Permission]:
    """view/add/change on every domain model of the zones, companies and programs apps (not their history)."""
    codenames = []
    content_types = []
    for label in ZONE_OFFICE_APPS:
        app_config = apps.get_app_config(label)
        create_permissions(app_config, verbosity=0)  # in case post_migrate has not run for a new model yet
        for model in app_config.get_models():
            if hasattr(model, "instance_type"):  # django-simple-history's historical models
                continue
            content_types.append(ContentType.objects.get_for_model(model))
            codenames += [f"{action}_{model._meta.model_name}" for action in ZONE_OFFICE_ACTIONS]
    return list(Permission.objects.filter(content_type__in=content_types, codename__in=codenames).order_by("pk"))


def build_users(ctx: Context) -> None:
    group, _ = Group.objects.get_or_create(name=ZONE_OFFICE_GROUP)
    group.permissions.set(zone_office_permissions())
    for username, (last, first, _zone) in OFFICERS.items():
        user = ensure_user(ctx, username, last_name=last, first_name=first, is_staff=True)
        user.groups.add(group)
        ctx.logins.append((username, "특구 담당관 / zone officer"))
    reviewers, _ = Group.objects.get_or_create(name=REVIEWER_GROUP)
    reviewers.permissions.set(
        Permission.objects.filter(content_type__app_label="programs", codename__in=REVIEWER_PERMISSIONS)
    )
    for username, (last, first, _zone) in REVIEWERS.items():
        ensure_user(ctx, username, last_name=last, first_name=first, is_staff=True).groups.add(reviewers)
        ctx.logins.append((username, "심사위원 / reviewer"))


def link_zone_staff(ctx: Context) -> None:
    for username, (_last, _first, zone_slug) in OFFICERS.items():
        upsert(
            ZoneStaff,
            {"zone": ctx.zones[zone_slug], "user": ctx.users[username]},
            role=ZoneStaff.Role.OFFICER,
            is_active=True,
        )
    for username, (_last, _first, zone_slug) in REVIEWERS.items():
        upsert(
            ZoneStaff,
            {"zone": ctx.zones[zone_slug], "user": ctx.users[username]},
            role=ZoneStaff.Role.REVIEWER,
            is_active=True,
        )


def ensure_owner(ctx: Context, username: str, company, *, last_name: str, first_name: str, invited_by) -> None:
    """A company owner who acts for the company on the portal."""
    user = ensure_user(ctx, username, last_name=last_name, first_name=first_name, is_staff=False)
    upsert(
        CompanyMember,
        {"company": company, "user": user},
        role=CompanyMember.Role.OWNER,
        is_active=True,
        invited_by=invited_by,
    )
    ctx.logins.append((username, f"{company.name_ko} 대표 / owner"))
