"""yiwang (一网): many departments, one government."""
