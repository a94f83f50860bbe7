"""One module (or package, for the demo) per tracking provider; each declares `SPEC`.

Adding a carrier is adding a module here (docs/adding-a-carrier.md): `specs()` finds it, so
the registry, the webhook routes and the documented settings include it without other edits.
"""

from __future__ import annotations

import importlib
import pkgutil

from bot.carriers.spec import ProviderSpec


def specs() -> dict[str, ProviderSpec]:
    """Every provider declared in this package, by name, in module order (demo first)."""
    found: list[ProviderSpec] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, ProviderSpec):
            found.append(spec)
    found.sort(key=lambda s: (s.name != "demo", s.name))
    return {spec.name: spec for spec in found}
