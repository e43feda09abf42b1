"""Demo design facts for each demo battery model: what the automaker states beyond the passport.

The spread follows designs seen on the market (EverBatt 2023 teardown times, recycling-process-data.md §1.5 for the
order of magnitude): bolted modules with glued cells, welded pouch modules, potted cylindrical modules, structural
cell-to-pack, and a screwed design made for service. Demonstration data, not a real product's.
"""

from __future__ import annotations

from typing import Any

DESIGN_FACTS: dict[str, dict[str, Any]] = {
    "VM-E80": {
        "joining": {"pack_to_module": "screws", "module_to_cell": "adhesive"},
        "disassembly_steps": 16,
        "disassembly_minutes": 52,
        "tools": "standard",
        "modules": 12,
        "cell_format": "prismatic",
        "chemistry_label_on_modules": True,
        "year": 2021,
    },
    "VM-C55": {
        "joining": {"pack_to_cell": "adhesive"},
        "disassembly_steps": 9,
        "disassembly_minutes": 75,
        "tools": "special",
        "modules": 0,
        "cell_format": "cell_to_pack",
        "chemistry_label_on_modules": False,
        "year": 2024,
    },
    "NK-T90": {
        "joining": {"pack_to_module": "screws", "module_to_cell": "welded"},
        "disassembly_steps": 18,
        "disassembly_minutes": 60,
        "tools": "standard",
        "modules": 16,
        "cell_format": "pouch",
        "chemistry_label_on_modules": True,
        "year": 2020,
    },
    "NK-S75": {
        "joining": {"pack_to_module": "screws", "module_to_cell": "potting"},
        "disassembly_steps": 22,
        "disassembly_minutes": 80,
        "tools": "special",
        "modules": 4,
        "cell_format": "cylindrical",
        "chemistry_label_on_modules": False,
        "year": 2023,
    },
    "IB-U50": {
        "joining": {"pack_to_module": "clips", "module_to_cell": "screws"},
        "disassembly_steps": 10,
        "disassembly_minutes": 30,
        "tools": "standard",
        "modules": 8,
        "cell_format": "prismatic",
        "chemistry_label_on_modules": True,
        "year": 2022,
    },
    "IB-M70": {
        "joining": {"pack_to_module": "screws", "module_to_cell": "screws"},
        "disassembly_steps": 12,
        "disassembly_minutes": 35,
        "tools": "standard",
        "modules": 10,
        "cell_format": "prismatic",
        "chemistry_label_on_modules": True,
        "year": 2025,
    },
}
