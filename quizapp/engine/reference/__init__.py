"""The executed reference: a probe's loop, run with real diffusers objects, and its value.

Only the reference worker process imports this package (it imports torch and diffusers).
`run.run_probe` is the entry point: `probe_loop.py` sets the one loop (`engine/loop.py`) up
from the probe, `record.py` holds what the observed iteration leaves, `observables.py` reads
it; docs/architecture.md ("Probes: the executed reference") has the map.
"""
