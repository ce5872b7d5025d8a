"""Which council a person belongs to: the boundary every query and page keeps to."""


def council_of(user):
    """The council a signed-in person belongs to (their profile's); None for people with no
    profile, such as a superuser made on the command line."""
    profile = getattr(user, "profile", None)
    return profile.council if profile else None
