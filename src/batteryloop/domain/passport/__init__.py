"""The battery passport registry's pure core: attributes, value checks, access, lifecycle and completeness.

- :mod:`.attributes`: the 93 registered attributes (Battery Pass longlist v1.2) and their codes.
- :mod:`.values` (with :mod:`.records`, :mod:`.primitives`, :mod:`.cas`): validation of values, every problem
  reported with its field path.
- :mod:`.access`: the level a passport is served at and the attributes visible at that level.
- :mod:`.lifecycle`: status changes, new linked passports, responsibility transfer, cessation.
- :mod:`.completeness`: mandatory attributes missing per battery category.
"""
