"""Design for recycling of battery models.

- :func:`calculate_design_score` / :func:`score_design`: a 0-100 score with a breakdown per criterion, advice for
  the weakest criteria with their effect on the score, and the model's critical raw material content and value.
- :func:`compare_models`: models side by side; :func:`calculate_oem_trends`: mean score per automaker and year.

Criteria, weights, the CRM list and prices are data (``data/design/criteria.toml``) with rationale and source.
"""

from batteryloop.domain.design.score import (
    CELL_FORMATS,
    CRITERIA,
    JOINING_LEVELS,
    JOINING_METHODS,
    TOOLS,
    Advice,
    Comparison,
    ComparisonRow,
    CriterionScore,
    CrmContent,
    CrmLine,
    DesignFacts,
    DesignScore,
    OemTrend,
    calculate_crm_content,
    calculate_design_score,
    calculate_oem_trends,
    check_design_facts,
    compare_models,
    get_design_criteria,
    score_design,
)

__all__ = [
    "CELL_FORMATS",
    "CRITERIA",
    "JOINING_LEVELS",
    "JOINING_METHODS",
    "TOOLS",
    "Advice",
    "Comparison",
    "ComparisonRow",
    "CriterionScore",
    "CrmContent",
    "CrmLine",
    "DesignFacts",
    "DesignScore",
    "OemTrend",
    "calculate_crm_content",
    "calculate_design_score",
    "calculate_oem_trends",
    "check_design_facts",
    "compare_models",
    "get_design_criteria",
    "score_design",
]
