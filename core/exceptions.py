class ApplicationError(Exception):
    """A domain rule refused an action. Forms show it on a field, the admin as a message, the API as a 400."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
