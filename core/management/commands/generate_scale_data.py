"""Generate data at many times a real zone's size on PostgreSQL (COPY), for measuring the system under load."""

import dataclasses

from django.core.management.base import BaseCommand, CommandError

from core.scale import ScaleDataError, Sizes, generate_scale_data


class Command(BaseCommand):
    help = (
        "규모 시험 데이터 생성 / Generate scale-test data on PostgreSQL with COPY (zones scale-001..., "
        "registration numbers 99...), with creation history, in one transaction. Refuses a database that "
        "already holds it."
    )

    def add_arguments(self, parser):
        for size in dataclasses.fields(Sizes):
            parser.add_argument(f"--{size.name}", type=int, default=size.default, help=f"default {size.default:,}")
        parser.add_argument("--scale", type=float, default=1.0, help="multiplies every size (0.001: a tiny set)")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
        parser.add_argument(
            "--no-review-scores", action="store_true", help="skip review scores (the largest table: 3 per review)"
        )

    def handle(self, *args, scale: float, seed: int, no_review_scores: bool, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        given = {f.name: options[f.name] for f in dataclasses.fields(Sizes)}
        if any(value < 1 for value in given.values()):
            raise CommandError("Every size must be at least 1.")
        sizes = Sizes(**given).scaled(scale)
        self.stdout.write(", ".join(f"{name} {value:,}" for name, value in dataclasses.asdict(sizes).items()))
        try:
            generate_scale_data(sizes=sizes, seed=seed, review_scores=not no_review_scores, log=self.stdout.write)
        except ScaleDataError as error:
            raise CommandError(str(error)) from error
