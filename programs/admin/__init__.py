"""The zone office's admin for programs, calls, applications and reviews, funds, compute and training.

Every list is scoped to the user's zones (`zone_path`), takes its figures from one query (the QuerySet's
`for_admin_list()`), and filters only on indexed columns. Nothing is deleted; archivable records are archived.
"""

from programs.admin import applications, calls, forms, funds, reviews, training

__all__ = ["applications", "calls", "forms", "funds", "reviews", "training"]
