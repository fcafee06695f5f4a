"""metstandards: the E-AI WG3 development standards for weather and climate ML, enforced."""

__all__ = ["__version__"]
__version__ = "0.1.0"
