"""The rule book (rules/*.toml, loaded and checked) and the engines that run it."""
