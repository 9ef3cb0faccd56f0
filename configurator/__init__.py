"""AI hardware configurator: GPU workstations, SXM servers and clusters, sized for LLM work."""

__version__ = "0.1.0"
