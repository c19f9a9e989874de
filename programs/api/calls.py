def register(router) -> None:
    """Programs, calls, applications (with their workflow actions) and reviews."""
