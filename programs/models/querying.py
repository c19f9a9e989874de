"""Aggregate expressions shared by the programs QuerySets."""

from django.db.models import (
    BigIntegerField,
    ExpressionWrapper,
    F,
    FloatField,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf


def subquery_total(queryset, group_by: str, aggregate) -> Coalesce:
    """One correlated aggregate per outer row (SUM, COUNT), 0 when there is nothing to aggregate.

    A subquery per relation keeps two one-to-many relations (a fund's commitments and its
    investments) from multiplying each other's rows, as joins would.
    """
    total = queryset.order_by().values(group_by).annotate(total=aggregate).values("total")
    return Coalesce(Cast(Subquery(total), BigIntegerField()), Value(0), output_field=BigIntegerField())


def weighted_average_score(scores, group_by: str) -> Subquery:
    """Weighted average (0-100) of `scores` per `group_by`: each score scaled to its criterion's
    maximum and weighted by the criterion's weight. NULL when there are no scores."""
    points = ExpressionWrapper(
        Cast("score", FloatField()) * Value(100.0) * F("criterion__weight") / NullIf(F("criterion__max_score"), 0),
        output_field=FloatField(),
    )
    average = ExpressionWrapper(
        Sum(points) / NullIf(Cast(Sum("criterion__weight"), FloatField()), Value(0.0)), output_field=FloatField()
    )
    return Subquery(
        scores.order_by().values(group_by).annotate(average=average).values("average"), output_field=FloatField()
    )
