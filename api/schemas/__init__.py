"""Request and response bodies of the product routes (msgspec Structs, one module per area)."""
