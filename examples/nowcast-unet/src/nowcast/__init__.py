"""Precipitation nowcasting with a small U-Net on radar composites."""

__version__ = "0.3.0"
