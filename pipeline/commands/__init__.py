"""Groups of ``webcare`` subcommands, one module per feature; ``pipeline.cli`` registers them."""
