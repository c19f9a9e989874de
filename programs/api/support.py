def register(router) -> None:
    """Funds, fund commitments, investments, compute allocations, training programs, cohorts, enrolments."""
