"""Reference data files (CSV/TOML), each number with its source and date."""
