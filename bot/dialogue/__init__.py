"""The dialogue engine: declared flows, advanced one input at a time, with no I/O."""
