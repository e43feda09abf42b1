"""Product quality grading of recovered battery materials.

- :func:`grade`: an assay of a product lot (main content %, impurities in ppm, ...) checked against a named
  specification, or against every specification of the product in force, naming every parameter with its value,
  limit, unit, outcome and reason, and the best grade the lot meets.
- :func:`get_grading_data`: the specifications (``data/grading/specifications.toml``): battery-grade Li2CO3,
  LiOH·H2O, NiSO4·6H2O, CoSO4·7H2O, MnSO4·H2O and black-mass trading specifications, each limit with its source,
  date and verification status.

See :mod:`batteryloop.domain.grading.grade` for what "on the limit" and "not measured" mean.
"""

from batteryloop.domain.grading.assay import ASSAY_FIELDS, Assay, Measurement, check_assay
from batteryloop.domain.grading.grade import (
    FAIL,
    NOT_MEASURED,
    PASS,
    UNCONFIRMED,
    GradeResult,
    ParameterCheck,
    SpecGrade,
    grade,
    grade_against,
)
from batteryloop.domain.grading.specifications import (
    SPECIFICATIONS_FILE,
    STATUSES,
    UNITS,
    GradingData,
    Product,
    Source,
    Specification,
    SpecParameter,
    find_product,
    get_grading_data,
    parse_grading_data,
)

__all__ = [
    "ASSAY_FIELDS",
    "FAIL",
    "NOT_MEASURED",
    "PASS",
    "SPECIFICATIONS_FILE",
    "STATUSES",
    "UNCONFIRMED",
    "UNITS",
    "Assay",
    "GradeResult",
    "GradingData",
    "Measurement",
    "ParameterCheck",
    "Product",
    "Source",
    "SpecGrade",
    "SpecParameter",
    "Specification",
    "check_assay",
    "find_product",
    "get_grading_data",
    "grade",
    "grade_against",
    "parse_grading_data",
]
