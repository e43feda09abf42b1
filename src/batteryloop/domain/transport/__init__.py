"""Transport and waste classification of end-of-life batteries: ADR road transport and the European List of Waste.

- :func:`classify_for_transport`: UN number, special provisions, packing instructions, labels and marks of a waste
  battery carried by road for recycling or disposal (ADR 2025; decision table rows D1-D11).
- :func:`check_packaging`: whether a packaging fits a classification (packing instruction, one battery per
  package above 30 kg net, single-battery large packagings, SP 636 transport-unit limit).
- :func:`classify_waste_code`: the List of Waste code of a waste battery, black mass or battery manufacturing waste
  on a date (the list changes on 9 November 2026).
"""

from batteryloop.domain.transport.classification import (
    TransportClassification,
    TransportQuery,
    classify_for_transport,
)
from batteryloop.domain.transport.errors import ClassificationInputError, InputProblem
from batteryloop.domain.transport.packaging import PackagingCheck, check_packaging
from batteryloop.domain.transport.waste_codes import WasteCodeResult, classify_waste_code

__all__ = [
    "ClassificationInputError",
    "InputProblem",
    "PackagingCheck",
    "TransportClassification",
    "TransportQuery",
    "WasteCodeResult",
    "check_packaging",
    "classify_for_transport",
    "classify_waste_code",
]
