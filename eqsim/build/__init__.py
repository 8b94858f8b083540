"""Compile C source with gcc, cache the module on disk, load it (knows no neurons)."""
from .cache import BuildInfo, build_and_load, cache_info, clear_cache

__all__ = ["BuildInfo", "build_and_load", "cache_info", "clear_cache"]
