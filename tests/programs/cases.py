"""Every programs admin: how to build a row, what to search for, which filters to apply."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.programs import builders as b

MODELS = (
    "program",
    "call",
    "rubriccriterion",
    "application",
    "review",
    "reviewscore",
    "screening",
    "fund",
    "fundcommitment",
    "investment",
    "computeallocation",
    "trainingprogram",
    "cohort",
    "trainee",
    "enrolment",
    "formsection",
    "formquestion",
)


@dataclass(frozen=True)
class AdminCase:
    model: str
    build: Callable[..., Any]
    search: Callable[[Any], str]
    filters: Callable[[Any], dict[str, str]]

    def __str__(self) -> str:
        return self.model


def zone_of(path: str) -> Callable[[Any], str]:
    def get(obj) -> str:
        for attr in path.split("__"):
            obj = getattr(obj, attr)
        return str(obj.pk)

    return get


CASES = [
    AdminCase(
        "program", b.build_program, lambda o: o.name_ko, lambda o: {"zone": str(o.zone_id), "kind__exact": o.kind}
    ),
    AdminCase(
        "call",
        b.build_call,
        lambda o: o.title_ko,
        lambda o: {"zone": zone_of("program__zone")(o), "state": "open", "program__kind__exact": o.program.kind},
    ),
    AdminCase(
        "rubriccriterion", b.build_criterion, lambda o: o.name_ko, lambda o: {"zone": zone_of("call__program__zone")(o)}
    ),
    AdminCase(
        "application",
        b.build_application,
        lambda o: o.company.name_ko,
        lambda o: {
            "zone": zone_of("call__program__zone")(o),
            "status__exact": o.status,
            "call__program__kind__exact": o.call.program.kind,
        },
    ),
    AdminCase(
        "review",
        b.build_review,
        lambda o: o.application.title,
        lambda o: {"zone": zone_of("application__call__program__zone")(o), "submitted": "yes"},
    ),
    AdminCase(
        "reviewscore",
        b.build_review_score,
        lambda o: o.criterion.name_ko,
        lambda o: {"zone": zone_of("review__application__call__program__zone")(o)},
    ),
    AdminCase("fund", b.build_fund, lambda o: o.name_ko, lambda o: {"zone": str(o.zone_id), "status__exact": o.status}),
    AdminCase(
        "fundcommitment",
        b.build_fund_commitment,
        lambda o: o.fund.name_ko,
        lambda o: {"zone": zone_of("fund__zone")(o)},
    ),
    AdminCase(
        "investment",
        b.build_investment,
        lambda o: o.company.name_ko,
        lambda o: {"zone": zone_of("fund__zone")(o), "instrument__exact": o.instrument},
    ),
    AdminCase(
        "computeallocation",
        b.build_compute_allocation,
        lambda o: o.company.name_ko,
        lambda o: {"zone": str(o.zone_id), "status__exact": o.status},
    ),
    AdminCase(
        "trainingprogram",
        b.build_training_program,
        lambda o: o.name_ko,
        lambda o: {"zone": str(o.zone_id), "track__exact": o.track},
    ),
    AdminCase(
        "cohort",
        b.build_cohort,
        lambda o: o.training_program.name_ko,
        lambda o: {
            "zone": zone_of("training_program__zone")(o),
            "training_program__track__exact": o.training_program.track,
        },
    ),
    AdminCase("trainee", b.build_trainee, lambda o: o.full_name, lambda o: {"retention": "kept", "archived": "all"}),
    AdminCase(
        "enrolment",
        b.build_enrolment,
        lambda o: o.trainee.full_name,
        lambda o: {"zone": zone_of("cohort__training_program__zone")(o), "status__exact": o.status},
    ),
    AdminCase(
        "formsection",
        b.build_form_section,
        lambda o: o.title_ko,
        lambda o: {"zone": zone_of("call__program__zone")(o)},
    ),
    AdminCase(
        "formquestion",
        b.build_form_question,
        lambda o: o.key,
        lambda o: {
            "zone": zone_of("section__call__program__zone")(o),
            "kind__exact": o.kind,
            "required__exact": "1",
        },
    ),
]
