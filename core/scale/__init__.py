"""Generated data at many times a real zone's size, written with PostgreSQL COPY (`manage.py generate_scale_data`).

`common` (sizes, the run's context, dates, names), `copy` (the COPY writer and creation history), one module
per area (`zones`, `companies`, `programs`, `funds`, `training`) with one generator per table, and `generate`
(the checks and the run in one transaction).
"""

from core.scale.common import FIRST_ZONE_SLUG, ScaleDataError, Sizes
from core.scale.generate import GENERATED_MODELS, generate_scale_data

__all__ = ["FIRST_ZONE_SLUG", "GENERATED_MODELS", "ScaleDataError", "Sizes", "generate_scale_data"]
