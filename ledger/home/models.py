"""The home page keeps no tables of its own: it counts what the other features store.
(create_app imports every feature's models module before any API is registered.)"""
