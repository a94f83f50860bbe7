"""One module per sub-command: `configure(parser)` adds arguments, `main(args)` runs."""
