def register(router) -> None:
    """Companies, tenancies, MOUs and their commitments."""
