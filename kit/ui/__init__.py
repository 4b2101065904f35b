"""User interface: the kit's widgets and the apps composed from them."""
