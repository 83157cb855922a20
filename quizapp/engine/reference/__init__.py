"""The executed reference: one denoising loop run with real diffusers objects.

Only the reference worker process imports this package (it imports torch and diffusers).
`run.run_probe` is the entry point; the five steps of docs/authoring.md's "Probes: the executed
reference" are the contract every module here implements (docs/architecture.md has the map).
"""
