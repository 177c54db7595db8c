"""kb's application layer: use cases that return plain data, shared by every face (the
CLI, the TUI, the browser). It imports the core and the engine, never a face."""
