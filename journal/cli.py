"""Flask commands: ``flask --app journal <command>``."""

commands: list = []
