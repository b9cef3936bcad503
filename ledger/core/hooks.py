"""Hooks: a higher layer adds its function to a lower layer's list in its init_app, so the arrows
(imports) keep pointing one way."""
from collections.abc import Callable


def register(hooks: list, hook: Callable) -> None:
    """Add `hook` once: init_app runs again for every app made in the same process (the tests make many)."""
    if hook not in hooks:
        hooks.append(hook)
