"""Tracking providers and the plumbing that asks them.

- `providers/`: one module per provider (the demo is a package), each declaring a `SPEC`
  (`spec.py`): settings, client, status mapping, webhook. docs/adding-a-carrier.md.
- plumbing: `registry` (builds the enabled providers), `service` (fan-out, merge, cache),
  `http` (requests, errors), `retry`, `breaker`, `ratelimit`, `cache`, `merge`, `normalize`,
  `couriers` (number formats -> provider slugs), `base` (the Provider Protocol, CarrierError).
"""
