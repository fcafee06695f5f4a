"""metstandards: the E-AI WG3 development standards for weather and climate ML, enforced."""

__all__ = ["__version__"]
#: The one place the version is written: the build reads it from here ([tool.hatch.version]).
__version__ = "0.1.0"
