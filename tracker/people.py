"""How a person is named wherever the app shows them: pages, exports, emails and reports."""


def display_name(user, *, default: str = "") -> str:
    """Their full name, else their username; ``default`` for nobody."""
    if user is None:
        return default
    return user.get_full_name() or user.get_username()
