from programs.api import calls, support


def register(router) -> None:
    """Programs, calls, applications and reviews (`calls`); funds, investments, allocations, training (`support`)."""
    calls.register(router)
    support.register(router)
