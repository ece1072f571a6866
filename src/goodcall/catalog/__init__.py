"""The offer catalog: what can be offered, to whom, and why — declared in YAML."""
