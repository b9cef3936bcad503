"""Coverage up the tree: per model, registered / assessed / passed / recognised against the base, from the
kept tallies; the commune's public learning-society page."""


def init_app(app):
    pass
