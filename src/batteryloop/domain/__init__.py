"""Pure core of batteryloop: values, rules and calculations with no I/O, clock or framework.

Everything here takes its inputs as arguments (dates included) and returns explainable results. The one read
the core does is of the package's own reference data in ``batteryloop/data`` (see :mod:`.refdata`).
"""
