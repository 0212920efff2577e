"""The worker's agents, one module each; every module has ``register(context)``."""
