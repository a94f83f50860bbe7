"""Provider clients (one module each) and the fan-out service that merges them."""
