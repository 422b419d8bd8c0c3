"""Emergency preparedness pages, one module per register."""
